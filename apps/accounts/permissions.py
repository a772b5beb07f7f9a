"""Who may do what: the one place for role checks (docs/decisions/0003-access-model.md).

Roles come from active memberships of active organisations. Access helpers named
``get_<thing>_for_user`` return the object or raise Http404 (missing and forbidden
look the same to an outsider).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import Membership, Organisation, Role
from apps.regions.models import Region

# Roles that work with clients (case work); used by every app that decides on client data.
CASE_ROLES = frozenset({Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER, Role.COORDINATOR})


def active_memberships() -> QuerySet[Membership]:
    """Active memberships of active organisations, with organisation and region, in the order of
    ``memberships_of`` (filter it by user)."""
    return (
        Membership.objects.filter(is_active=True, organisation__is_active=True)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name", "role")
    )


def remember_memberships(user: Any, memberships: list[Membership]) -> None:
    """Keep ``memberships`` (``active_memberships()`` of ``user``) on the user object for ``memberships_of``:
    the login backend loads them with the user of a request (apps/accounts/backends.py)."""
    user._pw_memberships = memberships


def memberships_of(user: Any) -> list[Membership]:
    """The user's active memberships, loaded once per request object (with the user itself, by the login
    backend, or here: one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_pw_memberships", None)
    if cached is None:
        cached = list(active_memberships().filter(user=user))
        remember_memberships(user, cached)
    return cached


def roles_of(user: Any, region_id: int | None = None) -> set[str]:
    return {m.role for m in memberships_of(user) if region_id is None or m.organisation.region_id == region_id}


def organisation_ids_of(user: Any, role: str | None = None) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if role is None or m.role == role}


def region_ids_of(user: Any) -> set[int]:
    return {m.organisation.region_id for m in memberships_of(user)}


def coordinated_region_ids(user: Any) -> set[int]:
    """Ids of the regions where the user is a coordinator (any of their organisations there)."""
    return {m.organisation.region_id for m in memberships_of(user) if m.role == Role.COORDINATOR}


def coordinated_regions(user: Any) -> list[Region]:
    """The regions the user coordinates, each once, by name (no query beyond the memberships)."""
    regions = {
        m.organisation.region_id: m.organisation.region for m in memberships_of(user) if m.role == Role.COORDINATOR
    }
    return sorted(regions.values(), key=lambda r: (r.name, r.pk))


def is_coordinator_of_region(user: Any, region_id: int | None) -> bool:
    """Whether the user coordinates the region with this id: the one "coordinator of this region" check."""
    return region_id is not None and region_id in coordinated_region_ids(user)


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.ADMINISTRATOR in roles_of(user)


# --- predicates (django-rules) -----------------------------------------------------------


@rules.predicate
def is_coordinator(user: Any, region: Any = None) -> bool:
    region_id = getattr(region, "pk", None)
    return Role.COORDINATOR in roles_of(user, region_id)


@rules.predicate
def is_coordinator_of_its_region(user: Any, organisation: Any) -> bool:
    return organisation is not None and Role.COORDINATOR in roles_of(user, organisation.region_id)


@rules.predicate
def is_administrator(user: Any) -> bool:
    return is_platform_admin(user)


@rules.predicate
def is_member_of_region(user: Any, region: Any) -> bool:
    return region is not None and region.pk in region_ids_of(user)


@rules.predicate
def is_member_of_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and organisation.pk in organisation_ids_of(user)


rules.add_perm("regions.view_region", is_administrator | is_member_of_region)
rules.add_perm(
    "accounts.view_organisation", is_administrator | is_member_of_organisation | is_coordinator_of_its_region
)
rules.add_perm("accounts.manage_memberships", is_administrator | is_coordinator)


# --- access helpers ----------------------------------------------------------------------


def get_coordinated_region_for_user(user: Any, code: str | None) -> tuple[Region, list[Region]]:
    """(the chosen region, every region the user coordinates) for a coordinator's page of one region.

    ``code`` is the page's ``?regio=`` value: a region the user coordinates, or empty/None for the first of them
    (by name). 404 for a user who coordinates no region and for a code that is not one of theirs (missing and
    forbidden look the same). A coordinator of several regions reaches each one's page this way.
    """
    regions = coordinated_regions(user)
    if not regions:
        raise Http404
    if not code:
        return regions[0], regions
    for region in regions:
        if region.code == code:
            return region, regions
    raise Http404


def get_organisation_for_user(user: Any, pk: int) -> Organisation:
    organisation = Organisation.objects.select_related("region", "municipality").filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if not user.has_perm("accounts.view_organisation", organisation):
        raise Http404
    return organisation
