"""Profiles for matching, built in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from apps.assessment.classification import challenge_closeness, screening_facts
from apps.assessment.models import DomainScore, Screening, ScreeningObstacle
from apps.clients.models import Client
from apps.core.prepared import Prepared
from apps.matching.recommend import ClientProfile, Need, OfferIndex, OfferProfile, index_offers
from apps.matching.travel import Link, Place, TravelModel, VillageAccess
from apps.offers.models import Offer
from apps.pathways.models import Pathway, TeamMember
from apps.referrals.models import Referral
from apps.regions.models import (
    Challenge,
    Deelgemeente,
    Obstacle,
    ObstacleLine,
    Region,
    SupportLine,
    TargetGroup,
    TransitLink,
)
from apps.regions.selectors import region_memo
from apps.regions.severity import NEED_LEVELS, severity_weight
from apps.regions.target_group_rules import evaluate

# the version of a region's offers, read by every recommendation, compiled once (apps/core/prepared.py)
_offers_count_and_change = Prepared(
    lambda region_id: (
        Offer.objects.filter(organisation__region_id=region_id, is_active=True)
        .order_by()
        .values("organisation__region_id")
        .annotate(n=Count("pk"), changed=Max("updated_at"))
        .values_list("n", "changed")
    )
)


def _offers_version(region_id: int) -> str:
    """A key holding the number of the region's active offers and their latest change: 1 query."""
    n, changed_at = next(iter(_offers_count_and_change(region_id=region_id)), (0, None))  # no offers: no group
    changed = changed_at.timestamp() if changed_at else 0
    return f"pw:offer-profiles:{region_id}:{n}:{changed:.6f}"


def _active_offers(region_id: int) -> QuerySet[Offer]:
    """The region's active offers, what the profiles are read from (built only when the cache misses)."""
    return Offer.objects.filter(organisation__region_id=region_id, is_active=True)


def offer_profiles(*, region_id: int) -> list[OfferProfile]:
    """Active offers of the region as plain profiles, cached until an offer changes (1 query when cached).

    The cache key holds the number of offers and their latest change: every write goes through
    apps.offers.services, which saves the offer (and so its ``updated_at``) with its links.
    """
    key = _offers_version(region_id)
    profiles = cache.get(key)
    if profiles is None:
        profiles = _load_offer_profiles(_active_offers(region_id))
        cache.set(key, profiles, timeout=3600)
    return profiles


def offer_index(*, region_id: int) -> OfferIndex:
    """The region's offer profiles indexed by obstacle and intervention type (``recommend.index_offers``).

    Kept in this process per version of the offers (the key of ``offer_profiles``: their number and
    latest change), so a recommendation neither unpickles the profiles nor rebuilds the index:
    1 query when the offers did not change. One index per region is kept.
    """
    key = _offers_version(region_id)
    cached = _INDEXES.get(region_id)
    if cached is not None and cached[0] == key:
        return cached[1]
    profiles = cache.get(key)
    if profiles is None:
        profiles = _load_offer_profiles(_active_offers(region_id))
        cache.set(key, profiles, timeout=3600)
    index = index_offers(profiles)
    _INDEXES[region_id] = (key, index)
    return index


_INDEXES: dict[int, tuple[str, OfferIndex]] = {}


def _load_offer_profiles(qs: Any) -> list[OfferProfile]:
    """5 queries of plain values, no model instances."""
    rows = list(
        qs.values(
            "pk",
            "title",
            "organisation_id",
            "organisation__name",
            "delivery_mode",
            "location_municipality__code",
            "latitude",
            "longitude",
            "languages",
            "interpreter_available",
            "min_age",
            "max_age",
            "gender_specific",
            "capacity",
            "occupancy",
            "waiting_weeks",
        )
    )
    ids = [r["pk"] for r in rows]

    def links(field: str, target: str) -> dict[int, set[int]]:
        through = getattr(Offer, field).through
        result: dict[int, set[int]] = {}
        for offer_id, other in (
            through.objects.filter(offer_id__in=ids).values_list("offer_id", target).iterator(chunk_size=10000)
        ):
            result.setdefault(offer_id, set()).add(other)
        return result

    obstacles = links("obstacles", "obstacle_id")
    types = links("intervention_types", "interventiontype_id")
    municipalities = links("municipalities", "municipality_id")
    groups = links("target_groups", "targetgroup_id")
    empty: frozenset[int] = frozenset()
    return [
        OfferProfile(
            id=r["pk"],
            title=r["title"],
            organisation_id=r["organisation_id"],
            organisation_name=r["organisation__name"],
            obstacle_ids=frozenset(obstacles.get(r["pk"], empty)),
            intervention_type_ids=frozenset(types.get(r["pk"], empty)),
            municipality_ids=frozenset(municipalities.get(r["pk"], empty)),
            delivery_mode=r["delivery_mode"],
            location_municipality=r["location_municipality__code"] or "",
            latitude=r["latitude"],
            longitude=r["longitude"],
            languages=frozenset(r["languages"]),
            interpreter=r["interpreter_available"],
            min_age=r["min_age"],
            max_age=r["max_age"],
            target_group_ids=frozenset(groups.get(r["pk"], empty)),
            gender=r["gender_specific"],
            free_places=max(r["capacity"] - r["occupancy"], 0),
            waiting_weeks=r["waiting_weeks"],
        )
        for r in rows
    ]


def travel_model(*, region_id: int | None = None, region: Region | None = None) -> TravelModel:
    """The region's travel model (apps/matching/travel.py): its links and how each village is reached.

    Two queries of plain values (the links' municipalities; the deelgemeenten with their links and
    their municipality's centre); a measured matrix (settings.TRAVEL_MATRIX_FILE) replaces the
    estimates where it has them. Given ``region`` (the row loaded with the page's data), the model is kept
    in the process until the region changes (``region_memo``: no query); it is shared, read it only.
    """
    if region is not None:
        matrix = settings.TRAVEL_MATRIX_FILE or ""
        return region_memo(region=region, name=f"travel:{matrix}", build=lambda: travel_model(region_id=region.pk))
    if region_id is None:
        raise TypeError("travel_model needs region or region_id")
    links: dict[str, tuple[str, list[str], list[str]]] = {}
    for code, mode, town in TransitLink.municipalities.through.objects.filter(
        transitlink__region_id=region_id
    ).values_list("transitlink__code", "transitlink__mode", "municipality__code"):
        links.setdefault(code, (mode, [], []))[1].append(town)
    villages: dict[tuple[str, str], VillageAccess] = {}
    centres: dict[str, tuple[float, float]] = {}
    rows = Deelgemeente.objects.filter(municipality__region_id=region_id).values_list(
        "municipality__code",
        "code",
        "public_transport",
        "latitude",
        "longitude",
        "municipality__latitude",
        "municipality__longitude",
        "transit_links__code",
        "transit_links__mode",
    )
    for town, code, access, lat, lon, town_lat, town_lon, link_code, link_mode in rows:
        villages[(town, code)] = VillageAccess(town, code, access, lat, lon)
        centres[town] = (town_lat, town_lon)
        if link_code is not None:
            links.setdefault(link_code, (link_mode, [], []))[2].append(code)
    model = TravelModel.from_region(
        [Link(code, mode, tuple(towns), tuple(places)) for code, (mode, towns, places) in sorted(links.items())],
        list(villages.values()),
        centres,
    )
    if settings.TRAVEL_MATRIX_FILE:
        model = model.with_matrix(Path(settings.TRAVEL_MATRIX_FILE))
    return model


def client_profile(*, client: Any) -> ClientProfile | None:
    """None when the client has no completed screening yet."""
    return client_profile_and_open_pathway(client=client)[0]


# the three queries of a client's profile, compiled once (apps/core/prepared.py)
_newest_screening = Prepared(
    lambda client_id: Screening.objects.filter(client_id=client_id, status=Screening.Status.COMPLETED).order_by(
        "-screened_on", "-id"
    )[:1]
)
_levels_and_obstacle_ids = Prepared(
    lambda screening_id: (
        Screening.objects.filter(pk=screening_id)
        .values_list("scores__life_domain_id", "scores__level", "obstacles__id")
        .order_by()
    )
)
_open_pathways_with_workers = Prepared(
    lambda client_id: (
        Pathway.objects.filter(client_id=client_id)
        .exclude(status=Pathway.Status.CLOSED)
        .values_list(
            "pk",
            "organisation_id",
            "team__organisation_id",
            "team__is_active",
            "referrals__status",
            "referrals__offer__organisation_id",
        )
        .order_by()
    )
)


def client_profile_and_open_pathway(*, client: Any) -> tuple[ClientProfile | None, int | None]:
    """(``client_profile``; the id of the client's newest open pathway, where referrals leave from, or None) in
    3 queries (the newest completed screening; its scores and obstacles; the organisations working with the
    client together with the open pathways), the region's data kept per region version (``region_memo``).
    (None, None) when the client has no completed screening yet."""
    screening = next(iter(_newest_screening(client_id=client.pk)), None)
    if screening is None:
        return None, None
    region = client.organisation.region
    target_groups, personas, catalogue = region_memo(
        region=region, name="profile", build=lambda: _profile_data(region.pk)
    )
    levels, obstacles = _levels_and_obstacles(screening, catalogue)
    working, open_pathway_id = _working_and_open_pathway(client)
    profile = _build_profile(
        client=client,
        screening=screening,
        levels=levels,
        obstacles=obstacles,
        target_groups=target_groups,
        personas=personas,
        catalogue=catalogue,
        working=working,
        today=timezone.localdate(),
    )
    return profile, open_pathway_id


def _levels_and_obstacles(screening: Screening, catalogue: NeedCatalogue) -> tuple[dict[int, int], list[_Obstacle]]:
    """The screening's levels (life domain id -> 1-5; "not known" left out) and obstacles, in one query: its
    scores joined to its obstacles (some dozens of rows; cheaper to build than a union of the two). An obstacle
    outside the region's catalogue (none, as the region loader keeps them) is read: one query more."""
    levels: dict[int, int] = {}
    ids: set[int] = set()
    for domain_id, level, obstacle_id in _levels_and_obstacle_ids(screening_id=screening.pk):
        if domain_id is not None and level is not None:
            levels[domain_id] = level
        if obstacle_id is not None:
            ids.add(obstacle_id)
    known = catalogue.obstacles
    found = [known[pk] for pk in ids if pk in known]
    if len(found) < len(ids):
        found += Obstacle.objects.filter(pk__in=ids - set(known)).select_related("life_domain")
    return levels, [_Obstacle.of(o) for o in found]


def _working_and_open_pathway(client: Any) -> tuple[set[int], int | None]:
    """``working_organisations`` of one client and the id of its newest open pathway, in one query: the open
    pathways joined to their team and referrals (a few rows for one client; cheaper to build than a union)."""
    working: set[int] = set()
    newest: int | None = None
    rows = _open_pathways_with_workers(client_id=client.pk)
    for pathway_id, lead, member, active, status, referred in rows:
        working.add(lead)
        if member is not None and active:
            working.add(member)
        if referred is not None and status in WORKING_REFERRAL_STATUSES:
            working.add(referred)
        if newest is None or pathway_id > newest:
            newest = pathway_id
    return working, newest


def _profile_data(region_id: int) -> tuple[list[TargetGroup], list[_Persona], NeedCatalogue]:
    """What a profile needs of the region: target groups, personas, need catalogue (6 queries)."""
    catalogue = need_catalogue(region_id=region_id)
    return list(TargetGroup.objects.filter(region_id=region_id)), _personas(region_id, catalogue), catalogue


WORKING_REFERRAL_STATUSES = (Referral.Status.ACCEPTED, Referral.Status.STARTED)


def working_organisations(*, clients: Any) -> dict[int, set[int]]:
    """Which organisations already work with each client: ``{client id: {organisation id, ...}}`` (1 query).

    ``clients``: a queryset of clients (or of their ids), used as a subquery. An organisation works with
    the client when, in one of the client's open pathways (not closed), it holds the direction (the
    pathway's organisation), has an active member on the case team, or runs an offer the client was
    referred to and that referral is accepted or started. Being named in a consent is not enough: a
    consent allows sharing, it is no working relation (issue 13, the reason "works with this client").
    A client without an open pathway is left out.
    """
    open_pathways = Pathway.objects.filter(client__in=clients).exclude(status=Pathway.Status.CLOSED)
    lead = open_pathways.values_list("client_id", "organisation_id")
    team = TeamMember.objects.filter(pathway__in=open_pathways.values("pk"), is_active=True).values_list(
        "pathway__client_id", "organisation_id"
    )
    referred = Referral.objects.filter(
        pathway__in=open_pathways.values("pk"), status__in=WORKING_REFERRAL_STATUSES
    ).values_list("pathway__client_id", "offer__organisation_id")
    working: dict[int, set[int]] = {}
    for client_id, organisation_id in lead.order_by().union(team.order_by(), referred.order_by()):
        working.setdefault(client_id, set()).add(organisation_id)
    return working


# What a profile reads (model instances without the other columns: a third of the time of 10,000 profiles).
CLIENT_FIELDS: tuple[str, ...] = (
    *("organisation_id", "municipality_id", "deelgemeente_id", "birth_date", "gender", "languages", "dutch_level"),
)
PLACE_FIELDS = ("code", "latitude", "longitude")
SCREENING_FIELDS: tuple[str, ...] = (
    *("client_id", "screened_on", "employment_status", "in_education", "foreign_background"),
    *("third_country_national", "disability", "isced_level", "housing_situation"),
    *("household_adults", "household_children", "single_parent"),
)


def client_profiles(*, clients: QuerySet[Client], region_id: int) -> dict[int, ClientProfile]:
    """Profiles of many clients of one region in a fixed number of queries (9), whatever their number.

    ``clients`` is a queryset (not evaluated by the caller): it is read once with the places it needs, and
    used as a subquery for the screenings, their scores and obstacles, and the open pathways, so no query holds
    a list of ids. Returns ``{client id: profile}``; a client without a completed screening is left out.
    Each profile equals ``client_profile(client=...)`` for that client (same latest screening: the last
    ``screened_on``, then the highest id).
    """
    rows = list(
        clients.select_related("municipality", "deelgemeente").only(
            *CLIENT_FIELDS, *(f"{place}__{f}" for place in ("municipality", "deelgemeente") for f in PLACE_FIELDS)
        )
    )
    if not rows:
        return {}
    ids = clients.values("pk")
    latest: dict[int, Screening] = {}
    for screening in (
        Screening.objects.filter(client__in=ids, status=Screening.Status.COMPLETED)
        .only(*SCREENING_FIELDS)
        .order_by("client_id", "-screened_on", "-id")
    ):
        latest.setdefault(screening.client_id, screening)
    chosen = {s.pk for s in latest.values()}
    completed = {"screening__client__in": ids, "screening__status": Screening.Status.COMPLETED}
    levels: dict[int, dict[int, int]] = {}
    for screening_id, domain_id, level in DomainScore.objects.filter(**completed).values_list(
        "screening_id", "life_domain_id", "level"
    ):
        if screening_id in chosen and level is not None:  # None: "not known / not discussed"
            levels.setdefault(screening_id, {})[domain_id] = level
    catalogue = need_catalogue(region_id=region_id)  # the region's obstacles, read once for needs and profiles
    by_id = {pk: _Obstacle.of(o) for pk, o in catalogue.obstacles.items()}
    obstacles: dict[int, list[_Obstacle]] = {}
    for screening_id, obstacle_id in ScreeningObstacle.objects.filter(**completed).values_list(
        "screening_id", "obstacle_id"
    ):
        if screening_id in chosen and obstacle_id in by_id:
            obstacles.setdefault(screening_id, []).append(by_id[obstacle_id])
    working = working_organisations(clients=ids)
    target_groups = list(TargetGroup.objects.filter(region_id=region_id))
    personas = _personas(region_id, catalogue)
    today = timezone.localdate()
    profiles = {}
    for client in rows:
        chosen_screening = latest.get(client.pk)
        if chosen_screening is None:
            continue
        profiles[client.pk] = _build_profile(
            client=client,
            screening=chosen_screening,
            levels=levels.get(chosen_screening.pk, {}),
            obstacles=obstacles.get(chosen_screening.pk, []),
            target_groups=target_groups,
            personas=personas,
            catalogue=catalogue,
            working=working.get(client.pk, set()),
            today=today,
        )
    return profiles


@dataclass(frozen=True)
class _Obstacle:
    """What a profile needs of an obstacle, read once per run (a label costs a language lookup)."""

    pk: int
    life_domain_id: int
    code: str
    label: str
    mobility: bool

    @classmethod
    def of(cls, o: Obstacle) -> _Obstacle:
        """From an obstacle loaded with its life domain."""
        return cls(o.pk, o.life_domain_id, o.code, o.label, o.life_domain.mobility)


@dataclass(frozen=True)
class _Persona:
    """A regional challenge: the challenge itself, its persona's obstacles and the kinds of support sought."""

    challenge: Challenge
    obstacles: frozenset[_PersonaObstacle]
    intervention_ids: frozenset[int]

    @property
    def persona_name(self) -> str:
        return self.challenge.persona_name


def _personas(region_id: int, catalogue: NeedCatalogue) -> list[_Persona]:
    """The region's challenges (3 queries: the challenges, their obstacle lines' obstacles and their support
    lines' intervention types as plain pairs); their persona's obstacles as the catalogue's ``light`` ones."""
    light = catalogue.light
    theirs: dict[int, set[_PersonaObstacle]] = {}
    for challenge_id, obstacle_id in ObstacleLine.obstacles.through.objects.filter(
        obstacleline__challenge__region_id=region_id
    ).values_list("obstacleline__challenge_id", "obstacle_id"):
        if obstacle_id in light:
            theirs.setdefault(challenge_id, set()).add(light[obstacle_id])
    sought: dict[int, set[int]] = {}
    for challenge_id, type_id in SupportLine.intervention_types.through.objects.filter(
        supportline__challenge__region_id=region_id
    ).values_list("supportline__challenge_id", "interventiontype_id"):
        sought.setdefault(challenge_id, set()).add(type_id)
    return [
        _Persona(
            challenge=c,
            obstacles=frozenset(theirs.get(c.pk, ())),
            intervention_ids=frozenset(sought.get(c.pk, ())),
        )
        for c in Challenge.objects.filter(region_id=region_id)
    ]


def _nearest_persona(
    mine: set[_PersonaObstacle], levels: dict[int, int], personas: list[_Persona], facts: Any
) -> tuple[_Persona | None, float]:
    """The regional challenge whose persona is closest to the client, and how close (0..1), or (None, 0.0).

    The closeness of ``apps.assessment.classification.classify`` (the same ``challenge_closeness``; ties:
    the challenge's rank), without the explanations classify writes, which cost 95 % of its time in an
    allocation of 10,000 clients.
    """
    best: tuple[float, int] | None = None
    chosen = None
    for persona in personas:
        score, _pairs, _parts = challenge_closeness(
            challenge=persona.challenge,
            mine=mine,
            theirs=persona.obstacles,
            levels=levels,
            facts=facts,
            explain=False,
        )
        key = (-score, persona.challenge.rank)
        if best is None or key < best:
            best, chosen = key, persona
    if chosen is None or best is None or -best[0] <= 0:
        return None, 0.0
    return chosen, -best[0]


def _build_profile(
    *,
    client: Any,
    screening: Screening,
    levels: dict[int, int],
    obstacles: list[_Obstacle],
    target_groups: list[TargetGroup],
    personas: list[_Persona],
    catalogue: NeedCatalogue,
    working: set[int],
    today: Any,
) -> ClientProfile:
    """One profile from data already loaded (no query)."""
    obstacles = sorted(obstacles, key=lambda o: o.pk)
    weights = {o.pk: severity_weight(levels.get(o.life_domain_id)) for o in obstacles}
    needs = needs_from(catalogue=catalogue, obstacle_ids=[o.pk for o in obstacles], levels=levels)
    facts = screening_facts(client=client, screening=screening, obstacle_codes={o.code for o in obstacles}, on=today)
    groups = frozenset(g.pk for g in target_groups if evaluate(g.rule, facts))
    where = client.deelgemeente if client.deelgemeente and client.deelgemeente.latitude is not None else None
    place = Place(
        code=where.code if where else client.municipality.code,
        municipality=client.municipality.code,
        latitude=where.latitude if where else client.municipality.latitude,
        longitude=where.longitude if where else client.municipality.longitude,
    )
    mine = {catalogue.light[o.pk] for o in obstacles if o.pk in catalogue.light}
    top, closeness = _nearest_persona(mine, levels, personas, facts)
    return ClientProfile(
        age=client.age_on(today),
        gender=client.gender,
        municipality_id=client.municipality_id,
        place=place,
        obstacle_weights=weights,
        obstacle_labels={o.pk: o.label for o in obstacles},
        mobility_limited=any(o.mobility for o in obstacles),
        languages=frozenset(client.languages),
        dutch_level=client.dutch_level,
        target_group_ids=groups,
        organisation_ids=frozenset(working),
        challenge_persona=top.persona_name if top else "",
        challenge_closeness=closeness,
        challenge_intervention_ids=top.intervention_ids if top else frozenset(),
        needs=tuple(needs),
        need_obstacles=frozenset(o for n in needs for o in n.obstacle_ids),
    )


@dataclass(frozen=True, eq=False, slots=True)
class _PersonaObstacle:
    """An obstacle as the closeness of a client to a persona compares it (``challenge_closeness``): one object per
    region obstacle, compared by identity (a model instance compares and hashes through Python: 2 million calls in
    an allocation of 10,000 clients)."""

    pk: int
    life_domain_id: int
    code: str
    family: str
    position: int


@dataclass(frozen=True)
class NeedCatalogue:
    """What needs are made of in one region: its obstacles (with life domain) and, per obstacle, the
    intervention types that answer it with their rank (0 = the region's first answer); derived once from those:
    ``light`` (obstacle id -> its ``_PersonaObstacle``), ``domains`` (life domain id -> life domain) and
    ``members`` (life domain id -> its obstacles, region order) with their best ranks (``domain_kinds``);
    ``labels`` keeps the translated labels per (language, "o" or "d", id), filled as they are asked for."""

    obstacles: dict[int, Obstacle]
    kinds: dict[int, dict[int, int]]
    light: dict[int, _PersonaObstacle] = field(default_factory=dict)
    domains: dict[int, Any] = field(default_factory=dict)
    members: dict[int, list[Obstacle]] = field(default_factory=dict)
    domain_kinds: dict[int, dict[int, int]] = field(default_factory=dict)
    labels: dict[tuple[str, str, int], str] = field(default_factory=dict, compare=False)

    def label(self, kind: str, thing: Any, language: str) -> str:
        """The label of an obstacle (``kind`` "o") or life domain ("d") in ``language``, translated once."""
        key = (language, kind, thing.pk)
        found = self.labels.get(key)
        if found is None:
            found = self.labels[key] = thing.label
        return found


def need_catalogue(*, region_id: int) -> NeedCatalogue:
    """The region's need catalogue (2 queries), read once per page or allocation run."""
    region_obstacles = list(
        Obstacle.objects.filter(region_id=region_id)
        .select_related("life_domain")
        .prefetch_related("intervention_types")
    )
    kinds: dict[int, dict[int, int]] = {}
    for o in region_obstacles:
        order = {code: i for i, code in enumerate(o.intervention_order)}
        kinds[o.pk] = {t.pk: order.get(t.code, len(order)) for t in o.intervention_types.all()}
    members: dict[int, list[Obstacle]] = {}
    for o in region_obstacles:
        members.setdefault(o.life_domain_id, []).append(o)
    return NeedCatalogue(
        obstacles={o.pk: o for o in region_obstacles},
        kinds=kinds,
        light={o.pk: _PersonaObstacle(o.pk, o.life_domain_id, o.code, o.family, o.position) for o in region_obstacles},
        domains={o.life_domain_id: o.life_domain for o in region_obstacles},
        members=members,
        domain_kinds={d: _best_ranks([kinds[o.pk] for o in found]) for d, found in members.items()},
    )


def needs_from(*, catalogue: NeedCatalogue, obstacle_ids: list[int], levels: dict[int, int]) -> list[Need]:
    """The client's needs, heaviest first (no query): each recorded obstacle, and each life domain at
    level 1-2 where no obstacle was recorded (met by offers for any obstacle of that domain).

    ``obstacle_ids``: the client's recorded obstacles (ids of this region); ``levels``: life domain id → 1-5.
    Weights: apps.regions.severity. Ties: the region's order of life domains and obstacles.
    """
    kinds = catalogue.kinds
    language = get_language() or ""
    obstacles = [catalogue.obstacles[pk] for pk in obstacle_ids if pk in catalogue.obstacles]
    needs: list[tuple[tuple[int, int], Need]] = []
    recorded_domains = {o.life_domain_id for o in obstacles}
    for o in obstacles:
        level = levels.get(o.life_domain_id)
        needs.append(
            (
                (o.life_domain.position, o.position),
                Need(
                    key=f"obstacle:{o.code}",
                    label=catalogue.label("o", o, language),
                    domain=catalogue.label("d", o.life_domain, language),
                    level=level,
                    weight=severity_weight(level),
                    obstacle_ids=frozenset({o.pk}),
                    kinds=kinds.get(o.pk, {}),
                ),
            )
        )
    for domain_id, level in levels.items():
        if level not in NEED_LEVELS or domain_id in recorded_domains or domain_id not in catalogue.domains:
            continue
        domain = catalogue.domains[domain_id]
        label = catalogue.label("d", domain, language)
        needs.append(
            (
                (domain.position, -1),
                Need(
                    key=f"domain:{domain.code}",
                    label=label,
                    domain=label,
                    level=level,
                    weight=severity_weight(level),
                    obstacle_ids=frozenset(o.pk for o in catalogue.members[domain_id]),
                    kinds=catalogue.domain_kinds[domain_id],
                    from_domain=True,
                ),
            )
        )
    needs.sort(key=lambda pair: (-pair[1].weight, pair[0]))
    return [n for _, n in needs]


def _best_ranks(rankings: list[dict[int, int]]) -> dict[int, int]:
    best: dict[int, int] = {}
    for ranks in rankings:
        for kind, rank in ranks.items():
            best[kind] = min(rank, best.get(kind, rank))
    return best
