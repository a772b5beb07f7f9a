"""Writes on pathways: start, team, the shared plan (versioned, no lost updates), contacts, closure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role
from apps.audit.services import audit_log
from apps.consent.models import DataCategory, Purpose
from apps.consent.selectors import covered_categories
from apps.consent.services import consent_withdraw
from apps.core.chronology import Dated, Event, check_dates
from apps.core.concurrency import EditConflict, versioned_update
from apps.core.dates import at_least_months_after
from apps.core.states import check_transition, transition
from apps.notifications.services import notify
from apps.offers.models import WaitingListEntry
from apps.offers.services import waiting_entries_close
from apps.pathways.models import Action, Closure, ContactLog, Goal, Pathway, PlanChange, TeamMember, TeamRole

# referral statuses that are still open (strings: apps.referrals sits above pathways; docs/architecture.md)
OPEN_REFERRAL_STATUSES = ("sent", "waiting", "accepted", "started")


def require_open(pathway: Pathway) -> None:
    """Refuse (``ValidationError``) any change to the plan, team or actions of a closed pathway (issue 10)."""
    current = Pathway.objects.values_list("status", flat=True).get(pk=pathway.pk)
    if current == Pathway.Status.CLOSED:
        raise ValidationError(_("This pathway is closed: reopen it first to change its plan, team or actions."))


class PlanConflict(EditConflict):
    """Someone else saved the plan since it was opened; nothing was written (the plan's EditConflict)."""


@transaction.atomic
def pathway_start(*, client: Any, actor: Any, organisation: Any, started_on: dt.date | None = None) -> Pathway:
    """Start a pathway of ``client`` for ``organisation`` with the actor in the counsellor's seat (the
    direction), from ``started_on`` (default today). Returns the new pathway.

    Raises ``ValidationError`` when the actor is not an active counsellor of ``organisation`` (addendum: the
    trajectbegeleider holds the direction; the same rule as ``team_add`` and the hand-over), the dates disagree,
    or the client already has an open pathway: checked here and guaranteed by the partial unique constraint
    ``uniq_open_pathway_per_client`` when two start at once (issue 10)."""
    from django.db import IntegrityError

    if not actor.memberships.filter(organisation=organisation, role=Role.COUNSELLOR, is_active=True).exists():
        raise ValidationError(
            _("Only a counsellor of %(org)s can start a pathway: they hold its direction.") % {"org": organisation.name}
        )
    started_on = started_on or timezone.localdate()
    check_dates({Event.PATHWAY_START: Dated("started_on", started_on), Event.BIRTH: Dated(None, client.birth_date)})
    duplicate = ValidationError(_("This client already has an open pathway."))
    if Pathway.objects.filter(client=client).exclude(status=Pathway.Status.CLOSED).exists():
        raise duplicate
    try:
        with transaction.atomic():
            pathway = Pathway.objects.create(client=client, organisation=organisation, started_on=started_on)
    except IntegrityError as exc:
        raise duplicate from exc
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
    """Give ``user`` a place on the case team of ``pathway`` for ``organisation`` with team ``role`` (a
    ``TeamRole`` value) and ``task`` (at most 200 characters). Returns the new ``TeamMember``.

    Raises ``ValidationError`` (on ``user`` or ``role``) when the pathway is closed, the organisation is
    outside the partnership, the person does not work for it (an active membership), is already on the team,
    another organisation has no recorded consent to see the client's identity for guidance, or the seat is
    the counsellor's (the direction: addendum, the trajectbegeleider holds it) and the person is not a
    counsellor of the organisation that holds the pathway, joining for it: the same rule as the caseload
    hand-over (services_handover, within one organisation) and ``pathway_start``.
    """
    require_open(pathway)
    if organisation.region_id != pathway.organisation.region_id:
        raise ValidationError({"user": [_("Only people of the partnership can join the team.")]})
    roles = set(user.memberships.filter(organisation=organisation, is_active=True).values_list("role", flat=True))
    if not roles:
        raise ValidationError({"user": [_("This person does not work for that organisation.")]})
    if role == TeamRole.COUNSELLOR and (organisation.pk != pathway.organisation_id or Role.COUNSELLOR not in roles):
        # the direction stays with the organisation that holds the pathway ("regie: ..." on its page)
        raise ValidationError(
            {"role": [_("Only a counsellor of %(org)s can hold the direction.") % {"org": pathway.organisation.name}]}
        )
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
def team_remove(*, member: TeamMember, actor: Any, reason: str = "") -> TeamMember:
    """End a member's place on the team. What depended on it is handled and stated in the audit entry: the
    member's open actions go to the counsellor who holds the direction (``ValidationError`` when the member
    is that last counsellor, or the pathway is closed). ``reason`` is stored in the audit entry."""
    require_open(member.pathway)
    return _team_place_end(member, actor, reason=reason)


def _team_place_end(member: TeamMember, actor: Any, *, reason: str) -> TeamMember:
    pathway = member.pathway
    heir = (
        pathway.team.filter(is_active=True, role=TeamRole.COUNSELLOR)
        .exclude(pk=member.pk)
        .select_related("user")
        .order_by("id")
        .first()
    )
    open_actions = Action.objects.filter(pathway=pathway, owner_id=member.user_id, is_open=True)
    moved: list[int] = []
    if pathway.status != Pathway.Status.CLOSED:
        if heir is None and member.role == TeamRole.COUNSELLOR:
            raise ValidationError(
                {"user": [_("This is the only counsellor who holds the direction: add another counsellor first.")]}
            )
        if heir is not None:
            moved = list(open_actions.values_list("pk", flat=True))
            open_actions.update(owner=heir.user, owner_organisation=heir.organisation, updated_at=timezone.now())
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    audit_log(
        actor=actor,
        action="pathways.team.removed",
        obj=pathway,
        changes={"user": member.user_id, "actions_moved": moved, "to": heir.user_id if heir else None,
                 "reason": reason[:100]},
    )  # fmt: skip
    return member


@transaction.atomic
def team_places_end(
    *, user: Any, actor: Any, reason: str, organisation: Any = None, pathway: Pathway | None = None
) -> list[TeamMember]:
    """End every active team place of ``user`` (only those for ``organisation`` when given), on open and
    closed pathways alike: a worker who leaves loses the access the team gave at once (issue 10). The last
    counsellor of an open pathway is ended too; that pathway's open actions stay with them and the audit
    entry says so (someone must take over the direction). ``pathway``: only the place on that pathway.
    ``reason`` is a short code (``membership_ended``, ``consent``), never free text. Returns the places ended."""
    places = TeamMember.objects.filter(user=user, is_active=True).select_related("pathway", "organisation")
    if organisation is not None:
        places = places.filter(organisation=organisation)
    if pathway is not None:
        places = places.filter(pathway=pathway)
    ended = []
    for member in places:
        try:
            with transaction.atomic():
                ended.append(_team_place_end(member, actor, reason=reason))
        except ValidationError:
            member.is_active = False
            member.save(update_fields=["is_active", "updated_at"])
            audit_log(
                actor=actor,
                action="pathways.team.removed",
                obj=member.pathway,
                changes={"user": member.user_id, "actions_moved": [], "to": None, "reason": reason[:100],
                         "without_counsellor": True},
            )  # fmt: skip
            ended.append(member)
    return ended


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
    require_open(pathway)
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


def next_due_refresh(*, pathway_ids: Iterable[int]) -> None:
    """Set ``Pathway.next_due_on`` of ``pathway_ids`` to the earliest due date of their open actions (None when no
    open action is dated), in one UPDATE. Every service that adds actions or changes their status calls it in its
    own transaction (``action_add``, ``action_set_status``, ``pathway_close``; the demo's bulk writes too)."""
    earliest = (
        Action.objects.filter(pathway=OuterRef("pk"), is_open=True)
        .order_by()
        .values("pathway")
        .annotate(earliest=Min("due_on"))
        .values("earliest")
    )
    Pathway.objects.filter(pk__in=list(pathway_ids)).update(
        next_due_on=Subquery(earliest, output_field=models.DateField())
    )


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
    require_open(pathway)
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
    next_due_refresh(pathway_ids=[pathway.pk])
    pathway.refresh_from_db(fields=["plan_version", "next_due_on"])
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
    require_open(action.pathway)
    before = transition(action, status)
    action.save(update_fields=["status", "updated_at"])
    Pathway.objects.filter(pk=action.pathway_id).update(plan_version=F("plan_version") + 1)
    next_due_refresh(pathway_ids=[action.pathway_id])
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
    check_dates(
        {
            Event.CONTACT: Dated("happened_on", contact.happened_on),
            Event.PATHWAY_START: Dated(None, pathway.started_on),
            Event.BIRTH: Dated(None, pathway.client.birth_date),
        }
    )
    contact.full_clean()
    contact.save()
    audit_log(
        actor=actor,
        action="pathways.contact.logged",
        obj=contact,
        changes={"pathway": pathway.pk, "place": contact.place, "confidential": contact.confidential},
    )
    return contact


def closing_summary(*, pathway: Pathway) -> dict[str, Any]:
    """What is still open on a pathway before it closes (for the closing page and the audit entry): open
    actions, open referrals (through the reverse relation ``pathway.referrals``), the client's open waiting
    entries and the active team. Lists of model instances."""
    return {
        "actions": list(Action.objects.filter(pathway=pathway, is_open=True).select_related("owner")),
        "referrals": list(
            pathway.referrals.filter(status__in=OPEN_REFERRAL_STATUSES).select_related("offer", "offer__organisation")
        ),
        "waiting": list(
            WaitingListEntry.objects.filter(client_id=pathway.client_id, is_open=True).select_related("offer")
        ),
        "team": list(pathway.team.filter(is_active=True).select_related("user", "organisation")),
    }


@transaction.atomic
def pathway_close(*, pathway: Pathway, actor: Any, closed_on: dt.date, outcome: str, **esf: Any) -> Closure:
    """Close the pathway itself: record the closure (ESF+ results), cancel open actions and close the
    client's open waiting entries. Refuses (``ValidationError``) while referrals are open: those are
    withdrawn first by ``apps.referrals.services.pathway_close_with_referrals``, the service pages call
    (issue 10: closing closes what depends on it). The team stays, read-only, for the history. The follow-up
    is due at least ``ESF_FOLLOW_UP_MONTHS`` calendar months after ``closed_on`` (``at_least_months_after``).
    Pages and the API close through ``apps.esf.services_closing.close_pathway`` (ESF+ leaving data too)."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    check_transition(pathway, Pathway.Status.CLOSED)
    if pathway.referrals.filter(status__in=OPEN_REFERRAL_STATUSES).exists():
        raise ValidationError(_("This pathway still has open referrals: withdraw them first."))
    follow_up_due = at_least_months_after(closed_on, settings.ESF_FOLLOW_UP_MONTHS)
    check_dates(
        {
            Event.CLOSURE: Dated("closed_on", closed_on),
            Event.FOLLOW_UP_DUE: Dated(None, follow_up_due),
            Event.PATHWAY_START: Dated(None, pathway.started_on),
            Event.BIRTH: Dated(None, pathway.client.birth_date),
        }
    )
    closure = Closure(
        pathway=pathway,
        closed_on=closed_on,
        outcome=outcome,
        closed_by=actor,
        follow_up_due=follow_up_due,
        **esf,
    )
    closure.full_clean()
    closure.save()
    transition(pathway, Pathway.Status.CLOSED)
    pathway.save(update_fields=["status", "updated_at"])
    cancelled = list(Action.objects.filter(pathway=pathway, is_open=True).values_list("pk", flat=True))
    Action.objects.filter(pk__in=cancelled).update(status=Action.Status.CANCELLED, updated_at=timezone.now())
    next_due_refresh(pathway_ids=[pathway.pk])
    pathway.next_due_on = None
    closed_entries = waiting_entries_close(client_id=pathway.client_id)
    audit_log(
        actor=actor,
        action="pathways.pathway.closed",
        obj=pathway,
        changes={
            "outcome": outcome,
            "follow_up_due": closure.follow_up_due.isoformat(),
            "actions_cancelled": cancelled,
            "waiting_entries_closed": closed_entries,
        },
    )
    return closure


@transaction.atomic
def pathway_reopen(*, pathway: Pathway, actor: Any, reason: str) -> Pathway:
    """Reopen a closed pathway (back to active) with a reason, audited with the closure it undoes (which is
    removed, so the pathway can be closed again). Refused (``ValidationError``) without a reason, or when
    the client has another open pathway meanwhile (constraint ``uniq_open_pathway_per_client``)."""
    from django.db import IntegrityError

    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the pathway is reopened.")]})
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    transition(pathway, Pathway.Status.ACTIVE)
    other = ValidationError(_("This client already has an open pathway."))
    if Pathway.objects.filter(client_id=pathway.client_id).exclude(status=Pathway.Status.CLOSED).exists():
        raise other
    closure = Closure.objects.filter(pathway=pathway).first()
    undone: dict[str, Any] = (
        {"closed_on": closure.closed_on.isoformat(), "outcome": closure.outcome, "closed_by": closure.closed_by_id}
        if closure
        else {}
    )
    if closure is not None:
        closure.delete()
    try:
        with transaction.atomic():
            pathway.save(update_fields=["status", "updated_at"])
    except IntegrityError as exc:
        raise other from exc
    # the reason (free text) goes to the pathway's history the team sees; the audit entry points at it
    change = PlanChange.objects.create(
        pathway=pathway,
        version=pathway.plan_version,
        changed_by=actor,
        summary=(_("reopened: %(reason)s") % {"reason": reason.strip()})[:300],
        changes={"closure": undone},
    )
    audit_log(
        actor=actor,
        action="pathways.pathway.reopened",
        obj=pathway,
        changes={"plan_change": change.pk, "closure": undone},
    )
    return pathway


@transaction.atomic
def follow_up_record(
    *, closure: Closure, actor: Any, followed_up_on: dt.date, employed: bool, better_situation: bool, note: str = ""
) -> Closure:
    if closure.followed_up_on is not None:
        raise ValidationError(_("The follow-up was already recorded."))
    check_dates(
        {
            Event.FOLLOW_UP_DONE: Dated("followed_up_on", followed_up_on),
            Event.CLOSURE: Dated(None, closure.closed_on),
        }
    )
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


@transaction.atomic
def consent_withdraw_with_team(*, consent: Any, actor: Any) -> dict[str, Any]:
    """Withdraw a consent and end the team places that depended on it: a member of another organisation
    than the pathway's and the client's stays on a team only while a consent shares the client's identity
    with their organisation for guidance (the rule of ``team_add``). Returns ``{"team_places_ended": [...]}``
    (pathway ids) for the page to state."""
    consent_withdraw(consent=consent, actor=actor)
    ended: list[int] = []
    members = TeamMember.objects.filter(
        pathway__client_id=consent.client_id, is_active=True, organisation__in=consent.organisations.all()
    ).select_related("pathway", "user", "organisation")
    for member in members:
        pathway = member.pathway
        if member.organisation_id in {pathway.organisation_id, pathway.client.organisation_id}:
            continue
        shared = covered_categories(
            client_id=consent.client_id, organisation_ids={member.organisation_id}, purpose=Purpose.GUIDANCE
        )
        if DataCategory.IDENTITY not in shared:
            team_places_end(user=member.user, actor=actor, pathway=pathway, reason="consent")
            ended.append(pathway.pk)
    return {"team_places_ended": sorted(set(ended))}
