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
from django.utils.formats import date_format, get_format
from django.utils.safestring import SafeData

from apps.core.templatetags.remembered_url import remembered_reverse


def text(value: Any) -> str:
    """``value`` as HTML (str): escaped unless already marked safe, as ``{{ value }}`` shows it."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def url(name: str, *args: Any) -> str:
    """The escaped path of the URL ``name`` with positional ``args`` (``{% url %}``, remembered per process)."""
    return escape(remembered_reverse(name, list(args), {}, None))


# Django's date format characters that the day formatter writes itself (what Padwijzer's languages use for their
# short dates and times: nl-be "j-n-Y H:i", en "m/d/Y"); a format with any other letter, or a backslash, goes to
# Django's date_format (apps/core/tests/test_html_rows.py compares both).
_DAY_PARTS: dict[str, Callable[[Any], str]] = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
}
_TIME_PARTS: dict[str, Callable[[Any], str]] = {
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
}


def _compiled(format_string: str) -> tuple[list[str | Callable[[Any], str]], bool] | None:
    """``format_string`` as literal parts and part writers, and whether it shows a time; ``None`` when it holds a
    character only Django's ``date_format`` knows."""
    parts: list[str | Callable[[Any], str]] = []
    has_time = False
    for char in format_string:
        if char in _DAY_PARTS:
            parts.append(_DAY_PARTS[char])
        elif char in _TIME_PARTS:
            parts.append(_TIME_PARTS[char])
            has_time = True
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append(char)
    return parts, has_time


def day_formatter(format_name: str = "SHORT_DATE_FORMAT") -> Callable[[Any], str]:
    """A function giving a date, or an aware datetime in the current time zone, in ``format_name`` of the active
    language (escaped), as the ``date`` filter shows it; each value is formatted once per formatter (a list's
    rows share few days). The usual short formats are written here (``date_format`` costs about 20 us a value,
    a tenth of a caseload page's CPU); any other format, or a time format for a plain date, goes to Django."""
    written: dict[Any, str] = {}
    compiled = _compiled(get_format(format_name))

    def day(value: Any) -> str:
        if value not in written:
            shown = timezone.localtime(value) if isinstance(value, dt.datetime) and timezone.is_aware(value) else value
            if compiled is not None and (isinstance(shown, dt.datetime) or not compiled[1]):
                written[value] = escape("".join(p if isinstance(p, str) else p(shown) for p in compiled[0]))
            else:
                written[value] = escape(date_format(shown, format_name))
        return written[value]

    return day


def time_tag(day: Callable[[Any], str], value: dt.date) -> str:
    """``<time datetime="YYYY-MM-DD">`` around ``day(value)`` (a ``day_formatter``) for the date ``value``."""
    return f'<time datetime="{value.isoformat()}">{day(value)}</time>'
