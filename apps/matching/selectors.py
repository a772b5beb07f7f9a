"""Profiles for matching, built in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from apps.assessment.classification import classify, screening_facts
from apps.assessment.models import Screening
from apps.consent.models import Consent
from apps.matching.recommend import MOBILITY_DOMAIN, ClientProfile, OfferProfile
from apps.matching.travel import Place, TravelModel
from apps.partners.models import Offer
from apps.regions.models import Challenge, Obstacle, TargetGroup, TransitLink
from apps.regions.rules import evaluate


def offer_profiles(*, region_id: int, offers: Any = None) -> list[OfferProfile]:
    qs = offers if offers is not None else Offer.objects.filter(organisation__region_id=region_id, is_active=True)
    qs = qs.select_related("organisation", "location_municipality").prefetch_related(
        "obstacles", "intervention_types", "municipalities", "target_groups"
    )
    return [
        OfferProfile(
            id=o.pk,
            title=o.title,
            organisation_id=o.organisation_id,
            organisation_name=o.organisation.name,
            obstacle_ids=frozenset(x.pk for x in o.obstacles.all()),
            intervention_type_ids=frozenset(x.pk for x in o.intervention_types.all()),
            municipality_ids=frozenset(x.pk for x in o.municipalities.all()),
            delivery_mode=o.delivery_mode,
            location_municipality=o.location_municipality.code if o.location_municipality else "",
            latitude=o.latitude,
            longitude=o.longitude,
            languages=frozenset(o.languages),
            interpreter=o.interpreter_available,
            min_age=o.min_age,
            max_age=o.max_age,
            target_group_ids=frozenset(x.pk for x in o.target_groups.all()),
            gender=o.gender_specific,
            free_places=o.free_places,
            waiting_weeks=o.waiting_weeks,
        )
        for o in qs
    ]


def travel_model(*, region_id: int) -> TravelModel:
    links = TransitLink.objects.filter(region_id=region_id).prefetch_related("municipalities")
    return TravelModel.from_links([(link.mode, [m.code for m in link.municipalities.all()]) for link in links])


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
    levels = {s.life_domain_id: s.level for s in screening.scores.all()}
    obstacles = list(screening.obstacles.all())
    weights = {
        o.pk: (1.5 if levels.get(o.life_domain_id) is None else 2.0 - (levels[o.life_domain_id] - 1) * 0.25)
        for o in obstacles
    }
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
        mobility_limited=any(o.life_domain.code == MOBILITY_DOMAIN for o in obstacles),
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
    )
