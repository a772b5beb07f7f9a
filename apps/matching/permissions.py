"""Access to the allocation pages: a coordinator reaches the allocation of each region they coordinate."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from apps.accounts.permissions import coordinated_region_ids, coordinated_regions
from apps.matching.models import AllocationRun
from apps.regions.models import Region


def get_allocation_region_for_user(user: Any, code: str | None) -> tuple[Region, list[Region]]:
    """(the chosen region, every region the user coordinates). ``code`` is the ``?regio=`` value: a region the
    user coordinates, or empty/None for the first of them (by name). 404 for a user who coordinates no region
    and for a code that is not one of theirs (missing and forbidden look the same)."""
    regions = coordinated_regions(user)
    if not regions:
        raise Http404
    if not code:
        return regions[0], regions
    for region in regions:
        if region.code == code:
            return region, regions
    raise Http404


def get_run_for_user(user: Any, pk: int) -> AllocationRun:
    """An allocation run of a region the user coordinates, or 404."""
    run = (
        AllocationRun.objects.filter(pk=pk, region_id__in=coordinated_region_ids(user)).select_related("region").first()
    )
    if run is None:
        raise Http404
    return run
