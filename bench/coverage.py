#!/usr/bin/env python
"""Coverage optimiser benchmark: CP-SAT against a greedy baseline, in the same run.

    .venv/bin/python bench/coverage.py [--candidacies 200] [--seed 1] [--repeat 3] [--budget-share 0.03]
    .venv/bin/python bench/coverage.py --job [--candidacies 1000] [--time-limit 20]

Builds a synthetic call deterministically (random.Random(seed)) shaped like the Oostende region:
6 challenges with 6-8 support lines each (40 lines, weight 6..1 by rank), 22 intervention types;
each candidacy addresses 1-3 challenges and offers 1-4 intervention types, and covers a line when
it offers one of the line's 1-2 types for that line's challenge; jury scores 1.00-5.00; budgets
EUR 5,000-80,000. The budget is --budget-share of the sum of all budgets requested.

It times apps.partnership.coverage.solve_optimal (CP-SAT) and solve_greedy (best gain per euro),
prints both times, their ratio and the ratio of the objective values (greedy / optimal). It is a
measuring tool: it asserts no timings. Brute force is out of reach at this size (2^200 subsets);
the tests compare CP-SAT with brute force on small instances.

``--job`` measures the coverage job instead (issue 15, item 5): what the background task
``apps.partnership.tasks.run_coverage`` solves, ``coverage.solve_with_alternatives`` (the best set, then
the best set without each of its k members: 1 + k solves, each stopped after ``--time-limit`` seconds,
``COVERAGE_SOLVE_SECONDS`` in production), with the time of each solve as the progress callback sees it,
the whole job, and the worst case the time limit allows ((1 + k) x limit). The request itself no longer
solves: it queues the run (one insert, one audit entry), so its time does not depend on the call's size.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apps.partnership.coverage import (  # noqa: E402
    Option,
    Problem,
    solve_greedy,
    solve_optimal,
    solve_with_alternatives,
)

LINES_PER_CHALLENGE = [6, 7, 8, 7, 6, 6]
N_TYPES = 22


def build(n: int, seed: int, budget_share: float) -> Problem:
    rng = random.Random(seed)
    weights: dict[int, int] = {}
    line_types: dict[int, tuple[int, set[int]]] = {}
    key = 0
    for rank, count in enumerate(LINES_PER_CHALLENGE, 1):
        for _ in range(count):
            weights[key] = len(LINES_PER_CHALLENGE) + 1 - rank
            line_types[key] = (rank, set(rng.sample(range(N_TYPES), rng.randint(1, 2))))
            key += 1
    options = []
    for k in range(n):
        challenges = set(rng.sample(range(1, len(LINES_PER_CHALLENGE) + 1), rng.randint(1, 3)))
        offered = set(rng.sample(range(N_TYPES), rng.randint(1, 4)))
        covers = frozenset(line for line, (ch, types) in line_types.items() if ch in challenges and types & offered)
        options.append(Option(key=k, cost=rng.randint(50, 800) * 10_000, score=rng.randint(100, 500), covers=covers))
    budget = int(sum(o.cost for o in options) * budget_share)
    return Problem(weights=weights, options=options, budget=budget)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidacies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget-share", type=float, default=0.03)
    parser.add_argument("--job", action="store_true", help="measure the background job (1 + k solves)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per solve in --job")
    args = parser.parse_args()
    problem = build(args.candidacies, args.seed, args.budget_share)
    if args.job:
        job(problem, args)
        return
    optimal_times, greedy_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        best = solve_optimal(problem)
        optimal_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        greedy = solve_greedy(problem)
        greedy_times.append(time.perf_counter() - start)
    t_opt, t_greedy = statistics.median(optimal_times), statistics.median(greedy_times)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(
        f"{args.candidacies} candidacies, {len(problem.weights)} support lines, "
        f"budget EUR {problem.budget / 100:,.0f} (share {args.budget_share}), seed {args.seed}, "
        f"median of {args.repeat}"
    )
    print(f"{'solver':<10} {'time (s)':>10} {'value':>10} {'chosen':>7} {'uncovered':>10} {'optimal':>8}")
    print(f"{'CP-SAT':<10} {t_opt:>10.3f} {best.value:>10} {len(best.chosen):>7} {len(best.uncovered):>10} "
          f"{str(best.optimal):>8}")  # fmt: skip
    print(f"{'greedy':<10} {t_greedy:>10.3f} {greedy.value:>10} {len(greedy.chosen):>7} {len(greedy.uncovered):>10} "
          f"{'-':>8}")  # fmt: skip
    print(f"time ratio CP-SAT / greedy: {t_opt / t_greedy:.1f}x; value ratio greedy / CP-SAT: "
          f"{greedy.value / best.value if best.value else 1:.4f}")  # fmt: skip


def job(problem: Problem, args: argparse.Namespace) -> None:
    """The coverage job's solves, timed one by one through the progress callback."""
    marks: list[tuple[int, int, float]] = []
    start = time.perf_counter()
    best, alternatives = solve_with_alternatives(
        problem, time_limit_s=args.time_limit, on_progress=lambda d, t: marks.append((d, t, time.perf_counter()))
    )
    total = time.perf_counter() - start
    steps = [m[2] - p for m, p in zip(marks, [start] + [m[2] for m in marks[:-1]], strict=True)]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(
        f"coverage job: {args.candidacies} candidacies, {len(problem.weights)} support lines, "
        f"budget EUR {problem.budget / 100:,.0f}, time limit {args.time_limit:g} s per solve, seed {args.seed}"
    )
    print(f"{'solve':<14} {'time (s)':>9} {'optimal':>8} {'value':>10}")
    print(f"{'best set':<14} {steps[0]:>9.2f} {str(best.optimal):>8} {best.value:>10}")
    for (k, alt), seconds in zip(alternatives, steps[1:], strict=True):
        print(f"{'without ' + str(k):<14} {seconds:>9.2f} {str(alt.optimal):>8} {alt.value:>10}")
    solves = 1 + len(alternatives)
    print(
        f"job: {solves} solves in {total:.2f} s (slowest {max(steps):.2f} s; worst case allowed by the limit "
        f"{solves * args.time_limit:.0f} s); progress reported {len(marks)} times"
    )


if __name__ == "__main__":
    main()
