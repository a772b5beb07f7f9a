"""Writes of matching: the waiting list, allocation runs (a background task) and the decisions on proposals."""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.core.states import can_transition, transition
from apps.matching.models import AllocationProposal, AllocationRun
from apps.partners.models import Offer, WaitingListEntry
from apps.partners.services import offer_occupancy_change


@transaction.atomic
def waiting_list_add(
    *, client: Any, actor: Any, offer: Offer | None = None, since: dt.date | None = None
) -> WaitingListEntry:
    if WaitingListEntry.objects.filter(client=client, offer=offer, is_open=True).exists():
        raise ValidationError(_("The client is already on this waiting list."))
    entry = WaitingListEntry.objects.create(
        client=client, offer=offer, since=since or timezone.localdate(), added_by=actor
    )
    audit_log(
        actor=actor,
        action="matching.waiting_list.added",
        obj=entry,
        changes={"client": client.pk, "offer": offer.pk if offer else None},
    )
    return entry


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
    """The task body: build the problem from the open waiting list and free places, solve, store proposals."""
    from apps.matching.allocation import AllocationProblem, solve_greedy_fcfs, solve_optimal
    from apps.matching.recommend import eligible, score_offer
    from apps.matching.selectors import client_profile, offer_profiles, travel_model

    AllocationRun.objects.filter(pk=run.pk).update(status=AllocationRun.Status.RUNNING, progress=1)
    entries = list(
        WaitingListEntry.objects.filter(client__organisation__region=run.region, is_open=True)
        .select_related("client", "client__organisation", "client__municipality", "client__deelgemeente")
        .order_by("since", "id")
    )
    offers = [o for o in offer_profiles(region_id=run.region_id) if o.free_places > 0]
    travel = travel_model(region_id=run.region_id)
    pair_client: list[int] = []
    pair_offer: list[int] = []
    pair_score: list[float] = []
    today = timezone.localdate()
    waiting = []
    kept: list[WaitingListEntry] = []
    for n, entry in enumerate(entries):
        profile = client_profile(client=entry.client)
        if profile is None:
            continue
        index = len(kept)
        kept.append(entry)
        waiting.append((today - entry.since).days)
        candidates = [
            (max(score_offer(profile, offer, travel, explain=False).score, 0.0), j)
            for j, offer in enumerate(offers)
            if (entry.offer_id is None or offer.id == entry.offer_id) and eligible(profile, offer)
        ]
        # the documented problem: each client's `shortlist` best-fitting eligible offers (docs/decisions/0005)
        for score, j in heapq.nlargest(run.shortlist, candidates):
            pair_client.append(index)
            pair_offer.append(j)
            pair_score.append(score)
        if n % 50 == 0:
            AllocationRun.objects.filter(pk=run.pk).update(progress=1 + int(80 * (n + 1) / max(len(entries), 1)))
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
    values = {(c, o): s for c, o, s in zip(pair_client, pair_offer, pair_score, strict=True)}
    with transaction.atomic():
        AllocationProposal.objects.bulk_create(
            AllocationProposal(
                run=run,
                entry=kept[c],
                offer_id=offers[o].id,
                score=values[(c, o)],
                value=values[(c, o)] + run.fairness_weight * waiting[c] / 30,
            )
            for c, o in result.assignments
        )
        AllocationRun.objects.filter(pk=run.pk).update(
            status=AllocationRun.Status.DONE,
            progress=100,
            clients=len(kept),
            offers=len(offers),
            candidate_pairs=len(pair_client),
            objective=result.objective,
            greedy_objective=greedy.objective,
            optimal=result.optimal,
            gap=result.gap,
            solve_seconds=result.solve_time_s,
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
