from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.core.search import search_filter
from apps.offers.models import Offer


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
    offers = (
        qs.select_related("organisation", "location_municipality")
        .prefetch_related("intervention_types", "municipalities")
        .order_by("organisation__name", "title")
        .distinct()
    )
    if filters.get("language"):  # JSON lists: filtered in Python, portable across SQLite and PostgreSQL
        wanted = filters["language"]
        ids = [o.pk for o in qs.only("pk", "languages") if wanted in o.languages]
        offers = offers.filter(pk__in=ids)
    return offers
