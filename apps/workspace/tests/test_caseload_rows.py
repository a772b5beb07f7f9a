"""The caseload's rows written out in Python (apps/workspace/templatetags/caseload.py) give the HTML the
template loop gave, in both languages, with hostile names and notes escaped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import translation

from apps.workspace.selectors_caseload import CaseloadRow
from apps.workspace.templatetags.caseload import caseload_rows

# the template loop the tag replaced (my_work.html before it), the reference
REFERENCE = (Path(__file__).parent / "caseload_rows_reference.html").read_text(encoding="utf-8")

NASTY = '<script>alert("x")</script> & =cmd|"/C calc"!A0'


def rows() -> list[CaseloadRow]:
    return [
        CaseloadRow(
            pathway_id=7,
            first_name="Mariam",
            last_name=NASTY,
            stage="Actief",
            next_action=NASTY,
            next_due=dt.date(2026, 11, 30),
            overdue=True,
            last_contact=dt.date(2026, 11, 2),
            open_referrals=2,
            awaiting_answer=True,
            waiting_position=3,
        ),
        CaseloadRow(
            pathway_id=12345,
            first_name="Jonas",
            last_name="Peeters",
            stage="Aangemeld",
            next_action="",
            next_due=None,
            overdue=False,
            last_contact=None,
            open_referrals=0,
            awaiting_answer=False,
            waiting_position=None,
        ),
    ]


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_rows_are_the_html_the_template_loop_gave(language):
    with translation.override(language):
        expected = Engine.get_default().from_string(REFERENCE).render(Context({"rows": rows()}))
        written = caseload_rows(rows())
    assert squeezed(written) == squeezed(expected)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert ("te laat" in written) == (language == "nl-be")
