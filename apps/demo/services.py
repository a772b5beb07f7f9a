"""Synthetic demo data for a loaded region: organisations, users and clients.

Deterministic for a given seed. Works for any region file: organisations come from the
region's municipalities and intervention types, clients from its challenges (the first
clients mirror each persona's obstacles exactly), bulk-written so 100,000 clients take
about a minute.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Membership, Organisation, Role, User
from apps.accounts.services import organisation_search_key
from apps.assessment.classification import screening_facts
from apps.assessment.models import DomainScore, Screening, ScreeningObstacle
from apps.audit.services import audit_log
from apps.clients.models import Client, Gender
from apps.clients.services import client_search_key
from apps.conferences.services import conference_record_decisions, conference_schedule, signal_raise, signal_resolve
from apps.consent.services import consent_record
from apps.core.search import refresh_keys
from apps.employers.models import (
    KIND_RUNG,
    CoachingContact,
    Employer,
    Opportunity,
    OpportunityKind,
    Placement,
    PlacementStatus,
)
from apps.esf.models import Participation
from apps.esf.services import CLIENT_GENDER, age_on
from apps.esf.services_closing import close_pathway
from apps.groups.services import group_activity_create, group_session_add, session_attendance_record
from apps.matching.services import allocation_start
from apps.matching.services_allocation import allocation_execute
from apps.offers.models import DeliveryMode, Format, Offer, WaitingListEntry
from apps.offers.services import offer_search_key, waiting_list_add
from apps.partnership import services_candidacies, services_decisions, services_jury, timeline
from apps.partnership.models import Candidacy, Criterion
from apps.partnership.services_candidacies import candidacy_search_key
from apps.pathways.models import Action, ContactLog, Pathway, TeamMember, TeamRole
from apps.pathways.services import follow_up_record, next_due_refresh
from apps.referrals import services as referrals
from apps.referrals.models import Referral
from apps.regions.models import (
    CallTimeline,
    Challenge,
    Deelgemeente,
    InterventionType,
    LifeDomain,
    Municipality,
    Obstacle,
    Region,
    SupportLine,
    TargetGroup,
)
from apps.regions.target_group_rules import evaluate

DEMO_PASSWORD = "padwijzer-demo"  # noqa: S105 - printed for the demo only

FIRST_NAMES_LOCAL = {
    "F": ["Marlies", "Sofie", "An", "Lotte", "Els", "Fien", "Ine", "Nathalie", "Kelly", "Jana", "Lien", "Eline"],
    "M": ["Thierry", "Roy", "Kevin", "Bart", "Pieter", "Jens", "Stijn", "Wout", "Dries", "Tom", "Glenn", "Sander"],
}
FIRST_NAMES_MIGRANT = {
    "F": ["Mariam", "Fatima", "Aisha", "Selam", "Hiwet", "Zahra", "Olena", "Amina", "Nour", "Lina"],
    "M": ["Saled", "Ahmad", "Yonas", "Omar", "Mohammed", "Tesfay", "Bilal", "Hamid", "Ali", "Dawit"],
}
LAST_NAMES_LOCAL = [
    "Vandenberghe",
    "Desmet",
    "Vermeersch",
    "Lambrecht",
    "Vanhecke",
    "Pauwels",
    "Devos",
    "Declercq",
    "Maes",
    "Goethals",
    "Willaert",
    "Dewulf",
    "Vandamme",
    "Verhaeghe",
    "Cools",
    "Deprez",
]
LAST_NAMES_MIGRANT = [
    "Ahmadi",
    "Haidari",
    "Tesfaye",
    "Gebremedhin",
    "El Amrani",
    "Benali",
    "Rahimi",
    "Yusuf",
    "Kovalenko",
    "Mohammadi",
    "Haile",
    "Said",
]
OTHER_LANGUAGES = ["prs", "ps", "ti", "ar", "uk", "so", "fr", "ru", "tr", "en"]  # ISO 639 codes

PARTNER_NAMES = [
    "De Brug",
    "Kompas",
    "Zeewind",
    "Vuurtoren",
    "Polderpad",
    "Duinhuis",
    "Golfslag",
    "Haven",
    "Stroming",
    "Horizon",
    "Ankerpunt",
    "Getij",
]


@dataclass
class DemoLogin:
    username: str
    role: str
    organisation: str


@dataclass
class DemoReport:
    organisations: int = 0
    users: int = 0
    clients: int = 0
    offers: int = 0
    candidacies: int = 0
    waiting: int = 0
    loop: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def _pick_weighted(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


DEMO_PEER_PATHWAYS = 6  # pathways the demo's peer companion is on the team of


def _demo_pathways(clients: list[Client], counsellor: User, rng: random.Random, screened_on: dt.date) -> list[Pathway]:
    """The demo counsellor's organisation's first 24 clients and a third of the others have a pathway with two
    actions and two contacts.

    Dates lie relative to the screening (``screened_on``, some 300 days before today): the pathway starts 1-40
    weeks after it, actions fall due from three weeks ago to a month ahead (some overdue), contacts lie between
    the start and today."""
    today = timezone.localdate()

    own = set(counsellor.memberships.values_list("organisation_id", flat=True))
    mine = [c for c in clients if c.organisation_id in own]
    chosen = [c for i, c in enumerate(mine) if i < 24 or i % 3 == 0]  # enough for the demo loop (_demo_loop)
    pathways = Pathway.objects.bulk_create(
        Pathway(
            client_id=c.pk,
            organisation_id=c.organisation_id,
            started_on=screened_on + dt.timedelta(days=rng.randint(7, 280)),
            status=Pathway.Status.ACTIVE,
            client_words="Ik wil werken.",
        )
        for c in chosen
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            pathway_id=p.pk,
            user=counsellor,
            organisation_id=p.organisation_id,
            role=TeamRole.COUNSELLOR,
            task="Houdt de regie",
        )
        for p in pathways
    )
    Action.objects.bulk_create(
        Action(
            pathway_id=p.pk,
            description=text,
            owner=counsellor,
            owner_organisation_id=p.organisation_id,
            due_on=today + dt.timedelta(days=rng.randint(-21, 30)),
        )
        for p in pathways
        for text in ("Afspraak bij het OCMW", "Samen naar het taalcafé")
    )
    next_due_refresh(pathway_ids=[p.pk for p in pathways])
    ContactLog.objects.bulk_create(
        ContactLog(
            pathway_id=p.pk,
            author=counsellor,
            author_organisation_id=p.organisation_id,
            happened_on=p.started_on + dt.timedelta(days=rng.randint(0, max(0, (today - p.started_on).days))),
            place=rng.choice(["home", "street", "phone"]),
            summary="Kort gesprek over de volgende stap.",
        )
        for p in pathways
        for _ in range(2)
    )
    return pathways


def _demo_participations(
    *,
    pathways: list[Pathway],
    clients: dict[int, Client],
    screenings: dict[int, Screening],
    challenge_of: dict[int, Challenge],
    codes_of: dict[int, frozenset[str]],
    target_groups: list[TargetGroup],
    counsellor: User,
) -> None:
    """Each demo pathway's client entered the ESF+ operation on the pathway's start (issue 12), with the entry
    data the screening holds, the challenge the client was drawn from and the first target group whose rule
    the screening's facts satisfy (``screening_facts``), so that the coordinator's figures per challenge and
    target group (issue 11, item 3) have content. No randomness: the demo's random stream stays as it was."""
    rows = []
    for p in pathways:
        client, screening = clients[p.client_id], screenings[p.client_id]
        facts = screening_facts(
            client=client, screening=screening, obstacle_codes=set(codes_of[client.pk]), on=p.started_on
        )
        group = next((g for g in target_groups if evaluate(g.rule, facts)), None)
        rows.append(
            Participation(
                region_id=challenge_of[client.pk].region_id,
                client_id=client.pk,
                pathway_id=p.pk,
                organisation_id=p.organisation_id,
                worker=counsellor,
                municipality_id=client.municipality_id,
                challenge=challenge_of[client.pk],
                target_group=group,
                entry_date=p.started_on,
                gender=CLIENT_GENDER[client.gender],
                age_at_entry=age_on(client.birth_date, p.started_on),
                labour_status=screening.employment_status,
                unemployed_months=screening.unemployed_months if screening.employment_status == "unemployed" else None,
                isced_level=screening.isced_level,
            )
        )
    Participation.objects.bulk_create(rows, batch_size=2000)


def _kbo(rng: random.Random) -> str:
    """A synthetic enterprise number that passes the mod-97 check (0 + 7 digits, then 97 - base mod 97)."""
    base = int("0" + "".join(str(rng.randint(0, 9)) for _ in range(7)))
    return f"{base:08d}{97 - base % 97:02d}"


def _demo_employers(
    *,
    region: Region,
    partners: list[Organisation],
    municipalities: list[Municipality],
    counsellor: User,
    rng: random.Random,
) -> int:
    """Employers with opportunities of every kind (rungs 3-6) and placements in every state, for the counsellor's
    clients that have a pathway. Returns the number of employers."""

    names = ["Hotel Zeezicht", "Bakkerij De Zeemeeuw", "Haven Logistiek", "Woonzorgcentrum Duinenzicht",
             "Maatwerkbedrijf Kusttalent", "Schoonmaak Noordzee", "Tuinaanleg Polder", "Supermarkt"]  # fmt: skip
    sectors = ["I", "C", "H", "Q", "N", "N", "A", "G"]
    jobs = ["9412", "7512", "9333", "5322", "9329", "9112", "9214", "5223"]
    holders = partners or list(Organisation.objects.filter(region=region)[:1])
    employers = Employer.objects.bulk_create(
        Employer(
            region=region, name=name, enterprise_number=_kbo(rng), sector=sector,
            municipality=municipalities[i % len(municipalities)], size=rng.choice(["micro", "small", "medium"]),
            holder=holders[i % len(holders)], created_by=counsellor,
        )
        for i, (name, sector) in enumerate(zip(names, sectors, strict=True))
    )  # fmt: skip
    opportunities = Opportunity.objects.bulk_create(
        Opportunity(
            employer=e, title=f"{OpportunityKind(kind).label} – {e.name}", kind=kind, rung=KIND_RUNG[kind],
            isco_code=jobs[i],
            hours_per_week=rng.choice([19, 24, 30, 38]), shifts=["day"], municipality=e.municipality,
            dutch_level=rng.choice(["A1", "A2", "B1"]), driving_licence=False,
            supports=["job_coach", "language"] if KIND_RUNG[kind] < 6 else ["job_coach"],
            places=rng.randint(1, 3), starts_on=dt.date(2026, 1, 15), created_by=counsellor,
        )
        for i, e in enumerate(employers)
        for kind in [list(KIND_RUNG)[i % len(KIND_RUNG)], list(KIND_RUNG)[(i + 3) % len(KIND_RUNG)]]
    )  # fmt: skip
    pathways = list(
        Pathway.objects.filter(client__organisation__region=region, team__user=counsellor)
        .exclude(status=Pathway.Status.CLOSED)
        .order_by("pk")[: len(PlacementStatus.values) * 2]
    )
    placements = []
    for i in range(min(len(PlacementStatus.values) * 2, len(opportunities)) if pathways else 0):
        pathway = pathways[i % len(pathways)]  # different opportunities, so a client may have several
        status = PlacementStatus.values[i % len(PlacementStatus.values)]
        started = status in {PlacementStatus.STARTED, PlacementStatus.ENDED}
        placements.append(
            Placement(
                opportunity=opportunities[i % len(opportunities)], client_id=pathway.client_id, pathway=pathway,
                organisation_id=pathway.organisation_id, proposed_by=counsellor, status=status,
                motivation="Gemotiveerd en stipt.",
                refusal_reason="no_place_now" if status == PlacementStatus.DECLINED else "",
                intake_on=dt.date(2026, 2, 2) if status in {PlacementStatus.INTAKE} or started else None,
                start_on=dt.date(2026, 2, 9) if started or status == PlacementStatus.INTAKE else None,
                end_on=dt.date(2026, 6, 30) if status == PlacementStatus.ENDED else None,
                outcome="contract" if status == PlacementStatus.ENDED else "",
            )
        )  # fmt: skip
    Placement.objects.bulk_create(placements)
    CoachingContact.objects.bulk_create(
        CoachingContact(
            placement=p, week=w, planned_on=dt.date(2026, 2, 9) + dt.timedelta(weeks=w),
            done_on=dt.date(2026, 2, 9) + dt.timedelta(weeks=w) if w == 1 else None,
            summary="Goede start, vlotte samenwerking." if w == 1 else "", still_working=True if w == 1 else None,
            author=counsellor if w == 1 else None,
        )
        for p in placements
        if p.status in {PlacementStatus.STARTED, PlacementStatus.ENDED}
        for w in (1, 4, 12)
    )  # fmt: skip
    return len(employers)


def _demo_offers(
    *,
    region: Region,
    partners: list[Organisation],
    municipalities: list[Municipality],
    interventions: list[InterventionType],
    rng: random.Random,
) -> int:
    """A social map: per intervention type an offer at the main municipality, one in the street
    (outreach, serving every municipality) and one at another municipality. Each addresses the
    obstacles that the region maps to its intervention type. Idempotent: skipped when offers exist."""

    if Offer.objects.filter(organisation__region=region).exists():
        return 0
    by_type: dict[int, list[int]] = {}
    for obstacle in Obstacle.objects.filter(region=region).prefetch_related("intervention_types"):
        for t in obstacle.intervention_types.all():
            by_type.setdefault(t.pk, []).append(obstacle.pk)
    created = 0
    main = municipalities[0]
    for i, itype in enumerate(interventions):
        obstacles = by_type.get(itype.pk)
        if not obstacles:
            continue
        organisation = partners[min(i // 3, len(partners) - 1)]
        elsewhere = municipalities[1 + i % (len(municipalities) - 1)] if len(municipalities) > 1 else main
        variants = [
            (DeliveryMode.AT_ADDRESS, main, [main, *rng.sample(municipalities[1:], k=min(2, len(municipalities) - 1))]),
            (DeliveryMode.OUTREACH, None, municipalities),
            (DeliveryMode.AT_ADDRESS, elsewhere, [elsewhere]),
        ]
        for mode, place, served in variants:
            capacity = rng.randint(5, 40)
            offer = Offer.objects.create(
                organisation=organisation,
                title=f"{itype.label_nl}" + (f" – {place.name}" if place else " – aan huis en op straat"),
                description=f"{itype.label_nl}: aanbod van {organisation.name}.",
                delivery_mode=mode,
                format=rng.choice([Format.INDIVIDUAL, Format.INDIVIDUAL, Format.GROUP]),
                location_municipality=place,
                latitude=place.latitude if place else None,
                longitude=place.longitude if place else None,
                languages=["nl"] + ([rng.choice(OTHER_LANGUAGES)] if rng.random() < 0.3 else []),
                interpreter_available=rng.random() < 0.3,
                capacity=capacity,
                occupancy=min(rng.randint(0, capacity + 3), capacity),  # some full, never over (constraint)
                waiting_weeks=rng.randint(0, 12),
            )
            offer.intervention_types.set([itype])
            offer.obstacles.set(obstacles)
            offer.municipalities.set(served)
            created += 1
    # partners that answered the call with an integrated offer for a support line of several kinds
    seen: set[frozenset[int]] = set()
    lines = SupportLine.objects.filter(challenge__region=region).prefetch_related("intervention_types")
    for n, line in enumerate(lines.order_by("challenge__rank", "position")):
        kinds = frozenset(t.pk for t in line.intervention_types.all())
        if len(kinds) < 2 or kinds in seen:
            continue
        seen.add(kinds)
        addressed = sorted({o for k in kinds for o in by_type.get(k, [])})
        if not addressed:
            continue
        capacity = rng.randint(10, 40)
        offer = Offer.objects.create(
            organisation=partners[n % len(partners)],
            title=(line.label_nl[:80] + "…") if len(line.label_nl) > 80 else line.label_nl,
            description=line.label_nl,
            delivery_mode=DeliveryMode.OUTREACH,
            format=Format.GROUP,
            languages=["nl"] + ([rng.choice(OTHER_LANGUAGES)] if rng.random() < 0.5 else []),
            interpreter_available=rng.random() < 0.5,
            capacity=capacity,
            occupancy=rng.randint(0, capacity),
            waiting_weeks=rng.randint(0, 8),
        )
        offer.intervention_types.set(kinds)
        offer.obstacles.set(addressed)
        offer.municipalities.set(municipalities)
        created += 1
    return created


@transaction.atomic
def _demo_call(*, region: Region, coordinator: User, jury: User, rng: random.Random, now: dt.datetime) -> int:
    """Move the region's call timeline around ``now`` and add candidacies in several stages; returns how many.

    Shapes: launch 30 days ago, candidacies until 14 days from now at 17:00 (Brussels), written round the two weeks
    after, pitch weeks from the sixth Monday on, decision within 50 days and rebuttals until 65 days from now, so
    applying, jury work and rebuttals can all be tried on the day of seeding. Candidacies go through the real
    services of apps.partnership (draft, submitted, scored with a consensus and shortlist, decided with a letter).
    Idempotent: a region that already has candidacies keeps them (only the dates move).
    """

    call = CallTimeline.objects.filter(region=region).first()
    if call is None:
        return 0
    brussels = timeline.BRUSSELS
    today = now.astimezone(brussels).date()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=35)  # a Monday after the written round
    call.launch_date = today - dt.timedelta(days=30)
    call.candidacy_deadline = dt.datetime.combine(today + dt.timedelta(days=14), dt.time(17, 0), tzinfo=brussels)
    call.written_round_start = today + dt.timedelta(days=15)
    call.written_round_end = today + dt.timedelta(days=28)
    call.pitch_weeks = [monday.isoformat(), (monday + dt.timedelta(days=7)).isoformat()]
    call.decision_by = today + dt.timedelta(days=50)
    call.rebuttal_by = today + dt.timedelta(days=65)
    call.save()
    region.call = call  # the services read the timeline through the region: no stale cached copy
    if Candidacy.objects.filter(region=region).exists():
        return 0
    criteria = list(Criterion.objects.filter(region=region).order_by("position"))
    if not criteria:
        criteria = [
            services_jury.criterion_save(
                region=region, actor=coordinator, name="Aansluiting bij de uitdagingen", weight=3
            ),
            services_jury.criterion_save(region=region, actor=coordinator, name="Haalbaarheid en bereik", weight=2),
        ]
    challenges = list(Challenge.objects.filter(region=region).order_by("rank"))
    types = list(InterventionType.objects.filter(region=region).order_by("position"))
    municipalities = list(Municipality.objects.filter(region=region).order_by("position"))
    stages = ["draft", "submitted", "scored", "shortlisted", "selected", "not_selected"]
    made = 0
    for i, stage in enumerate(stages):
        name = f"{PARTNER_NAMES[i % len(PARTNER_NAMES)]} Kandidaat vzw"
        digits = f"0{rng.randint(200000000, 999999999)}"[:8]
        kbo = "0" + digits[1:] + f"{97 - int('0' + digits[1:]) % 97:02d}"
        candidacy = services_candidacies.candidacy_start(
            region=region,
            applicant_name="Demo Aanvrager",
            applicant_email=f"kandidaat-{i + 1}@demo.padwijzer.invalid",
            organisation_name=name,
            enterprise_number=kbo,
            site_url="http://127.0.0.1:8000/",
            now=now,
        )
        made += 1
        services_candidacies.candidacy_save_draft(
            candidacy=candidacy,
            now=now,
            offers={t.pk: rng.randint(10, 60) for t in types[i % len(types) : i % len(types) + 2]},
            address=f"Kerkstraat {i + 1}",
            municipality=municipalities[i % len(municipalities)],
            contact_name="Demo Aanvrager",
            contact_email=f"kandidaat-{i + 1}@demo.padwijzer.invalid",
            expertise="Jarenlange ervaring met outreach en trajectbegeleiding.",
            budget_requested=Decimal(rng.randint(10, 60) * 1000),
            challenges=challenges[i % len(challenges) : i % len(challenges) + 2],
            municipalities=municipalities[:2],
        )
        if stage == "draft":
            continue
        candidacy = services_candidacies.candidacy_submit(candidacy=candidacy, now=now)
        if stage == "submitted":
            continue
        services_jury.conflict_declare(candidacy=candidacy, member=jury, has_conflict=False)
        services_jury.scores_save(
            candidacy=candidacy,
            member=jury,
            round=1,
            values={c.pk: (rng.randint(2, 5), "Goed onderbouwd voorstel.") for c in criteria},
            now=now,
        )
        if stage == "scored":
            continue
        services_jury.consensus_record(
            candidacy=candidacy, actor=coordinator, score=Decimal(rng.randint(3, 5)), motivation="Consensus jury."
        )
        services_jury.shortlist_set(candidacy=candidacy, actor=coordinator, shortlisted=True)
        if stage == "shortlisted":
            continue
        services_decisions.decision_record(
            candidacy=candidacy,
            actor=coordinator,
            decision=stage,
            motivation="Sterke aansluiting." if stage == "selected" else "Te weinig aansluiting bij de uitdagingen.",
            now=now,
        )
    return made


def _demo_waiting_list(*, region: Region, counsellor: User, rng: random.Random, today: dt.date) -> int:
    """Put up to 12 demo clients on the partnership's waiting list for allocation (offer None), waiting 3-90 days.

    Goes through apps.offers.services.waiting_list_add (audited). Idempotent: a region with open entries is left
    alone. Entries are on the general list (no offer) so no identity is shown to a partner without consent.
    """

    if WaitingListEntry.objects.filter(client__organisation__region=region, is_open=True).exists():
        return 0
    waiting = list(Client.objects.filter(organisation__region=region).order_by("pk")[:12])
    for client in waiting:
        waiting_list_add(client=client, actor=counsellor, since=today - dt.timedelta(days=rng.randint(3, 90)))
    return len(waiting)


def _refresh_search_keys(region: Region) -> None:
    """The demo writes rows in bulk; give every one its search key as the services would (apps/core/search.py)."""

    refresh_keys(Organisation.objects.filter(region=region), organisation_search_key, Organisation)
    refresh_keys(
        Client.objects.filter(organisation__region=region).only("first_name", "last_name", "phone", "search_key"),
        client_search_key,
        Client,
    )
    refresh_keys(Offer.objects.filter(organisation__region=region).only("title", "search_key"), offer_search_key, Offer)
    refresh_keys(Candidacy.objects.filter(region=region), candidacy_search_key, Candidacy)


def _demo_loop(*, region: Region, rng: random.Random, today: dt.date, suffix: str) -> dict[str, int]:
    """Fill the loop around the demo counsellor's pathways through the real services, so that every page has
    content at first login (issue 11 item 9): a consent for the demo partner, referrals in every state (sent,
    one escalated, waiting, accepted, started, refused, completed, not completed, withdrawn), an allocation
    run with proposals to confirm, a case conference held (with decisions) and one coming up, system signals
    (one resolved), a group activity with sessions and attendance, and closures with results, one follow-up
    due and one recorded. Dates lie relative to ``today``.

    Returns counts per kind. Idempotent: skipped (all zero) when the region already has referrals.
    """
    counts = {"referrals": 0, "proposals": 0, "conferences": 0, "signals": 0, "sessions": 0, "closures": 0}
    if Referral.objects.filter(pathway__organisation__region=region).exists():
        return counts
    counsellor = User.objects.get(username=f"counsellor{suffix}")
    coordinator = User.objects.get(username=f"coordinator{suffix}")
    partner = User.objects.get(username=f"partner{suffix}")
    partner_org = partner.memberships.get().organisation
    counsellor_org = counsellor.memberships.get().organisation
    pathways = list(
        Pathway.objects.filter(organisation=counsellor_org, status=Pathway.Status.ACTIVE)
        .select_related("client")
        .order_by("pk")[:24]
    )
    offers = list(Offer.objects.filter(organisation=partner_org, is_active=True).order_by("pk"))
    if len(pathways) < 20 or len(offers) < 2:
        return counts
    open_offer = max(offers, key=lambda o: o.capacity - o.occupancy)
    Offer.objects.filter(pk=open_offer.pk).update(capacity=max(open_offer.capacity, open_offer.occupancy + 12))
    full_offer = next((o for o in offers if o.pk != open_offer.pk), offers[0])
    Offer.objects.filter(pk=full_offer.pk).update(occupancy=full_offer.capacity)
    open_offer.refresh_from_db()
    full_offer.refresh_from_db()
    for p in pathways[:14]:
        consent_record(
            client=p.client,
            organisations=[partner_org],
            categories=["identity", "life_domains", "work_education"],
            purposes=["referral", "guidance"],
            method="written",
            given_on=p.started_on,
            actor=counsellor,
            actor_organisation=counsellor_org,
        )

    def send(p: Pathway, offer: Offer) -> Referral:
        counts["referrals"] += 1
        return referrals.referral_send(pathway=p, offer=offer, actor=counsellor, note="Kennismaking gevraagd.")

    for p in pathways[0:3]:  # sent, waiting for the partner's answer (the first one long ago: escalated)
        send(p, open_offer)
    Referral.objects.filter(pathway=pathways[0]).update(created_at=timezone.now() - dt.timedelta(days=12))
    referrals.referrals_escalate()
    send(pathways[3], full_offer)  # no free place: waiting on the offer's list
    for p in pathways[4:6]:
        referrals.referral_accept(referral=send(p, open_offer), actor=partner, note="Welkom.")
    started = []
    for p in pathways[6:9]:
        r = send(p, open_offer)
        referrals.referral_accept(referral=r, actor=partner)
        started.append(referrals.referral_start(referral=r, actor=partner))
    referrals.referral_refuse(
        referral=send(pathways[9], open_offer), actor=partner, reason="not_suitable", note="Past nog niet."
    )
    r = send(pathways[10], open_offer)
    referrals.referral_accept(referral=r, actor=partner)
    referrals.referral_start(referral=r, actor=partner)
    referrals.referral_complete(referral=r, actor=partner, note="Afgerond.")
    r = send(pathways[11], open_offer)
    referrals.referral_accept(referral=r, actor=partner)
    referrals.referral_start(referral=r, actor=partner)
    referrals.referral_not_complete(referral=r, actor=partner, reason="dropped_out", note="Niet meer gekomen.")
    referrals.referral_withdraw(
        referral=send(pathways[12], open_offer),
        actor=counsellor,
        reason="other",
        note="De hulpvrager koos een ander aanbod.",
    )

    run = allocation_start(region=region, actor=coordinator)
    run = allocation_execute(run=run)
    counts["proposals"] = run.proposals.count()

    held = conference_schedule(
        actor=coordinator,
        region=region,
        scheduled_at=timezone.now() - dt.timedelta(days=7),
        place="Stadhuis Oostende, zaal 2",
        participants=[counsellor, partner],
        pathway_ids=[p.pk for p in pathways[13:16]],
    )
    conference_record_decisions(
        conference=held,
        actor=coordinator,
        decisions="Trajectbegeleider vraagt budgetbegeleiding aan; partner plant een huisbezoek binnen twee weken.",
    )
    conference_schedule(
        actor=coordinator,
        region=region,
        scheduled_at=timezone.now() + dt.timedelta(days=9),
        place="VDAB Oostende",
        participants=[counsellor, partner],
        pathway_ids=[p.pk for p in pathways[16:18]],
    )
    counts["conferences"] = 2
    signal_raise(
        actor=counsellor,
        kind="waiting_list",
        description="Voor budgetbegeleiding is de wachttijd opgelopen tot drie maanden.",
        region=region,
    )
    signal_raise(
        actor=counsellor,
        kind="gap",
        description="Er is geen aanbod voor kinderopvang op onregelmatige uren.",
        case_conference=held,
    )
    resolved = signal_raise(
        actor=coordinator,
        kind="rule",
        description="De voorwaarde van een vast adres blokkeert de inschrijving.",
        region=region,
    )
    signal_resolve(signal=resolved, actor=coordinator)
    counts["signals"] = 3

    activity = group_activity_create(actor=partner, offer=open_offer, title="Groepsmoment werkgoesting")
    for weeks in (3, 1, -1):
        session = group_session_add(activity=activity, actor=partner, held_on=today - dt.timedelta(weeks=weeks))
        counts["sessions"] += 1
        if weeks > 0:
            session_attendance_record(session=session, actor=partner, pathway_ids=[r.pathway_id for r in started])

    closing: list[tuple[Any, int, str, dict[str, Any]]] = [
        (pathways[18], 240, "regular_job", {"employed": True}),
        (pathways[19], 200, "training", {"in_education": True}),
        (pathways[20], 30, "social_economy", {"employed": True}),
        (pathways[21], 10, "care", {"job_searching": True}),
    ]
    for p, days_ago, outcome, results in closing:
        closed_on = today - dt.timedelta(days=days_ago)
        Pathway.objects.filter(pk=p.pk).update(started_on=min(p.started_on, closed_on - dt.timedelta(days=60)))
        p.refresh_from_db()
        for participation in Participation.objects.filter(pathway=p, entry_date__gt=p.started_on):
            participation.entry_date = p.started_on  # the ESF+ entry moves with the earlier start
            participation.age_at_entry = age_on(p.client.birth_date, p.started_on)
            participation.save(update_fields=["entry_date", "age_at_entry"])
        ContactLog.objects.filter(pathway=p, happened_on__gt=closed_on).update(happened_on=closed_on)
        result = close_pathway(  # the one way to a closed pathway (ESF+ leaving included)
            pathway=p, actor=counsellor, closed_on=closed_on, outcome=outcome, results_now=True, **results
        )
        counts["closures"] += 1
        if days_ago == 240:
            follow_up_record(
                closure=result["closure"],
                actor=counsellor,
                followed_up_on=closed_on + dt.timedelta(days=185),
                employed=True,
                better_situation=True,
            )
    return counts


def demo_seed(*, region: Region, clients: int, seed: int, replace: bool = False, actor: Any = None) -> DemoReport:
    rng = random.Random(seed)
    report = DemoReport()
    municipalities = list(Municipality.objects.filter(region=region).order_by("position"))
    deelgemeenten: dict[int, list[Deelgemeente]] = {}
    for d in Deelgemeente.objects.filter(municipality__region=region).order_by("position"):
        deelgemeenten.setdefault(d.municipality_id, []).append(d)
    interventions = list(InterventionType.objects.filter(region=region).order_by("position"))

    # organisations: VDAB, one local government per municipality, partners by intervention type groups
    def org(code: str, name: str, kind: str, municipality: Municipality | None) -> Organisation:
        obj, created = Organisation.objects.get_or_create(
            region=region, code=code, defaults={"name": name, "kind": kind, "municipality": municipality}
        )
        report.organisations += int(created)
        return obj

    main = municipalities[0]
    vdab = org("vdab", f"VDAB {main.name}", Organisation.Kind.VDAB, main)
    local = [
        org(f"lb-{m.code}", f"Lokaal bestuur {m.name}", Organisation.Kind.LOCAL_GOVERNMENT, m) for m in municipalities
    ]
    partners = []
    group = 3
    for i in range(0, len(interventions), group):
        chunk = interventions[i : i + group]
        name = PARTNER_NAMES[(i // group) % len(PARTNER_NAMES)]
        partners.append(
            org(
                f"partner-{i // group + 1}",
                f"{name} vzw ({chunk[0].label_nl})",
                Organisation.Kind.PARTNER,
                municipalities[(i // group) % len(municipalities)],
            )
        )

    report.offers = _demo_offers(
        region=region,
        partners=partners,
        municipalities=municipalities,
        interventions=interventions,
        rng=random.Random(seed + 1),
    )

    # users: one demo login per role, plus colleagues
    password = make_password(DEMO_PASSWORD)
    suffix = "" if region.code == "oostende" else f"-{region.code}"

    def user(username: str, first: str, last: str, memberships: list[tuple[Organisation, str]]) -> None:
        username = f"{username}{suffix}"
        obj, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.padwijzer.invalid",
                "password": password,
            },
        )
        report.users += int(created)
        for organisation, role in memberships:
            Membership.objects.get_or_create(user=obj, organisation=organisation, role=role)
        report.logins.append(
            DemoLogin(
                username,
                ", ".join(str(Role(r).label) for _o, r in memberships),
                ", ".join(o.name for o, _r in memberships),
            )
        )

    user("coordinator", "Wouter", "Coördinator", [(local[0], Role.COORDINATOR)])
    user("counsellor", "Sofie", "Trajectbegeleider", [(local[0], Role.COUNSELLOR)])
    user("counsellor-vdab", "Bart", "Trajectbegeleider", [(vdab, Role.COUNSELLOR)])
    user("peer", "Yonas", "Trajectgezel", [(local[0], Role.PEER_COMPANION)])
    user("partner", "Els", "Partnerwerker", [(partners[0], Role.PARTNER_WORKER)])
    user("partner-other", "Dries", "Partnerwerker", [(partners[-1], Role.PARTNER_WORKER)])
    user("jury", "Ine", "Jurylid", [(vdab, Role.JURY_MEMBER)])
    user("admin", "Glenn", "Beheerder", [(vdab, Role.ADMINISTRATOR)])
    # the demo administrator manages the platform through Django's admin site, which needs is_staff
    User.objects.filter(username=f"admin{suffix}").update(is_staff=True, is_superuser=True)

    registering = [vdab, *local]
    existing = Client.objects.filter(organisation__region=region)
    if replace:
        Placement.objects.filter(client__organisation__region=region).delete()
        Employer.objects.filter(region=region).delete()
        for model_path in ("contacts", "actions", "team"):
            getattr(Pathway, model_path).rel.related_model.objects.filter(
                pathway__client__organisation__region=region
            ).delete()
        Participation.objects.filter(region=region).delete()
        Pathway.objects.filter(client__organisation__region=region).delete()
        DomainScore.objects.filter(screening__client__organisation__region=region).delete()
        ScreeningObstacle.objects.filter(screening__client__organisation__region=region).delete()
        Screening.objects.filter(client__organisation__region=region).delete()
        existing.delete()
    elif existing.exists():
        report.logins.sort(key=lambda login: login.username)
        return report

    challenges = list(Challenge.objects.filter(region=region).prefetch_related("obstacle_lines__obstacles"))
    challenge_obstacles = [
        sorted({o.pk for line in c.obstacle_lines.all() for o in line.obstacles.all()}) for c in challenges
    ]
    # more prevalent challenges (lower rank) are more common
    weights = [1.0 / c.rank for c in challenges]
    all_obstacles = list(Obstacle.objects.filter(region=region).values_list("pk", "code"))
    limited_language = {pk for pk, code in all_obstacles if "dutch" in code or "language" in code}
    code_of = dict(all_obstacles)
    target_groups = list(TargetGroup.objects.filter(region=region).order_by("position", "pk"))
    populations = [float(m.population or 1000) for m in municipalities]
    today = dt.date(2026, 1, 1)

    batch: list[Client] = []
    obstacle_sets: list[list[int]] = []
    challenge_index: list[int] = []

    domains = list(LifeDomain.objects.filter(region=region).values_list("pk", flat=True))
    domain_of = dict(Obstacle.objects.filter(region=region).values_list("pk", "life_domain_id"))
    screener = User.objects.get(username=f"counsellor{suffix}")
    peer = User.objects.get(username=f"peer{suffix}")
    screened_on = timezone.localdate() - dt.timedelta(days=300)

    def flush() -> None:
        created = Client.objects.bulk_create(batch)
        screenings = Screening.objects.bulk_create(
            Screening(
                client_id=c.pk,
                organisation_id=c.organisation_id,
                recorded_by=screener,
                screened_on=screened_on,
                status=Screening.Status.COMPLETED,
                ladder_current=rng.randint(1, 3),
                ladder_attainable=rng.randint(3, 5),
                employment_status=rng.choice(["unemployed", "unemployed", "inactive"]),
                unemployed_months=rng.randint(1, 60),
                in_education=False,
                isced_level=rng.choice([0, 1, 2, 2, 3]),
            )
            for c in created
        )
        ScreeningObstacle.objects.bulk_create(
            [
                ScreeningObstacle(screening_id=s.pk, obstacle_id=o)
                for s, obs in zip(screenings, obstacle_sets, strict=True)
                for o in obs
            ],
            batch_size=5000,
        )
        scores = []
        for s, obs in zip(screenings, obstacle_sets, strict=True):
            troubled = {domain_of[o] for o in obs}
            for d in domains:
                level = rng.randint(1, 3) if d in troubled else rng.randint(3, 5)
                scores.append(DomainScore(screening_id=s.pk, life_domain_id=d, level=level))
        DomainScore.objects.bulk_create(scores, batch_size=5000)
        pathways = _demo_pathways(created, screener, rng, screened_on)
        # The demo's peer companion accompanies a few of these pathways, so that logging in as "peer" shows a
        # caseload and the sealed special categories (opened with a reason) can be tried.
        if not TeamMember.objects.filter(user=peer).exists():
            TeamMember.objects.bulk_create(
                TeamMember(
                    pathway_id=pw.pk,
                    user=peer,
                    organisation_id=pw.organisation_id,
                    role=TeamRole.PEER_COMPANION,
                    task="Gaat mee naar afspraken",
                )
                for pw in pathways[:DEMO_PEER_PATHWAYS]
            )
        _demo_participations(
            pathways=pathways,
            clients={c.pk: c for c in created},
            screenings={s.client_id: s for s in screenings},
            challenge_of={c.pk: challenges[i] for c, i in zip(created, challenge_index, strict=True)},
            codes_of={c.pk: frozenset(code_of[o] for o in obs) for c, obs in zip(created, obstacle_sets, strict=True)},
            target_groups=target_groups,
            counsellor=screener,
        )
        report.clients += len(created)
        batch.clear()
        obstacle_sets.clear()
        challenge_index.clear()

    for n in range(clients):
        if n < len(challenges):  # the first clients mirror each persona exactly
            index = n
            obstacles = list(challenge_obstacles[index])
        else:
            index = rng.choices(range(len(challenges)), weights=weights, k=1)[0]
            obstacles = [o for o in challenge_obstacles[index] if rng.random() < 0.8]
            for _extra in range(rng.randint(0, 2)):
                obstacles.append(rng.choice(all_obstacles)[0])
            obstacles = sorted(set(obstacles))
        migrant = bool(limited_language.intersection(obstacles))
        gender = rng.choices(["F", "M", "X"], weights=[48, 50, 2], k=1)[0]
        name_gender = gender if gender != "X" else rng.choice(["F", "M"])
        first = rng.choice((FIRST_NAMES_MIGRANT if migrant else FIRST_NAMES_LOCAL)[name_gender])
        last = rng.choice(LAST_NAMES_MIGRANT if migrant else LAST_NAMES_LOCAL)
        municipality = _pick_weighted(rng, municipalities, populations)
        sections = deelgemeenten.get(municipality.pk, [])
        age = rng.randint(18, 64)
        batch.append(
            Client(
                organisation=rng.choice(registering),
                first_name=first,
                last_name=last,
                birth_date=today - dt.timedelta(days=age * 365 + rng.randint(0, 364)),
                gender=Gender(gender),
                municipality=municipality,
                deelgemeente=rng.choice(sections) if sections else None,
                languages=[rng.choice(OTHER_LANGUAGES)] if migrant else ["nl"],
                dutch_level=rng.choice(["A0", "A1", "A2"]) if migrant else rng.choice(["B2", "C1", "C2"]),
                interpreter_needed=migrant and rng.random() < 0.6,
            )
        )
        obstacle_sets.append(obstacles)
        challenge_index.append(index)
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    _demo_employers(region=region, partners=partners, municipalities=municipalities, counsellor=screener, rng=rng)
    report.candidacies = _demo_call(
        region=region,
        coordinator=User.objects.get(username=f"coordinator{suffix}"),
        jury=User.objects.get(username=f"jury{suffix}"),
        rng=random.Random(seed + 2),
        now=timezone.now(),
    )
    report.waiting = _demo_waiting_list(
        region=region, counsellor=screener, rng=random.Random(seed + 3), today=timezone.localdate()
    )
    report.loop = _demo_loop(region=region, rng=random.Random(seed + 4), today=timezone.localdate(), suffix=suffix)
    _refresh_search_keys(region)
    audit_log(
        actor=actor,
        action="demo.seeded",
        obj=region,
        changes={
            "clients": report.clients,
            "seed": seed,
            "organisations": report.organisations,
            "offers": report.offers,
            "candidacies": report.candidacies,
            "waiting": report.waiting,
            **report.loop,
        },
    )
    report.logins.sort(key=lambda login: login.username)
    return report
