"""The rows of the caseload ("Mijn werk") written out in Python.

The page shows 25 rows of eight cells, each cell naming its column for the phone layout (``data-label``): as
template code that is some 30 variables, two translations, four dates and a link per row, 4.2 ms of CPU for a
page (170 microseconds a row, issue 15, CPU per request); written out here, a fifth of that. The HTML is the
one the template gave (``apps/workspace/tests/test_caseload_rows.py`` compares both on the same rows); every
value is escaped (``html.escape``).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core.html_rows import day_formatter, time_tag
from apps.core.templatetags.remembered_url import remembered_reverse

register = template.Library()


def _count(n: int) -> str:
    """A whole number as ``{{ n }}`` shows it: ``localize`` only groups thousands when the settings ask for it
    (Padwijzer's do not), which ``str`` gives without going through the number formatter per cell."""
    return localize(n) if settings.USE_THOUSAND_SEPARATOR else str(n)


_ROW = (
    '<tr{}><td><input class="form-check-input" type="checkbox" name="pathway" value="{}" form="handover" '
    'id="pick-{}"{}><label class="visually-hidden" for="pick-{}">{}</label></td>\n'
    '      <th scope="row" data-label="{}"><a href="{}">{}</a></th>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}">{}</td>\n'
    '      <td data-label="{}" class="text-end">{}{}</td>\n'
    '      <td data-label="{}" class="text-end">{}</td>\n'
    "    </tr>\n"
)


@register.simple_tag
def caseload_rows(rows: Iterable[Any], picked: Iterable[int] = ()) -> SafeString:
    """The ``<tr>`` of each ``CaseloadRow`` (apps/workspace/selectors_caseload.py), in the user's language; the
    rows whose pathway id is in ``picked`` ticked (a hand-over the page refused keeps its selection).
    Every value is escaped (``html.escape``, what Django's ``escape`` does for text that is not marked safe)."""
    client, stage, next_action, due = (escape(gettext(t)) for t in ("Client", "Stage", "Next action", "Due"))
    contact, referrals, waiting = (escape(gettext(t)) for t in ("Last contact", "Open referrals", "Waiting list"))
    overdue = ' <strong class="text-danger-emphasis">({})</strong>'.format(escape(gettext("overdue")))
    awaiting = ' <span class="badge text-bg-warning">{}</span>'.format(escape(gettext("awaiting answer")))
    none_yet, select, position = escape(gettext("none yet")), gettext("Select %(name)s"), gettext("position %(n)s")
    day, picked = day_formatter(), set(picked)
    html = []
    for row in rows:
        name = row.name
        html.append(
            _ROW.format(
                ' class="table-danger"' if row.overdue else "",
                row.pathway_id,
                row.pathway_id,
                " checked" if row.pathway_id in picked else "",
                row.pathway_id,
                escape(select % {"name": name}),
                client,
                escape(remembered_reverse("pathways:detail", [row.pathway_id], {}, None)),
                escape(name),
                stage,
                escape(row.stage),
                next_action,
                escape(row.next_action) if row.next_action else "–",
                due,
                time_tag(day, row.next_due) + (overdue if row.overdue else "") if row.next_due else "–",
                contact,
                time_tag(day, row.last_contact) if row.last_contact else none_yet,
                referrals,
                escape(_count(row.open_referrals)),
                awaiting if row.awaiting_answer else "",
                waiting,
                escape(position % {"n": _count(row.waiting_position)}) if row.waiting_position else "–",
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
