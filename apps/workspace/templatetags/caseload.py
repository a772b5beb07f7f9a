"""The rows of the caseload ("Mijn werk") written out in Python.

The page shows 25 rows of eight cells, each cell naming its column for the phone layout (``data-label``): as
template code that is some 30 variables, two translations, four dates and a link per row, 4.2 ms of CPU for a
page (170 microseconds a row, issue 15, CPU per request); written out here, a fifth of that. The HTML is the
one the template gave (``apps/workspace/tests/test_caseload_rows.py`` compares both on the same rows); every
value goes through ``format_html``'s escaping.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core.templatetags.remembered_url import remembered_reverse

register = template.Library()

_ROW = (
    '<tr{}><td><input class="form-check-input" type="checkbox" name="pathway" value="{}" form="handover" '
    'id="pick-{}"><label class="visually-hidden" for="pick-{}">{}</label></td>\n'
    '      <th scope="row" data-label="{}"><a href="{}">{}</a></th>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}" class="text-end">{}{}</td>\n'
    '      <td data-label="{}" class="text-end">{}</td>\n'
    "    </tr>\n"
)


def _day(day: Any) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), date_format(day, "SHORT_DATE_FORMAT"))


@register.simple_tag
def caseload_rows(rows: Iterable[Any]) -> SafeString:
    """The ``<tr>`` of each ``CaseloadRow`` (apps/workspace/selectors_caseload.py), in the user's language."""
    client, stage, next_action, due = gettext("Client"), gettext("Stage"), gettext("Next action"), gettext("Due")
    contact, referrals, waiting = gettext("Last contact"), gettext("Open referrals"), gettext("Waiting list")
    overdue = format_html(' <strong class="text-danger-emphasis">({})</strong>', gettext("overdue"))
    awaiting = format_html(' <span class="badge text-bg-warning">{}</span>', gettext("awaiting answer"))
    none_yet, select, position = gettext("none yet"), gettext("Select %(name)s"), gettext("position %(n)s")
    html = []
    for row in rows:
        name = row.name
        html.append(
            format_html(
                _ROW,
                mark_safe(' class="table-danger"') if row.overdue else "",
                row.pathway_id,
                row.pathway_id,
                row.pathway_id,
                select % {"name": name},
                client,
                remembered_reverse("pathways:detail", [row.pathway_id], {}, None),
                name,
                stage,
                row.stage,
                next_action,
                row.next_action or "–",
                due,
                format_html("{}{}", _day(row.next_due), overdue if row.overdue else "") if row.next_due else "–",
                contact,
                _day(row.last_contact) if row.last_contact else none_yet,
                referrals,
                localize(row.open_referrals),
                awaiting if row.awaiting_answer else "",
                waiting,
                position % {"n": localize(row.waiting_position)} if row.waiting_position else "–",
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every part went through format_html
