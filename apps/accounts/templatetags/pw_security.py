from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A timedelta as whole minutes, rounded up (0 for None)."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)
