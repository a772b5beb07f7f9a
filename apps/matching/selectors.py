"""Profiles for matching, built in a fixed number of queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils import timezone

from apps.assessment.classification import classify, screening_facts
from apps.assessment.models import DomainScore, Screening, ScreeningObstacle
from apps.clients.models import Client
from apps.consent.models import Consent
from apps.matching.recommend import MOBILITY_DOMAIN, ClientProfile, OfferProfile
from apps.matching.travel import Place, TravelModel
from apps.partners.models import Offer
from apps.regions.models import Challenge, Obstacle, TargetGroup, TransitLink
from apps.regions.rules import evaluate


def offer_profiles(*, region_id: int) -> list[OfferProfile]:
    """Active offers of the region as plain profiles, cached until an offer changes (1 query when cached).

    The cache key holds the number of offers and their latest change: every write goes through
    apps.partners.services, which saves the offer (and so its ``updated_at``) with its links.
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
    region_id = client.organisation.region_id
    consented = Consent.objects.filter(client=client, withdrawn_on__isnull=True).values_list("organisations", flat=True)
    return _build_profile(
        client=client,
        screening=screening,
        levels={s.life_domain_id: s.level for s in screening.scores.all()},
        obstacles=list(screening.obstacles.all()),
        target_groups=list(TargetGroup.objects.filter(region_id=region_id)),
        challenges=_challenges(region_id),
        consented={o for o in consented if o},
        today=timezone.localdate(),
    )


def client_profiles(*, clients: QuerySet[Client], region_id: int) -> dict[int, ClientProfile]:
    """Profiles of many clients of one region in a fixed number of queries (9), whatever their number.

    ``clients`` is a queryset (not evaluated by the caller): it is read once with the places it needs, and
    used as a subquery for the screenings, their scores and obstacles, and the consents, so no query holds
    a list of ids. Returns ``{client id: profile}``; a client without a completed screening is left out.
    Each profile equals ``client_profile(client=...)`` for that client (same latest screening: the last
    ``screened_on``, then the highest id).
    """
    rows = list(clients.select_related("organisation", "municipality", "deelgemeente"))
    if not rows:
        return {}
    ids = clients.values("pk")
    latest: dict[int, Screening] = {}
    for screening in Screening.objects.filter(client__in=ids, status=Screening.Status.COMPLETED).order_by(
        "client_id", "-screened_on", "-id"
    ):
        latest.setdefault(screening.client_id, screening)
    chosen = {s.pk for s in latest.values()}
    completed = {"screening__client__in": ids, "screening__status": Screening.Status.COMPLETED}
    levels: dict[int, dict[int, int]] = {}
    for screening_id, domain_id, level in DomainScore.objects.filter(**completed).values_list(
        "screening_id", "life_domain_id", "level"
    ):
        if screening_id in chosen:
            levels.setdefault(screening_id, {})[domain_id] = level
    by_id = {o.pk: o for o in Obstacle.objects.filter(region_id=region_id).select_related("life_domain")}
    obstacles: dict[int, list[Obstacle]] = {}
    for screening_id, obstacle_id in ScreeningObstacle.objects.filter(**completed).values_list(
        "screening_id", "obstacle_id"
    ):
        if screening_id in chosen and obstacle_id in by_id:
            obstacles.setdefault(screening_id, []).append(by_id[obstacle_id])
    consented: dict[int, set[int]] = {}
    for client_id, organisation_id in Consent.objects.filter(client__in=ids, withdrawn_on__isnull=True).values_list(
        "client_id", "organisations"
    ):
        if organisation_id:
            consented.setdefault(client_id, set()).add(organisation_id)
    target_groups = list(TargetGroup.objects.filter(region_id=region_id))
    challenges = _challenges(region_id)
    today = timezone.localdate()
    profiles = {}
    for client in rows:
        screening = latest.get(client.pk)
        if screening is None:
            continue
        profiles[client.pk] = _build_profile(
            client=client,
            screening=screening,
            levels=levels.get(screening.pk, {}),
            obstacles=obstacles.get(screening.pk, []),
            target_groups=target_groups,
            challenges=challenges,
            consented=consented.get(client.pk, set()),
            today=today,
        )
    return profiles


def _challenges(region_id: int) -> list[tuple[Challenge, list[Obstacle]]]:
    """The region's challenges with their personas' obstacles (3 queries)."""
    return [
        (c, [o for line in c.obstacle_lines.all() for o in line.obstacles.all()])
        for c in Challenge.objects.filter(region_id=region_id).prefetch_related(
            "obstacle_lines__obstacles", "support_lines__intervention_types"
        )
    ]


def _build_profile(
    *,
    client: Any,
    screening: Screening,
    levels: dict[int, int],
    obstacles: list[Obstacle],
    target_groups: list[TargetGroup],
    challenges: list[tuple[Challenge, list[Obstacle]]],
    consented: set[int],
    today: Any,
) -> ClientProfile:
    """One profile from data already loaded (no query; obstacles need their ``life_domain`` loaded)."""
    obstacles = sorted(obstacles, key=lambda o: o.pk)
    weights = {
        o.pk: (1.5 if levels.get(o.life_domain_id) is None else 2.0 - (levels[o.life_domain_id] - 1) * 0.25)
        for o in obstacles
    }
    facts = screening_facts(client=client, screening=screening, obstacle_codes={o.code for o in obstacles}, on=today)
    groups = frozenset(g.pk for g in target_groups if evaluate(g.rule, facts))
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
        challenges=challenges,
        obstacles_by_code={o.code: o for o in obstacles},
        levels=levels,
    ).challenges
    top = nearest[0] if nearest and nearest[0].score > 0 else None
    return ClientProfile(
        age=client.age_on(today),
        gender=client.gender,
        municipality_id=client.municipality_id,
        place=place,
        obstacle_weights=weights,
        obstacle_labels={o.pk: o.label for o in obstacles},
        mobility_limited=any(o.life_domain.code == MOBILITY_DOMAIN for o in obstacles),
        languages=frozenset(client.languages),
        dutch_level=client.dutch_level,
        target_group_ids=groups,
        organisation_ids=frozenset({client.organisation_id, *consented}),
        challenge_persona=top.challenge.persona_name if top else "",
        challenge_closeness=top.score if top else 0.0,
        challenge_intervention_ids=frozenset(
            t.pk for line in top.challenge.support_lines.all() for t in line.intervention_types.all()
        )
        if top
        else frozenset(),
    )
