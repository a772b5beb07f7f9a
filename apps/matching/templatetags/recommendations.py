"""The ranked offers of the recommendations page written out in Python.

Twenty offers, each with its link, score, reasons and referral button: as template code some 2 ms of CPU a page
(issue 15, CPU per request), written out here a fraction of that. The HTML is the one the template loop gave
(``apps/matching/tests/test_ranked_items.py`` compares both on the same offers); every value goes through
``format_html``'s escaping.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core.templatetags.remembered_url import remembered_reverse

register = template.Library()

_ITEM = (
    '    <li class="mb-3">\n'
    '      <a class="fw-semibold" href="{}">{}</a> · {}\n'
    '      <span class="badge text-bg-light border">{}</span>\n'
    '      <ul class="small">{}</ul>\n'
    "      {}\n"
    "    </li>\n"
)


@register.simple_tag
def ranked_items(ranked: Iterable[Any], refer_url: str = "") -> SafeString:
    """The ``<li>`` of each ``Recommendation`` (apps/matching/recommend.py); with ``refer_url`` (the open
    pathway's new referral page) each offer gets its "Refer" button."""
    score, refer = gettext("score %(s)s"), gettext("Refer")
    html = []
    for r in ranked:
        offer = r.offer
        button = (
            format_html(
                '<a class="btn btn-outline-primary btn-sm" href="{}?offer={}&amp;bron=aanbeveling" '
                'aria-label="{}: {}">{}</a>',
                refer_url,
                offer.id,
                refer,
                offer.title,
                refer,
            )
            if refer_url
            else ""
        )
        html.append(
            format_html(
                _ITEM,
                remembered_reverse("offers:detail", [offer.id], {}, None),
                offer.title,
                offer.organisation_name,
                score % {"s": floatformat(r.score, 0)},
                format_html_join("", "<li>{}</li>", ((reason,) for reason in r.reasons)),
                button,
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every part went through format_html
