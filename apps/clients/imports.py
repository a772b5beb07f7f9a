"""Bulk import of clients from a CSV or XLSX file: parse, check every cell, then register all or nothing.

Three steps, each usable on its own:

- ``parse_upload(file_name, data)`` reads the bytes (CSV in UTF-8 with ``;`` or ``,``, or the first
  sheet of an XLSX workbook) into rows keyed by the file's own headers, with their spreadsheet row
  numbers (the header is row 1). Problems with the file as a whole raise ``UploadRejected``.
- ``validate_rows(rows, region)`` checks every cell of every row against the region (municipalities,
  postal codes, deelgemeenten), national numbers (with the birth date), duplicates within the file and
  numbers already registered in the partnership. It returns the cleaned rows and *all* errors, each a
  ``RowError(row, column, message)``.
- ``clients_import(organisation=..., actor=..., rows=...)`` registers every cleaned row with the checks
  and audit entry of ``client_register``, in batched inserts in one transaction, plus one summary audit
  entry; if any row fails, nothing is saved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_log, audit_log_many
from apps.clients import identifiers
from apps.clients.models import LANGUAGE_CHOICES, Client, DutchLevel, Gender
from apps.clients.services import CLIENT_FIELDS, _apply_national_number, _check_place, client_search_key

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX file is a zip: refuse archives that would unpack to far more than any client list needs.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
LANGUAGE_CODES = tuple(code for code, _label in LANGUAGE_CHOICES)
MAX_SHOWN_VALUE = 60


class Column(NamedTuple):
    field: str
    header: str  # the Dutch header, as in the example file
    alias: str  # the English header, also accepted
    required: bool
    help: Promise


COLUMNS: tuple[Column, ...] = (
    Column("first_name", "voornaam", "first_name", True, gettext_lazy("First name, at most 100 characters.")),
    Column("last_name", "achternaam", "last_name", True, gettext_lazy("Last name, at most 100 characters.")),
    Column(
        "birth_date",
        "geboortedatum",
        "birth_date",
        True,
        gettext_lazy("Birth date as 2003-11-02 or 02/11/2003, or a date cell in Excel."),
    ),
    Column("gender", "geslacht", "gender", True, gettext_lazy("V (woman), M (man) or X.")),
    Column(
        "national_number",
        "rijksregisternummer",
        "national_number",
        False,
        gettext_lazy("National register or BIS number, 11 digits; it must match the birth date."),
    ),
    Column("phone", "telefoon", "phone", False, gettext_lazy("Phone number.")),
    Column("email", "email", "e-mail", False, gettext_lazy("E-mail address.")),
    Column("street", "straat", "street", False, gettext_lazy("Street and house number.")),
    Column(
        "municipality",
        "gemeente",
        "municipality",
        True,
        gettext_lazy("A municipality of the region, by name or NIS code."),
    ),
    Column(
        "postal_code",
        "postcode",
        "postal_code",
        False,
        gettext_lazy("Postal code of the municipality; together with the deelgemeente it picks the deelgemeente."),
    ),
    Column(
        "deelgemeente",
        "deelgemeente",
        "deelgemeente",
        False,
        gettext_lazy("Name of the deelgemeente within the municipality."),
    ),
    Column(
        "languages",
        "talen",
        "languages",
        False,
        gettext_lazy("Languages spoken: codes separated by commas, from: %(codes)s."),
    ),
    Column(
        "dutch_level",
        "niveau_nederlands",
        "dutch_level",
        True,
        gettext_lazy("Level of Dutch: A0, A1, A2, B1, B2, C1 or C2."),
    ),
    Column(
        "interpreter_needed",
        "tolk",
        "interpreter_needed",
        False,
        gettext_lazy("Interpreter needed: ja or nee (empty means nee)."),
    ),
)
BY_FIELD = {c.field: c for c in COLUMNS}
# Further spellings people use in their own spreadsheets.
EXTRA_ALIASES = {
    "firstname": "first_name", "lastname": "last_name", "familienaam": "last_name",
    "rrn": "national_number", "insz": "national_number",
    "rijksregister": "national_number", "telefoonnummer": "phone", "gsm": "phone",
    "mail": "email", "e_mailadres": "email", "emailadres": "email", "adres": "street", "straat_en_nummer": "street",
    "postal": "postal_code", "zip": "postal_code", "taal": "languages", "niveau": "dutch_level",
    "tolk_nodig": "interpreter_needed", "interpreter": "interpreter_needed",
}  # fmt: skip

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


class RowError(NamedTuple):
    """One problem in the file: the spreadsheet row (1 is the header), the column header, a message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class UploadRejected(ValidationError):
    """The file as a whole cannot be read (wrong type, not UTF-8, too large, no header)."""


class ImportRejected(ValidationError):
    """One or more rows could not be registered; nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__([str(e) for e in errors])
        self.row_errors = errors


def normalise_header(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value or "").strip().lower())


def _header_field(header: str) -> str | None:
    key = normalise_header(header)
    for column in COLUMNS:
        if key in (column.header, normalise_header(column.alias), column.field):
            return column.field
    return EXTRA_ALIASES.get(key)


def _fold(value: str) -> str:
    """Case- and accent-insensitive form of a name, for matching municipalities and deelgemeenten."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


# ---------------------------------------------------------------------------------------------------
# Parsing


def parse_upload(file_name: str, data: bytes) -> list[dict[str, Any]]:
    """Read an uploaded CSV or XLSX file into rows.

    Each row is ``{"row": <spreadsheet row number>, "cells": {<header as written>: <value>}}``, the
    header being row 1; every row has every header. Completely empty rows are left out. XLSX values
    keep their type (dates stay dates); CSV values are stripped strings.
    """
    extension = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in EXTENSIONS:
        raise UploadRejected(_("Only .csv and .xlsx files can be imported."), code="extension")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("The file is larger than %(max)s MB.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="size"
        )
    if not data.strip():
        raise UploadRejected(_("The file is empty."), code="empty")
    records = _read_xlsx(data) if extension == ".xlsx" else _read_csv(data)
    return _rows_from_records(records)


def _read_csv(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    not_csv = UploadRejected(_("This file is not a CSV text file."), code="not_csv")
    if data.startswith(b"PK\x03\x04") or _looks_binary(data[:65536]):
        raise not_csv
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRejected(
            _('The file is not encoded in UTF-8. In Excel, save it as "CSV UTF-8".'), code="encoding"
        ) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _csv_records(reader)


def _looks_binary(sample: bytes) -> bool:
    """Text files (in any encoding) hold no control characters other than tab and line breaks."""
    return any(byte < 0x20 and byte not in (0x09, 0x0A, 0x0D) for byte in sample)


def _csv_records(reader: Iterable[list[str]]) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error:
        raise UploadRejected(
            _("The CSV file could not be read from row %(row)s on.") % {"row": number + 1}, code="csv"
        ) from None


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    invalid = UploadRejected(_("This file is not a valid Excel workbook (.xlsx)."), code="not_xlsx")
    if not data.startswith(b"PK\x03\x04"):
        raise invalid
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise invalid from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise invalid
    return _xlsx_records(data, invalid)


def _xlsx_records(data: bytes, invalid: UploadRejected) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign file
        raise invalid from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # read every cell, whatever the file claims its size is
        yield from enumerate((list(values) for values in sheet.iter_rows(values_only=True)), start=1)
    except Exception:
        raise invalid from None
    finally:
        workbook.close()


def _rows_from_records(records: Iterator[tuple[int, list[Any]]]) -> list[dict[str, Any]]:
    header: list[str] | None = None
    body: list[tuple[int, list[Any]]] = []
    for number, record in records:
        if header is None:
            if number != 1 or not any(_text(v) for v in record):
                raise UploadRejected(_("The first row must contain the column names."), code="header")
            header = [_text(v) for v in record]
            continue
        if not any(_text(v) for v in record):
            continue
        if len(body) >= MAX_ROWS:
            raise UploadRejected(
                _("The file has more than %(max)s rows; split it into smaller files.") % {"max": MAX_ROWS},
                code="rows",
            )
        body.append((number, record))
    if header is None:
        raise UploadRejected(_("The first row must contain the column names."), code="header")
    # Columns without a name are ignored when they hold nothing; otherwise the file is unclear.
    width = max([len(header), *(len(r) for _n, r in body)])
    header += [""] * (width - len(header))
    keep: list[int] = []
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            if any(index < len(r) and _text(r[index]) for _n, r in body):
                raise UploadRejected(
                    _("Column %(number)s has data but no name in the header row.") % {"number": index + 1},
                    code="header",
                )
            continue
        if name.lower() in seen:
            raise UploadRejected(
                _("The column name %(name)s appears more than once in the header row.") % {"name": name},
                code="header",
            )
        seen.add(name.lower())
        keep.append(index)
    if not body:
        raise UploadRejected(_("The file contains no clients below the header row."), code="no_rows")
    return [
        {"row": number, "cells": {header[i]: _clean_cell(record[i] if i < len(record) else None) for i in keep}}
        for number, record in body
    ]


def _clean_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _shown(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


# ---------------------------------------------------------------------------------------------------
# Validation


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
        text = _text(self.cell(field))
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
                field, _("'%(value)s' is longer than %(max)s characters.") % {"value": _shown(text), "max": max_length}
            )
        elif text and field == "phone" and not PHONE.fullmatch(text):
            self.error(field, _("'%(value)s' is not a valid phone number.") % {"value": _shown(text)})
        elif text and field == "email":
            try:
                validate_email(text)
            except ValidationError:
                self.error(field, _("'%(value)s' is not a valid e-mail address.") % {"value": _shown(text)})
        return text

    def birth_date(self) -> dt.date | None:
        raw = self.cell("birth_date")
        if not self.required("birth_date"):
            return None
        value = parse_date(raw)
        if value is None:
            self.error("birth_date", _("'%(value)s' is not a valid date.") % {"value": _shown(raw)})
        elif value > self.today:
            self.error("birth_date", _("'%(value)s' is in the future.") % {"value": _shown(raw)})
        elif value < OLDEST_BIRTH_DATE:
            self.error("birth_date", _("'%(value)s' is not a plausible birth date.") % {"value": _shown(raw)})
        else:
            return value
        return None

    def gender(self) -> str:
        text = self.required("gender")
        if text and text.lower() not in GENDERS:
            self.error("gender", _("'%(value)s' is not a valid gender; use V, M or X.") % {"value": _shown(text)})
        return str(GENDERS.get(text.lower(), ""))

    def national_number(self, birth_date: dt.date | None) -> str:
        raw = self.cell("national_number")
        text = _text(raw)
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
                % {"value": _shown(raw), "reason": " ".join(exc.messages)},
            )
        return ""

    def municipality(self) -> Any:
        text = self.required("municipality")
        if not text:
            return None
        found = self.places.municipality(text)
        if found is None:
            self.error("municipality", _("'%(value)s' is not a municipality of this region.") % {"value": _shown(text)})
        return found

    def deelgemeente(self, municipality: Any) -> Any:
        postal_code = _text(self.cell("postal_code"))
        name = _text(self.cell("deelgemeente"))
        if municipality is None:
            return None
        if postal_code and postal_code not in self.places.postal_codes[municipality.pk]:
            self.error(
                "postal_code",
                _("'%(value)s' is not a postal code of %(municipality)s.")
                % {"value": _shown(postal_code), "municipality": municipality.name},
            )
            postal_code = ""
        if not name:
            return None
        found = self.places.deelgemeenten[municipality.pk].get(_fold(name))
        if found is None:
            self.error(
                "deelgemeente",
                _("'%(value)s' is not a deelgemeente of %(municipality)s.")
                % {"value": _shown(name), "municipality": municipality.name},
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
        for code in re.split(r"[\s,;/]+", _text(self.cell("languages")).lower()):
            if not code or code in codes:
                continue
            if code in LANGUAGE_CODES:
                codes.append(code)
            else:
                self.error(
                    "languages",
                    _("'%(value)s' is not a known language code; use %(codes)s.")
                    % {"value": _shown(code), "codes": ", ".join(LANGUAGE_CODES)},
                )
        return codes

    def dutch_level(self) -> str:
        text = self.required("dutch_level")
        if text and text.upper() not in DutchLevel.values:
            self.error(
                "dutch_level",
                _("'%(value)s' is not a valid level; use A0, A1, A2, B1, B2, C1 or C2.") % {"value": _shown(text)},
            )
        return text.upper()

    def interpreter_needed(self) -> bool:
        raw = self.cell("interpreter_needed")
        text = _text(raw).lower()
        if text not in YES | NO:
            self.error(
                "interpreter_needed", _("'%(value)s' is not a valid answer; use ja or nee.") % {"value": _shown(raw)}
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
        field = _header_field(header)
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


# ---------------------------------------------------------------------------------------------------
# The write


# Foreign keys that full_clean would look up one query each; the rows carry the loaded objects, and
# _check_place checks that they belong together and to the organisation's region.
_FK_FIELDS = ["organisation", "registered_by", "municipality", "deelgemeente", "merged_into"]


@transaction.atomic
def clients_import(*, organisation: Any, actor: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Register every cleaned row (from ``validate_rows``) for the organisation; all or nothing.

    The bulk path of ``client_register``: every client gets the same checks (the place against the
    region, the national number with the birth date, ``full_clean``) and the same audit entry,
    ``clients.client.registered``; one more entry, ``clients.import.completed``, records the count.
    Then the clients and entries are written in a few batched inserts. If any row fails its checks,
    every error is collected and ``ImportRejected`` is raised before anything is written.
    """
    clients: list[Client] = []
    errors: list[RowError] = []
    for row in rows:
        data = dict(row)
        number = data.pop("row")
        national_number = data.pop("national_number", "")
        unknown = set(data) - set(CLIENT_FIELDS)
        if unknown:
            raise TypeError(f"unknown client fields: {sorted(unknown)}")
        client = Client(organisation=organisation, registered_by=actor, **data)
        try:
            _checked(client, organisation, national_number)
        except ValidationError as exc:
            errors.extend(_row_errors(number, exc))
        else:
            clients.append(client)
    if errors:
        raise ImportRejected(errors)
    for client in clients:
        client.search_key = client_search_key(client)
    Client.objects.bulk_create(clients, batch_size=500)
    audit_log_many(
        actor=actor, action="clients.client.registered", objects=clients, changes={"organisation": organisation.pk}
    )
    audit_log(actor=actor, action="clients.import.completed", obj=organisation, changes={"count": len(clients)})
    return len(clients)


def _checked(client: Client, organisation: Any, national_number: str) -> None:
    """The checks of ``client_register``, without a query per foreign key."""
    if client.municipality_id is None:
        raise ValidationError({"municipality": _("This cell is required but empty.")})
    _check_place(client, organisation)
    try:
        _apply_national_number(client, national_number)
    except ValidationError as exc:
        raise ValidationError({"national_number": exc.messages}) from exc
    client.full_clean(exclude=_FK_FIELDS)


def _row_errors(number: int, exc: ValidationError) -> list[RowError]:
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "", m) for m in exc.messages]
    return [
        RowError(number, BY_FIELD[field].header if field in BY_FIELD else "", message)
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


# ---------------------------------------------------------------------------------------------------
# Help for the upload page


def column_help() -> list[dict[str, Any]]:
    """The columns as the upload page explains them."""
    return [
        {
            "header": c.header,
            "alias": c.alias,
            "required": c.required,
            "help": str(c.help) % {"codes": ", ".join(LANGUAGE_CODES)} if c.field == "languages" else c.help,
        }
        for c in COLUMNS
    ]


def example_csv(region: Any) -> bytes:
    """An example file for the region: the Dutch headers and two made-up clients (UTF-8 with BOM, for Excel)."""
    municipalities = list(region.municipalities.prefetch_related("deelgemeenten").order_by("position", "code")[:2])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    for index, municipality in enumerate(municipalities):
        sections = list(municipality.deelgemeenten.all())
        section = sections[-1] if sections else None
        if index == 0:
            writer.writerow([
                "Amina", "Voorbeeld", "1990-03-15", "V", "", "0470 12 34 56", "amina@example.org", "Kerkstraat 1",
                municipality.name, section.postal_code if section else "", section.name if section else "", "ar,fr",
                "A2", "ja",
            ])  # fmt: skip
        else:
            writer.writerow([
                "Tom", "Voorbeeld", "02/11/2003", "M", "", "", "", "", municipality.nis_code, "", "", "nl", "C2", "nee",
            ])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
