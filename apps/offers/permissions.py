"""Partner workers maintain their own organisation's offers; the coordinator sees and edits all of the region's."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from apps.accounts.models import Organisation, Role
from apps.accounts.permissions import coordinated_region_ids, memberships_of
from apps.offers.models import Offer

EDIT_ROLES = {Role.PARTNER_WORKER, Role.COUNSELLOR}


def offer_organisations_for_user(user: Any) -> list[Organisation]:
    """Organisations whose offers the user may create and change."""
    memberships = memberships_of(user)
    own = {m.organisation_id: m.organisation for m in memberships if m.role in EDIT_ROLES}
    coordinated = coordinated_region_ids(user)
    result = list(own.values())
    if coordinated:
        result += list(Organisation.objects.filter(region_id__in=coordinated, is_active=True).exclude(pk__in=own))
    return sorted(result, key=lambda o: o.name)


def regions_for_catalogue(user: Any) -> list[Any]:
    """The regions whose social map the user reads, those of the user's organisations: Region rows as loaded with
    the memberships (no query), by id."""
    return sorted(
        {m.organisation.region_id: m.organisation.region for m in memberships_of(user)}.values(), key=lambda r: r.pk
    )


def region_ids_for_catalogue(user: Any) -> set[int]:
    """The ids of ``regions_for_catalogue``."""
    return {region.pk for region in regions_for_catalogue(user)}


def get_offer_for_user(user: Any, pk: int) -> Offer:
    """Every member of the region's partnership may read the social map."""
    offer = Offer.objects.select_related("organisation", "location_municipality").filter(pk=pk).first()
    if offer is None or offer.organisation.region_id not in region_ids_for_catalogue(user):
        raise Http404
    return offer


def get_offer_for_editing(user: Any, pk: int) -> Offer:
    offer = get_offer_for_user(user, pk)
    if offer.organisation_id not in {o.pk for o in offer_organisations_for_user(user)}:
        raise Http404
    return offer
