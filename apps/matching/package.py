"""The package: a weighted set cover of the client's needs under capacity and travel, solved with OR-Tools CP-SAT.

Input: the client's needs (``ClientProfile.needs``, most severe first, each with its severity weight) and the
eligible offers as ranked by ``recommend`` (each with its travel minutes and practical fit, ``quality``).

An offer *meets* a need when it addresses one of the need's obstacles with a kind the region gives as an
answer to it (``Need.kinds``), as in the top 5. An offer is *usable* when

- travel: it is outreach or online, or at most ``TRAVEL_LIMIT_MIN`` minutes away by public transport
  (``TRAVEL_LIMIT_MOBILITY_MIN`` when the client's mobility is limited: the region's mobility domain);
- capacity: it has a free place, or its waiting list is at most ``MAX_WAIT_WEEKS`` weeks.

The client takes part in at most ``MAX_OFFERS`` offers at once (the client's own capacity). The model:

    x_o in {0, 1}            the package holds offer o
    a_no in {0, 1}           need n is met by offer o (only where o meets n); a_no <= x_o; sum_o a_no <= 1
    sum_o x_o <= MAX_OFFERS
    maximise  sum_no a_no * (COVER * weight_n + ORDER * (len(needs) - i_n) + fit_no)  -  OFFER_COST * sum_o x_o

with ``fit_no`` = the offer's practical fit (travel, language, waiting, continuity, sought kind; recommend.py)
minus RANK_PENALTY per place its kind stands lower among the region's answers to the need. COVER (1000 per
unit of severity) dwarfs fit and cost, so a more severe need is never left open for a lighter one or for a
better fit; ORDER breaks ties between needs of equal weight in the order of the needs list; OFFER_COST
makes one offer meeting two needs beat two offers. Per need only the ``PER_NEED`` best-fitting usable offers
are candidates (keeps the model small). Solved with one worker within ``TIME_LIMIT_S`` seconds; if CP-SAT finds
no solution in time, the greedy cover (most severe need first, best fit) is returned, marked not optimal.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.matching.recommend import RANK_PENALTY, ClientProfile, Need, Recommendation

TRAVEL_LIMIT_MIN = 60.0
TRAVEL_LIMIT_MOBILITY_MIN = 45.0
MAX_WAIT_WEEKS = 12
MAX_OFFERS = 4
PER_NEED = 8
COVER = 1000
ORDER = 1
OFFER_COST = 30
TIME_LIMIT_S = 0.5


@dataclass(frozen=True)
class PackageLine:
    """One need of the package: the offer chosen for it (None: no usable offer meets it) and why not/which."""

    need: Need
    recommendation: Recommendation | None
    text: str


@dataclass(frozen=True)
class Package:
    """The package, need by need in the order of the needs; ``offers``: the distinct offers, in first use order;
    ``optimal``: CP-SAT proved the optimum (False: time limit reached or greedy fallback)."""

    lines: list[PackageLine] = field(default_factory=list)
    offers: list[Recommendation] = field(default_factory=list)
    optimal: bool = True

    @property
    def uncovered(self) -> list[Need]:
        return [line.need for line in self.lines if line.recommendation is None]


def usable(client: ClientProfile, r: Recommendation) -> bool:
    """Within the travel limit and with a free place or an acceptable waiting list (module docstring)."""
    limit = TRAVEL_LIMIT_MOBILITY_MIN if client.mobility_limited else TRAVEL_LIMIT_MIN
    if r.travel_minutes > limit:
        return False
    return r.offer.free_places > 0 or r.offer.waiting_weeks <= MAX_WAIT_WEEKS


def fit(need: Need, r: Recommendation) -> float | None:
    """The fit of offer ``r`` for ``need`` (higher is better), or None when the offer does not meet the need."""
    if need.obstacle_ids.isdisjoint(r.offer.obstacle_ids):
        return None
    ranks = [need.kinds[k] for k in r.offer.intervention_type_ids if k in need.kinds]
    if not ranks:
        return None
    return r.quality - RANK_PENALTY * min(ranks)


def build_package(
    client: ClientProfile,
    ranked: list[Recommendation],
    *,
    max_offers: int = MAX_OFFERS,
    time_limit_s: float = TIME_LIMIT_S,
) -> Package:
    """The package for ``client`` from the eligible offers ``ranked`` (module docstring for the model).

    Returns a ``Package`` with one line per need (needs without a usable offer have none). Pure: no
    database access. Raises nothing; an empty ``client.needs`` gives an empty package.
    """
    needs = list(client.needs)
    if not needs:
        return Package()
    offers = [r for r in ranked if usable(client, r)]
    options: dict[int, list[tuple[int, float]]] = {}  # need index -> [(offer index, fit)]
    for i, need in enumerate(needs):
        fitting = [(j, f) for j, r in enumerate(offers) if (f := fit(need, r)) is not None]
        fitting.sort(key=lambda pair: (-pair[1], offers[pair[0]].travel_minutes, offers[pair[0]].offer.id))
        options[i] = fitting[:PER_NEED]
    chosen, optimal = _solve(needs, offers, options, max_offers, time_limit_s)
    if chosen is None:
        chosen, optimal = _greedy(needs, offers, options, max_offers), False
    lines: list[PackageLine] = []
    used: list[Recommendation] = []
    for i, need in enumerate(needs):
        j = chosen.get(i)
        r = offers[j] if j is not None else None
        if r is not None and r.offer.id not in {u.offer.id for u in used}:
            used.append(r)
        lines.append(PackageLine(need, r, explain_line(need, r)))
    return Package(lines=lines, offers=used, optimal=optimal)


def _value(needs: list[Need], i: int, f: float) -> int:
    return round(COVER * needs[i].weight) + ORDER * (len(needs) - i) + round(f)


@functools.cache
def lean_model_class() -> Any:
    """``CpModel`` without the CamelCase aliases of its methods (``NewBoolVar`` for ``new_bool_var``, ...), which
    OR-Tools sets on every instance for code written before PEP 8 names: a few hundred attributes, about half a
    millisecond per model, on every recommendations page (issue 15, CPU per request). Padwijzer calls only the
    PEP 8 names."""
    from ortools.sat.python import cp_model

    class LeanCpModel(cp_model.CpModel):
        def _add_pre_pep8_methods(self) -> None:
            return

    return LeanCpModel


def _solve(
    needs: list[Need],
    offers: list[Recommendation],
    options: dict[int, list[tuple[int, float]]],
    max_offers: int,
    time_limit_s: float,
) -> tuple[dict[int, int] | None, bool]:
    from ortools.sat.python import cp_model  # imported when used: keeps the web process light

    used = sorted({j for pairs in options.values() for j, _f in pairs})
    if not used:
        return {}, True
    model = lean_model_class()()
    x = {j: model.new_bool_var("") for j in used}  # unnamed: names only serve a printed model
    a: dict[tuple[int, int], cp_model.IntVar] = {}
    terms = []
    for i, pairs in options.items():
        for j, f in pairs:
            a[i, j] = var = model.new_bool_var("")
            model.add_implication(var, x[j])
            terms.append(_value(needs, i, f) * var)
        if pairs:
            model.add_at_most_one(a[i, j] for j, _f in pairs)
    model.add(sum(x.values()) <= max_offers)
    model.maximize(sum(terms) - OFFER_COST * sum(x.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    # A model of a few dozen booleans: CP-SAT's probing, symmetry detection and repeated presolve passes cost more
    # than the search, and the full linear relaxation (level 2) closes the gap at once (2.2 -> 1.05 ms of CPU per
    # solve on the recommendations page, bench/pages_cpu.py); the solver stays exact (test_package.py compares it
    # with every subset of offers)
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    chosen = {i: j for (i, j), var in a.items() if solver.value(var)}
    return chosen, status == cp_model.OPTIMAL


def _greedy(
    needs: list[Need], offers: list[Recommendation], options: dict[int, list[tuple[int, float]]], max_offers: int
) -> dict[int, int]:
    """Most severe need first: an offer already in the package if one meets it, else its best fit while room."""
    chosen: dict[int, int] = {}
    taken: list[int] = []
    for i in range(len(needs)):
        pairs = options.get(i, [])
        again = [j for j, _f in pairs if j in taken]
        if again:
            chosen[i] = again[0]
        elif pairs and len(taken) < max_offers:
            chosen[i] = pairs[0][0]
            taken.append(pairs[0][0])
    return chosen


def explain_line(need: Need, r: Recommendation | None) -> str:
    """ "Huisvesting (Geen vaste woonplaats): Woonbegeleiding De Haven (De Haven vzw), 12 min met het openbaar
    vervoer, 3 weken wachten" (in the user's language); or why the need stays open."""
    what = need.label if need.from_domain or need.label == need.domain else f"{need.domain} ({need.label})"
    if r is None:
        return _("%(need)s: no offer within reach meets this need.") % {"need": what}
    offer = r.offer
    if offer.delivery_mode == "outreach":
        travel = _("at the client's home (outreach)")
    elif offer.delivery_mode == "online":
        travel = _("online")
    else:
        travel = _("%(min)s min by public transport") % {"min": round(r.travel_minutes)}
    if offer.free_places > 0:
        waiting = _("a free place now")
    else:
        waiting = ngettext("%(w)s week's wait", "%(w)s weeks' wait", offer.waiting_weeks) % {"w": offer.waiting_weeks}
    return _("%(need)s: %(offer)s (%(organisation)s), %(travel)s, %(waiting)s") % {
        "need": what,
        "offer": offer.title,
        "organisation": offer.organisation_name,
        "travel": travel,
        "waiting": waiting,
    }
