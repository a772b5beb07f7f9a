"""Reads of region data, with their own prefetching (a fixed number of queries per page)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from apps.regions.models import (
    CallTimeline,
    Challenge,
    Deelgemeente,
    EnrichmentLine,
    Municipality,
    Obstacle,
    ObstacleLine,
    Region,
    SupportLine,
    TargetGroup,
)


def regions_for_user(*, user: Any) -> list[Region]:
    """The regions the user may open: the ``regions.view_region`` rule (administrators and members of the
    region), which apps.accounts.permissions defines; regions itself knows no roles."""
    return [region for region in Region.objects.all() if user.has_perm("regions.view_region", region)]


def region_overview(*, region: Region) -> dict[str, Any]:
    """Everything the region page shows, in a fixed number of queries."""
    challenges = list(
        Challenge.objects.filter(region=region)
        .prefetch_related(
            "target_groups",
            Prefetch(
                "obstacle_lines",
                queryset=ObstacleLine.objects.prefetch_related(
                    Prefetch("obstacles", queryset=Obstacle.objects.select_related("life_domain"))
                ),
            ),
            Prefetch("support_lines", queryset=SupportLine.objects.prefetch_related("intervention_types")),
            Prefetch(
                "enrichment_lines", queryset=EnrichmentLine.objects.filter(kind=EnrichmentLine.Kind.CLIENT_PROFILE)
            ),
        )
        .order_by("rank")
    )
    return {
        "region": region,
        "challenges": challenges,
        "target_groups": list(TargetGroup.objects.filter(region=region)),
        "municipalities": list(
            Municipality.objects.filter(region=region).prefetch_related(
                Prefetch("deelgemeenten", queryset=Deelgemeente.objects.order_by("position"))
            )
        ),
        "enrichment": list(
            EnrichmentLine.objects.filter(region=region).prefetch_related("obstacles", "intervention_types")
        ),
        "call": CallTimeline.objects.filter(region=region).first(),
    }
