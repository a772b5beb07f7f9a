"""Allocation of the waiting list (apps/matching/allocation.py): plain pytest, no database."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.matching.allocation import (
    SCALE,
    AllocationProblem,
    InfeasibleAllocation,
    check_feasible,
    objective,
    solve_brute_force,
    solve_greedy_fcfs,
    solve_optimal,
)

ROOT = Path(__file__).resolve().parents[3]
HYPOTHESIS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw: st.DrawFn, on_grid: bool = False) -> AllocationProblem:
    """Random small problems: <= 6 clients, <= 4 offers, random eligibility, capacity and scores.

    With on_grid, every pair value is a multiple of 1/SCALE (scores in thousandths, no fairness or
    whole months of waiting with a whole-number weight), so the integer scaling is exact."""
    n_clients = draw(st.integers(0, 6))
    n_offers = draw(st.integers(0, 4))
    capacity = draw(st.lists(st.integers(0, 3), min_size=n_offers, max_size=n_offers))
    eligible = [(c, o) for c in range(n_clients) for o in range(n_offers) if draw(st.booleans())]
    if on_grid:
        scores = [draw(st.integers(0, 100 * SCALE)) / SCALE for _ in eligible]
        waiting = [30 * draw(st.integers(0, 24)) for _ in range(n_clients)]
        weight = float(draw(st.integers(0, 3)))
    else:
        scores = [draw(st.floats(0, 100, allow_nan=False, allow_infinity=False)) for _ in eligible]
        waiting = draw(st.lists(st.integers(0, 800), min_size=n_clients, max_size=n_clients))
        weight = draw(st.floats(0, 5, allow_nan=False, allow_infinity=False))
    order = draw(st.permutations(range(len(eligible))))  # pairs in any order
    return AllocationProblem(
        n_clients=n_clients,
        n_offers=n_offers,
        capacity=capacity,
        pair_client=[eligible[i][0] for i in order],
        pair_offer=[eligible[i][1] for i in order],
        pair_score=[scores[i] for i in order],
        waiting_days=waiting,
        fairness_weight=weight,
    )


def assert_respects_constraints(problem: AllocationProblem, assignments: list[tuple[int, int]]) -> None:
    """The constraints checked independently of check_feasible."""
    candidates = set(zip(problem.pair_client, problem.pair_offer, strict=True))
    clients = [c for c, _ in assignments]
    assert len(clients) == len(set(clients)), "a client is assigned twice"
    for o in range(problem.n_offers):
        assert sum(1 for _, a in assignments if a == o) <= problem.capacity[o], f"offer {o} over capacity"
    for pair in assignments:
        assert pair in candidates, f"ineligible pair {pair} used"


def reference_greedy(problem: AllocationProblem) -> list[tuple[int, int]]:
    """First come, first served written out naively, to check solve_greedy_fcfs against."""
    free = list(problem.capacity)
    result = []
    for c in sorted(range(problem.n_clients), key=lambda c: (-problem.waiting_days[c], c)):
        options = [
            (-s, o)
            for pc, o, s in zip(problem.pair_client, problem.pair_offer, problem.pair_score, strict=True)
            if pc == c and free[o] > 0
        ]
        if options:
            _, o = min(options)
            free[o] -= 1
            result.append((c, o))
    return sorted(result)


# --- properties on random small problems -------------------------------------------------------


@HYPOTHESIS
@given(problems())
def test_optimal_is_feasible_and_equals_brute_force_within_the_scaling_error(problem: AllocationProblem) -> None:
    opt = solve_optimal(problem)
    exact = solve_brute_force(problem)
    greedy = solve_greedy_fcfs(problem)

    assert opt.status == "OPTIMAL" and opt.optimal and opt.gap == 0.0
    for result in (opt, exact, greedy):
        assert_respects_constraints(problem, result.assignments)
        check_feasible(problem, result.assignments)
        assert result.objective == pytest.approx(objective(problem, result.assignments), abs=1e-9)

    # Each pair value is rounded to the nearest 1/SCALE: at most 0.5/SCALE off per placed client,
    # both for the flow's assignment and for the true optimum.
    tolerance = problem.n_clients / SCALE + 1e-9
    assert opt.rounding_bound <= tolerance
    assert exact.objective - opt.rounding_bound - 1e-9 <= opt.objective <= exact.objective + 1e-9
    assert opt.objective >= greedy.objective - opt.rounding_bound - 1e-9
    assert exact.objective >= greedy.objective - 1e-9


@HYPOTHESIS
@given(problems(on_grid=True))
def test_optimal_equals_brute_force_exactly_when_values_are_multiples_of_one_over_scale(
    problem: AllocationProblem,
) -> None:
    opt = solve_optimal(problem)
    exact = solve_brute_force(problem)
    greedy = solve_greedy_fcfs(problem)
    assert_respects_constraints(problem, opt.assignments)
    assert opt.objective == pytest.approx(exact.objective, abs=1e-6)
    assert opt.objective >= greedy.objective - 1e-6


@HYPOTHESIS
@given(problems())
def test_greedy_is_first_come_first_served(problem: AllocationProblem) -> None:
    result = solve_greedy_fcfs(problem)
    assert result.assignments == reference_greedy(problem)
    assert result.optimal is False and result.gap is None


# --- hand-made cases -----------------------------------------------------------------------------


def test_greedy_is_strictly_worse_on_a_hand_made_example() -> None:
    # Anna (client 0) has waited 90 days and fits both offers; Bert (client 1) has waited 30 days and
    # fits only offer 0, better than Anna does. One place each. First come, first served gives Anna
    # offer 0 and leaves Bert without a place; the optimum sends Anna to offer 1.
    problem = AllocationProblem(
        n_clients=2,
        n_offers=2,
        capacity=[1, 1],
        pair_client=[0, 0, 1],
        pair_offer=[0, 1, 0],
        pair_score=[60.0, 50.0, 90.0],
        waiting_days=[90, 30],
        fairness_weight=1.0,
    )
    greedy = solve_greedy_fcfs(problem)
    opt = solve_optimal(problem)
    assert greedy.assignments == [(0, 0)]
    assert greedy.objective == pytest.approx(60 + 3)
    assert opt.assignments == [(0, 1), (1, 0)]
    assert opt.objective == pytest.approx(50 + 3 + 90 + 1)
    assert opt.objective > greedy.objective
    assert opt.optimal and opt.gap == 0.0 and opt.n_assigned == 2


def test_fairness_weight_decides_who_gets_the_last_place() -> None:
    # One place; client 0 fits slightly better, client 1 has waited a year.
    def problem(weight: float) -> AllocationProblem:
        return AllocationProblem(2, 1, [1], [0, 1], [0, 0], [80.0, 75.0], [0, 360], fairness_weight=weight)

    assert solve_optimal(problem(0.0)).assignments == [(0, 0)]
    assert solve_optimal(problem(1.0)).assignments == [(1, 0)]  # 75 + 12 > 80


def test_empty_problem() -> None:
    empty = AllocationProblem(0, 0, [], [], [], [], [])
    for solve in (solve_optimal, solve_greedy_fcfs, solve_brute_force):
        result = solve(empty)
        assert result.assignments == [] and result.objective == 0.0
    opt = solve_optimal(empty)
    assert opt.status == "OPTIMAL" and opt.optimal and opt.gap == 0.0


def test_clients_without_candidates_or_places_stay_unassigned() -> None:
    no_pairs = AllocationProblem(3, 2, [2, 2], [], [], [], [10, 20, 30])
    assert solve_optimal(no_pairs).assignments == []
    no_places = AllocationProblem(2, 1, [0], [0, 1], [0, 0], [50.0, 60.0], [10, 20])
    assert solve_optimal(no_places).assignments == []
    assert solve_greedy_fcfs(no_places).assignments == []


def test_check_feasible_rejects_broken_assignments() -> None:
    problem = AllocationProblem(3, 2, [1, 2], [0, 1, 2, 0], [0, 0, 1, 1], [10.0, 20.0, 30.0, 40.0], [0, 0, 0])
    # eligible: (0, 0), (1, 0), (2, 1), (0, 1); offer 0 has one free place, offer 1 two
    check_feasible(problem, [(0, 1), (1, 0), (2, 1)])
    with pytest.raises(InfeasibleAllocation, match="not eligible"):
        check_feasible(problem, [(2, 0)])
    with pytest.raises(InfeasibleAllocation, match="more than once"):
        check_feasible(problem, [(0, 0), (0, 1)])
    with pytest.raises(InfeasibleAllocation, match="free places"):
        check_feasible(problem, [(0, 0), (1, 0)])
    with pytest.raises(InfeasibleAllocation, match="does not exist"):
        check_feasible(problem, [(5, 0)])
    with pytest.raises(InfeasibleAllocation, match="does not exist"):
        check_feasible(problem, [(0, 7)])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pair_client": [0, 0], "pair_offer": [0, 0], "pair_score": [1.0, 2.0]}, "more than once"),
        ({"pair_score": [-1.0]}, "finite and >= 0"),
        ({"pair_score": [math.nan]}, "finite and >= 0"),
        ({"capacity": [-1]}, "capacity must be >= 0"),
        ({"capacity": [1, 1]}, "entries for 1 offers"),
        ({"waiting_days": [1, 2]}, "entries for 1 clients"),
        ({"pair_offer": [3]}, "outside"),
        ({"fairness_weight": -1.0}, "fairness_weight"),
    ],
)
def test_malformed_problems_are_rejected(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "n_clients": 1,
        "n_offers": 1,
        "capacity": [1],
        "pair_client": [0],
        "pair_offer": [0],
        "pair_score": [1.0],
        "waiting_days": [5],
    }
    fields.update(changes)
    problem = AllocationProblem(**fields)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        solve_optimal(problem)


def test_importing_the_module_loads_neither_django_nor_solvers() -> None:
    code = (
        "import sys; import apps.matching.allocation; "
        "loaded = [m for m in ('django', 'ortools', 'numpy') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)  # noqa: S603


def test_a_status_other_than_optimal_is_reported_honestly(monkeypatch: pytest.MonkeyPatch) -> None:
    from ortools.graph.python import min_cost_flow

    real = min_cost_flow.SimpleMinCostFlow

    class Failing(real):  # type: ignore[misc, valid-type]
        def solve(self) -> object:
            return real.BAD_COST_RANGE

    monkeypatch.setattr(min_cost_flow, "SimpleMinCostFlow", Failing)
    problem = AllocationProblem(1, 1, [1], [0], [0], [10.0], [0])
    result = solve_optimal(problem)
    assert result.status == "BAD_COST_RANGE"
    assert result.optimal is False and result.gap is None and result.assignments == []


def test_time_limit_is_reported_not_enforced() -> None:
    problem = AllocationProblem(1, 1, [1], [0], [0], [10.0], [0])
    assert solve_optimal(problem, time_limit_s=0.0).time_limit_exceeded is True
    assert solve_optimal(problem, time_limit_s=60.0).time_limit_exceeded is False
