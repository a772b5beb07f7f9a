"""Access to the allocation runs: a coordinator reaches the runs of each region they coordinate (the region of
the allocation page itself: ``apps.accounts.permissions.get_coordinated_region_for_user``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from apps.accounts.permissions import coordinated_region_ids
from apps.matching.models import AllocationRun


def get_run_for_user(user: Any, pk: int) -> AllocationRun:
    """An allocation run of a region the user coordinates, or 404."""
    run = (
        AllocationRun.objects.filter(pk=pk, region_id__in=coordinated_region_ids(user)).select_related("region").first()
    )
    if run is None:
        raise Http404
    return run
