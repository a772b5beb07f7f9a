from __future__ import annotations

from typing import Any

from django.http import Http404

from apps.regions.models import Region


def get_region_for_user(user: Any, code: str) -> Region:
    """A region is visible to its members and to administrators; 404 otherwise."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    if not user.has_perm("regions.view_region", region):
        raise Http404
    return region
