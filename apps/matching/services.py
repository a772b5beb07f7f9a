"""Writes of matching: the waiting list, allocation runs (a background task) and the decisions on proposals."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_log
from apps.core.states import can_transition, transition
from apps.matching.models import AllocationProposal, AllocationRun
from apps.offers.models import Offer, WaitingListEntry
from apps.pathways.models import Pathway
from apps.referrals.models import Referral
from apps.referrals.services import referral_place_allocated, referral_send

P = AllocationProposal.Status
NO_LONGER_WAITING = gettext_lazy(
    "The client is no longer on this waiting list (placed or closed meanwhile): "
    "the proposal can no longer be confirmed."
)


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


@transaction.atomic
def allocation_start(*, region: Any, actor: Any, fairness_weight: float = 1.0) -> AllocationRun:
    """Queue an allocation run for the region (the task runs ``allocation_execute``).

    One queued or running run per region: checked here and guaranteed by the partial unique constraint
    ``uniq_unfinished_allocation_run`` when two coordinators start at once (issue 10). Raises
    ``ValidationError`` for a weight outside 0-100 or a run already under way.
    """
    from django.db import IntegrityError

    if fairness_weight < 0 or fairness_weight > 100:
        raise ValidationError({"fairness_weight": [_("Choose a fairness weight from 0 to 100.")]})
    busy = ValidationError(_("An allocation is already running for this region."))
    if AllocationRun.objects.filter(region=region, status__in=["queued", "running"]).exists():
        raise busy
    shortlist = settings.ALLOCATION_SHORTLIST
    try:
        with transaction.atomic():
            run = AllocationRun.objects.create(
                region=region, started_by=actor, fairness_weight=fairness_weight, shortlist=shortlist
            )
    except IntegrityError as exc:
        raise busy from exc
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

    Proposals still pending from an earlier run hold their client and their place: those clients are left
    out and those places subtracted, so a second run never proposes a client twice (issue 10, input c).
    """
    import numpy as np

    from apps.clients.models import Client
    from apps.matching.allocation import AllocationProblem, solve_greedy_fcfs, solve_optimal
    from apps.matching.scoring import OfferMatrix
    from apps.matching.selectors import client_profiles, offer_profiles, travel_model

    started = time.perf_counter()
    AllocationRun.objects.filter(pk=run.pk).update(status=AllocationRun.Status.RUNNING, progress=1)
    proposals_expire_stale()
    pending = pending_proposals().filter(run__region=run.region)
    held: dict[int, int] = {}
    for offer_id in pending.values_list("offer_id", flat=True):
        held[offer_id] = held.get(offer_id, 0) + 1
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
    """The client takes the proposed place, through the referral loop (issue 10: one route to a place).

    The referral from the client's open pathway to the offer that is sent or waiting is settled (accepted
    by the allocation, the partner told); without one a referral is sent first (consent rules of
    ``referral_send`` apply). Every other undecided proposal on the same entry expires.

    Refused (``ValidationError``, nothing written) when the proposal was decided, its waiting entry is no
    longer open (the partner accepted meanwhile, the pathway closed: input b), the client has no open
    pathway, already holds a place in the offer, or the offer is full. Locks rows in the order referral,
    offer, entry, as ``referral_accept`` does, so the two cannot deadlock.
    """
    proposal = _lock_proposal(proposal)
    entry = proposal.entry
    if not entry.is_open:
        raise ValidationError(NO_LONGER_WAITING)
    pathway = Pathway.objects.filter(client_id=entry.client_id).exclude(status=Pathway.Status.CLOSED).first()
    if pathway is None:
        raise ValidationError(
            _("The client has no open pathway. Start one first: the place is given through a referral.")
        )
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(pathway=pathway, offer_id=proposal.offer_id, status__in=Referral.OPEN_STATUSES)
        .select_related("pathway", "offer")
        .first()
    )
    if referral is not None and referral.status in Referral.PLACE_STATUSES:
        raise ValidationError(_("The client already has a place in this offer."))
    offer = Offer.objects.select_for_update().get(pk=proposal.offer_id)
    if offer.free_places <= 0 or not offer.is_active:
        raise ValidationError(_("The offer has no free place any more."))
    if not WaitingListEntry.objects.select_for_update().filter(pk=entry.pk, is_open=True).exists():
        raise ValidationError(NO_LONGER_WAITING)
    sent = referral is None
    if referral is None:
        referral = referral_send(pathway=pathway, offer=offer, actor=actor, from_recommendation=True)
    referral_place_allocated(referral=referral, actor=actor, proposal_id=proposal.pk)
    WaitingListEntry.objects.filter(pk=entry.pk).update(is_open=False, updated_at=timezone.now())
    _decide(proposal, actor, P.CONFIRMED)
    audit_log(
        actor=actor,
        action="matching.proposal.confirmed",
        obj=proposal,
        changes={"offer": proposal.offer_id, "client": entry.client_id, "referral": referral.pk, "sent": sent},
    )
    proposals_expire_stale(actor=actor)
    return proposal


def _lock_proposal(proposal: AllocationProposal) -> AllocationProposal:
    """Re-read the proposal under a row lock (only its own row); refuse one already decided."""
    proposal = (
        AllocationProposal.objects.select_for_update(of=("self",)).select_related("entry", "offer").get(pk=proposal.pk)
    )
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
