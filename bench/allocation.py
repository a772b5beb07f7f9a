#!/usr/bin/env python
"""Allocation benchmark: optimal min-cost flow against first-come-first-served greedy.

    .venv/bin/python bench/allocation.py [--sizes 1000x200,10000x2000,10000x2000@100] [--seed 1] [--repeat R]

A size is CLIENTSxOFFERS, optionally @K to keep only each client's K best-scoring candidates (a
shortlist, as a recommendation screen would show). The default sizes are
1000x200, 10000x2000, 10000x2000@100 and 50000x5000@300 (1-2 minutes, 2.6 GB of memory on a 2-CPU
machine). The uncapped 50000x5000 (about 37.6 million candidate pairs) is left out of the default
because it needs about 6 GB and 46 s of CPU (84 s wall on a busy machine) for the optimum alone:
run it with --sizes 50000x5000.

Builds synthetic waiting lists deterministically (numpy, seeded) and solves each with
apps.matching.allocation.solve_optimal and solve_greedy_fcfs, both timed in the same run. It is
a measuring tool: it asserts no timings. See docs/decisions/0005-allocation.md.

The instance model (7 municipalities, 28 obstacles):

- an offer serves 1-3 municipalities and addresses 2-5 obstacles, and has a quality in [0.5, 1];
- a client lives in one municipality (weighted: the centre city is the biggest) and has 3-8
  obstacles, and has waited gamma(2, 60) days (mean 120, capped at 730);
- a pair is eligible when the offer serves the client's municipality and at least one obstacle
  overlaps; score = 100 * quality * overlap / min(#client obstacles, #offer obstacles), in [0, 100],
  rounded to 0.01;
- free capacity: the total is a seeded fraction in [0.4, 0.7] of the number of clients, spread
  over the offers with lognormal weights (some offers have no free place).

With 7 municipalities, the number of eligible offers per client grows linearly with the number of
offers (about 15 % of them): about 28 candidates per client with 200 offers, 300 with 2,000 and
750 with 5,000. Instances are deterministic: the same seed and size give the same instance, with or
without a shortlist (the shortlist is cut from the same eligible pairs).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apps.matching.allocation import (  # noqa: E402
    AllocationProblem,
    AllocationResult,
    check_feasible,
    solve_greedy_fcfs,
    solve_optimal,
)

N_MUNICIPALITIES = 7
N_OBSTACLES = 28
MUNICIPALITY_WEIGHTS = np.array([0.34, 0.14, 0.12, 0.11, 0.11, 0.09, 0.09])
DEFAULT_SIZES = "1000x200,10000x2000,10000x2000@100,50000x5000@300"
BLOCK = 2000  # clients per block when enumerating pairs


@dataclass
class Instance:
    problem: AllocationProblem
    build_s: float
    pairs_before_cap: int
    candidates_min: int
    candidates_median: float
    candidates_max: int
    capacity_total: int


def _random_subsets(rng: np.random.Generator, rows: int, universe: int, low: int, high: int) -> np.ndarray:
    """A bitmask per row of a uniformly random subset of size in [low, high] of range(universe)."""
    sizes = rng.integers(low, high + 1, size=rows)
    ranks = np.argsort(rng.random((rows, universe)), axis=1)  # a random permutation per row
    bits = np.left_shift(np.uint32(1), ranks.astype(np.uint32))
    keep = np.arange(universe)[None, :] < sizes[:, None]
    return np.where(keep, bits, np.uint32(0)).sum(axis=1, dtype=np.uint32)


def build_instance(n_clients: int, n_offers: int, seed: int, max_candidates: int | None) -> Instance:
    started = time.perf_counter()
    rng = np.random.default_rng([seed, n_clients, n_offers])
    offer_muni = _random_subsets(rng, n_offers, N_MUNICIPALITIES, 1, 3)
    offer_obs = _random_subsets(rng, n_offers, N_OBSTACLES, 2, 5)
    offer_n_obs = np.bitwise_count(offer_obs).astype(np.int64)
    offer_quality = rng.uniform(0.5, 1.0, size=n_offers)
    client_muni = np.left_shift(
        np.uint32(1), rng.choice(N_MUNICIPALITIES, size=n_clients, p=MUNICIPALITY_WEIGHTS).astype(np.uint32)
    )
    client_obs = _random_subsets(rng, n_clients, N_OBSTACLES, 3, 8)
    client_n_obs = np.bitwise_count(client_obs).astype(np.int64)
    waiting = np.minimum(rng.gamma(2.0, 60.0, size=n_clients), 730).astype(np.int64)

    ratio = rng.uniform(0.4, 0.7)
    weights = rng.lognormal(0.0, 0.8, size=n_offers)
    capacity = rng.multinomial(round(ratio * n_clients), weights / weights.sum()).astype(np.int64)

    clients_parts, offers_parts, scores_parts = [], [], []
    pairs_before_cap = 0
    per_client = np.zeros(n_clients, np.int64)
    for lo in range(0, n_clients, BLOCK):
        hi = min(lo + BLOCK, n_clients)
        overlap = np.bitwise_count(client_obs[lo:hi, None] & offer_obs[None, :])
        eligible = ((client_muni[lo:hi, None] & offer_muni[None, :]) != 0) & (overlap > 0)
        c, o = np.nonzero(eligible)
        ov = overlap[c, o].astype(np.float64)
        c = c + lo
        score = np.round(100.0 * offer_quality[o] * ov / np.minimum(client_n_obs[c], offer_n_obs[o]), 2)
        pairs_before_cap += c.size
        if max_candidates is not None:
            # keep each client's best `max_candidates` pairs (ties: lowest offer index)
            order = np.lexsort((o, -score, c))
            c, o, score = c[order], o[order], score[order]
            starts = np.searchsorted(c, c, side="left")
            keep = (np.arange(c.size) - starts) < max_candidates
            c, o, score = c[keep], o[keep], score[keep]
        np.add.at(per_client, c, 1)
        clients_parts.append(c.astype(np.int32))
        offers_parts.append(o.astype(np.int32))
        scores_parts.append(score)

    problem = AllocationProblem(
        n_clients=n_clients,
        n_offers=n_offers,
        capacity=capacity,
        pair_client=np.concatenate(clients_parts),
        pair_offer=np.concatenate(offers_parts),
        pair_score=np.concatenate(scores_parts),
        waiting_days=waiting,
        fairness_weight=1.0,
    )
    return Instance(
        problem=problem,
        build_s=time.perf_counter() - started,
        pairs_before_cap=pairs_before_cap,
        candidates_min=int(per_client.min()),
        candidates_median=float(np.median(per_client)),
        candidates_max=int(per_client.max()),
        capacity_total=int(capacity.sum()),
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _parse_size(spec: str) -> tuple[int, int, int | None]:
    size, _, cap = spec.strip().lower().partition("@")
    n_clients, n_offers = (int(x) for x in size.split("x"))
    return n_clients, n_offers, int(cap) if cap else None


def _timed(fn, problem: AllocationProblem, repeat: int) -> tuple[AllocationResult, float, float]:
    """Run fn `repeat` times with the garbage collector paused: the last result, the median wall
    time and the median CPU time of this process (the solvers are single-threaded, so the CPU time
    is what the call costs on an idle core; the wall time includes waiting for a busy CPU)."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            result = fn(problem)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        finally:
            gc.enable()
    assert result is not None
    return result, statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated CLIENTSxOFFERS[@K]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per solver (1 above --big)")
    parser.add_argument("--big", type=int, default=5_000_000, help="pairs above which each solver runs once")
    args = parser.parse_args(argv)
    sizes = [_parse_size(s) for s in args.sizes.split(",")]

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load average {load:.1f} at start), numpy {np.__version__}, seed {args.seed}"
    )
    # Warm up: the first call of a process pays OR-Tools' import and first-use costs (~0.1-0.5 s).
    warm = build_instance(50, 10, args.seed, None).problem
    solve_optimal(warm)
    solve_greedy_fcfs(warm)

    rows = []
    uncapped_optimum: dict[tuple[int, int], float] = {}
    for n_clients, n_offers, max_candidates in sizes:
        inst = build_instance(n_clients, n_offers, args.seed, max_candidates)
        p = inst.problem
        repeat = 1 if p.n_pairs > args.big else args.repeat
        opt, opt_t, opt_cpu = _timed(solve_optimal, p, repeat)
        greedy, greedy_t, greedy_cpu = _timed(solve_greedy_fcfs, p, repeat)
        check_feasible(p, opt.assignments)
        check_feasible(p, greedy.assignments)
        if max_candidates is None:
            uncapped_optimum[(n_clients, n_offers)] = opt.objective
        row = {
            "size": f"{n_clients:,} x {n_offers:,}" + (f" @{max_candidates}" if max_candidates else ""),
            "key": (n_clients, n_offers),
            "capped": max_candidates is not None,
            "pairs": p.n_pairs,
            "pairs_before_cap": inst.pairs_before_cap,
            "cand": f"{inst.candidates_min}/{inst.candidates_median:.0f}/{inst.candidates_max}",
            "capacity": inst.capacity_total,
            "build_s": inst.build_s,
            "opt_s": opt_t,
            "opt_cpu": opt_cpu,
            "opt_solver_s": opt.solver_time_s or 0.0,
            "greedy_s": greedy_t,
            "greedy_cpu": greedy_cpu,
            "obj_opt": opt.objective,
            "obj_greedy": greedy.objective,
            "improvement": 100.0 * (opt.objective - greedy.objective) / greedy.objective if greedy.objective else 0.0,
            "assigned_opt": opt.n_assigned,
            "assigned_greedy": greedy.n_assigned,
            "status": opt.status,
            "gap": opt.gap,
            "rounding": opt.rounding_bound,
            "repeat": repeat,
            "rss_mb": _peak_rss_mb(),
        }
        rows.append(row)
        print(
            f"  done {row['size']}: {p.n_pairs:,} pairs, build {inst.build_s:.2f} s, optimal {opt_t:.2f} s "
            f"(cpu {opt_cpu:.2f} s, in solve() {row['opt_solver_s']:.2f} s), greedy {greedy_t:.2f} s, "
            f"peak RSS so far {row['rss_mb']:,.0f} MB",
            flush=True,
        )
        del inst, p, opt, greedy
        gc.collect()

    print()
    print(
        "| clients x offers | candidate pairs | cand./client min/med/max | free places | build s "
        "| optimal s wall (cpu) | of which solve() s | greedy s wall (cpu) | optimal/greedy wall time "
        "| objective optimal | objective greedy | optimal vs greedy | assigned optimal / greedy "
        "| status | gap | rounding bound | runs |"
    )
    print("|" + "---|" * 17)
    for r in rows:
        gap = "n/a" if r["gap"] is None else f"{r['gap']:g}"
        print(
            f"| {r['size']} | {r['pairs']:,} | {r['cand']} | {r['capacity']:,} | {r['build_s']:.2f} "
            f"| {r['opt_s']:.3f} ({r['opt_cpu']:.3f}) | {r['opt_solver_s']:.3f} "
            f"| {r['greedy_s']:.3f} ({r['greedy_cpu']:.3f}) | {r['opt_s'] / r['greedy_s']:.1f}x "
            f"| {r['obj_opt']:,.1f} | {r['obj_greedy']:,.1f} | {r['improvement']:+.2f} % "
            f"| {r['assigned_opt']:,} / {r['assigned_greedy']:,} | {r['status']} | {gap} | {r['rounding']:g} "
            f"| {r['repeat']} |"
        )
    print()
    for r in rows:
        if r["capped"]:
            note = f"  {r['size']}: shortlist cut {r['pairs_before_cap']:,} eligible pairs to {r['pairs']:,}"
            full = uncapped_optimum.get(r["key"])
            if full:
                loss = 100.0 * (full - r["obj_opt"]) / full
                note += f"; its optimum is {loss:.3f} % below the optimum with every eligible pair"
            print(note)
    print(f"Peak RSS of this process: {_peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
