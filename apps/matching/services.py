"""Writes of matching: the waiting list, allocation runs (a background task) and the decisions on proposals."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.core.states import can_transition, transition
from apps.matching.models import AllocationProposal, AllocationRun
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import offer_occupancy_change


@transaction.atomic
def allocation_start(*, region: Any, actor: Any, fairness_weight: float = 1.0) -> AllocationRun:
    if fairness_weight < 0 or fairness_weight > 100:
        raise ValidationError({"fairness_weight": [_("Choose a fairness weight from 0 to 100.")]})
    if AllocationRun.objects.filter(region=region, status__in=["queued", "running"]).exists():
        raise ValidationError(_("An allocation is already running for this region."))
    shortlist = settings.ALLOCATION_SHORTLIST
    run = AllocationRun.objects.create(
        region=region, started_by=actor, fairness_weight=fairness_weight, shortlist=shortlist
    )
    audit_log(actor=actor, action="matching.allocation.started", obj=run, changes={"fairness_weight": fairness_weight})
    from apps.matching.tasks import run_allocation

    transaction.on_commit(lambda: run_allocation.enqueue(run.pk))
    return run


def allocation_execute(*, run: AllocationRun) -> AllocationRun:
    """The task body: build the problem from the open waiting list and free places, solve, store proposals.

    A fixed number of queries per run, whatever the number of waiting clients (asserted in the tests):
    profiles come from ``client_profiles`` in bulk, scores from ``OfferMatrix`` (numpy), the proposals from
    one ``bulk_create``. The run records the time of each phase (seconds, wall clock): ``load_seconds``
    (waiting list, profiles, offers and the candidate pairs), ``solve_seconds`` (the optimal solver) and
    ``total_seconds`` (from start to the stored proposals, including the first-come-first-served comparison).
    """
    import numpy as np

    from apps.clients.models import Client
    from apps.matching.allocation import AllocationProblem, solve_greedy_fcfs, solve_optimal
    from apps.matching.scoring import OfferMatrix
    from apps.matching.selectors import client_profiles, offer_profiles, travel_model

    started = time.perf_counter()
    AllocationRun.objects.filter(pk=run.pk).update(status=AllocationRun.Status.RUNNING, progress=1)
    open_entries = WaitingListEntry.objects.filter(client__organisation__region=run.region, is_open=True)
    entries = list(open_entries.order_by("since", "id"))
    profiles = client_profiles(
        clients=Client.objects.filter(pk__in=open_entries.values("client_id")), region_id=run.region_id
    )
    offers = [o for o in offer_profiles(region_id=run.region_id) if o.free_places > 0]
    matrix = OfferMatrix(offers, travel_model(region_id=run.region_id))
    AllocationRun.objects.filter(pk=run.pk).update(progress=20)
    clients_parts: list[np.ndarray] = []
    offers_parts: list[np.ndarray] = []
    scores_parts: list[np.ndarray] = []
    today = timezone.localdate()
    waiting = []
    kept: list[WaitingListEntry] = []
    for entry in entries:
        profile = profiles.get(entry.client_id)
        if profile is None:
            continue
        index = len(kept)
        kept.append(entry)
        waiting.append((today - entry.since).days)
        # the documented problem: each client's `shortlist` best-fitting eligible offers (docs/decisions/0005)
        best, scores = matrix.shortlist(profile, run.shortlist, only_offer_id=entry.offer_id)
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
        capacity=[o.free_places for o in offers],
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
                    entry=kept[c],
                    offer_id=offers[o].id,
                    score=values[(c, o)],
                    value=values[(c, o)] + run.fairness_weight * waiting[c] / 30,
                )
                for c, o in chosen
            ),
            batch_size=2000,
        )
        AllocationRun.objects.filter(pk=run.pk).update(
            status=AllocationRun.Status.DONE,
            progress=100,
            clients=len(kept),
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


@transaction.atomic
def proposal_confirm(*, proposal: AllocationProposal, actor: Any) -> AllocationProposal:
    proposal = _lock_proposal(proposal)
    offer = Offer.objects.select_for_update().get(pk=proposal.offer_id)
    if offer.free_places <= 0:
        raise ValidationError(_("The offer has no free place any more."))
    offer_occupancy_change(offer_id=offer.pk, delta=1)
    WaitingListEntry.objects.filter(pk=proposal.entry_id).update(is_open=False)
    _decide(proposal, actor, AllocationProposal.Status.CONFIRMED)
    audit_log(
        actor=actor,
        action="matching.proposal.confirmed",
        obj=proposal,
        changes={"offer": proposal.offer_id, "client": proposal.entry.client_id},
    )
    return proposal


def _lock_proposal(proposal: AllocationProposal) -> AllocationProposal:
    """Re-read the proposal under a row lock; refuse one already decided."""
    proposal = AllocationProposal.objects.select_for_update().select_related("entry", "offer").get(pk=proposal.pk)
    if not can_transition(proposal, AllocationProposal.Status.CONFIRMED):
        raise ValidationError(_("This proposal was already decided."))
    return proposal


def _decide(proposal: AllocationProposal, actor: Any, status: str) -> None:
    transition(proposal, status)
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def proposal_decline(*, proposal: AllocationProposal, actor: Any) -> AllocationProposal:
    proposal = _lock_proposal(proposal)
    _decide(proposal, actor, AllocationProposal.Status.DECLINED)
    audit_log(
        actor=actor,
        action="matching.proposal.declined",
        obj=proposal,
        changes={"offer": proposal.offer_id, "client": proposal.entry.client_id},
    )
    return proposal
