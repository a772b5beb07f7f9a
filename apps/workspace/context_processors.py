"""The menu: which items each role can use (so no item leads to a 404) and the to-do and notification badges."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.accounts.models import Role
from apps.accounts.permissions import memberships_of
from apps.workspace.selectors_todo import PROPOSAL_ROLES, menu_counts

CASELOAD_ROLES = {Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER}
GROUP_ROLES = {
    Role.PARTNER_WORKER,
    Role.COUNSELLOR,
    Role.COORDINATOR,
}  # apps.offers.permissions.EDIT_ROLES + coordinator


def workspace_menu(request: HttpRequest) -> dict[str, Any]:
    """``nav_can``: item -> shown (mirrors the guards of the pages behind them); ``nav_counts``: lazily computed
    badges (one query, only on pages that render the menu)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    roles = {m.role for m in memberships_of(user)}
    return {
        "nav_can": {
            "caseload": bool(roles & CASELOAD_ROLES),
            "proposals": bool(roles & PROPOSAL_ROLES),
            "groups": bool(roles & GROUP_ROLES),
            "dashboard": Role.COORDINATOR in roles,
        },
        "nav_counts": SimpleLazyObject(lambda: menu_counts(user)),
    }
