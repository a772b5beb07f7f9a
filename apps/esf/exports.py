"""ESF+ exports: the indicator table (xlsx as a funder expects, csv, PDF year report) and the auditors' list.

Every text cell is formula-neutralised (a leading = + - @ tab or CR gets a quote), every PDF value escaped.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from apps.core.cells import safe_cell
from apps.core.outputs import html_to_pdf
from apps.esf.indicators import INDICATORS
from apps.esf.models import EsfGender, Participation

neutralise = safe_cell  # the one helper in apps/core/cells.py


def _gender_label(g: str) -> str:
    return str(EsfGender(g).label)


def table_rows(table: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the indicator table: code, indicator, one column per gender, total, incomplete."""
    report = table["report"]
    header = [_("Code"), _("Indicator"), *[_gender_label(g) for g in report.genders], _("Total"), _("Incomplete")]
    rows = []
    for item in table["rows"]:
        cells = [c.count if table["detailed"] else c.shown for c in item["cells"]]
        incomplete = item["row"].incomplete if table["detailed"] else item["incomplete"]
        rows.append([item["row"].indicator.code, str(item["row"].indicator.label), *cells, incomplete])
    return header, rows


def _title_lines(region: Any, table: dict[str, Any]) -> list[list[Any]]:
    report = table["report"]
    return [
        [_("ESF+ common indicators (Reg. (EU) 2021/1057, Annex I)")],
        [_("Operation"), neutralise(region.name)],
        [_("Period"), report.start, report.end],
        [_("Generated on"), timezone.localdate()],
        [],
    ]


def report_xlsx(*, region: Any, table: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Indicators")[:31]
    for line in _title_lines(region, table):
        ws.append(line)
    ws["A1"].font = Font(bold=True)
    header, rows = table_rows(table)
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([neutralise(v) for v in row])
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 60
    for i in range(3, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_csv(*, table: dict[str, Any]) -> str:
    header, rows = table_rows(table)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


CHART_COLOURS = {"woman": "#8e3b8e", "man": "#1f5f9e", "non_binary": "#2f7d32"}  # contrast >= 4.5:1 on white
CHART_WIDTH = 420  # points of the longest bar
CHART_LABEL, CHART_ROW = 50, 12  # points for the code column, points per bar


def chart_bars(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The PDF's bar chart: per indicator one bar stacked by gender, scaled to the largest total.

    Shape: [{"code", "label", "total", "segments": [{"gender", "x", "width", "colour"}]}]; widths in points.
    Only counts the reader may see exactly: for aggregated readers a suppressed count ("<5") draws no segment
    (issue 12: suppression in aggregated outputs), and its total reads as shown.
    """
    report = table["report"]
    bars = []
    for item in table["rows"]:
        cells = item["cells"]
        exact = [c.count if table["detailed"] or c.shown.isdigit() else 0 for c in cells[:-1]]
        bars.append({"code": item["row"].indicator.code, "label": str(item["row"].indicator.label),
                     "total": cells[-1].shown, "values": exact})  # fmt: skip
    top = max([sum(b["values"]) for b in bars] + [1])
    for index, bar in enumerate(bars):
        bar["y"] = index * CHART_ROW
        x = float(CHART_LABEL)
        bar["segments"] = []
        for gender, value in zip(report.genders, bar.pop("values"), strict=True):
            width = round(CHART_WIDTH * value / top, 1)
            if width:
                bar["segments"].append({"gender": gender, "x": x, "width": width, "colour": CHART_COLOURS.get(gender)})
            x += width
    return bars


def report_pdf(*, region: Any, table: dict[str, Any]) -> bytes:
    """The year report as PDF (WeasyPrint): a bar chart of every indicator by gender (``chart_bars``), then the
    indicator table with the incomplete count per indicator; the template escapes every value."""
    header, rows = table_rows(table)
    bars = chart_bars(table)
    html = render_to_string(
        "esf/report_pdf.html",
        {
            "region": region, "report": table["report"], "header": header, "rows": rows,
            "today": timezone.localdate(), "bars": bars,
            "chart": {"width": CHART_LABEL + CHART_WIDTH + 60, "height": CHART_ROW * (len(bars) + 1),
                      "total_x": CHART_LABEL + CHART_WIDTH + 6},
            "legend": [(_gender_label(g), CHART_COLOURS.get(g)) for g in table["report"].genders],
        },
    )  # fmt: skip
    return html_to_pdf(html)


AUDIT_FIELDS = [
    "entry_date", "leaving_date", "gender", "age_at_entry", "labour_status", "unemployed_months", "isced_level",
    "nationality", "housing", "disability", "disability_source", "foreign_background", "foreign_background_source",
    "minority", "minority_source", "results_recorded_on", "job_searching", "in_education", "qualification",
    "employed_on_leaving", "in_sample", "follow_up_due", "followed_up_on", "employed_after", "better_situation_after",
]  # fmt: skip
SENSITIVE_COLUMNS = {
    "disability", "disability_source", "foreign_background", "foreign_background_source", "minority",
    "minority_source", "EECO12", "EECO14", "EECO15",
}  # fmt: skip


def auditors_rows_out(*, access: Any, rows: Any) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the auditors' list: ids (no names), entry data, dates, results, a 0/1 per indicator.

    Special-category values of clients outside the user's own organisations are given as 'hidden'.
    """
    codes = [i.code for i in INDICATORS]
    header = ["participation", "client", _("Organisation"), _("Municipality"), *AUDIT_FIELDS, *codes]
    out: list[list[Any]] = []
    p: Participation
    for p in rows:
        sees = access.sees_sensitive(p)
        values: list[Any] = [p.pk, p.client_id, p.organisation.name, p.municipality.name]
        for name in [*AUDIT_FIELDS, *codes]:
            value = getattr(p, name)
            if name in SENSITIVE_COLUMNS and not sees:
                value = _("hidden")
            elif value is None:
                value = ""
            values.append(value)
        out.append(values)
    return header, out


def auditors_xlsx(*, access: Any, rows: Any) -> bytes:
    header, data = auditors_rows_out(access=access, rows=rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Participants")[:31])
    ws.append(header)
    for row in data:
        ws.append([neutralise(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def auditors_csv(*, access: Any, rows: Any) -> str:
    header, data = auditors_rows_out(access=access, rows=rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in data:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()
