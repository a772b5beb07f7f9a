"""Checking a client file's rows (step 2 of the bulk import, see apps/clients/imports.py).

``validate_rows(rows, region)`` checks every cell of every row against the region (municipalities, postal codes,
deelgemeenten), national numbers (with the birth date), duplicates within the file and numbers already registered
in the partnership. It returns the cleaned rows and *all* errors, each a ``RowError(row, column, message)``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from apps.clients import identifiers
from apps.clients.imports_reading import (
    BY_FIELD,
    COLUMNS,
    LANGUAGE_CODES,
    RowError,
    cell_text,
    header_field,
    shown,
)
from apps.clients.models import Client, DutchLevel, Gender

GENDERS = {
    "v": Gender.FEMALE, "f": Gender.FEMALE, "vrouw": Gender.FEMALE, "woman": Gender.FEMALE, "female": Gender.FEMALE,
    "m": Gender.MALE, "man": Gender.MALE, "male": Gender.MALE, "x": Gender.X,
}  # fmt: skip


YES = {"ja", "j", "yes", "y", "1", "true", "waar"}


NO = {"nee", "n", "no", "0", "false", "onwaar", ""}


ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")


DMY_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")


PHONE = re.compile(r"\+?[\d\s./()-]{6,20}")


OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


def _fold(value: str) -> str:
    """Case- and accent-insensitive form of a name, for matching municipalities and deelgemeenten."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


def parse_date(value: Any) -> dt.date | None:
    """A birth date from a date cell, ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (also with ``-`` or ``.``); else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := ISO_DATE.fullmatch(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := DMY_DATE.fullmatch(text):
            return dt.date(int(match[4]), int(match[3]), int(match[1]))
    except ValueError:
        return None
    return None


class _Places:
    """The region's municipalities and deelgemeenten, loaded once, looked up by name, NIS code or code."""

    def __init__(self, region: Any) -> None:
        self.municipalities: dict[str, Any] = {}
        self.deelgemeenten: dict[int, dict[str, Any]] = {}
        self.postal_codes: dict[int, set[str]] = {}
        for municipality in region.municipalities.prefetch_related("deelgemeenten"):
            for key in (_fold(municipality.name), municipality.nis_code, municipality.code):
                self.municipalities.setdefault(key, municipality)
            sections = list(municipality.deelgemeenten.all())
            self.deelgemeenten[municipality.pk] = {_fold(d.name): d for d in sections}
            self.postal_codes[municipality.pk] = {str(p) for p in municipality.postal_codes} | {
                d.postal_code for d in sections
            }

    def municipality(self, value: str) -> Any:
        return self.municipalities.get(_fold(value)) or self.municipalities.get(value.strip())


class _RowCheck:
    """The checks of one row: every cell is looked at, every problem recorded."""

    def __init__(
        self, number: int, cells: dict[str, Any], columns: dict[str, str], places: _Places, today: dt.date
    ) -> None:
        self.number, self.cells, self.columns, self.places, self.today = number, cells, columns, places, today
        self.errors: list[RowError] = []
        self.clean: dict[str, Any] = {"row": number}

    def cell(self, field: str) -> Any:
        return self.cells[self.columns[field]] if field in self.columns else ""

    def error(self, field: str, message: str) -> None:
        self.errors.append(RowError(self.number, self.columns[field], message))

    def required(self, field: str) -> str:
        """The cell as text; records an error when a required column has an empty cell."""
        text = cell_text(self.cell(field))
        if not text and field in self.columns and BY_FIELD[field].required:
            self.error(field, _("This cell is required but empty."))
        return text

    def run(self) -> tuple[dict[str, Any], list[RowError]]:
        for field in ("first_name", "last_name", "phone", "email", "street"):
            self.clean[field] = self.text(field)
        self.clean["birth_date"] = self.birth_date()
        self.clean["gender"] = self.gender()
        self.clean["national_number"] = self.national_number(self.clean["birth_date"])
        self.clean["municipality"] = municipality = self.municipality()
        self.clean["deelgemeente"] = self.deelgemeente(municipality)
        self.clean["languages"] = self.languages()
        self.clean["dutch_level"] = self.dutch_level()
        self.clean["interpreter_needed"] = self.interpreter_needed()
        return self.clean, self.errors

    def text(self, field: str) -> str:
        text = self.required(field)
        if field == "phone" and text and isinstance(self.cell(field), int | float) and not text.startswith("0"):
            text = "0" + text  # a number cell in Excel loses the leading 0 of a Belgian phone number
        max_length = getattr(Client._meta.get_field(field), "max_length", None) or 0
        if len(text) > max_length:
            self.error(
                field, _("'%(value)s' is longer than %(max)s characters.") % {"value": shown(text), "max": max_length}
            )
        elif text and field == "phone" and not PHONE.fullmatch(text):
            self.error(field, _("'%(value)s' is not a valid phone number.") % {"value": shown(text)})
        elif text and field == "email":
            try:
                validate_email(text)
            except ValidationError:
                self.error(field, _("'%(value)s' is not a valid e-mail address.") % {"value": shown(text)})
        return text

    def birth_date(self) -> dt.date | None:
        raw = self.cell("birth_date")
        if not self.required("birth_date"):
            return None
        value = parse_date(raw)
        if value is None:
            self.error("birth_date", _("'%(value)s' is not a valid date.") % {"value": shown(raw)})
        elif value > self.today:
            self.error("birth_date", _("'%(value)s' is in the future.") % {"value": shown(raw)})
        elif value < OLDEST_BIRTH_DATE:
            self.error("birth_date", _("'%(value)s' is not a plausible birth date.") % {"value": shown(raw)})
        else:
            return value
        return None

    def gender(self) -> str:
        text = self.required("gender")
        if text and text.lower() not in GENDERS:
            self.error("gender", _("'%(value)s' is not a valid gender; use V, M or X.") % {"value": shown(text)})
        return str(GENDERS.get(text.lower(), ""))

    def national_number(self, birth_date: dt.date | None) -> str:
        raw = self.cell("national_number")
        text = cell_text(raw)
        if not text:
            return ""
        if text.isdigit() and len(text) == 10:
            text = "0" + text  # Excel drops the leading 0 (born 2000-2009) when the cell is a number
        try:
            return identifiers.validate_national_number(text, birth_date=birth_date)
        except ValidationError as exc:
            self.error(
                "national_number",
                _("'%(value)s' is not a valid national register or BIS number: %(reason)s")
                % {"value": shown(raw), "reason": " ".join(exc.messages)},
            )
        return ""

    def municipality(self) -> Any:
        text = self.required("municipality")
        if not text:
            return None
        found = self.places.municipality(text)
        if found is None:
            self.error("municipality", _("'%(value)s' is not a municipality of this region.") % {"value": shown(text)})
        return found

    def deelgemeente(self, municipality: Any) -> Any:
        postal_code = cell_text(self.cell("postal_code"))
        name = cell_text(self.cell("deelgemeente"))
        if municipality is None:
            return None
        if postal_code and postal_code not in self.places.postal_codes[municipality.pk]:
            self.error(
                "postal_code",
                _("'%(value)s' is not a postal code of %(municipality)s.")
                % {"value": shown(postal_code), "municipality": municipality.name},
            )
            postal_code = ""
        if not name:
            return None
        found = self.places.deelgemeenten[municipality.pk].get(_fold(name))
        if found is None:
            self.error(
                "deelgemeente",
                _("'%(value)s' is not a deelgemeente of %(municipality)s.")
                % {"value": shown(name), "municipality": municipality.name},
            )
        elif postal_code and found.postal_code != postal_code:
            self.error(
                "postal_code",
                _("%(deelgemeente)s has postal code %(expected)s, not %(value)s.")
                % {"deelgemeente": found.name, "expected": found.postal_code, "value": postal_code},
            )
        return found

    def languages(self) -> list[str]:
        codes: list[str] = []
        for code in re.split(r"[\s,;/]+", cell_text(self.cell("languages")).lower()):
            if not code or code in codes:
                continue
            if code in LANGUAGE_CODES:
                codes.append(code)
            else:
                self.error(
                    "languages",
                    _("'%(value)s' is not a known language code; use %(codes)s.")
                    % {"value": shown(code), "codes": ", ".join(LANGUAGE_CODES)},
                )
        return codes

    def dutch_level(self) -> str:
        text = self.required("dutch_level")
        if text and text.upper() not in DutchLevel.values:
            self.error(
                "dutch_level",
                _("'%(value)s' is not a valid level; use A0, A1, A2, B1, B2, C1 or C2.") % {"value": shown(text)},
            )
        return text.upper()

    def interpreter_needed(self) -> bool:
        raw = self.cell("interpreter_needed")
        text = cell_text(raw).lower()
        if text not in YES | NO:
            self.error(
                "interpreter_needed", _("'%(value)s' is not a valid answer; use ja or nee.") % {"value": shown(raw)}
            )
        return text in YES


def validate_rows(rows: Sequence[dict[str, Any]], region: Any) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Check every cell of every row; return the cleaned valid rows and every error found.

    A cleaned row holds ``row``, ``national_number`` (11 digits or "") and the keyword arguments of
    ``client_register``. Missing required columns and unknown columns are reported once, on row 1;
    while a required column is missing, no row is valid.
    """
    errors: list[RowError] = []
    headers = list(rows[0]["cells"]) if rows else []
    columns: dict[str, str] = {}  # field -> header as written
    for header in headers:
        field = header_field(header)
        if field is None:
            errors.append(RowError(1, header, _("Unknown column. Use the column names of the example file.")))
        elif field in columns:
            errors.append(
                RowError(
                    1, header, _("This column appears more than once (also as %(other)s).") % {"other": columns[field]}
                )
            )
        else:
            columns[field] = header
    missing = [c for c in COLUMNS if c.required and c.field not in columns]
    if rows:
        errors.extend(RowError(1, c.header, _("This required column is missing.")) for c in missing)

    places = _Places(region)
    today = dt.date.today()
    valid: list[dict[str, Any]] = []
    first_row_of_number: dict[str, int] = {}
    numbered: list[tuple[dict[str, Any], int]] = []
    for row in rows:
        number = row["row"]
        clean, row_errors = _RowCheck(number, row["cells"], columns, places, today).run()
        digits = clean["national_number"]
        if digits and digits in first_row_of_number:
            row_errors.append(
                RowError(
                    number,
                    columns["national_number"],
                    _("The same national number is also on row %(row)s.") % {"row": first_row_of_number[digits]},
                )
            )
        elif digits:
            first_row_of_number[digits] = number
            numbered.append((clean, number))
        errors.extend(row_errors)
        if not row_errors and not missing:
            valid.append(clean)

    errors.extend(_already_registered(numbered, region, columns.get("national_number", "")))
    failed = {e.row for e in errors}
    order = {header: index for index, header in enumerate(headers)}
    errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
    return [r for r in valid if r["row"] not in failed], errors


def _already_registered(numbered: list[tuple[dict[str, Any], int]], region: Any, header: str) -> list[RowError]:
    """National numbers of the file that a client in the partnership already has."""
    if not numbered:
        return []
    by_digest = {identifiers.digest(clean["national_number"]): number for clean, number in numbered}
    known = (
        Client.objects.filter(
            organisation__region=region, merged_into__isnull=True, national_number_digest__in=list(by_digest)
        )
        .values_list("national_number_digest", "organisation__name")
        .order_by("pk")
    )
    return [
        RowError(
            by_digest[digest],
            header,
            _("A client with this national number is already registered at %(organisation)s.")
            % {"organisation": organisation},
        )
        for digest, organisation in dict(known).items()
    ]

