"""The coordinator's overview as xlsx; every text cell is neutralised against formula injection."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from apps.core.cells import safe_cell
from apps.employers.selectors import Overview

neutralise = safe_cell  # the one helper in apps/core/cells.py


def overview_xlsx(*, overview: Overview) -> bytes:
    """The overview's tables, one under the other, on one sheet; returns the xlsx file's bytes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Overview")[:31]

    def table(title: str, header: list[str], rows: list[Any]) -> None:
        ws.append([neutralise(title)])
        ws.append([neutralise(h) for h in header])
        for row in rows:
            ws.append([neutralise(v) for v in row])
        ws.append([])

    def labelled(rows: list[tuple[Any, str, int]]) -> list[tuple[str, int]]:
        return [(label, n) for _key, label, n in rows]

    table(_("Employers per sector"), [_("Sector"), _("Employers")], labelled(overview.employers_by_sector))
    table(
        _("Employers per municipality"),
        [_("Municipality"), _("Employers")],
        labelled(overview.employers_by_municipality),
    )
    table(_("Opportunities per rung"), [_("Rung"), _("Opportunities")], labelled(overview.opportunities_by_rung))
    table(_("Placements per status"), [_("Status"), _("Placements")], labelled(overview.placements_by_status))
    table(
        _("Placements started and still working"),
        [_("Started"), _("Still working after 3 months"), _("Still working after 6 months")],
        [(overview.started, overview.working_3_months, overview.working_6_months)],
    )
    table(_("Reasons of refusal"), [_("Reason"), _("Placements")], labelled(overview.refusals))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
