"""The caseload ("Mijn werk"): one row per open pathway the user sits on the case team of, with what a worker
needs at a glance. A fixed number of queries whatever the caseload's size (asserted in the tests): the whole
caseload as ids (``caseload_index``, with the access rule), then the page's rows as values (``caseload_rows``)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.assessment.models import Screening, ScreeningObstacle
from apps.audit import reads
from apps.core.prepared import Prepared
from apps.offers.models import WaitingListEntry
from apps.pathways.models import Action, ContactLog, Pathway, TeamMember
from apps.pathways.permissions import PathwayFacts, Seat, granted_pathway_ids
from apps.pathways.services_handover import HANDOVER_ROLES
from apps.referrals.models import Referral

OPEN_REFERRAL = [Referral.Status.SENT, Referral.Status.WAITING, Referral.Status.ACCEPTED, Referral.Status.STARTED]
AWAITING_ANSWER = [Referral.Status.SENT]
FILTERS = ("overdue", "week", "waiting")
SORTS: dict[str, list[Any]] = {
    "name": ["client__last_name", "client__first_name", "id"],
    "due": [F("next_due").asc(nulls_last=True), "id"],
    "contact": [F("last_contact").asc(nulls_first=True), "id"],
    "stage": ["status", "client__last_name", "id"],
}


@dataclass(frozen=True)
class CaseloadRow:
    """One line of the caseload, as plain values (no model instances): the pathway's id, the client's name, the
    stage's label; ``next_due``/``last_contact`` are dates; ``overdue`` when ``next_due`` lies before today."""

    pathway_id: int
    first_name: str
    last_name: str
    stage: str
    next_action: str
    next_due: dt.date | None
    overdue: bool
    last_contact: dt.date | None
    open_referrals: int
    awaiting_answer: bool
    waiting_position: int | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _open_actions() -> QuerySet[Action]:
    return Action.objects.filter(pathway=OuterRef("pk"), is_open=True).order_by(F("due_on").asc(nulls_last=True), "id")


def _last_contact() -> Subquery:
    contacts = ContactLog.objects.filter(pathway=OuterRef("pk")).order_by("-happened_on", "-id")
    return Subquery(contacts.values("happened_on")[:1])


def _awaiting_answer() -> Exists:
    return Exists(Referral.objects.filter(pathway=OuterRef("pk"), status__in=AWAITING_ANSWER))


def caseload_queryset(*, user: Any, today: dt.date) -> QuerySet[Pathway]:
    """Open pathways where ``user`` holds an active seat on the case team, with ``next_due`` (earliest due date
    among open actions, undated last: the column ``next_due_on`` that the action services keep): what the index
    sorts and counts as overdue by. The other columns of a row are read by ``caseload_rows`` for the page shown
    only. The pathways are found from the user's seats (``id IN``: the size of the user's caseload, not of every
    open pathway of the partnership)."""
    seats = TeamMember.objects.filter(user=user, is_active=True).values("pathway_id")
    return Pathway.objects.filter(pk__in=seats).exclude(status=Pathway.Status.CLOSED).alias(next_due=F("next_due_on"))


def end_of_week(day: dt.date) -> dt.date:
    """The Sunday of ``day``'s week (Monday to Sunday, as in Belgium)."""
    return day + dt.timedelta(days=6 - day.weekday())


def filter_caseload(
    queryset: QuerySet[Pathway],
    *,
    today: dt.date,
    show: str = "",
    challenge_id: int | None = None,
    week_end: dt.date | None = None,
) -> QuerySet[Pathway]:
    """``show``: "overdue" (next action due before today), "week" (due from today to ``week_end``, default the
    Sunday of today's week), "waiting" (a referral awaits the partner's answer); ``challenge_id``: the client's
    latest screenings record an obstacle of that regional challenge's obstacle lines. ``queryset`` comes from
    ``caseload_queryset`` (``next_due``)."""
    if show == "overdue":
        queryset = queryset.filter(next_due__lt=today)  # type: ignore[misc]
    elif show == "week":
        until = week_end or end_of_week(today)
        queryset = queryset.filter(next_due__gte=today, next_due__lte=until)  # type: ignore[misc]
    elif show == "waiting":
        queryset = queryset.filter(_awaiting_answer())
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
    """One visible pathway of the caseload before its row is built: its id, its client's and whether it is
    ``overdue``."""

    pathway_id: int
    client_id: int
    overdue: bool


@dataclass(frozen=True)
class Caseload:
    """The whole visible caseload, filtered and sorted, as ``entries``; ``organisation_ids``: the user's
    organisations the access rule counted (what the record of reads names)."""

    entries: list[CaseloadEntry]
    organisation_ids: frozenset[int]

    @property
    def overdue(self) -> int:
        return sum(1 for e in self.entries if e.overdue)


@functools.cache
def _light_caseload(show: str, sort: str) -> Prepared[tuple[int, int, int, int, int]]:
    """The caseload filtered by ``show`` and sorted by ``sort``, as tuples of what the access rule reads (id,
    organisation, client, client's organisation) and whether the next action is late (1 or 0), compiled once
    per process, filter and sort (apps/core/prepared.py); a ``challenge_id`` argument adds that filter, and
    "week" takes the week's end as ``week_end``."""

    def build(
        user_id: int, today: dt.date, challenge_id: int | None = None, week_end: dt.date | None = None
    ) -> QuerySet[Any]:
        queryset: Any = filter_caseload(
            caseload_queryset(user=user_id, today=today),
            today=today,
            show=show,
            challenge_id=challenge_id,
            week_end=week_end,
        )
        if sort == "contact":
            queryset = queryset.alias(last_contact=_last_contact())
        # late: 1 when the next action was due before today (an int: no conversion per row, unlike a date)
        late = Case(When(next_due__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
        return (
            queryset.annotate(late=late)
            .order_by(*SORTS[sort])
            .values_list("id", "organisation_id", "client_id", "client__organisation_id", "late")
        )

    return Prepared(build)


# the user's active seats on open pathways (pathway, organisation), in the team's order: what the access rule
# reads of the team (it passes over inactive seats)
_seats_of = Prepared(
    lambda user_id: (
        TeamMember.objects.filter(user_id=user_id, is_active=True)
        .exclude(pathway__status=Pathway.Status.CLOSED)
        .values_list("pathway_id", "organisation_id")
    )
)


def caseload_index(
    *, user: Any, today: dt.date, show: str = "", challenge_id: int | None = None, sort: str = "due"
) -> Caseload:
    """The whole caseload the user may see (``granted_pathway_ids``, the rule of ``pathway_accesses``: a seat on
    another organisation's pathway counts only while the client's consent shares identity with the user's
    organisation), filtered and sorted (``SORTS``), as ids: what the page counts, pages and hands over. Light:
    the columns the access rule reads and the user's own seats as plain values (no model instance), and no read
    is recorded (``caseload_rows`` records the rows it shows). Two queries, three when a seat needs a consent,
    whatever the size."""
    arguments: dict[str, Any] = {"user_id": user.pk, "today": today}
    if show == "week":  # the week's end moves by a number of days that depends on the day: an argument of its own
        arguments["week_end"] = end_of_week(today)
    if challenge_id is not None:
        arguments["challenge_id"] = challenge_id
    light = _light_caseload(show, sort if sort in SORTS else "due")(**arguments)
    user_id = user.pk  # read once: request.user is a lazy object
    seats: dict[int, list[Seat]] = {}
    for pathway_id, organisation_id in _seats_of(user_id=user_id):
        seats.setdefault(pathway_id, []).append(Seat(user_id, organisation_id, True))
    granted, organisations = granted_pathway_ids(
        user, (PathwayFacts(pk, org, client, client_org) for pk, org, client, client_org, _late in light), seats=seats
    )
    entries = [CaseloadEntry(pk, client, late == 1) for pk, _org, client, _client_org, late in light if pk in granted]
    return Caseload(entries, organisations if granted else frozenset())


def _rows_built(ids: list[int]) -> QuerySet[Any]:
    referrals = (
        Referral.objects.filter(pathway=OuterRef("pk"), status__in=OPEN_REFERRAL)
        .order_by()
        .values("pathway")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Pathway.objects.filter(pk__in=ids)
        .annotate(
            next_action=Subquery(_open_actions().values("description")[:1]),
            next_due=F("next_due_on"),  # kept by the action services (next_due_refresh)
            last_contact=_last_contact(),
            open_referrals=Coalesce(Subquery(referrals, output_field=IntegerField()), Value(0)),
            awaiting_answer=_awaiting_answer(),
        )
        .values(
            "id",
            "status",
            "client_id",
            "client__first_name",
            "client__last_name",
            "next_action",
            "next_due",
            "last_contact",
            "open_referrals",
            "awaiting_answer",
        )  # fmt: skip
    )


# the rows of one page of the caseload, compiled once per number of rows (apps/core/prepared.py)
_rows_of = Prepared(_rows_built)


def caseload_rows(
    *, user: Any, today: dt.date, entries: Sequence[CaseloadEntry], organisation_ids: Iterable[int]
) -> list[CaseloadRow]:
    """The rows of ``entries`` (one page of ``caseload_index``, already granted to ``user``), in that order, as
    plain values: only the columns the page shows, the client's name included, no model instance and no access
    check per row. The clients shown are recorded as one list read (``organisation_ids``: ``Caseload``'s).

    Queries: the rows, and waiting list positions when a row's client waits: at most two, whatever the number of
    rows; none without entries."""
    if not entries:
        return []
    found = {row["id"]: row for row in _rows_of(ids=[e.pathway_id for e in entries])}
    shown = [found[e.pathway_id] for e in entries if e.pathway_id in found]
    reads.note_list(actor=user, client_ids=[row["client_id"] for row in shown], organisation_ids=organisation_ids)
    positions = waiting_positions_for_clients({row["client_id"] for row in shown})
    stages = dict(Pathway.Status.choices)
    return [
        CaseloadRow(
            pathway_id=row["id"],
            first_name=row["client__first_name"],
            last_name=row["client__last_name"],
            stage=str(stages.get(row["status"], row["status"])),
            next_action=row["next_action"] or "",
            next_due=row["next_due"],
            overdue=bool(row["next_due"] and row["next_due"] < today),
            last_contact=row["last_contact"],
            open_referrals=row["open_referrals"],
            awaiting_answer=bool(row["awaiting_answer"]),
            waiting_position=positions.get(row["client_id"]),
        )
        for row in shown
    ]


def _waiting_lists_built(client_ids: list[int]) -> QuerySet[Any]:
    mine = WaitingListEntry.objects.filter(is_open=True, client_id__in=client_ids)
    return (
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


# every open entry of the lists a page's clients wait on, compiled once per number of clients
_waiting_lists_of = Prepared(_waiting_lists_built)


def waiting_positions_for_clients(client_ids: set[int]) -> dict[int, int]:
    """Client id -> best (lowest, 1-based) position on an open waiting list: per offer, or on the region's general
    list when the entry names no offer; ordered by waiting since, then entry id. One query (every open entry of
    the lists these clients wait on); none without clients."""
    if not client_ids:
        return {}
    entries = _waiting_lists_of(client_ids=sorted(client_ids))
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


def hand_over_colleagues(*, organisation_ids: set[int], user_id: int) -> QuerySet[Any]:
    """The colleagues of ``organisation_ids`` who can take a caseload over, but the user ``user_id``, by name:
    what the hand-over form checks a submitted colleague against."""
    return (
        User.objects.filter(hand_over_candidates(organisation_ids=organisation_ids))
        .exclude(pk=user_id)
        .distinct()
        .order_by("first_name", "last_name")
    )


# the hand-over form's choices, compiled once (apps/core/prepared.py): ``(pk, first_name, last_name, username)``
hand_over_choices = Prepared(
    lambda organisation_ids, user_id: hand_over_colleagues(
        organisation_ids=organisation_ids, user_id=user_id
    ).values_list("pk", "first_name", "last_name", "username")
)
