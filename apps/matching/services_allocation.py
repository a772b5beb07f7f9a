"""The allocation run's work (the background task ``apps.matching.tasks.run_allocation``) and stale proposals.

``allocation_start`` (services.py) queues a run; the task calls ``allocation_execute`` here. Kept apart from
services.py so that services -> tasks -> this module is a line, not a cycle.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log
from apps.clients.models import Client
from apps.core.states import check_transition, sources
from apps.matching.allocation import AllocationProblem, solve_greedy_fcfs, solve_optimal
from apps.matching.models import AllocationProposal, AllocationRun
from apps.matching.selectors import client_profiles, offer_profiles, travel_model
from apps.offers.models import WaitingListEntry
from apps.referrals.models import Referral

P = AllocationProposal.Status


def pending_proposals() -> Any:
    """Proposals still waiting for a decision whose waiting entry is still open (a queryset).

    A proposal whose entry closed (the partner accepted, the pathway closed, ...) is stale: it can no
    longer be confirmed and is marked *expired* by ``proposals_expire_stale``.
    """
    return AllocationProposal.objects.filter(status=P.PROPOSED, entry__is_open=True)


def proposals_expire_stale(*, actor: Any = None) -> int:
    """Mark every undecided proposal whose waiting entry has closed *expired* (one audit entry per run
    concerned); returns how many. Run at the start of each allocation and before a confirmation."""
    stale = list(AllocationProposal.objects.filter(status=P.PROPOSED, entry__is_open=False).values_list("pk", "run_id"))
    if not stale:
        return 0
    AllocationProposal.objects.filter(pk__in=[pk for pk, _run in stale], status=P.PROPOSED).update(
        status=P.EXPIRED, decided_at=timezone.now()
    )
    by_run: dict[int, list[int]] = {}
    for pk, run_id in stale:
        by_run.setdefault(run_id, []).append(pk)
    for run in AllocationRun.objects.filter(pk__in=by_run):
        audit_log(actor=actor, action="matching.proposal.expired", obj=run, changes={"proposals": by_run[run.pk]})
    return len(stale)


def allocation_execute(*, run: AllocationRun) -> AllocationRun:
    """The task body: build the problem from the open waiting list and free places, solve, store proposals.

    A fixed number of queries per run, whatever the number of waiting clients (asserted in the tests):
    profiles come from ``client_profiles`` in bulk, scores from ``OfferMatrix`` (numpy), the proposals from
    one ``bulk_create``. The run records the time of each phase (seconds, wall clock): ``load_seconds``
    (waiting list, profiles, offers and the candidate pairs), ``solve_seconds`` (the optimal solver) and
    ``total_seconds`` (from start to the stored proposals, including the first-come-first-served comparison).

    Proposals still pending from an earlier run hold their client and their place: those clients are left
    out and those places subtracted, so a second run never proposes a client twice (issue 10, input c).
    """
    # numpy (and the scoring built on it) only in the worker: importing it costs the web process's start-up
    import numpy as np

    from apps.matching.scoring import OfferMatrix

    check_transition(run, AllocationRun.Status.RUNNING)  # a run executes once, from the queue
    started = time.perf_counter()
    AllocationRun.objects.filter(pk=run.pk, status__in=sources(AllocationRun, AllocationRun.Status.RUNNING)).update(
        status=AllocationRun.Status.RUNNING, progress=1
    )
    proposals_expire_stale()
    pending = pending_proposals().filter(run__region=run.region)
    held: dict[int, int] = {}
    held_clients: set[int] = set()
    for offer_id, client_id in pending.values_list("offer_id", "entry__client_id"):
        held[offer_id] = held.get(offer_id, 0) + 1
        held_clients.add(client_id)
    open_entries = WaitingListEntry.objects.filter(client__organisation__region=run.region, is_open=True).exclude(
        client_id__in=pending.values("entry__client_id")
    )
    entries = list(open_entries.order_by("since", "id"))
    profiles = client_profiles(
        clients=Client.objects.filter(pk__in=open_entries.values("client_id")), region_id=run.region_id
    )
    offers = [o for o in offer_profiles(region_id=run.region_id) if o.free_places - held.get(o.id, 0) > 0]
    matrix = OfferMatrix(offers, travel_model(region_id=run.region_id))
    AllocationRun.objects.filter(pk=run.pk).update(progress=20)
    clients_parts: list[np.ndarray] = []
    offers_parts: list[np.ndarray] = []
    scores_parts: list[np.ndarray] = []
    today = timezone.localdate()
    waiting = []
    # one row of the problem per client, whatever the number of their open entries (a general entry and
    # entries for one offer each): a client is never proposed twice in one run (issue 10)
    by_client: dict[int, list[WaitingListEntry]] = {}
    for entry in entries:
        by_client.setdefault(entry.client_id, []).append(entry)
    # a client who already holds a place in an offer (accepted or started referral) is not proposed it again
    placed = set(
        Referral.objects.filter(pathway__client_id__in=list(by_client), status__in=Referral.PLACE_STATUSES).values_list(
            "pathway__client_id", "offer_id"
        )
    )
    index_of = {o.id: i for i, o in enumerate(offers)}
    kept: list[dict[int | None, WaitingListEntry]] = []  # per problem row: offer id (None: general) -> entry
    without_fit = 0  # kept clients for whom no offer with a free place is eligible
    for client_id, client_entries in by_client.items():
        profile = profiles.get(client_id)
        if profile is None:
            continue
        by_offer = {e.offer_id: e for e in client_entries}
        # the documented problem: each client's `shortlist` best-fitting eligible offers (docs/decisions/0005)
        if None in by_offer:
            best, scores = matrix.shortlist(profile, run.shortlist)
        else:
            parts = [matrix.shortlist(profile, run.shortlist, only_offer_id=o) for o in by_offer]
            best = np.concatenate([np.zeros(0, dtype=np.int64), *(b for b, _s in parts)])
            scores = np.concatenate([np.zeros(0, dtype=np.float64), *(sc for _b, sc in parts)])
        if placed:
            taken = {index_of[o] for c, o in placed if c == client_id and o in index_of}
            if taken:
                mask = ~np.isin(best, list(taken))
                best, scores = best[mask], scores[mask]
        index = len(kept)
        without_fit += best.size == 0
        kept.append(by_offer)
        waiting.append(max((today - e.since).days for e in client_entries))
        clients_parts.append(np.full(best.size, index, dtype=np.int64))
        offers_parts.append(best)
        scores_parts.append(scores)
    empty = np.zeros(0, dtype=np.int64)
    pair_client = np.concatenate([empty, *clients_parts])
    pair_offer = np.concatenate([empty, *offers_parts])
    pair_score = np.concatenate([empty.astype(np.float64), *scores_parts])
    load_seconds = time.perf_counter() - started
    AllocationRun.objects.filter(pk=run.pk).update(progress=60)
    problem = AllocationProblem(
        n_clients=len(kept),
        n_offers=len(offers),
        capacity=[o.free_places - held.get(o.id, 0) for o in offers],
        pair_client=pair_client,
        pair_offer=pair_offer,
        pair_score=pair_score,
        waiting_days=waiting,
        fairness_weight=run.fairness_weight,
    )
    result = solve_optimal(problem)
    greedy = solve_greedy_fcfs(problem)
    AllocationRun.objects.filter(pk=run.pk).update(progress=90)
    # the score of each assigned pair, found by (client, offer) key in the sorted pairs (no dict of 1M pairs)
    keys = pair_client * max(len(offers), 1) + pair_offer
    order = np.argsort(keys, kind="stable")
    chosen = [(int(c), int(o)) for c, o in result.assignments]
    found: Any = order[np.searchsorted(keys[order], [c * max(len(offers), 1) + o for c, o in chosen])] if chosen else []
    values = {pair: float(pair_score[i]) for pair, i in zip(chosen, found, strict=True)}
    with transaction.atomic():
        AllocationProposal.objects.bulk_create(
            (
                AllocationProposal(
                    run=run,
                    entry=kept[c].get(offers[o].id) or kept[c][None],
                    offer_id=offers[o].id,
                    score=values[(c, o)],
                    value=values[(c, o)] + run.fairness_weight * waiting[c] / 30,
                )
                for c, o in chosen
            ),
            batch_size=2000,
        )
        AllocationRun.objects.filter(pk=run.pk, status__in=sources(AllocationRun, AllocationRun.Status.DONE)).update(
            status=AllocationRun.Status.DONE,
            progress=100,
            clients=len(kept),
            clients_without_fit=without_fit,
            clients_held=len(held_clients),
            offers=len(offers),
            candidate_pairs=int(pair_client.size),
            objective=result.objective,
            greedy_objective=greedy.objective,
            optimal=result.optimal,
            gap=result.gap,
            solve_seconds=result.solve_time_s,
            load_seconds=load_seconds,
            total_seconds=time.perf_counter() - started,
        )
        audit_log(
            actor=None,
            action="matching.allocation.finished",
            obj=run,
            changes={"proposals": len(result.assignments), "optimal": result.optimal},
        )
    run.refresh_from_db()
    return run
