"""Writes on pathways: start, team, the shared plan (versioned, no lost updates), contacts, closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_log
from apps.consent.models import DataCategory, Purpose
from apps.consent.services import covered_categories
from apps.core.concurrency import EditConflict, versioned_update
from apps.core.states import check_transition, transition
from apps.notifications.services import notify
from apps.pathways.models import Action, Closure, ContactLog, Goal, Pathway, PlanChange, TeamMember, TeamRole


class PlanConflict(EditConflict):
    """Someone else saved the plan since it was opened; nothing was written (the plan's EditConflict)."""


@transaction.atomic
def pathway_start(*, client: Any, actor: Any, organisation: Any, started_on: dt.date | None = None) -> Pathway:
    if Pathway.objects.filter(client=client).exclude(status=Pathway.Status.CLOSED).exists():
        raise ValidationError(_("This client already has an open pathway."))
    pathway = Pathway.objects.create(
        client=client, organisation=organisation, started_on=started_on or timezone.localdate()
    )
    TeamMember.objects.create(
        pathway=pathway,
        user=actor,
        organisation=organisation,
        role=TeamRole.COUNSELLOR,
        task=_("Holds the direction"),
    )
    audit_log(actor=actor, action="pathways.pathway.started", obj=pathway, changes={"client": client.pk})
    return pathway


@transaction.atomic
def pathway_activate(*, pathway: Pathway, actor: Any) -> Pathway:
    transition(pathway, Pathway.Status.ACTIVE)
    pathway.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="pathways.pathway.activated", obj=pathway)
    return pathway


@transaction.atomic
def pathway_pause(*, pathway: Pathway, actor: Any) -> Pathway:
    transition(pathway, Pathway.Status.PAUSED)
    pathway.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="pathways.pathway.paused", obj=pathway)
    return pathway


@transaction.atomic
def team_add(*, pathway: Pathway, actor: Any, user: Any, organisation: Any, role: str, task: str = "") -> TeamMember:
    if organisation.region_id != pathway.organisation.region_id:
        raise ValidationError({"user": [_("Only people of the partnership can join the team.")]})
    if not user.memberships.filter(organisation=organisation, is_active=True).exists():
        raise ValidationError({"user": [_("This person does not work for that organisation.")]})
    if pathway.team.filter(user=user, is_active=True).exists():
        raise ValidationError({"user": [_("This person is already on the team.")]})
    if organisation.pk != pathway.organisation_id:
        shared = covered_categories(
            client_id=pathway.client_id, organisation_ids={organisation.pk}, purpose=Purpose.GUIDANCE
        )
        if DataCategory.IDENTITY not in shared:
            raise ValidationError(
                {"user": [_("Record the client's consent to share with %(org)s first.") % {"org": organisation.name}]}
            )
    member = TeamMember.objects.create(pathway=pathway, user=user, organisation=organisation, role=role, task=task)
    audit_log(
        actor=actor,
        action="pathways.team.added",
        obj=pathway,
        changes={"user": user.pk, "organisation": organisation.pk, "role": role},
    )
    notify(
        users=[user], message=gettext_lazy("You were added to the team of a pathway."), url=f"/trajecten/{pathway.pk}/"
    )
    return member


@transaction.atomic
def team_remove(*, member: TeamMember, actor: Any) -> TeamMember:
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    audit_log(actor=actor, action="pathways.team.removed", obj=member.pathway, changes={"user": member.user_id})
    return member


@transaction.atomic
def plan_save(
    *,
    pathway: Pathway,
    actor: Any,
    expected_version: int,
    client_words: str,
    goals: list[dict[str, Any]],
    case_conference: Any = None,
) -> Pathway:
    """Save the client's words and the goals. Optimistic lock: a stale ``expected_version`` raises
    PlanConflict and writes nothing, so two people saving at once lose no update."""
    try:
        versioned_update(
            Pathway,
            pk=pathway.pk,
            expected_version=expected_version,
            field="plan_version",
            client_words=client_words,
            updated_at=timezone.now(),
        )
    except EditConflict as conflict:
        last = PlanChange.objects.filter(pathway=pathway).select_related("changed_by").first()
        raise PlanConflict(conflict.current_version, str(last.changed_by) if last else "") from None
    before = {"client_words": pathway.client_words, "goals": _goals_snapshot(pathway)}
    region_id = pathway.organisation.region_id
    keep: list[int] = []
    for item in goals:
        goal_id: int | None = item.get("id")
        goal = Goal.objects.filter(pathway=pathway, pk=goal_id).first() if goal_id else None
        if goal is None:
            goal = Goal(pathway=pathway)
        if item["life_domain"].region_id != region_id:
            raise ValidationError({"goals": [_("A goal's life domain must belong to the region.")]})
        goal.life_domain = item["life_domain"]
        goal.description = item["description"].strip()
        goal.achieved = bool(item.get("achieved"))
        if not goal.description:
            raise ValidationError({"goals": [_("Describe every goal.")]})
        goal.save()
        goal.obstacles.set(item.get("obstacles", []))
        keep.append(goal.pk)
    Goal.objects.filter(pathway=pathway).exclude(pk__in=keep).delete()
    pathway.refresh_from_db()
    after = {"client_words": pathway.client_words, "goals": _goals_snapshot(pathway)}
    changed = {k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]}
    PlanChange.objects.create(
        pathway=pathway,
        version=pathway.plan_version,
        changed_by=actor,
        changes=changed,
        summary=", ".join(sorted(changed)) or _("no change"),
        case_conference=case_conference,
    )
    audit_log(
        actor=actor,
        action="pathways.plan.saved",
        obj=pathway,
        changes={"version": pathway.plan_version, "fields": sorted(changed)},
    )
    return pathway


def _goals_snapshot(pathway: Pathway) -> list[dict[str, Any]]:
    return [
        {
            "id": g.pk,
            "domain": g.life_domain_id,
            "description": g.description,
            "achieved": g.achieved,
            "obstacles": sorted(o.pk for o in g.obstacles.all()),
        }
        for g in Goal.objects.filter(pathway=pathway).prefetch_related("obstacles").order_by("pk")
    ]


@transaction.atomic
def action_add(
    *,
    pathway: Pathway,
    actor: Any,
    description: str,
    owner: Any,
    owner_organisation: Any,
    due_on: dt.date | None = None,
    goal: Goal | None = None,
) -> Action:
    if not pathway.team.filter(user=owner, is_active=True).exists():
        raise ValidationError({"owner": [_("The owner must be on the team.")]})
    action = Action.objects.create(
        pathway=pathway,
        goal=goal,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
    )
    Pathway.objects.filter(pk=pathway.pk).update(plan_version=F("plan_version") + 1)
    pathway.refresh_from_db(fields=["plan_version"])
    PlanChange.objects.create(
        pathway=pathway,
        version=pathway.plan_version,
        changed_by=actor,
        summary=_("action added"),
        changes={"action": action.pk, "owner": owner.pk},
    )
    audit_log(actor=actor, action="pathways.action.added", obj=action, changes={"owner": owner.pk})
    if owner != actor:
        notify(
            users=[owner], message=gettext_lazy("A new action was assigned to you."), url=f"/trajecten/{pathway.pk}/"
        )
    return action


@transaction.atomic
def action_set_status(*, action: Action, actor: Any, status: str) -> Action:
    if status not in Action.Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if status == action.status:
        return action
    before = transition(action, status)
    action.save(update_fields=["status", "updated_at"])
    Pathway.objects.filter(pk=action.pathway_id).update(plan_version=F("plan_version") + 1)
    version = Pathway.objects.values_list("plan_version", flat=True).get(pk=action.pathway_id)
    PlanChange.objects.create(
        pathway_id=action.pathway_id,
        version=version,
        changed_by=actor,
        summary=_("action status changed"),
        changes={"action": action.pk, "before": before, "after": status},
    )
    audit_log(
        actor=actor, action="pathways.action.status_changed", obj=action, changes={"before": before, "after": status}
    )
    return action


@transaction.atomic
def contact_log_add(*, pathway: Pathway, actor: Any, organisation: Any, **data: Any) -> ContactLog:
    contact = ContactLog(pathway=pathway, author=actor, author_organisation=organisation, **data)
    contact.full_clean()
    contact.save()
    audit_log(
        actor=actor,
        action="pathways.contact.logged",
        obj=contact,
        changes={"pathway": pathway.pk, "place": contact.place, "confidential": contact.confidential},
    )
    return contact


@transaction.atomic
def pathway_close(*, pathway: Pathway, actor: Any, closed_on: dt.date, outcome: str, **esf: Any) -> Closure:
    check_transition(pathway, Pathway.Status.CLOSED)
    closure = Closure(
        pathway=pathway,
        closed_on=closed_on,
        outcome=outcome,
        closed_by=actor,
        follow_up_due=closed_on + dt.timedelta(days=182),
        **esf,
    )
    closure.full_clean()
    closure.save()
    transition(pathway, Pathway.Status.CLOSED)
    pathway.save(update_fields=["status", "updated_at"])
    Action.objects.filter(pathway=pathway, status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS]).update(
        status=Action.Status.CANCELLED
    )
    audit_log(
        actor=actor,
        action="pathways.pathway.closed",
        obj=pathway,
        changes={"outcome": outcome, "follow_up_due": closure.follow_up_due.isoformat()},
    )
    return closure


@transaction.atomic
def follow_up_record(
    *, closure: Closure, actor: Any, followed_up_on: dt.date, employed: bool, better_situation: bool, note: str = ""
) -> Closure:
    if closure.followed_up_on is not None:
        raise ValidationError(_("The follow-up was already recorded."))
    closure.followed_up_on = followed_up_on
    closure.employed_after_6_months = employed
    closure.better_situation_after_6_months = better_situation
    closure.follow_up_note = note
    closure.save()
    audit_log(
        actor=actor,
        action="pathways.follow_up.recorded",
        obj=closure.pathway,
        changes={"employed": employed, "better": better_situation},
    )
    return closure
