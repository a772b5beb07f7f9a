"""Writes of matching: the waiting list, allocation runs (a background task) and the decisions on proposals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_log
from apps.core.states import can_transition, transition
from apps.matching.models import AllocationProposal, AllocationRun
from apps.matching.services_allocation import proposals_expire_stale
from apps.matching.tasks import run_allocation
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import waiting_entries_close
from apps.pathways.models import Pathway
from apps.referrals.models import Referral
from apps.referrals.services import referral_place_allocated, referral_send

P = AllocationProposal.Status
NO_LONGER_WAITING = gettext_lazy(
    "The client is no longer on this waiting list (placed or closed meanwhile): "
    "the proposal can no longer be confirmed."
)


@transaction.atomic
def allocation_start(*, region: Any, actor: Any, fairness_weight: float = 1.0) -> AllocationRun:
    """Queue an allocation run for the region (the task runs ``allocation_execute``).

    One queued or running run per region: checked here and guaranteed by the partial unique constraint
    ``uniq_unfinished_allocation_run`` when two coordinators start at once (issue 10). Raises
    ``ValidationError`` for a weight outside 0-100 or a run already under way.
    """
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
    transaction.on_commit(lambda: run_allocation.enqueue(run.pk))
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
    waiting_entries_close(pk=entry.pk)
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
