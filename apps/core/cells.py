"""Spreadsheet cells that cannot run: the one helper every xlsx and csv export uses for what people typed.

A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Google Sheets (OWASP "CSV injection"): an applicant's organisation name
``=HYPERLINK("http://evil","click")`` would become a live link in the jury's workbook. Such a text gets a
leading apostrophe, which shows it as text; numbers, dates and empty values pass unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a cell that cannot be a formula (str -> str with a leading ``'`` when needed; else as is)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every value of a row through :func:`safe_cell` (for ``worksheet.append`` and ``csv.writer.writerow``)."""
    return [safe_cell(v) for v in values]


def safe_workbook(workbook: Any) -> Any:
    """Every text cell of every sheet of an openpyxl ``workbook`` through :func:`safe_cell` (in place; returns
    it). For exports built row by row from many sources: call once just before saving."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.value = safe_cell(cell.value)
    return workbook
