"""The offers of the social map's list written out in Python.

A page shows 30 offers; as template code each is a link, a choice label, a translation with two numbers and a
dozen variables: about a third of the page's CPU (issue 15, CPU per request). The HTML is the one the template
loop gave (``apps/offers/tests/test_offer_items.py`` compares both); every value goes through ``format_html``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core.templatetags.remembered_url import remembered_reverse

register = template.Library()

_ITEM = (
    '\n  <li class="list-group-item">\n'
    '    <a class="fw-semibold" href="{}">{}</a> · {}\n'
    '    <span class="d-block small">{}{} ·\n'
    "      {} ·\n"
    "      {}</span>\n"
    "  </li>\n  "
)


@register.simple_tag
def offer_items(offers: Iterable[Any]) -> SafeString:
    """The ``<li>`` of each offer (``Offer`` rows from ``offers_search`` with ``intervention_labels`` set by
    ``with_intervention_labels``), in the user's language; one item saying so when there are none."""
    places = gettext("%(free)s of %(cap)s places free")
    html = [
        format_html(
            _ITEM,
            remembered_reverse("offers:detail", [offer.pk], {}, None),
            offer.title,
            offer.organisation.name,
            offer.get_delivery_mode_display(),
            format_html(" ({})", offer.location_municipality.name) if offer.location_municipality else "",
            ", ".join(offer.intervention_labels),
            places % {"free": localize(offer.free_places), "cap": localize(offer.capacity)},
        )
        for offer in offers
    ]
    if not html:
        html.append(
            format_html('\n  <li class="list-group-item">{}</li>\n  ', gettext("No offers match these filters."))
        )
    return mark_safe("".join(html))  # noqa: S308 - every part went through format_html
