"""The caseload ("Mijn werk"): one row per open pathway the user sits on the case team of, with what a worker
needs at a glance. A fixed number of queries whatever the caseload's size (asserted in the tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.assessment.models import Screening, ScreeningObstacle
from apps.offers.models import WaitingListEntry
from apps.pathways.models import Action, ContactLog, Pathway, TeamMember
from apps.pathways.permissions import pathway_accesses
from apps.pathways.services_handover import HANDOVER_ROLES
from apps.referrals.models import Referral

OPEN_ACTION = [Action.Status.OPEN, Action.Status.IN_PROGRESS]
OPEN_REFERRAL = [Referral.Status.SENT, Referral.Status.WAITING, Referral.Status.ACCEPTED, Referral.Status.STARTED]
AWAITING_ANSWER = [Referral.Status.SENT]
FILTERS = ("overdue", "week", "waiting")
SORTS: dict[str, list[Any]] = {
    "name": ["client__last_name", "client__first_name", "id"],
    "due": [F("next_due").asc(nulls_last=True), "id"],
    "contact": [F("last_contact").asc(nulls_first=True), "id"],
    "stage": ["status", "client__last_name", "id"],
}


@dataclass
class CaseloadRow:
    """One line of the caseload; ``overdue`` when the next action's due date (a ``date``) lies before today."""

    pathway: Pathway
    next_action: str
    next_due: dt.date | None
    overdue: bool
    last_contact: dt.date | None
    open_referrals: int
    awaiting_answer: bool
    waiting_position: int | None


def caseload_queryset(*, user: Any, today: dt.date) -> QuerySet[Pathway]:
    """Open pathways where ``user`` holds an active seat on the case team, annotated with ``next_action``,
    ``next_due`` (earliest due date among open actions, undated last), ``last_contact`` (date),
    ``open_referrals`` (count) and ``awaiting_answer`` (a referral sent and not yet answered)."""
    actions = Action.objects.filter(pathway=OuterRef("pk"), status__in=OPEN_ACTION).order_by(
        F("due_on").asc(nulls_last=True), "id"
    )
    contacts = ContactLog.objects.filter(pathway=OuterRef("pk")).order_by("-happened_on", "-id")
    referrals = (
        Referral.objects.filter(pathway=OuterRef("pk"), status__in=OPEN_REFERRAL)
        .order_by()
        .values("pathway")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Pathway.objects.filter(team__user=user, team__is_active=True)
        .exclude(status=Pathway.Status.CLOSED)
        .distinct()
        .select_related("client", "organisation")
        .prefetch_related("team")
        .annotate(
            next_action=Subquery(actions.values("description")[:1]),
            next_due=Subquery(actions.values("due_on")[:1]),
            last_contact=Subquery(contacts.values("happened_on")[:1]),
            open_referrals=Coalesce(Subquery(referrals, output_field=IntegerField()), Value(0)),
            awaiting_answer=Exists(Referral.objects.filter(pathway=OuterRef("pk"), status__in=AWAITING_ANSWER)),
        )
    )


def filter_caseload(
    queryset: QuerySet[Pathway], *, today: dt.date, show: str = "", challenge_id: int | None = None
) -> QuerySet[Pathway]:
    """``show``: "overdue" (next action due before today), "week" (due from today to Sunday), "waiting" (a
    referral awaits the partner's answer); ``challenge_id``: the client's latest screenings record an obstacle of
    that regional challenge's obstacle lines."""
    if show == "overdue":
        queryset = queryset.filter(next_due__lt=today)  # type: ignore[misc]
    elif show == "week":
        end_of_week = today + dt.timedelta(days=6 - today.weekday())
        queryset = queryset.filter(next_due__gte=today, next_due__lte=end_of_week)  # type: ignore[misc]
    elif show == "waiting":
        queryset = queryset.filter(awaiting_answer=True)  # type: ignore[misc]
    if challenge_id is not None:
        queryset = queryset.filter(
            Exists(
                ScreeningObstacle.objects.filter(
                    screening__client_id=OuterRef("client_id"),
                    screening__status=Screening.Status.COMPLETED,
                    obstacle__challenge_lines__challenge_id=challenge_id,
                )
            )
        )
    return queryset


@dataclass(frozen=True)
class CaseloadEntry:
    """One visible pathway of the caseload before its row is built: its id and whether it is ``overdue``."""

    pathway_id: int
    overdue: bool


def caseload_index(
    *, user: Any, today: dt.date, show: str = "", challenge_id: int | None = None, sort: str = "due"
) -> list[CaseloadEntry]:
    """The whole caseload the user may see, filtered and sorted (``SORTS``), as ids: what the page counts, pages and
    hands over. Light: only the columns the access rule reads and the user's own seats are loaded, and no read is
    recorded (``caseload_rows`` records the rows it shows). Two or three queries, whatever the caseload's size."""
    queryset = filter_caseload(
        caseload_queryset(user=user, today=today), today=today, show=show, challenge_id=challenge_id
    )
    light = list(
        queryset.order_by(*SORTS.get(sort, SORTS["due"]))
        .select_related(None)
        .select_related("client")
        .only("id", "status", "client_id", "organisation_id", "client__organisation_id")
        .prefetch_related(None)
        .prefetch_related(Prefetch("team", queryset=TeamMember.objects.filter(user=user)))
    )
    accesses = pathway_accesses(user, light, record=False)
    return [
        CaseloadEntry(p.pk, bool(p.next_due and p.next_due < today))  # type: ignore[attr-defined]
        for p in light
        if p.pk in accesses
    ]


def caseload_rows(
    *,
    user: Any,
    today: dt.date,
    show: str = "",
    challenge_id: int | None = None,
    sort: str = "due",
    pathway_ids: list[int] | None = None,
) -> list[CaseloadRow]:
    """The rows the user may see (``pathway_accesses``: a seat on another organisation's pathway counts only while
    the client's consent shares identity with the user's organisation), filtered and sorted (``SORTS``); with
    ``pathway_ids`` (one page of ``caseload_index``) only those, in that order. The clients shown are recorded
    as one list read.

    Queries: pathways, their teams, consents (only when a seat is on another organisation's pathway), waiting
    list positions (only when a row's client waits): at most four, whatever the number of rows."""
    queryset = filter_caseload(
        caseload_queryset(user=user, today=today), today=today, show=show, challenge_id=challenge_id
    )
    if pathway_ids is not None:
        order = {pk: i for i, pk in enumerate(pathway_ids)}
        pathways = sorted(queryset.filter(pk__in=pathway_ids), key=lambda p: order[p.pk])
    else:
        pathways = list(queryset.order_by(*SORTS.get(sort, SORTS["due"])))
    accesses = pathway_accesses(user, pathways)
    visible = [p for p in pathways if p.pk in accesses]
    positions = waiting_positions_for_clients({p.client_id for p in visible})
    return [
        CaseloadRow(
            pathway=p,
            next_action=p.next_action or "",  # type: ignore[attr-defined]
            next_due=p.next_due,  # type: ignore[attr-defined]
            overdue=bool(p.next_due and p.next_due < today),  # type: ignore[attr-defined]
            last_contact=p.last_contact,  # type: ignore[attr-defined]
            open_referrals=p.open_referrals,  # type: ignore[attr-defined]
            awaiting_answer=p.awaiting_answer,  # type: ignore[attr-defined]
            waiting_position=positions.get(p.client_id),
        )
        for p in visible
    ]


def waiting_positions_for_clients(client_ids: set[int]) -> dict[int, int]:
    """Client id -> best (lowest, 1-based) position on an open waiting list: per offer, or on the region's general
    list when the entry names no offer; ordered by waiting since, then entry id. One query (every open entry of
    the lists these clients wait on); none without clients."""
    if not client_ids:
        return {}
    mine = WaitingListEntry.objects.filter(is_open=True, client_id__in=client_ids)
    entries = (
        WaitingListEntry.objects.filter(is_open=True)
        .filter(
            Q(offer_id__in=Subquery(mine.filter(offer__isnull=False).values("offer_id")))
            | Q(
                offer__isnull=True,
                client__organisation__region_id__in=Subquery(
                    mine.filter(offer__isnull=True).values("client__organisation__region_id")
                ),
            )
        )
        .order_by("since", "id")
        .values_list("offer_id", "client__organisation__region_id", "client_id")
    )
    counters: dict[tuple[int | None, int | None], int] = {}
    result: dict[int, int] = {}
    for offer_id, region_id, client_id in entries:
        key = (offer_id, None if offer_id else region_id)
        counters[key] = counters.get(key, 0) + 1
        if client_id in client_ids:
            result[client_id] = min(counters[key], result.get(client_id, counters[key]))
    return result


def hand_over_candidates(*, organisation_ids: set[int]) -> Q:
    """The condition for colleagues who can take a caseload over (used by the hand-over form)."""

    return Q(
        memberships__organisation_id__in=organisation_ids,
        memberships__is_active=True,
        memberships__role__in=HANDOVER_ROLES,
        is_active=True,
    )
