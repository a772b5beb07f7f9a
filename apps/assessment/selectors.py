"""Reads: the region data classification needs, and a client's screenings with their scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from apps.assessment.classification import Classification, classify, screening_facts
from apps.assessment.models import DomainScore, Screening
from apps.regions.models import Challenge, LifeDomain, Obstacle, ObstacleLine, TargetGroup


def region_classification_data(*, region_id: int) -> dict[str, Any]:
    """Target groups, challenges with their obstacles, obstacles and life domains (4 queries)."""
    obstacles = list(Obstacle.objects.filter(region_id=region_id))
    by_id = {o.pk: o for o in obstacles}
    challenges = list(
        Challenge.objects.filter(region_id=region_id).prefetch_related(
            Prefetch("obstacle_lines", queryset=ObstacleLine.objects.prefetch_related("obstacles"))
        )
    )
    return {
        "target_groups": list(TargetGroup.objects.filter(region_id=region_id)),
        "challenges": [
            (c, list({by_id[o.pk] for line in c.obstacle_lines.all() for o in line.obstacles.all()}))
            for c in challenges
        ],
        "obstacles_by_code": {o.code: o for o in obstacles},
        "obstacles": obstacles,
        "life_domains": list(LifeDomain.objects.filter(region_id=region_id)),
    }


def completed_screenings(*, client: Any) -> list[Screening]:
    """All completed screenings, oldest first, with scores and obstacles (3 queries whatever their number)."""
    return list(
        Screening.objects.filter(client=client, status=Screening.Status.COMPLETED)
        .prefetch_related(Prefetch("scores", queryset=DomainScore.objects.order_by("life_domain_id")), "obstacles")
        .order_by("screened_on", "id")
    )


def classification_for(
    *, client: Any, screening: Screening | None, region_data: dict[str, Any], on: dt.date | None = None
) -> Classification:
    codes = {o.code for o in screening.obstacles.all()} if screening is not None else set()
    levels = (
        {s.life_domain_id: s.level for s in screening.scores.all() if s.level is not None}  # "not known": no level
        if screening is not None
        else {}
    )
    facts = screening_facts(client=client, screening=screening, obstacle_codes=codes, on=on or timezone.localdate())
    return classify(
        facts=facts,
        target_groups=region_data["target_groups"],
        challenges=region_data["challenges"],
        obstacles_by_code=region_data["obstacles_by_code"],
        levels=levels,
    )
