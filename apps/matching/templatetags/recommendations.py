"""The ranked offers of the recommendations page written out in Python.

Twenty offers, each with its link, score, reasons and referral button: as template code some 2 ms of CPU a page
(issue 15, CPU per request), written out here a fraction of that. The HTML is the one the template loop gave
(``apps/matching/tests/test_ranked_items.py`` compares both on the same offers); every value is escaped as the
template escaped it (``apps/core/html_rows.py``: ``html.escape``, without ``format_html``'s lazy-string wrapper,
which cost more than the rest of the list).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core.html_rows import text, url

register = template.Library()


def whole(score: float) -> str:
    """``score`` rounded half up to a whole number, as ``{{ score|floatformat:0 }}`` shows it (scores are 0-100)."""
    return str(Decimal(repr(score)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@register.simple_tag
def ranked_items(ranked: Iterable[Any], refer_url: str = "") -> SafeString:
    """The ``<li>`` of each ``Recommendation`` (apps/matching/recommend.py); with ``refer_url`` (the open
    pathway's new referral page) each offer gets its "Refer" button. Every value typed by a user (titles,
    organisation names, reasons that quote them) is escaped (apps/core/html_rows.py)."""
    score, refer = gettext("score %(s)s"), text(gettext("Refer"))
    refer_at = text(refer_url)
    html = []
    for r in ranked:
        offer = r.offer
        title = text(offer.title)
        button = (
            f'<a class="btn btn-outline-primary btn-sm" href="{refer_at}?offer={int(offer.id)}&amp;bron=aanbeveling" '
            f'aria-label="{refer}: {title}">{refer}</a>'
            if refer_url
            else ""
        )
        reasons = "".join(f"<li>{text(reason)}</li>" for reason in r.reasons)
        html.append(
            '    <li class="mb-3">\n'
            f'      <a class="fw-semibold" href="{url("offers:detail", offer.id)}">{title}</a> · '
            f"{text(offer.organisation_name)}\n"
            f'      <span class="badge text-bg-light border">{text(score % {"s": whole(r.score)})}</span>\n'
            f'      <ul class="small">{reasons}</ul>\n'
            f"      {button}\n"
            "    </li>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value went through text() (html.escape)
