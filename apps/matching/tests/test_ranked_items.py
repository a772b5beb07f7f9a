"""The recommendations page's ranked offers written out in Python (apps/matching/templatetags/recommendations.py)
give the HTML the template loop gave, in both languages, with and without the referral button, hostile titles and
reasons escaped."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Engine
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from apps.matching.templatetags.recommendations import ranked_items, whole

# the template loop the tag replaced (recommendations.html before it), the reference
REFERENCE = (Path(__file__).parent / "ranked_items_reference.html").read_text(encoding="utf-8")
NASTY = '<script>alert("x")</script> & =cmd|"/C calc"!A0'


def ranked() -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            offer=SimpleNamespace(id=3, title=NASTY, organisation_name="De Brug & co"),
            score=87.46,
            reasons=["Pakt aan: huisvesting", NASTY],
        ),
        SimpleNamespace(
            offer=SimpleNamespace(id=12345, title="Taalcafé", organisation_name="Kompas vzw"),
            score=40.5,
            reasons=[],
        ),
    ]


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def items(html: str) -> str:
    return squeezed(html.split('class="ps-3">', 1)[1].rsplit("</ol>", 1)[0])


@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("open_pathway_id", [None, 7])
def test_the_offers_are_the_html_the_template_loop_gave(language, open_pathway_id):
    refer_url = reverse("referrals:new", args=[open_pathway_id]) if open_pathway_id else ""
    context = {"ranked": ranked(), "open_pathway_id": open_pathway_id, "refer_url": refer_url}
    with translation.override(language):
        expected = Engine.get_default().from_string(REFERENCE).render(Context(context))
        written = ranked_items(ranked(), refer_url)
    assert squeezed(written) == items(expected)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert ("bron=aanbeveling" in written) == bool(open_pathway_id)


@given(st.integers(min_value=0, max_value=20_000).map(lambda n: round(n / 100, 2)))  # round(score, 2)
def test_a_score_is_rounded_as_floatformat_rounds_it(score: float) -> None:
    assert whole(score) == floatformat(score, 0)


@pytest.mark.parametrize("score", [0.0, 0.5, 2.5, 40.5, 87.46, 99.5, 100.0])
def test_halves_round_up_as_on_the_template(score: float) -> None:
    assert whole(score) == floatformat(score, 0)
