"""Figures that scan a whole region, counted at most once per ``COUNTED_SECONDS`` and shared by every process.

A coordinator's counts (the partnership on the home page, the dashboard) read every client, pathway and referral
of the regions: counted on every render they cost more than the rest of the page. They are kept in the shared
cache (``settings.CACHES["default"]``: the database cache unless ``CACHE_URL`` says otherwise) for two minutes,
with the moment they were counted, which the page shows ("counted at 14:05"). A write does not invalidate them:
a new pathway or a closure shows at the latest two minutes later, and the page says how old its figures are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone

T = TypeVar("T")

COUNTED_SECONDS = 120


def counted_key(name: str, *, region_ids: Iterable[int], day: dt.date) -> str:
    """The cache key of figure set ``name`` over ``region_ids`` on ``day`` (the key changes at midnight, so
    figures that depend on today, such as days waited, are never yesterday's)."""
    return f"pw:counted:{name}:{day.isoformat()}:{','.join(str(pk) for pk in sorted(set(region_ids)))}"


def counted(key: str, build: Callable[[], T], *, now: dt.datetime | None = None) -> tuple[T, dt.datetime]:
    """``(value, counted_at)``: ``build()``'s value as counted at most ``COUNTED_SECONDS`` before ``now``
    (an aware datetime, default: now), else counted again and kept. ``value`` must pickle (plain data, model
    instances) and must not depend on the language of the request (labels are picked when the page is built).
    One cache read when kept (a query with the database cache), plus ``build()``'s queries and a write when not.
    """
    now = now or timezone.now()
    kept = cache.get(key)
    if kept is not None:
        counted_at, value = kept
        if dt.timedelta(0) <= now - counted_at < dt.timedelta(seconds=COUNTED_SECONDS):
            return value, counted_at
    value = build()
    cache.set(key, (now, value), timeout=COUNTED_SECONDS)
    return value, now
