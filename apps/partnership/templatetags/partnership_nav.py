from __future__ import annotations

from typing import Any

from django import template

from apps.partnership.permissions import jury_regions_of

register = template.Library()


@register.simple_tag(takes_context=True)
def jury_regions(context: Any) -> list[Any]:
    """The regions whose jury pages the logged-in user may open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return jury_regions_of(user)
