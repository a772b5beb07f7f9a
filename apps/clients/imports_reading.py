"""Reading a client file (step 1 of the bulk import, see apps/clients/imports.py): CSV or XLSX bytes to rows.

``parse_upload(file_name, data)`` reads the bytes (CSV in UTF-8 with ``;`` or ``,``, or the first sheet of an XLSX
workbook) into rows keyed by the file's own headers, with their spreadsheet row numbers (the header is row 1).
Problems with the file as a whole raise ``UploadRejected``. The columns the file may have are defined here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.clients.models import LANGUAGE_CHOICES

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


def header_field(header: str) -> str | None:
    """The client field a file's column header names (Dutch header, English alias, field name or a known
    spelling), or None for a column the import does not know."""
    key = normalise_header(header)
    for column in COLUMNS:
        if key in (column.header, normalise_header(column.alias), column.field):
            return column.field
    return EXTRA_ALIASES.get(key)


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
            if number != 1 or not any(cell_text(v) for v in record):
                raise UploadRejected(_("The first row must contain the column names."), code="header")
            header = [cell_text(v) for v in record]
            continue
        if not any(cell_text(v) for v in record):
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
            if any(index < len(r) and cell_text(r[index]) for _n, r in body):
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


def cell_text(value: Any) -> str:
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


def shown(value: Any) -> str:
    """A cell's value as an error message quotes it: at most MAX_SHOWN_VALUE characters."""
    text = cell_text(value)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"

