from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from apps.core.search import search_filter
from apps.offers.models import Offer
from apps.regions.models import InterventionType, Region
from apps.regions.selectors import region_rows

# the columns the social map's list shows (apps/offers/templates/offers/offer_list.html)
LISTED = (
    "id", "title", "delivery_mode", "capacity", "occupancy", "organisation__name", "location_municipality__name",
)  # fmt: skip


def offers_search(*, region_ids: set[int], filters: dict[str, Any]) -> QuerySet[Offer]:
    """Active offers of ``region_ids`` matching ``filters`` (the cleaned ``OfferSearchForm``): ``q`` words
    found in the offer's title or its organisation's name (folded, apps/core/search.py), obstacle,
    intervention type, municipality served, language."""
    qs = Offer.objects.filter(organisation__region_id__in=region_ids, is_active=True)
    if filters.get("q"):
        qs = qs.filter(search_filter(filters["q"], "search_key", "organisation__search_key"))
    if filters.get("obstacle"):
        qs = qs.filter(obstacles=filters["obstacle"])
    if filters.get("intervention_type"):
        qs = qs.filter(intervention_types=filters["intervention_type"])
    if filters.get("municipality"):
        qs = qs.filter(municipalities=filters["municipality"])
    # each filter on a set joins its through table on one value: an offer matches once (no DISTINCT needed)
    offers = (
        qs.select_related("organisation", "location_municipality")
        .only(*LISTED)
        .order_by("organisation__name", "title", "id")
    )
    if filters.get("language"):  # JSON lists: filtered in Python, portable across SQLite and PostgreSQL
        wanted = filters["language"]
        ids = [o.pk for o in qs.only("pk", "languages") if wanted in o.languages]
        offers = offers.filter(pk__in=ids)
    return offers


def with_intervention_labels(offers: Iterable[Offer], *, regions: Iterable[Region]) -> list[Offer]:
    """``offers`` as a list, each with ``intervention_labels``: the labels (str) of its intervention types in the
    region's order, from the rows kept per region version (``region_rows``) and one query over the link table
    (none without offers). ``regions``: the Region rows the offers belong to (as loaded with the memberships)."""
    offers = list(offers)
    if not offers:
        return offers
    known = {
        t.pk: (i, t.label)
        for region in regions
        for i, t in enumerate(region_rows(region=region, model=InterventionType))
    }
    links = Offer.intervention_types.through.objects.filter(offer_id__in=[o.pk for o in offers])
    found: dict[int, list[tuple[int, str]]] = {}
    for offer_id, type_id in links.values_list("offer_id", "interventiontype_id"):
        if type_id in known:
            found.setdefault(offer_id, []).append(known[type_id])
    for offer in offers:
        offer.intervention_labels = [label for _i, label in sorted(found.get(offer.pk, []))]  # type: ignore[attr-defined]
    return offers
