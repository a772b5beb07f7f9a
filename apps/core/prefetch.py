"""Filling a relation's prefetch cache from rows read another way."""

from __future__ import annotations

from typing import Any


def set_prefetched(instance: Any, name: str, values: list[Any]) -> None:
    """What ``prefetch_related(name)`` leaves on ``instance``: ``getattr(instance, name).all()`` gives ``values``
    without a query (for relations read another way: a union, a join, an id list, data kept per region)."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = values
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
