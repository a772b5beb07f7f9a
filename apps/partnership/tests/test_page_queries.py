"""Issue 15: Wouter's coverage page and the jury's workbook cost a fixed number of queries, whatever the number of
candidacies: the region's support lines are kept per region version, the workbook reads the scores once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as Browser

from apps.partnership import services_decisions, services_jury
from apps.partnership.tests.conftest import make_candidacy

pytestmark = pytest.mark.django_db


def kbo(n: int) -> str:
    """A valid enterprise number: 0, 7 digits and their check (97 - the number mod 97)."""
    base = 2022390 + n
    return f"0{base}{97 - base % 97:02d}"


def scored(personas: Any, criteria: Any, first: int, n: int) -> None:
    for i in range(first, first + n):
        cand = make_candidacy(personas.region, name=f"Kandidaat {i}", kbo=kbo(i), budget="20000")
        services_jury.conflict_declare(candidacy=cand, member=personas.ine, has_conflict=False)
        services_jury.scores_save(
            candidacy=cand, member=personas.ine, round=1, values={c.pk: (3, "goed") for c in criteria}
        )
        services_jury.consensus_record(candidacy=cand, actor=personas.wouter, score=Decimal("3.5"), motivation="x")
        services_decisions.decision_record(
            candidacy=cand, actor=personas.wouter, decision="selected", motivation="Goed", now=cand.submitted_at
        )


@pytest.mark.parametrize(
    ("url", "most"), [("/oproep/oostende/jury/dekking/", 10), ("/oproep/oostende/jury/export.xlsx", 12)]
)
def test_the_page_costs_the_same_for_two_or_six_candidacies(
    personas: Any, criteria: Any, client: Browser, url: str, most: int, django_assert_max_num_queries: Any
) -> None:
    scored(personas, criteria, 0, 2)
    client.force_login(personas.wouter)
    client.get(url)  # the first page of the process keeps the region's support lines
    with django_assert_max_num_queries(most) as few:
        assert client.get(url).status_code == 200
    scored(personas, criteria, 2, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if url.endswith("dekking/"):
        assert response.content.decode().count("Kandidaat") >= 6
