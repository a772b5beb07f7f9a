"""Template helpers for pages of other apps that link into referrals (the recommendations page)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.pathways.models import Pathway

register = template.Library()


@register.simple_tag
def open_pathway(client: Any) -> Pathway | None:
    """The client's open (not closed) pathway, if any: referrals leave from it."""
    return Pathway.objects.filter(client=client).exclude(status=Pathway.Status.CLOSED).order_by("-id").first()
