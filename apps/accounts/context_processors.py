from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.accounts.models import Role
from apps.accounts.permissions import CASE_ROLES, is_platform_admin, memberships_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation shows only what the user's roles allow (computed lazily)."""

    user = request.user
    if not user.is_authenticated:
        return {}
    memberships = memberships_of(user)
    regions = {m.organisation.region.code: m.organisation.region for m in memberships}
    return {
        "nav_memberships": memberships,
        "nav_regions": list(regions.values()),
        "nav_is_admin": is_platform_admin(user) and user.is_staff,  # the admin site needs is_staff
        "nav_case_worker": any(m.role in CASE_ROLES for m in memberships),
        "nav_coordinator": any(m.role == Role.COORDINATOR for m in memberships),
    }
