"""Case conferences (casusoverleg) and signals (barriers in the system itself).

Writes are services (one transaction, one audit entry each); the reads the pages share live here too,
each in a fixed number of queries. Access:

- a conference is visible to its organiser and participants only (404 for everyone else); the organiser
  is always a participant, so a plan change made from the conference page can be linked to it;
- the clients discussed are shown to each viewer only as far as ``pathway_access`` (the rule behind
  ``get_pathway_for_user``) allows: otherwise "client #<pathway id>", never a name;
- the coordinator of a region sees every signal of that region; everyone else only the signals they raised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Membership, Role, User
from apps.accounts.permissions import coordinated_region_ids, memberships_of
from apps.audit.services import audit_log
from apps.clients.permissions import CASE_ROLES
from apps.conferences.models import CaseConference, SystemSignal
from apps.notifications.services import notify
from apps.pathways.models import Pathway, PlanChange
from apps.pathways.permissions import PathwayAccess, candidate_pathways, pathway_accesses
from apps.regions.models import Region

SCHEDULER_ROLES = {Role.COUNSELLOR, Role.COORDINATOR}


def is_worker(user: Any) -> bool:
    return any(m.role in CASE_ROLES for m in memberships_of(user))


def worker_regions(user: Any) -> list[Region]:
    regions = {m.organisation.region_id: m.organisation.region for m in memberships_of(user) if m.role in CASE_ROLES}
    return sorted(regions.values(), key=lambda r: r.pk)


def scheduling_regions(user: Any) -> list[Region]:
    regions = {
        m.organisation.region_id: m.organisation.region for m in memberships_of(user) if m.role in SCHEDULER_ROLES
    }
    return sorted(regions.values(), key=lambda r: r.pk)


def partnership_users(region: Any, besides: Any = None) -> QuerySet[User]:
    """The people of the partnership: active workers of active organisations of the region (``besides`` left out)."""
    qs = (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=CASE_ROLES,
            memberships__organisation__is_active=True,
            memberships__organisation__region=region,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
        .prefetch_related(
            Prefetch(
                "memberships",
                to_attr="partnership_memberships",
                queryset=Membership.objects.filter(
                    is_active=True, role__in=CASE_ROLES, organisation__is_active=True, organisation__region=region
                ).select_related("organisation"),
            )
        )
    )
    return qs.exclude(pk=besides.pk) if besides is not None else qs


def schedulable_pathways(user: Any, region: Any) -> list[PathwayAccess]:
    """The open pathways of the region the user may see (and so may put on a conference's agenda)."""
    pathways = candidate_pathways(user).filter(organisation__region=region).exclude(status=Pathway.Status.CLOSED)
    accesses = pathway_accesses(user, pathways)
    return sorted(
        accesses.values(), key=lambda a: (a.pathway.client.last_name, a.pathway.client.first_name, a.pathway.pk)
    )


def conferences_for_user(user: Any) -> QuerySet[CaseConference]:
    return (
        CaseConference.objects.filter(Q(organised_by=user) | Q(participants=user))
        .distinct()
        .select_related("organised_by")
        .order_by("-scheduled_at", "-pk")
    )


def conference_page(*, user: Any, conference: CaseConference) -> dict[str, Any]:
    """Everything the conference page shows, in a fixed number of queries (whatever the number of clients)."""
    participants = list(conference.participants.order_by("first_name", "last_name", "username"))
    is_participant = any(p.pk == user.pk for p in participants)
    pathways = list(
        Pathway.objects.filter(case_conferences=conference)
        .select_related("client", "organisation")
        .prefetch_related("team")
        .order_by("pk")
    )
    accesses = pathway_accesses(user, pathways)
    changes: dict[int, list[PlanChange]] = defaultdict(list)
    for change in PlanChange.objects.filter(case_conference=conference).select_related("changed_by"):
        changes[change.pathway_id].append(change)
    rows = []
    for pathway in pathways:
        access = accesses.get(pathway.pk)
        rows.append(
            {
                "pk": pathway.pk,
                "access": access,
                "name": str(pathway.client) if access is not None else "",
                "can_edit_plan": bool(access and access.can_edit_plan and is_participant),
                "plan_changes": changes.get(pathway.pk, []) if access is not None else [],
            }
        )
    signals = list(SystemSignal.objects.filter(case_conference=conference, raised_by=user))
    return {
        "conference": conference,
        "participants": participants,
        "rows": rows,
        "signals": signals,
        "is_participant": is_participant,
        "is_past": conference.scheduled_at <= timezone.now(),
    }


def signals_for_user(user: Any, *, kind: str = "", resolved: bool | None = None) -> QuerySet[SystemSignal]:
    qs = SystemSignal.objects.filter(Q(region_id__in=coordinated_region_ids(user)) | Q(raised_by=user))
    if kind:
        qs = qs.filter(kind=kind)
    if resolved is not None:
        qs = qs.filter(resolved=resolved)
    return qs.select_related("raised_by", "region").order_by("resolved", "-created_at", "-pk")


# --- writes -------------------------------------------------------------------------------------


def _conference_url(conference: CaseConference) -> str:
    return reverse("conferences:detail", kwargs={"pk": conference.pk})


@transaction.atomic
def conference_schedule(
    *,
    actor: Any,
    region: Any,
    scheduled_at: dt.datetime,
    place: str = "",
    participants: Iterable[Any],
    pathway_ids: Iterable[int],
) -> CaseConference:
    """Schedule a case conference. The organiser takes part; the others are notified (no client named)."""
    if region not in scheduling_regions(actor):
        raise ValidationError(_("Only a counsellor or the coordinator of the partnership schedules a case conference."))
    errors: dict[str, list[str]] = {}
    people = {u.pk: u for u in participants}
    people.pop(actor.pk, None)
    allowed = set(partnership_users(region).filter(pk__in=people).values_list("pk", flat=True))
    if set(people) - allowed:
        errors["participants"] = [_("Invite only people of the partnership.")]
    wanted = set(pathway_ids)
    pathways = candidate_pathways(actor).filter(pk__in=wanted, organisation__region=region)
    accesses = pathway_accesses(actor, pathways)
    if not wanted:
        errors["pathways"] = [_("Choose at least one client to discuss.")]
    elif set(accesses) != wanted:
        errors["pathways"] = [_("You can only put clients on the agenda whose pathway you can open.")]
    if errors:
        raise ValidationError(errors)
    conference = CaseConference.objects.create(
        region=region, scheduled_at=scheduled_at, place=place.strip(), organised_by=actor
    )
    conference.participants.set([actor, *people.values()])
    conference.pathways.set(sorted(wanted))
    audit_log(
        actor=actor,
        action="pathways.conference.scheduled",
        obj=conference,
        changes={
            "scheduled_at": scheduled_at.isoformat(),
            "place": conference.place,
            "participants": sorted([actor.pk, *people]),
            "pathways": sorted(wanted),
        },
    )
    notify(
        users=people.values(),
        message=gettext_lazy("You are invited to a case conference."),
        url=_conference_url(conference),
    )
    return conference


@transaction.atomic
def conference_record_decisions(*, conference: CaseConference, actor: Any, decisions: str) -> CaseConference:
    """Record (or correct) what the meeting decided. Only those who took part, and only once it has begun."""
    conference = CaseConference.objects.select_for_update().get(pk=conference.pk)
    participant_ids = set(conference.participants.values_list("pk", flat=True))
    if actor.pk not in participant_ids and actor.pk != conference.organised_by_id:
        raise ValidationError(_("Only the participants record the decisions."))
    if conference.scheduled_at > timezone.now():
        raise ValidationError({"decisions": [_("The decisions can be recorded once the meeting has taken place.")]})
    decisions = decisions.strip()
    if not decisions:
        raise ValidationError({"decisions": [_("Write down what was decided.")]})
    before = conference.decisions
    conference.decisions = decisions
    conference.save(update_fields=["decisions", "updated_at"])
    # the text may name clients: the audit entry records that it changed, not what it says
    audit_log(
        actor=actor,
        action="pathways.conference.decisions_recorded",
        obj=conference,
        changes={"first_time": not before, "length": len(decisions)},
    )
    others = conference.participants.exclude(pk=actor.pk)
    notify(
        users=list(others),
        message=gettext_lazy("The decisions of a case conference were recorded."),
        url=_conference_url(conference),
    )
    return conference


def _names_in(text: str, clients: Iterable[Any]) -> bool:
    words = {w.casefold() for w in re.findall(r"\w+", text)}
    for client in clients:
        for name in (client.first_name, client.last_name):
            parts = [p.casefold() for p in re.findall(r"\w+", name or "") if len(p) >= 2]
            if parts and all(p in words for p in parts):
                return True
    return False


@transaction.atomic
def signal_raise(
    *,
    actor: Any,
    kind: str,
    description: str,
    pathway: Pathway | None = None,
    case_conference: CaseConference | None = None,
    region: Any = None,
) -> SystemSignal:
    """Raise a barrier in the system itself. The description names no client: the names of the clients it
    was raised from are refused. The region's coordinators are notified."""
    if pathway is not None:
        region_id = pathway.organisation.region_id
    elif case_conference is not None:
        region_id = case_conference.region_id
    elif region is not None:
        region_id = region.pk
    else:
        raise ValidationError(_("A signal belongs to a region."))
    if region_id not in {r.pk for r in worker_regions(actor)}:
        raise ValidationError(_("Only people of the partnership raise signals."))
    errors: dict[str, list[str]] = {}
    if kind not in SystemSignal.Kind.values:
        errors["kind"] = [_("Choose a kind.")]
    description = description.strip()
    clients = []
    if pathway is not None:
        clients.append(pathway.client)
    if case_conference is not None:
        clients += [p.client for p in case_conference.pathways.select_related("client")]
    if not description:
        errors["description"] = [_("Describe the barrier.")]
    elif _names_in(description, clients):
        errors["description"] = [_("Leave out the client's name: a signal is about the system, not about a person.")]
    if errors:
        raise ValidationError(errors)
    signal = SystemSignal.objects.create(
        region_id=region_id,
        pathway=pathway,
        case_conference=case_conference,
        kind=kind,
        description=description,
        raised_by=actor,
    )
    audit_log(
        actor=actor,
        action="pathways.signal.raised",
        obj=signal,
        changes={
            "kind": kind,
            "pathway": pathway.pk if pathway else None,
            "case_conference": case_conference.pk if case_conference else None,
        },
    )
    coordinators = User.objects.filter(
        pk__in=Membership.objects.filter(
            role=Role.COORDINATOR, is_active=True, organisation__is_active=True, organisation__region_id=region_id
        ).values("user_id")
    ).exclude(pk=actor.pk)
    notify(
        users=list(coordinators),
        message=gettext_lazy("A new signal was raised in the partnership."),
        url=reverse("conferences:signals"),
    )
    return signal


@transaction.atomic
def signal_resolve(*, signal: SystemSignal, actor: Any) -> SystemSignal:
    signal = SystemSignal.objects.select_for_update().get(pk=signal.pk)
    if signal.region_id not in coordinated_region_ids(actor):
        raise ValidationError(_("Only the coordinator of the partnership marks a signal resolved."))
    if signal.resolved:
        raise ValidationError(_("This signal was already resolved."))
    signal.resolved = True
    signal.save(update_fields=["resolved", "updated_at"])
    audit_log(actor=actor, action="pathways.signal.resolved", obj=signal, changes={"kind": signal.kind})
    if signal.raised_by_id != actor.pk:
        notify(
            users=[signal.raised_by],
            message=gettext_lazy("A signal you raised was marked resolved."),
            url=reverse("conferences:signals"),
        )
    return signal
