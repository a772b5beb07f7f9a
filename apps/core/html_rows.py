"""Helpers for the lists written out in Python instead of template loops (docs/architecture.md, "CPU per
request"): the caseload's rows, the home page's to-do lists, the audit trail's lines.

Each escapes as a template's ``{{ value }}`` does, with the standard library's ``html.escape`` (what Django's
``escape`` calls, without its lazy-string wrapper, which costs more than the escaping on a page of rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeData

from apps.core.templatetags.remembered_url import remembered_reverse


def text(value: Any) -> str:
    """``value`` as HTML (str): escaped unless already marked safe, as ``{{ value }}`` shows it."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def url(name: str, *args: Any) -> str:
    """The escaped path of the URL ``name`` with positional ``args`` (``{% url %}``, remembered per process)."""
    return escape(remembered_reverse(name, list(args), {}, None))


def day_formatter(format_name: str = "SHORT_DATE_FORMAT") -> Callable[[Any], str]:
    """A function giving a date, or an aware datetime in the current time zone, in ``format_name`` of the active
    language (escaped), as the ``date`` filter shows it; each value is formatted once per formatter (a list's
    rows share few days)."""
    written: dict[Any, str] = {}

    def day(value: Any) -> str:
        if value not in written:
            shown = timezone.localtime(value) if isinstance(value, dt.datetime) and timezone.is_aware(value) else value
            written[value] = escape(date_format(shown, format_name))
        return written[value]

    return day


def time_tag(day: Callable[[Any], str], value: dt.date) -> str:
    """``<time datetime="YYYY-MM-DD">`` around ``day(value)`` (a ``day_formatter``) for the date ``value``."""
    return f'<time datetime="{value.isoformat()}">{day(value)}</time>'
