from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from apps.accounts.models import Role
from apps.accounts.permissions import CASE_ROLES, is_platform_admin, memberships_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation shows only what the user's roles allow (computed lazily)."""

    user = request.user
    if not user.is_authenticated:
        return {}
    memberships = memberships_of(user)
    regions = {m.organisation.region.code: m.organisation.region for m in memberships}
    # everything the menu shows but the page and the counts: the key of the menu kept per process (base.html)
    shown = (
        user.pk,
        user.username,
        user.first_name,
        user.last_name,
        user.is_staff,
        user.is_superuser,
        get_language(),
        tuple(
            (m.organisation_id, m.role, r.pk, r.code, r.name_nl, r.name_en)
            for m in memberships
            for r in (m.organisation.region,)
        ),
    )
    return {
        "nav_key": hashlib.sha256(repr(shown).encode()).hexdigest(),
        "nav_memberships": memberships,
        "nav_regions": list(regions.values()),
        "nav_is_admin": is_platform_admin(user) and user.is_staff,  # the admin site needs is_staff
        "nav_case_worker": any(m.role in CASE_ROLES for m in memberships),
        "nav_coordinator": any(m.role == Role.COORDINATOR for m in memberships),
    }
