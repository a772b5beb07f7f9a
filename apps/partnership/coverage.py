"""Which set of candidacies covers the support lines best within a budget? (pure Python, no Django)

The problem: support lines ``l`` with a weight ``w_l`` (the prevalence of its challenge: rank 1
weighs most), candidacies ``c`` with a cost (the budget requested), a jury score ``s_c`` and the
set of lines they cover. The value of a set S is

    sum over lines l covered by S of  w_l * max{ s_c : c in S covers l }

(each line counts once, by its best-scored covering candidacy), subject to sum of costs <= budget.
``solve_optimal`` models it in OR-Tools CP-SAT: x_c (chosen), y_lc (line l credited to c) with
sum_c y_lc <= 1 and y_lc <= x_c; maximising sum w_l * s_c * y_lc gives exactly the value above.
All numbers are integers (scores in hundredths, costs in cents), so the optimum is exact.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Option:
    key: int
    cost: int  # cents
    score: int  # jury score in hundredths (100-500)
    covers: frozenset[int]  # line keys


@dataclass(frozen=True)
class Problem:
    weights: dict[int, int]  # line key -> weight
    options: Sequence[Option]
    budget: int  # cents


@dataclass
class Solution:
    chosen: list[int]
    value: int
    cost: int
    uncovered: list[int] = field(default_factory=list)
    optimal: bool = True


def evaluate(problem: Problem, chosen: Iterable[int]) -> Solution:
    by_key = {o.key: o for o in problem.options}
    keys = sorted(set(chosen))
    best: dict[int, int] = {}
    for k in keys:
        option = by_key[k]
        for line in option.covers:
            if line in problem.weights and option.score > best.get(line, -1):
                best[line] = option.score
    value = sum(problem.weights[line] * score for line, score in best.items())
    cost = sum(by_key[k].cost for k in keys)
    uncovered = sorted(line for line in problem.weights if line not in best)
    return Solution(chosen=keys, value=value, cost=cost, uncovered=uncovered)


def solve_brute_force(problem: Problem) -> Solution:
    """Every subset (only for small instances: 2^n)."""
    best = evaluate(problem, [])
    keys = [o.key for o in problem.options]
    for r in range(1, len(keys) + 1):
        for subset in itertools.combinations(keys, r):
            solution = evaluate(problem, subset)
            if solution.cost <= problem.budget and solution.value > best.value:
                best = solution
    return best


def solve_greedy(problem: Problem) -> Solution:
    """The baseline: repeatedly add the affordable candidacy with the best gain per euro."""
    chosen: list[int] = []
    current = evaluate(problem, [])
    remaining = list(problem.options)
    while True:
        best_option, best_ratio, best_solution = None, 0.0, current
        for option in remaining:
            if current.cost + option.cost > problem.budget:
                continue
            candidate = evaluate(problem, [*chosen, option.key])
            gain = candidate.value - current.value
            if gain <= 0:
                continue
            ratio = gain / max(option.cost, 1)
            if ratio > best_ratio:
                best_option, best_ratio, best_solution = option, ratio, candidate
        if best_option is None:
            return current
        chosen.append(best_option.key)
        remaining.remove(best_option)
        current = best_solution


def solve_optimal(
    problem: Problem, *, exclude: Iterable[int] = (), time_limit_s: float = 30.0, workers: int = 8
) -> Solution:
    """The optimum by CP-SAT (``exclude``: candidacies that may not be chosen)."""
    from ortools.sat.python import cp_model

    banned = set(exclude)
    options = [o for o in problem.options if o.key not in banned and o.cost <= problem.budget]
    model = cp_model.CpModel()
    x = {o.key: model.new_bool_var(f"x{o.key}") for o in options}
    terms = []
    by_line: dict[int, list[tuple[Option, Any]]] = {}
    for o in options:
        for line in o.covers:
            if line in problem.weights and problem.weights[line] > 0 and o.score > 0:
                y = model.new_bool_var(f"y{line}_{o.key}")
                model.add_implication(y, x[o.key])
                by_line.setdefault(line, []).append((o, y))
                terms.append(problem.weights[line] * o.score * y)
    for pairs in by_line.values():
        model.add_at_most_one([y for _o, y in pairs])
    model.add(sum(o.cost * x[o.key] for o in options) <= problem.budget)
    model.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return evaluate(problem, [])
    chosen = [k for k, var in x.items() if solver.value(var)]
    # drop candidacies that add nothing (zero-value members are not a proposal)
    solution = evaluate(problem, chosen)
    for k in list(solution.chosen):
        trial = evaluate(problem, [c for c in solution.chosen if c != k])
        if trial.value == solution.value:
            solution = trial
    solution.optimal = status == cp_model.OPTIMAL
    return solution


def alternatives(problem: Problem, best: Solution) -> list[tuple[int, Solution]]:
    """For each candidacy of the optimum: the best set without it (what would it leave uncovered?)."""
    return [(k, solve_optimal(problem, exclude=[k])) for k in best.chosen]


def solve_with_alternatives(
    problem: Problem,
    *,
    time_limit_s: float = 30.0,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[Solution, list[tuple[int, Solution]]]:
    """The best set and, for each of its members, the best set without it: 1 + k solves of at most
    ``time_limit_s`` seconds each (what the coverage job runs). ``on_progress(done, total)`` is called after
    each solve (``total`` is 1 + k once the best set is known). Returns ``(best, [(key, alternative), ...])``.
    """
    best = solve_optimal(problem, time_limit_s=time_limit_s)
    total = 1 + len(best.chosen)
    if on_progress is not None:
        on_progress(1, total)
    found: list[tuple[int, Solution]] = []
    for k in best.chosen:
        found.append((k, solve_optimal(problem, exclude=[k], time_limit_s=time_limit_s)))
        if on_progress is not None:
            on_progress(1 + len(found), total)
    return best, found
