"""Reads for employer engagement: matching profiles (plain values, few queries) and the coordinator's overview."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from apps.assessment.models import Screening
from apps.clients.models import Client
from apps.clients.selectors import clients_for_user
from apps.employers.matching import DUTCH_RANK, CandidateProfile, OpportunityProfile
from apps.employers.models import (
    CoachingContact,
    Employer,
    Opportunity,
    Placement,
    PlacementStatus,
    RefusalReason,
    WorkWish,
)
from apps.employers.permissions import case_organisations
from apps.matching.travel import Place
from apps.regions.models import Municipality


def opportunity_profiles(*, region_id: int, pk: int | None = None) -> list[OpportunityProfile]:
    """Open opportunities of a region as plain profiles (one query)."""
    qs = Opportunity.objects.filter(employer__region_id=region_id, status=Opportunity.Status.OPEN)
    if pk is not None:
        qs = Opportunity.objects.filter(pk=pk)
    rows = qs.values(
        "pk",
        "title",
        "employer__name",
        "kind",
        "rung",
        "isco_code",
        "municipality__code",
        "municipality__latitude",
        "municipality__longitude",
        "dutch_level",
        "driving_licence",
        "supports",
        "hours_per_week",
        "shifts",
    )
    return [
        OpportunityProfile(
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
        for r in rows
    ]


def _place(client: Any) -> Place:
    where = client.deelgemeente if client.deelgemeente and client.deelgemeente.latitude is not None else None
    return Place(
        code=where.code if where else client.municipality.code,
        municipality=client.municipality.code,
        latitude=where.latitude if where else client.municipality.latitude,
        longitude=where.longitude if where else client.municipality.longitude,
    )


def candidate_profiles(*, clients: list[Client]) -> dict[int, CandidateProfile]:
    """Profiles of clients whose latest completed screening places them on the ladder (3 queries).

    Clients without a completed screening or without rungs are left out; so are those whose rungs
    stay below 3 (no opportunity fits them yet).
    """
    ids = [c.pk for c in clients]
    latest: dict[int, Screening] = {}
    for s in (
        Screening.objects.filter(client_id__in=ids, status=Screening.Status.COMPLETED)
        .order_by("client_id", "-screened_on", "-id")
        .prefetch_related("obstacles__life_domain")
    ):
        latest.setdefault(s.client_id, s)
    wishes = {w.client_id: w for w in WorkWish.objects.filter(client_id__in=ids)}
    profiles = {}
    for client in clients:
        screening = latest.get(client.pk)
        if screening is None or (screening.ladder_current is None and screening.ladder_attainable is None):
            continue
        current = screening.ladder_current or screening.ladder_attainable or 0
        attainable = screening.ladder_attainable or current
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
            domains=frozenset(o.life_domain.code for o in screening.obstacles.all()),
            wished_codes=tuple(wish.occupations) if wish else (),
            max_travel_minutes=wish.max_travel_minutes if wish else 60,
            max_hours=wish.max_hours_per_week if wish else 38,
            shifts=frozenset(wish.shifts) if wish else frozenset(),
        )
    return profiles


def candidate_profile(*, client: Client) -> CandidateProfile | None:
    return candidate_profiles(clients=[client]).get(client.pk)


def visible_clients(*, user: Any, region_id: int) -> list[Client]:
    """The clients of the region the user may propose to an employer: those of ``clients_for_user`` (the one
    rule: a full role's own organisations, a peer companion's team clients; docs/decisions/0014-access-matrix.md)
    that belong to the user's own organisations, since proposing edits the client's file."""
    orgs = {o.pk for o in case_organisations(user, region_id)}
    if not orgs:
        return []
    return list(
        clients_for_user(user=user)
        .filter(organisation_id__in=orgs)
        .select_related("municipality", "deelgemeente", "organisation")
    )


def employer_list(*, region_id: int) -> list[Employer]:
    return list(
        Employer.objects.filter(region_id=region_id)
        .select_related("municipality", "holder")
        .annotate(
            open_opportunities=Count("opportunities", filter=Q(opportunities__status=Opportunity.Status.OPEN)),
        )
    )


@dataclass
class Overview:
    employers_by_sector: list[tuple[str, int]]
    employers_by_municipality: list[tuple[str, int]]
    opportunities_by_rung: list[tuple[int, int]]
    placements_by_status: list[tuple[str, int]]
    started: int
    working_3_months: int
    working_6_months: int
    refusals: list[tuple[str, int]]


def overview(*, region_id: int, today: dt.date | None = None) -> Overview:
    """The coordinator's figures. "Still working after 3 (6) months": started placements that had not ended
    3 (6) months after the start (or ended with a contract), counted among those started at least that long ago.
    """
    today = today or timezone.localdate()
    employers = Employer.objects.filter(region_id=region_id)
    sectors = Counter(employers.values_list("sector", flat=True))
    from apps.employers.models import NaceSection

    by_sector = sorted(((str(NaceSection(s).label), n) for s, n in sectors.items()), key=lambda x: (-x[1], x[0]))
    names = dict(Municipality.objects.filter(region_id=region_id).values_list("pk", "name"))
    by_muni = sorted(
        ((names.get(m, "?"), n) for m, n in Counter(employers.values_list("municipality_id", flat=True)).items()),
        key=lambda x: (-x[1], x[0]),
    )
    rungs = Counter(Opportunity.objects.filter(employer__region_id=region_id).values_list("rung", flat=True))
    placements = list(
        Placement.objects.filter(opportunity__employer__region_id=region_id).values(
            "status", "start_on", "end_on", "outcome", "refusal_reason"
        )
    )
    statuses = Counter(p["status"] for p in placements)
    started = [p for p in placements if p["status"] in {PlacementStatus.STARTED, PlacementStatus.ENDED}]

    def still_working(months: int) -> int:
        days = months * 30
        count = 0
        for p in started:
            if p["start_on"] is None or p["start_on"] + dt.timedelta(days=days) > today:
                continue
            if (
                p["end_on"] is None
                or p["end_on"] >= p["start_on"] + dt.timedelta(days=days)
                or p["outcome"] == "contract"
            ):
                count += 1
        return count

    refusals = Counter(p["refusal_reason"] for p in placements if p["refusal_reason"])
    return Overview(
        employers_by_sector=by_sector,
        employers_by_municipality=by_muni,
        opportunities_by_rung=sorted(rungs.items()),
        placements_by_status=[(str(PlacementStatus(s).label), statuses.get(s, 0)) for s in PlacementStatus.values],
        started=len(started),
        working_3_months=still_working(3),
        working_6_months=still_working(6),
        refusals=sorted(((str(RefusalReason(r).label), n) for r, n in refusals.items()), key=lambda x: -x[1]),
    )


def coaching_due(*, placements: list[Placement]) -> dict[int, list[CoachingContact]]:
    result: dict[int, list[CoachingContact]] = defaultdict(list)
    for c in CoachingContact.objects.filter(placement__in=placements):
        result[c.placement_id].append(c)
    return result


def closure_outcome(placement: Placement) -> str:
    """The pathway outcome a started placement suggests: article 60, social economy (rung 5) or a regular job."""
    from apps.pathways.models import Outcome

    if placement.opportunity.kind == "article_60":
        return Outcome.ART60
    if placement.opportunity.rung == 5:
        return Outcome.SOCIAL_ECONOMY
    return Outcome.REGULAR_JOB
