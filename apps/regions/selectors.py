"""Reads of region data, with their own prefetching (a fixed number of queries per page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
    TargetGroup,
)

T = TypeVar("T")


def regions_for_user(*, user: Any) -> list[Region]:
    """The regions the user may open: the ``regions.view_region`` rule (administrators and members of the
    region), which apps.accounts.permissions defines; regions itself knows no roles."""
    return [region for region in Region.objects.all() if user.has_perm("regions.view_region", region)]


def region_overview(*, region: Region) -> dict[str, Any]:
    """Everything the region page shows: the region's own data (challenges with their target groups, obstacle
    lines with their obstacles' life domains, support and enrichment lines; target groups; municipalities with
    their deelgemeenten; the enrichment lines) kept in the process per region version (``region_memo``: 0 queries
    after the first page of a process, 10 for that first page: what the page does not show is not read), and the
    call's timeline, read each time (1 query: the demo moves its dates without a region load)."""

    def build() -> dict[str, Any]:
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
                "support_lines",
                Prefetch(
                    "enrichment_lines",
                    queryset=EnrichmentLine.objects.filter(kind=EnrichmentLine.Kind.CLIENT_PROFILE),
                ),
            )
            .order_by("rank")
        )
        return {
            "challenges": tuple(challenges),
            "target_groups": tuple(TargetGroup.objects.filter(region=region)),
            "municipalities": tuple(
                Municipality.objects.filter(region=region).prefetch_related(
                    Prefetch("deelgemeenten", queryset=Deelgemeente.objects.order_by("position"))
                )
            ),
            "enrichment": tuple(EnrichmentLine.objects.filter(region=region)),
        }

    kept = region_memo(region=region, name="overview", build=build)
    return {"region": region, **kept, "call": CallTimeline.objects.filter(region=region).first()}


# --- region data kept in the process ---------------------------------------------------------

_MEMO: dict[tuple[int, str], tuple[Any, Any]] = {}


def region_memo(*, region: Region, name: str, build: Callable[[], T]) -> T:
    """``build()`` (a read of the region's own data: obstacles, challenges, travel links, ...) kept in this
    process until the region changes: 0 queries after the first page of a process.

    ``region``: the Region row as loaded with the page's data (its ``loaded_at`` is the version: the region
    loader sets it after every load, and the admin's edits of region rows set it too, see admin.py);
    ``name``: what is kept (one value per region and name). The value is shared by every request of the
    process: callers must not change it (read-only model instances, tuples, frozen dataclasses).
    Region data changes only by loading a region file (docs/architecture.md, "Region data").
    """
    key = (region.pk, name)
    version = region.loaded_at
    kept = _MEMO.get(key)
    if kept is not None and version is not None and kept[0] == version:
        return kept[1]
    value = build()
    if version is not None:  # a region row without a load time (built by hand) is never kept
        _MEMO[key] = (version, value)
    return value


def region_rows(*, region: Region, model: type[T]) -> tuple[T, ...]:
    """The rows of one model of the region's own data (``model``: InterventionType, Obstacle, Municipality,
    TargetGroup, ... : any model with a ``region`` key), in the model's order, kept per region version
    (``region_memo``): forms show them as choices without a query per form and per render."""
    return region_memo(
        region=region,
        name=f"rows:{model._meta.label}",  # type: ignore[attr-defined]
        build=lambda: tuple(model.objects.filter(region=region)),  # type: ignore[attr-defined]
    )


def region_memo_clear() -> None:
    """Forget every kept value (tests; the region loader does not need it: a load changes ``loaded_at``)."""
    _MEMO.clear()
