"""The rows of the table of levels per life domain (client file and pathway page) written out in Python.

Fourteen domains of up to three levels each; as template code (a ``default_if_none`` per cell) some tenths of a
millisecond of CPU a page (issue 15, CPU per request). The HTML is the one the template loop gave
(``apps/workspace/tests/test_level_rows.py`` renders both on the same rows); the domain's label is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.core.html_rows import text

register = template.Library()


def _cell(level: Any) -> str:
    return f'<td class="text-end">{"–" if level is None else text(level)}</td>'


@register.simple_tag
def level_rows(rows: Iterable[Sequence[Any]]) -> SafeString:
    """One ``<tr>`` per ``(life domain, level, level, ...)``: the domain's ``label`` as the row header, then one
    cell per level (an int, or ``None`` shown as "–")."""
    return mark_safe(  # noqa: S308 - the label and the levels are escaped by text()
        "".join(
            f'<tr><th scope="row" class="fw-normal">{text(row[0].label)}</th>{"".join(_cell(v) for v in row[1:])}</tr>'
            for row in rows
        )
    )
