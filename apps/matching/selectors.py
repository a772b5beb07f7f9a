"""Profiles for matching, built in a fixed number of queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.utils import timezone

from apps.assessment.classification import classify, screening_facts
from apps.assessment.models import Screening
from apps.consent.models import Consent
from apps.matching.recommend import ClientProfile, Need, OfferProfile
from apps.matching.travel import Place, TravelModel
from apps.offers.models import Offer
from apps.regions.models import Challenge, Obstacle, TargetGroup, TransitLink
from apps.regions.severity import NEED_LEVELS, severity_weight
from apps.regions.target_group_rules import evaluate


def offer_profiles(*, region_id: int) -> list[OfferProfile]:
    """Active offers of the region as plain profiles, cached until an offer changes (1 query when cached).

    The cache key holds the number of offers and their latest change: every write goes through
    apps.offers.services, which saves the offer (and so its ``updated_at``) with its links.
    """
    qs = Offer.objects.filter(organisation__region_id=region_id, is_active=True)
    version = qs.aggregate(n=Count("pk"), changed=Max("updated_at"))
    changed = version["changed"].timestamp() if version["changed"] else 0
    key = f"pw:offer-profiles:{region_id}:{version['n']}:{changed:.6f}"
    profiles = cache.get(key)
    if profiles is None:
        profiles = _load_offer_profiles(qs)
        cache.set(key, profiles, timeout=3600)
    return profiles


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


def travel_model(*, region_id: int) -> TravelModel:
    links = TransitLink.objects.filter(region_id=region_id).prefetch_related("municipalities")
    model = TravelModel.from_links([(link.mode, [m.code for m in link.municipalities.all()]) for link in links])
    if settings.TRAVEL_MATRIX_FILE:
        model = model.with_matrix(Path(settings.TRAVEL_MATRIX_FILE))
    return model


def client_profile(*, client: Any) -> ClientProfile | None:
    """None when the client has no completed screening yet."""
    screening = (
        Screening.objects.filter(client=client, status=Screening.Status.COMPLETED)
        .prefetch_related("scores", Prefetch("obstacles", queryset=Obstacle.objects.select_related("life_domain")))
        .order_by("-screened_on", "-id")
        .first()
    )
    if screening is None:
        return None
    levels = {s.life_domain_id: s.level for s in screening.scores.all() if s.level is not None}  # "not known"
    obstacles = list(screening.obstacles.all())
    weights = {o.pk: severity_weight(levels.get(o.life_domain_id)) for o in obstacles}
    needs = client_needs(region_id=client.organisation.region_id, obstacles=obstacles, levels=levels)
    today = timezone.localdate()
    facts = screening_facts(client=client, screening=screening, obstacle_codes={o.code for o in obstacles}, on=today)
    groups = frozenset(
        g.pk for g in TargetGroup.objects.filter(region_id=client.organisation.region_id) if evaluate(g.rule, facts)
    )
    where = client.deelgemeente if client.deelgemeente and client.deelgemeente.latitude is not None else None
    place = Place(
        code=where.code if where else client.municipality.code,
        municipality=client.municipality.code,
        latitude=where.latitude if where else client.municipality.latitude,
        longitude=where.longitude if where else client.municipality.longitude,
    )
    nearest = classify(
        facts=facts,
        target_groups=[],
        challenges=[
            (c, [o for line in c.obstacle_lines.all() for o in line.obstacles.all()])
            for c in Challenge.objects.filter(region_id=client.organisation.region_id).prefetch_related(
                "obstacle_lines__obstacles", "support_lines__intervention_types"
            )
        ],
        obstacles_by_code={o.code: o for o in obstacles},
        levels=levels,
    ).challenges
    top = nearest[0] if nearest and nearest[0].score > 0 else None
    consented = Consent.objects.filter(client=client, withdrawn_on__isnull=True).values_list("organisations", flat=True)
    return ClientProfile(
        age=client.age_on(today),
        gender=client.gender,
        municipality_id=client.municipality_id,
        place=place,
        obstacle_weights=weights,
        obstacle_labels={o.pk: o.label for o in obstacles},
        mobility_limited=any(o.life_domain.mobility for o in obstacles),
        languages=frozenset(client.languages),
        dutch_level=client.dutch_level,
        target_group_ids=groups,
        organisation_ids=frozenset({client.organisation_id, *[o for o in consented if o]}),
        challenge_persona=top.challenge.persona_name if top else "",
        challenge_closeness=top.score if top else 0.0,
        challenge_intervention_ids=frozenset(
            t.pk for line in top.challenge.support_lines.all() for t in line.intervention_types.all()
        )
        if top
        else frozenset(),
        needs=tuple(needs),
        need_obstacles=frozenset(o for n in needs for o in n.obstacle_ids),
    )


def client_needs(*, region_id: int, obstacles: list[Any], levels: dict[int, int]) -> list[Need]:
    """The client's needs, heaviest first (2 queries): each recorded obstacle, and each life domain at
    level 1-2 where no obstacle was recorded (met by offers for any obstacle of that domain).

    Weights: apps.regions.severity. Ties: the region's order of life domains and obstacles.
    """
    region_obstacles = list(
        Obstacle.objects.filter(region_id=region_id)
        .select_related("life_domain")
        .prefetch_related("intervention_types")
    )
    kinds: dict[int, dict[int, int]] = {}
    for o in region_obstacles:
        order = {code: i for i, code in enumerate(o.intervention_order)}
        kinds[o.pk] = {t.pk: order.get(t.code, len(order)) for t in o.intervention_types.all()}
    needs: list[tuple[tuple[int, int], Need]] = []
    recorded_domains = {o.life_domain_id for o in obstacles}
    for o in obstacles:
        level = levels.get(o.life_domain_id)
        needs.append(
            (
                (o.life_domain.position, o.position),
                Need(
                    key=f"obstacle:{o.code}",
                    label=o.label,
                    domain=o.life_domain.label,
                    level=level,
                    weight=severity_weight(level),
                    obstacle_ids=frozenset({o.pk}),
                    kinds=kinds.get(o.pk, {}),
                ),
            )
        )
    domains = {o.life_domain_id: o.life_domain for o in region_obstacles}
    for domain_id, level in levels.items():
        if level not in NEED_LEVELS or domain_id in recorded_domains or domain_id not in domains:
            continue
        members = [o for o in region_obstacles if o.life_domain_id == domain_id]
        domain = domains[domain_id]
        needs.append(
            (
                (domain.position, -1),
                Need(
                    key=f"domain:{domain.code}",
                    label=domain.label,
                    domain=domain.label,
                    level=level,
                    weight=severity_weight(level),
                    obstacle_ids=frozenset(o.pk for o in members),
                    kinds=_best_ranks([kinds[o.pk] for o in members]),
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
