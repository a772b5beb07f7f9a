"""The lines of an audit trail (a client's timeline, the administrator's recent changes) written out in Python.

A client file shows up to 50 entries; as template code each is two date formats, the entry's sentence and its
actor: about a fifth of the page's CPU (issue 15, CPU per request). The HTML is the one the template loop gave
(``apps/audit/tests/test_audit_rows.py`` renders both on the same entries); the sentence (which quotes what
users typed) and the actor's name are escaped (``html.escape``).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from apps.core.html_rows import day_formatter, text

register = template.Library()


@register.simple_tag
def audit_items(entries: Iterable[Any] | None) -> SafeString:
    """One ``<li>`` per ``AuditEntry`` (``actor`` selected): when (local time; ISO 8601 in ``datetime``), what
    (``sentence``, in the active language) and who (the actor, or "system"); nothing for ``None`` (a timeline the
    user may not see)."""
    system = escape(gettext("system"))
    moment = day_formatter("SHORT_DATETIME_FORMAT")
    lines = []
    for entry in entries or ():
        when = timezone.localtime(entry.created_at)
        who = text(entry.actor) if entry.actor else system
        lines.append(
            f'\n    <li><time datetime="{when.isoformat()}">{moment(when)}</time>'
            f" · {text(entry.sentence)} · {who}</li>\n    "
        )
    return mark_safe("".join(lines))  # noqa: S308 - every value above is escaped
