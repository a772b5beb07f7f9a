"""One safe way to read record ids from requests: query strings, POST fields and forms.

A database id is a positive 64-bit integer (PostgreSQL ``bigint``, SQLite ``INTEGER``). Anything else a
request carries in an id parameter (``abc``, ``-1``, ``1.5``, ``2**63``, an empty string, a list) is junk:
it must become a 404 or a form error, never a 500 from the database driver.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import Http404

MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int | None:
    """The id in ``value`` (a str or int), or ``None`` when it is not a whole number in 1..2**63-1.

    Accepts surrounding spaces; refuses signs other than none, decimals, exponents and non-ASCII digits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def id_or_404(value: Any) -> int:
    """:func:`parse_id`, raising ``Http404`` for junk (a missing record and a malformed id look the same)."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def ids_from(values: Iterable[Any]) -> list[int]:
    """The valid ids among ``values`` (e.g. ``request.GET.getlist("id")``), junk dropped, order kept."""
    return [n for n in (parse_id(v) for v in values) if n is not None]


class IdField(forms.IntegerField):
    """A form field for a record number: a whole number in 1..2**63-1, else a translated field error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose junk values (``abc``, ``2**70``) are a field error, never a database error."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if self.to_field_name is None and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
