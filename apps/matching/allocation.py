"""Allocation of the waiting list to the free places of offers (docs/decisions/0005-allocation.md).

A pure module: no Django, and OR-Tools and numpy are imported inside the functions that need them,
so importing this module costs nothing at Django start-up.

The problem
-----------
``n_clients`` clients wait; ``n_offers`` offers have ``capacity[o] >= 0`` free places. The caller
gives the ELIGIBLE (client, offer) pairs as three parallel sequences ``pair_client``,
``pair_offer``, ``pair_score`` (a finite match score >= 0, e.g. from apps/matching/recommend.py). A
pair that is not listed is ineligible and is never used. A pair listed twice is rejected.

The objective, maximised::

    sum over assigned pairs (c, o) of   value(c, o) = pair_score(c, o) + fairness_weight * waiting_days[c] / 30

subject to: every client gets at most one offer, offer ``o`` gets at most ``capacity[o]`` clients,
only candidate pairs are used. Leaving a client unassigned is allowed and contributes 0.
``fairness_weight`` (>= 0, default 1.0) is the number of score points one month (30 days) of
waiting is worth: with the default, a client who has waited a year gets about 12 extra points on
every offer, so between two clients who both fit an offer, the one waiting longer wins unless the
other fits clearly better. Because the term is the same on every offer of one client, it never
makes one offer look better than another to that client: it weighs clients against each other when
places are short. Ties (pairs of equal value, or a pair of value 0 versus staying unassigned)
may be broken either way.

Solvers
-------
- ``solve_optimal``: a min-cost flow with OR-Tools ``SimpleMinCostFlow``::

      source --(cap 1, cost 0)--> client --(cap 1, cost -round(value * SCALE))--> offer
      offer  --(cap capacity[o], cost 0)--> sink
      client --(cap 1, cost 0)--> sink                       the "unassigned" arc

  with supply ``n_clients`` at the source and ``-n_clients`` at the sink. The "unassigned" arcs make
  every flow balance feasible, so the minimum cost is minus the maximum total (scaled) value. The
  flow polytope is integral, so the flow solver's optimum is an optimal 0/1 assignment.

  Integer scaling: ``SimpleMinCostFlow`` needs integer costs, so each value is multiplied by
  ``SCALE`` (1000) and rounded to the nearest integer: an error of at most ``0.5 / SCALE`` per pair.
  The reported objective is always recomputed in floats from the assignment. The assignment is
  exactly optimal for the rounded values; in true float values it is within
  ``rounding_bound = min(n_clients, total capacity) / SCALE`` of the true optimum (the rounding
  errors of the returned assignment and of a true optimum add up, 2 * 0.5 / SCALE per placed
  client). Pairs that can never carry useful flow are left out of the network: pairs towards an
  offer with no free place and pairs whose rounded value is <= 0 (no better than unassigned).

  ``SimpleMinCostFlow`` has no time limit and cannot be interrupted; it runs in polynomial time.
  ``time_limit_s`` is therefore only checked afterwards (``time_limit_exceeded``). A status other
  than OPTIMAL is reported as is, with ``optimal=False``, ``gap=None`` and, unless the solver
  returned a flow, no assignments.
- ``solve_greedy_fcfs``: the first-come-first-served baseline. Clients in order of waiting time
  (longest first, then lowest index); each takes its highest-scoring candidate offer that still has
  a free place (ties: lowest offer index). Scored with the same objective.
- ``solve_brute_force``: exact enumeration in floats, for tiny instances (tests only).
- ``check_feasible``: raises ``InfeasibleAllocation`` when an assignment breaks a constraint.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArrayLike = Sequence[int] | npt.NDArray[Any]
    FloatArrayLike = Sequence[float] | npt.NDArray[Any]

SCALE = 1000  # values are multiplied by SCALE and rounded for the integer min-cost flow
DAYS_PER_PERIOD = 30  # fairness_weight is expressed in score points per 30 days of waiting
BRUTE_FORCE_MAX_LEAVES = 2_000_000

Assignment = tuple[int, int]  # (client index, offer index)


class InfeasibleAllocation(ValueError):
    """An assignment breaks a constraint of the problem."""


@dataclass(frozen=True)
class AllocationProblem:
    """Clients, offers with free places, and the eligible pairs as parallel sequences.

    Indices are 0-based: clients ``0 .. n_clients - 1``, offers ``0 .. n_offers - 1``. The
    sequences may be lists or numpy arrays (numpy arrays avoid copies for large instances).
    """

    n_clients: int
    n_offers: int
    capacity: IntArrayLike  # free places per offer, length n_offers, each >= 0
    pair_client: IntArrayLike  # client index of each eligible pair
    pair_offer: IntArrayLike  # offer index of each eligible pair
    pair_score: FloatArrayLike  # match score of each eligible pair, finite and >= 0
    waiting_days: IntArrayLike  # days on the waiting list per client, length n_clients, each >= 0
    fairness_weight: float = 1.0  # score points per 30 days of waiting, >= 0

    @property
    def n_pairs(self) -> int:
        return len(self.pair_client)


@dataclass(frozen=True)
class AllocationResult:
    method: str  # "min_cost_flow", "greedy_fcfs" or "brute_force"
    assignments: list[Assignment]  # sorted by client
    objective: float  # recomputed in floats from the assignments
    status: str  # solver status name; "OPTIMAL" for brute force, "HEURISTIC" for greedy
    optimal: bool  # proven optimal (for min_cost_flow: optimal for the values rounded to 1/SCALE)
    gap: float | None  # absolute gap to the proven bound: 0.0 when proven optimal, None when unknown
    solve_time_s: float  # wall time of the whole call (validation, building, solving, reading back)
    solver_time_s: float | None = None  # time inside SimpleMinCostFlow.solve() only
    rounding_bound: float = 0.0  # max shortfall of `objective` against the float optimum due to SCALE
    time_limit_exceeded: bool = False
    network_pairs: int | None = None  # pairs that became arcs in the flow network

    @property
    def n_assigned(self) -> int:
        return len(self.assignments)


# --- helpers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Arrays:
    """The validated problem as numpy arrays; pairs sorted by (client, offer)."""

    client: np.ndarray
    offer: np.ndarray
    score: np.ndarray
    capacity: np.ndarray
    waiting: np.ndarray


def _validated(problem: AllocationProblem) -> _Arrays:
    """The problem as numpy arrays, after checking that it is well formed (ValueError if not)."""
    import numpy as np

    p = problem
    if p.n_clients < 0 or p.n_offers < 0:
        raise ValueError("n_clients and n_offers must be >= 0")
    if not math.isfinite(p.fairness_weight) or p.fairness_weight < 0:
        raise ValueError("fairness_weight must be finite and >= 0")
    capacity = np.asarray(p.capacity, dtype=np.int64).reshape(-1)
    waiting = np.asarray(p.waiting_days, dtype=np.int64).reshape(-1)
    client = np.asarray(p.pair_client, dtype=np.int64).reshape(-1)
    offer = np.asarray(p.pair_offer, dtype=np.int64).reshape(-1)
    score = np.asarray(p.pair_score, dtype=np.float64).reshape(-1)
    if capacity.shape[0] != p.n_offers:
        raise ValueError(f"capacity has {capacity.shape[0]} entries for {p.n_offers} offers")
    if waiting.shape[0] != p.n_clients:
        raise ValueError(f"waiting_days has {waiting.shape[0]} entries for {p.n_clients} clients")
    if not (client.shape[0] == offer.shape[0] == score.shape[0]):
        raise ValueError("pair_client, pair_offer and pair_score must have the same length")
    if (capacity < 0).any():
        raise ValueError("capacity must be >= 0")
    if (waiting < 0).any():
        raise ValueError("waiting_days must be >= 0")
    if client.size:
        if client.min() < 0 or client.max() >= p.n_clients:
            raise ValueError("pair_client holds an index outside 0 .. n_clients - 1")
        if offer.min() < 0 or offer.max() >= p.n_offers:
            raise ValueError("pair_offer holds an index outside 0 .. n_offers - 1")
        if not np.isfinite(score).all() or (score < 0).any():
            raise ValueError("pair_score must be finite and >= 0")
        # Canonical order: by client, then offer (usually the input order already: no sort then).
        keys = client * max(p.n_offers, 1) + offer
        if not (keys[1:] > keys[:-1]).all():
            order = np.argsort(keys, kind="stable")
            keys, client, offer, score = keys[order], client[order], offer[order], score[order]
            if (keys[1:] == keys[:-1]).any():
                raise ValueError("a (client, offer) pair is listed more than once")
    return _Arrays(client=client, offer=offer, score=score, capacity=capacity, waiting=waiting)


def _pair_values(problem: AllocationProblem, arrays: _Arrays) -> np.ndarray:
    return arrays.score + problem.fairness_weight * arrays.waiting[arrays.client] / DAYS_PER_PERIOD


def objective(problem: AllocationProblem, assignments: Sequence[Assignment]) -> float:
    """The objective of an assignment, in floats (math.fsum). Raises like check_feasible."""
    return _evaluate(problem, _validated(problem), assignments)


def check_feasible(problem: AllocationProblem, assignments: Sequence[Assignment]) -> None:
    """Raise InfeasibleAllocation when a client is assigned twice, an offer gets more clients than
    its capacity, an index is out of range, or a pair that is not a candidate (ineligible) is used.
    Raises ValueError when the problem itself is malformed."""
    _evaluate(problem, _validated(problem), assignments)


def _evaluate(problem: AllocationProblem, arrays: _Arrays, assignments: Sequence[Assignment]) -> float:
    """Check the assignment against the problem (O(pairs), vectorised) and return its objective."""
    import numpy as np

    n, m = problem.n_clients, problem.n_offers
    if len(assignments) == 0:
        return 0.0
    a = np.asarray(assignments, dtype=np.int64).reshape(-1, 2)
    a_client, a_offer = a[:, 0], a[:, 1]
    bad = np.flatnonzero((a_client < 0) | (a_client >= n))
    if bad.size:
        raise InfeasibleAllocation(f"client {a_client[bad[0]]} does not exist")
    bad = np.flatnonzero((a_offer < 0) | (a_offer >= m))
    if bad.size:
        raise InfeasibleAllocation(f"offer {a_offer[bad[0]]} does not exist")
    bad = np.flatnonzero(np.bincount(a_client, minlength=n) > 1)
    if bad.size:
        raise InfeasibleAllocation(f"client {bad[0]} is assigned more than once")
    bad = np.flatnonzero(np.bincount(a_offer, minlength=m) > arrays.capacity)
    if bad.size:
        raise InfeasibleAllocation(f"offer {bad[0]} gets more than its {arrays.capacity[bad[0]]} free places")
    assigned_offer = np.full(n, -1, np.int64)
    assigned_offer[a_client] = a_offer
    matched = assigned_offer[arrays.client] == arrays.offer  # the candidate pairs that are used
    score = np.full(n, np.nan)
    score[arrays.client[matched]] = arrays.score[matched]
    bad = np.flatnonzero(np.isnan(score[a_client]))
    if bad.size:
        raise InfeasibleAllocation(f"client {a_client[bad[0]]} is not eligible for offer {a_offer[bad[0]]}")
    values = score[a_client] + problem.fairness_weight * arrays.waiting[a_client] / DAYS_PER_PERIOD
    return math.fsum(values.tolist())


def _result(
    problem: AllocationProblem,
    arrays: _Arrays,
    method: str,
    assignments: list[Assignment],
    started: float,
    **kwargs: Any,
) -> AllocationResult:
    assignments = sorted(assignments)
    value = _evaluate(problem, arrays, assignments)
    return AllocationResult(
        method=method,
        assignments=assignments,
        objective=value,
        solve_time_s=time.perf_counter() - started,
        **kwargs,
    )


# --- solvers -------------------------------------------------------------------------------------


def solve_optimal(problem: AllocationProblem, time_limit_s: float | None = None) -> AllocationResult:
    """Maximise the objective exactly (up to the 1/SCALE rounding) with a min-cost flow.

    ``time_limit_s`` cannot be enforced (SimpleMinCostFlow is not interruptible); when the call
    took longer, the result is still returned, with ``time_limit_exceeded=True``.
    """
    import numpy as np
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    arrays = _validated(problem)
    n, m = problem.n_clients, problem.n_offers
    total_capacity = int(arrays.capacity.sum())
    rounding_bound = min(n, total_capacity) / SCALE

    values = _pair_values(problem, arrays) * SCALE
    if values.size and values.max() > 2.0**53:
        raise ValueError("pair values are too large for the integer scaling (value * SCALE > 2**53)")
    scaled = np.rint(values).astype(np.int64)
    useful = (scaled > 0) & (arrays.capacity[arrays.offer] > 0)
    p_client, p_offer, p_value = arrays.client[useful], arrays.offer[useful], scaled[useful]
    n_pairs = int(p_client.size)

    if n == 0 or n_pairs == 0:
        return _result(
            problem,
            arrays,
            "min_cost_flow",
            [],
            started,
            status="OPTIMAL",
            optimal=True,
            gap=0.0,
            solver_time_s=0.0,
            rounding_bound=rounding_bound,
            network_pairs=n_pairs,
            time_limit_exceeded=time_limit_s is not None and time.perf_counter() - started > time_limit_s,
        )

    # Nodes: 0 source, 1..n clients, n+1..n+m offers, n+m+1 sink.
    source, sink = 0, n + m + 1
    clients = np.arange(1, n + 1, dtype=np.int32)
    offers = np.arange(n + 1, n + m + 1, dtype=np.int32)
    tails = np.concatenate([np.full(n, source, np.int32), (p_client + 1).astype(np.int32), offers, clients])
    heads = np.concatenate(
        [clients, (p_offer + n + 1).astype(np.int32), np.full(m, sink, np.int32), np.full(n, sink, np.int32)]
    )
    capacities = np.concatenate(
        [np.ones(n, np.int64), np.ones(n_pairs, np.int64), arrays.capacity, np.ones(n, np.int64)]
    )
    costs = np.concatenate([np.zeros(n, np.int64), -p_value, np.zeros(m, np.int64), np.zeros(n, np.int64)])

    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    smcf.set_nodes_supplies(np.array([source, sink], np.int32), np.array([n, -n], np.int64))

    solve_started = time.perf_counter()
    status = smcf.solve()
    solver_time = time.perf_counter() - solve_started
    status_name = min_cost_flow.SimpleMinCostFlow.Status(status).name

    assignments: list[Assignment] = []
    if status in (smcf.OPTIMAL, smcf.FEASIBLE):
        pair_arcs = np.asarray(arcs)[n : n + n_pairs].astype(np.int32)
        used = np.asarray(smcf.flows(pair_arcs)) > 0
        assignments = list(zip(p_client[used].tolist(), p_offer[used].tolist(), strict=True))
    is_optimal = status == smcf.OPTIMAL
    return _result(
        problem,
        arrays,
        "min_cost_flow",
        assignments,
        started,
        status=status_name,
        optimal=is_optimal,
        gap=0.0 if is_optimal else None,
        solver_time_s=solver_time,
        rounding_bound=rounding_bound if is_optimal else 0.0,
        network_pairs=n_pairs,
        time_limit_exceeded=time_limit_s is not None and time.perf_counter() - started > time_limit_s,
    )


def solve_greedy_fcfs(problem: AllocationProblem) -> AllocationResult:
    """First come, first served: longest-waiting client first (then lowest index); each takes its
    highest-scoring candidate offer with a free place left (ties: lowest offer index)."""
    import numpy as np

    started = time.perf_counter()
    arrays = _validated(problem)
    n = problem.n_clients
    order = np.argsort(-arrays.waiting, kind="stable").tolist()
    # Pairs are sorted by (client, offer): client c's candidates are pairs starts[c] .. starts[c+1]-1.
    starts = np.searchsorted(arrays.client, np.arange(n + 1)).tolist()
    free = arrays.capacity.copy()
    assignments: list[Assignment] = []
    for c in order:
        lo, hi = starts[c], starts[c + 1]
        if lo == hi:
            continue
        offers = arrays.offer[lo:hi]
        available = free[offers] > 0
        if not available.any():
            continue
        k = int(np.argmax(np.where(available, arrays.score[lo:hi], -1.0)))  # first maximum: lowest offer
        o = int(offers[k])
        free[o] -= 1
        assignments.append((c, o))
    return _result(problem, arrays, "greedy_fcfs", assignments, started, status="HEURISTIC", optimal=False, gap=None)


def solve_brute_force(problem: AllocationProblem, max_leaves: int = BRUTE_FORCE_MAX_LEAVES) -> AllocationResult:
    """Exact optimum by enumerating every assignment, in floats. Only for tiny instances (tests)."""
    started = time.perf_counter()
    arrays = _validated(problem)
    values = _pair_values(problem, arrays).tolist()
    options: list[list[tuple[int, float]]] = [[] for _ in range(problem.n_clients)]
    for c, o, v in zip(arrays.client.tolist(), arrays.offer.tolist(), values, strict=True):
        options[c].append((o, v))
    leaves = math.prod(len(opts) + 1 for opts in options)
    if leaves > max_leaves:
        raise ValueError(f"brute force would enumerate {leaves} assignments (limit {max_leaves})")

    free = arrays.capacity.tolist()
    best_value = -1.0
    best: list[Assignment] = []
    current: list[Assignment] = []

    def search(c: int, total: float) -> None:
        nonlocal best_value, best
        if c == problem.n_clients:
            if total > best_value:
                best_value, best = total, list(current)
            return
        search(c + 1, total)  # client c stays unassigned
        for o, v in options[c]:
            if free[o] > 0:
                free[o] -= 1
                current.append((c, o))
                search(c + 1, total + v)
                current.pop()
                free[o] += 1

    search(0, 0.0)
    return _result(problem, arrays, "brute_force", best, started, status="OPTIMAL", optimal=True, gap=0.0)
