"""The coverage matrix and the CP-SAT optimiser, which must equal a brute-force optimum."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client as Browser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.partnership import coverage, services_decisions, services_jury
from apps.partnership.models import CoverageRun
from apps.partnership.selectors import coverage_matrix, coverage_problem, ranking, support_lines
from apps.partnership.services_coverage_run import coverage_run_execute
from apps.partnership.tests.conftest import make_candidacy


@st.composite
def problems(draw: Any) -> coverage.Problem:
    n_lines = draw(st.integers(1, 8))
    weights = {i: draw(st.integers(0, 6)) for i in range(n_lines)}
    options = []
    for k in range(draw(st.integers(0, 9))):
        covers = draw(st.frozensets(st.integers(0, n_lines - 1), max_size=n_lines))
        options.append(
            coverage.Option(
                key=k, cost=draw(st.integers(0, 60)) * 100, score=draw(st.integers(100, 500)), covers=covers
            )
        )
    return coverage.Problem(weights=weights, options=options, budget=draw(st.integers(0, 200)) * 100)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_optimiser_equals_the_brute_force_optimum(problem: coverage.Problem) -> None:
    best = coverage.solve_optimal(problem, workers=1)
    brute = coverage.solve_brute_force(problem)
    assert best.value == brute.value
    assert best.cost <= problem.budget
    assert coverage.evaluate(problem, best.chosen).value == best.value
    assert coverage.solve_greedy(problem).value <= best.value


def test_a_line_counts_once_by_its_best_scored_candidacy() -> None:
    problem = coverage.Problem(
        weights={1: 3, 2: 1},
        options=[coverage.Option(1, 100, 500, frozenset({1})), coverage.Option(2, 100, 200, frozenset({1, 2}))],
        budget=200,
    )
    assert coverage.evaluate(problem, [1, 2]).value == 3 * 500 + 1 * 200
    assert coverage.solve_optimal(problem).chosen == [1, 2]
    assert coverage.solve_optimal(coverage.Problem(problem.weights, problem.options, 100)).chosen == [1]


def _selected(personas: Any, **kwargs: Any) -> Any:
    candidacy = make_candidacy(personas.region, **kwargs)
    services_decisions.decision_record(
        candidacy=candidacy, actor=personas.wouter, decision="selected", motivation="Goed", now=candidacy.submitted_at
    )
    return candidacy


def test_the_matrix_shows_capacity_per_support_line_and_the_gaps(personas: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    region = personas.region
    a = _selected(personas, name="Alfa", kbo="0202239951", challenges=("saled",),
                  types={"psychological-help": 40, "mobility-support": 20})  # fmt: skip
    rows = {(r["challenge"].code, r["line"].code): r for r in coverage_matrix(region=region, candidacies=[a])}
    assert rows[("saled", "psychological-help")]["cells"] == [40] and not rows[("saled", "psychological-help")]["gap"]
    assert rows[("saled", "mobility")]["cells"] == [20]
    assert rows[("saled", "dutch-learning")]["gap"]
    # the offer covers a line only for the challenges the candidacy addresses
    assert rows[("marlies", "psychological-help")]["gap"]
    assert len(rows) == len(support_lines(region))


def test_the_coverage_page_proposes_a_set_within_the_budget(personas: Any, criteria: Any, settings: Any,
                                                            tmp_path: Any, client: Browser) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    a = _selected(personas, name="Alfa", kbo="0202239951", budget="30000")
    b = make_candidacy(personas.region, name="Beta", kbo="0403170701", challenges=("marlies", "thierry"),
                       types={"housing-support": 15}, budget="20000")  # fmt: skip
    for cand, score in ((a, "4"), (b, "3.5")):
        services_jury.consensus_record(candidacy=cand, actor=personas.wouter, score=Decimal(score), motivation="x")
    problem = coverage_problem(region=personas.region, rows=ranking(region=personas.region), budget_cents=3_000_000)
    assert {o.key for o in problem.options} == {a.pk, b.pk}
    client.force_login(personas.wouter)
    html = client.get("/oproep/oostende/jury/dekking/").content.decode()
    assert "table-danger" in html and a.reference in html
    # the proposal is a background job: the POST queues it, the worker's task body computes it
    response = client.post("/oproep/oostende/jury/dekking/", {"budget": "30000"})
    run = CoverageRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/oproep/oostende/jury/dekking/{run.pk}/"
    coverage_run_execute(run=run)
    html = client.get(f"/oproep/oostende/jury/dekking/{run.pk}/").content.decode()
    assert 'id="solution-best"' in html and ("Beste set zonder" in html or "Best set without" in html)
    best = coverage.solve_optimal(problem)
    assert best.cost <= 3_000_000 and len(best.chosen) == 1
