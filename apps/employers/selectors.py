"""Reads for employer engagement: matching profiles (plain values, few queries) and the coordinator's overview."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import is_coordinator_of_region, memberships_of
from apps.assessment.models import Screening
from apps.clients.models import Client
from apps.clients.permissions import FULL_ROLES
from apps.clients.selectors import clients_for_user
from apps.core.keyset import KeysetPage, keyset_page, keyset_page_admitted
from apps.employers.matching import DUTCH_RANK, CandidateProfile, OpportunityProfile
from apps.employers.models import (
    CoachingContact,
    Employer,
    NaceSection,
    Opportunity,
    Placement,
    PlacementStatus,
    RefusalReason,
    WorkWish,
)
from apps.employers.permissions import case_organisations
from apps.matching.travel import Place
from apps.pathways.models import Outcome


def opportunity_profiles(*, region_id: int, pk: int | None = None) -> list[OpportunityProfile]:
    """Open opportunities of a region as plain profiles (one query); given ``pk``, that one opportunity whatever
    its status (a page that already holds the opportunity uses ``opportunity_profile``: no query)."""
    qs = Opportunity.objects.filter(employer__region_id=region_id, status=Opportunity.Status.OPEN)
    if pk is not None:
        qs = Opportunity.objects.filter(pk=pk)
    rows = qs.values(*_OPPORTUNITY_VALUES)
    return [_opportunity_profile(r) for r in rows]


_OPPORTUNITY_VALUES = (
    *("pk", "title", "employer__name", "kind", "rung", "isco_code"),
    *("municipality__code", "municipality__latitude", "municipality__longitude"),
    *("dutch_level", "driving_licence", "supports", "hours_per_week", "shifts"),
)


def opportunity_profile(*, opportunity: Opportunity) -> OpportunityProfile:
    """The profile of an opportunity loaded with its employer and municipality (``get_opportunity_for_user``):
    no query; equal to ``opportunity_profiles(region_id=..., pk=opportunity.pk)[0]``."""
    row: dict[str, Any] = {}
    for name in _OPPORTUNITY_VALUES:
        value: Any = opportunity
        for part in name.split("__"):
            value = getattr(value, part)
        row[name] = value
    return _opportunity_profile(row)


def _opportunity_profile(r: Mapping[str, Any]) -> OpportunityProfile:
    return OpportunityProfile(
        id=r["pk"],
        title=r["title"],
        employer_name=r["employer__name"],
        kind=r["kind"],
        rung=r["rung"],
        isco_code=r["isco_code"],
        municipality=r["municipality__code"],
        latitude=r["municipality__latitude"],
        longitude=r["municipality__longitude"],
        dutch_rank=DUTCH_RANK.get(r["dutch_level"], 0),
        driving_licence=r["driving_licence"],
        supports=frozenset(r["supports"]),
        hours=r["hours_per_week"],
        shifts=frozenset(r["shifts"]),
    )


def _place(client: Any) -> Place:
    where = client.deelgemeente if client.deelgemeente and client.deelgemeente.latitude is not None else None
    return Place(
        code=where.code if where else client.municipality.code,
        municipality=client.municipality.code,
        latitude=where.latitude if where else client.municipality.latitude,
        longitude=where.longitude if where else client.municipality.longitude,
    )


def candidate_profiles(
    *, clients: list[Client], wishes: Mapping[int, WorkWish | None] | None = None
) -> dict[int, CandidateProfile]:
    """Profiles of clients whose latest completed screening places them on the ladder, in 2 queries whatever
    their number (the latest completed screenings with their obstacles' life domains, one row per obstacle;
    the work wishes), 1 when ``wishes`` is given (``{client id: wish or None}``, read by the caller).

    ``clients``: loaded with ``municipality`` and ``deelgemeente`` (their place). The latest screening is the
    last ``screened_on``, then the highest id. Clients without a completed screening or without rungs are left
    out; so are those whose rungs stay below 3 (no opportunity fits them yet).
    """
    if not clients:
        return {}
    ids = [c.pk for c in clients]
    completed = Screening.objects.filter(status=Screening.Status.COMPLETED)
    newest = completed.filter(client_id=OuterRef("client_id")).order_by("-screened_on", "-id").values("pk")[:1]
    latest: dict[int, tuple[int | None, int | None, set[str]]] = {}
    for client_id, current, attainable, domain in (
        completed.filter(client_id__in=ids, pk=Subquery(newest))
        .values_list("client_id", "ladder_current", "ladder_attainable", "obstacles__life_domain__code")
        .order_by()
    ):
        found = latest.setdefault(client_id, (current, attainable, set()))
        if domain is not None:
            found[2].add(domain)
    if wishes is None:
        wishes = {w.client_id: w for w in WorkWish.objects.filter(client_id__in=ids)}
    profiles = {}
    for client in clients:
        screening = latest.get(client.pk)
        if screening is None or (screening[0] is None and screening[1] is None):
            continue
        current = screening[0] or screening[1] or 0
        attainable = screening[1] or current
        if max(current, attainable) < 3:
            continue
        wish = wishes.get(client.pk)
        profiles[client.pk] = CandidateProfile(
            client_id=client.pk,
            current_rung=current,
            attainable_rung=attainable,
            place=_place(client),
            dutch_rank=DUTCH_RANK.get(client.dutch_level, 0),
            driving_licence=bool(wish and wish.driving_licence),
            domains=frozenset(screening[2]),
            wished_codes=tuple(wish.occupations) if wish else (),
            max_travel_minutes=wish.max_travel_minutes if wish else 60,
            max_hours=wish.max_hours_per_week if wish else 38,
            shifts=frozenset(wish.shifts) if wish else frozenset(),
        )
    return profiles


def work_wishes(clients: list[Client]) -> dict[int, WorkWish | None]:
    """``{client id: work wish or None}`` of clients loaded with ``work_wish`` (``visible_clients``): no query."""
    return {c.pk: getattr(c, "work_wish", None) for c in clients}


def candidate_profile(*, client: Client) -> CandidateProfile | None:
    """``candidate_profiles`` of one client (None when left out): 2 queries."""
    return candidate_profiles(clients=[client]).get(client.pk)


def visible_clients(*, user: Any, region_id: int) -> list[Client]:
    """The clients of the region the user may propose to an employer: those of ``clients_for_user`` (the one
    rule: a full role's own organisations, a peer companion's team clients; docs/decisions/0014-access-matrix.md)
    that belong to the user's own organisations, since proposing edits the client's file. A peer companion
    may not edit a file (``ClientAccess.can_edit``), so its team clients are not listed: the link to the
    client's opportunities would be a 404 for them. Each client comes with its place and its work wish (for
    ``candidate_profiles``: ``wishes=work_wishes(clients)``)."""
    orgs = {
        m.organisation_id
        for m in memberships_of(user)
        if m.role in FULL_ROLES and m.organisation.region_id == region_id
    } & {o.pk for o in case_organisations(user, region_id)}
    if not orgs:
        return []
    return list(
        clients_for_user(user=user)
        .filter(organisation_id__in=orgs)
        .select_related("municipality", "deelgemeente", "organisation", "work_wish")
    )


EMPLOYERS_PER_PAGE = 50


def employer_list(
    *, region_id: int, sector: str = "", municipality_id: int | None = None, cursor: str | None = None
) -> KeysetPage:
    """One keyset page (``EMPLOYERS_PER_PAGE``, by name then id; ``cursor`` from the page before, junk:
    ``Http404``; apps/core/keyset.py) of the region's employers with their number of open opportunities (one
    query), optionally only one NACE section (``sector``, a letter) or one municipality (the lists behind the
    overview's figures)."""
    qs = Employer.objects.filter(region_id=region_id)
    if sector:
        qs = qs.filter(sector=sector)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    annotated = qs.select_related("municipality", "holder").annotate(
        open_opportunities=Count("opportunities", filter=Q(opportunities__status=Opportunity.Status.OPEN)),
    )
    return keyset_page(
        annotated, ordering=("name", "pk"), cursor=cursor, size=EMPLOYERS_PER_PAGE, salt="employers", by_pk=True
    )


OPPORTUNITIES_PER_PAGE = 50
PLACEMENTS_PER_PAGE = 50


def opportunity_list(
    *, region_id: int, rung: int | None = None, status: str = "", cursor: str | None = None
) -> KeysetPage:
    """One keyset page (``OPPORTUNITIES_PER_PAGE``, by rung, employer name, title and id; junk cursor:
    ``Http404``) of the region's opportunities (shared within the partnership), optionally of one rung and
    status; one query."""
    qs = Opportunity.objects.filter(employer__region_id=region_id)
    if rung is not None:
        qs = qs.filter(rung=rung)
    if status:
        qs = qs.filter(status=status)
    return keyset_page(
        qs.select_related("employer", "municipality"),
        ordering=("rung", "employer__name", "title", "pk"),
        cursor=cursor,
        size=OPPORTUNITIES_PER_PAGE,
        salt="opportunities",
        by_pk=True,
    )


# What the overview's "placements" figures count (issue 16, item 6: "placements started, still working after
# 3 and 6 months"); the same keys filter the list behind each figure.
PLACEMENT_FIGURES = ("started", "working_3", "working_6")
STARTED_STATES = (PlacementStatus.STARTED, PlacementStatus.ENDED)


def still_working(placement: Mapping[str, Any] | Placement, months: int, today: dt.date) -> bool:
    """Started at least ``months`` months (30 days each) before ``today`` and not ended before that point,
    or ended with a (new) contract. ``placement`` is a model or a ``values()`` row."""

    def get(key: str) -> Any:
        return placement[key] if isinstance(placement, dict) else getattr(placement, key)

    start = get("start_on")
    if get("status") not in STARTED_STATES or start is None:
        return False
    mark = start + dt.timedelta(days=months * 30)
    if mark > today:
        return False
    end = get("end_on")
    return end is None or end >= mark or get("outcome") == "contract"


def working_on(placement: Placement, day: dt.date) -> bool:
    """Whether the placement had started by ``day`` and not ended before it (or ended with a (new) contract)."""
    if placement.status not in STARTED_STATES or placement.start_on is None or placement.start_on > day:
        return False
    return placement.end_on is None or placement.end_on >= day or placement.outcome == "contract"


def placement_rows(
    *,
    user: Any,
    region_id: int,
    status: str = "",
    refusal: str = "",
    figure: str = "",
    today: dt.date | None = None,
    cursor: str | None = None,
) -> tuple[list[tuple[Placement, bool]], KeysetPage]:
    """One keyset page (``PLACEMENTS_PER_PAGE``, newest first; junk cursor: ``Http404``) of the placements
    behind an overview figure, each with whether the user may see who it is, and the page.

    The region's coordinator sees every placement of the region, but the client's name only where
    ``placement_visible`` allows it (docs/decisions/0012-employers.md); other case workers see only the
    placements they may open. Filters: ``status`` (a PlacementStatus), ``refusal`` (a RefusalReason),
    ``figure`` (one of PLACEMENT_FIGURES; "still working" is decided per row, so its pages read a few chunks).
    A fixed number of queries per page, however many placements.
    """
    today = today or timezone.localdate()
    memberships = [m for m in memberships_of(user) if m.organisation.region_id == region_id]
    case_orgs = [o.pk for o in case_organisations(user, region_id)] or [-1]  # -1: no organisation
    full_orgs = [m.organisation_id for m in memberships if m.role in FULL_ROLES] or [-1]
    visible = Q(organisation_id__in=case_orgs) | Q(client__organisation_id__in=full_orgs)
    qs = Placement.objects.filter(opportunity__employer__region_id=region_id)
    if not is_coordinator_of_region(user, region_id):
        qs = qs.filter(visible)
    if status:
        qs = qs.filter(status=status)
    if refusal:
        qs = qs.filter(refusal_reason=refusal)
    if figure:
        qs = qs.filter(status__in=STARTED_STATES)
    qs = qs.select_related("opportunity__employer", "client").annotate(
        may_see=ExpressionWrapper(visible, output_field=BooleanField())
    )
    order, salt = ("-created_at", "-pk"), f"placements-{figure}"
    if figure in {"working_3", "working_6"}:
        months = 3 if figure == "working_3" else 6
        page = keyset_page_admitted(
            qs,
            ordering=order,
            cursor=cursor,
            size=PLACEMENTS_PER_PAGE,
            salt=salt,
            admit=lambda rows: [p for p in rows if still_working(p, months, today)],
        )
    else:
        page = keyset_page(qs, ordering=order, cursor=cursor, size=PLACEMENTS_PER_PAGE, salt=salt)
    return [(p, bool(p.may_see)) for p in page.object_list], page


@dataclass
class Overview:
    """The coordinator's figures (issue 16, item 6). Rows are (key, label, count): the key filters the list
    behind the figure (a NACE letter, a municipality id, a rung, a status or refusal code)."""

    employers_by_sector: list[tuple[str, str, int]]
    employers_by_municipality: list[tuple[int, str, int]]
    opportunities_by_rung: list[tuple[int, str, int]]
    placements_by_status: list[tuple[str, str, int]]
    started: int
    working_3_months: int
    working_6_months: int
    refusals: list[tuple[str, str, int]]


def overview(*, region_id: int, today: dt.date | None = None) -> Overview:
    """The coordinator's figures; four queries however many employers, opportunities and placements.

    "Still working after 3 (6) months" (issue 16, item 6): started placements that had not ended
    3 (6) months after the start (or ended with a contract), counted among those started at least that long ago.
    """
    today = today or timezone.localdate()
    sectors = Counter(Employer.objects.filter(region_id=region_id).values_list("sector", flat=True))
    by_sector = sorted(((s, str(NaceSection(s).label), n) for s, n in sectors.items()), key=lambda x: (-x[2], x[1]))
    munis = Counter(Employer.objects.filter(region_id=region_id).values_list("municipality_id", "municipality__name"))
    by_muni = sorted(((pk, name, n) for (pk, name), n in munis.items()), key=lambda x: (-x[2], x[1]))
    rungs = Counter(Opportunity.objects.filter(employer__region_id=region_id).values_list("rung", flat=True))
    placements = list(
        Placement.objects.filter(opportunity__employer__region_id=region_id).values(
            "status", "start_on", "end_on", "outcome", "refusal_reason"
        )
    )
    statuses = Counter(p["status"] for p in placements)
    refusals = Counter(p["refusal_reason"] for p in placements if p["refusal_reason"])
    return Overview(
        employers_by_sector=by_sector,
        employers_by_municipality=by_muni,
        opportunities_by_rung=[(r, _("Rung %(rung)s") % {"rung": r}, rungs.get(r, 0)) for r in (3, 4, 5, 6)],
        placements_by_status=[(s, str(PlacementStatus(s).label), statuses.get(s, 0)) for s in PlacementStatus.values],
        started=sum(1 for p in placements if p["status"] in STARTED_STATES),
        working_3_months=len([p for p in placements if still_working(p, 3, today)]),
        working_6_months=len([p for p in placements if still_working(p, 6, today)]),
        refusals=sorted(
            ((r, str(RefusalReason(r).label), n) for r, n in refusals.items()), key=lambda x: (-x[2], x[1])
        ),
    )


def coaching_due(*, placements: list[Placement]) -> dict[int, list[CoachingContact]]:
    result: dict[int, list[CoachingContact]] = defaultdict(list)
    for c in CoachingContact.objects.filter(placement__in=placements):
        result[c.placement_id].append(c)
    return result


def closure_outcome(placement: Placement) -> str:
    """The pathway outcome a started placement suggests: article 60, social economy (rung 5) or a regular job."""

    if placement.opportunity.kind == "article_60":
        return Outcome.ART60
    if placement.opportunity.rung == 5:
        return Outcome.SOCIAL_ECONOMY
    return Outcome.REGULAR_JOB
