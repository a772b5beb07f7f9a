"""Issue 10, part 1: one waiting list, one route to a place. The small inputs (a), (b), (c) and the
database constraints, on SQLite and PostgreSQL alike (run with DATABASE_URL for the latter)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.matching.models import AllocationProposal, AllocationRun
from apps.matching.services import allocation_start, proposal_confirm
from apps.matching.services_allocation import allocation_execute
from apps.matching.tests.test_allocation_flow import setup_waiting
from apps.offers.models import Offer, WaitingListEntry
from apps.pathways.models import Pathway
from apps.referrals.models import Referral
from apps.referrals.services import referral_accept, referral_complete, referral_send, referral_start
from tests.factories import open_pathway_of

pytestmark = pytest.mark.django_db


def run_allocation(personas: Any) -> AllocationRun:
    """Start a run as Wouter and execute it in this process (the worker's task body)."""
    run = allocation_start(region=personas.region, actor=personas.wouter)
    return allocation_execute(run=run)


def test_a_confirmed_allocation_settles_the_waiting_referral_so_no_second_place_is_taken(personas: Any) -> None:
    """(a) One place, full; Bilal's referral waits; the place frees; the allocation gives it to Bilal:
    his waiting referral is accepted by that, and Els's later accept cannot take a second place."""
    (amina, bilal), offer = setup_waiting(personas, n_clients=2, capacity=1)
    first = referral_send(pathway=open_pathway_of(amina), offer=offer, actor=personas.sofie)
    referral_accept(referral=first, actor=personas.els)
    waiting = referral_send(pathway=open_pathway_of(bilal), offer=offer, actor=personas.sofie)
    assert waiting.status == Referral.Status.WAITING
    referral_start(referral=first, actor=personas.els)
    referral_complete(referral=first, actor=personas.els)  # the place frees

    run = run_allocation(personas)
    proposal = run.proposals.get()  # Amina's general entry is still open, but she is not proposed twice
    assert proposal.entry.client == bilal and proposal.offer == offer
    proposal_confirm(proposal=proposal, actor=personas.sofie)

    waiting.refresh_from_db()
    offer.refresh_from_db()
    assert waiting.status == Referral.Status.ACCEPTED  # settled, not left waiting
    assert offer.occupancy == 1
    assert not WaitingListEntry.objects.filter(client=bilal, offer=offer, is_open=True).exists()
    with pytest.raises(ValidationError):  # the partner's late accept takes no second place
        referral_accept(referral=waiting, actor=personas.els)
    offer.refresh_from_db()
    assert offer.occupancy == 1 and Referral.objects.filter(offer=offer, status="accepted").count() == 1


def test_b_a_proposal_confirmed_after_the_partner_accepted_is_refused(personas: Any) -> None:
    """(b) The allocation proposes Bilal's waiting place; Els accepts his referral first; then Sofie
    confirms the old proposal: refused, nothing changes, and the proposal is marked no longer open."""
    (bilal,), offer = setup_waiting(personas, n_clients=1, capacity=1)
    WaitingListEntry.objects.filter(client=bilal).update(is_open=False)  # only the entry for the offer
    Offer.objects.filter(pk=offer.pk).update(capacity=0)
    referral = referral_send(pathway=open_pathway_of(bilal), offer=offer, actor=personas.sofie)
    assert referral.status == Referral.Status.WAITING
    Offer.objects.filter(pk=offer.pk).update(capacity=1)  # a place frees
    proposal = run_allocation(personas).proposals.get()
    referral_accept(referral=referral, actor=personas.els)
    with pytest.raises(ValidationError) as exc:
        proposal_confirm(proposal=proposal, actor=personas.sofie)
    assert "wachtlijst" in " ".join(exc.value.messages)
    offer.refresh_from_db()
    proposal.refresh_from_db()
    assert offer.occupancy == 1 and proposal.status == AllocationProposal.Status.PROPOSED
    run_allocation_again = allocation_start(region=personas.region, actor=personas.wouter)
    allocation_execute(run=run_allocation_again)
    proposal.refresh_from_db()
    assert proposal.status == AllocationProposal.Status.EXPIRED  # stale proposals close at the next run


def test_c_a_second_run_never_proposes_a_client_with_a_pending_proposal(personas: Any) -> None:
    """(c) Two runs while the first run's proposals are undecided: no client is proposed twice and the
    places held by pending proposals are not given again."""
    clients, offer = setup_waiting(personas, n_clients=3, capacity=2)
    first = run_allocation(personas)
    second = run_allocation(personas)
    proposed_first = {p.entry.client_id for p in first.proposals.all()}
    assert len(proposed_first) == 2
    assert second.proposals.count() == 0  # the third client: no place left that is not held
    pending = AllocationProposal.objects.filter(status="proposed")
    assert pending.count() == len({p.entry.client_id for p in pending}) == 2


def test_the_run_page_tells_wouter_why_waiting_clients_got_no_proposal(personas: Any, client: Any) -> None:
    """Three wait for two places: the first run proposes two and says the third lost the fitting places;
    the second run says those two were left out (their proposals wait for a decision) and the third got none
    because no offer with a free place is left for him."""
    setup_waiting(personas, n_clients=3, capacity=2)
    first = run_allocation(personas)
    second = run_allocation(personas)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.clients, first.clients_without_fit, first.clients_held) == (3, 0, 0)
    assert (second.clients, second.clients_without_fit, second.clients_held) == (1, 1, 2)
    client.force_login(personas.wouter)
    text = " ".join(client.get(f"/matching/toewijzing/{first.pk}/").content.decode().split())
    assert "1 wachtende hulpvrager kreeg geen voorstel." in text
    assert "Van hen zag 1 de passende plaatsen gaan naar hulpvragers" in text
    assert "buiten beschouwing" not in text
    text = " ".join(client.get(f"/matching/toewijzing/{second.pk}/").content.decode().split())
    assert "Van hen past 1 bij geen enkel aanbod met een vrije plaats." in text
    assert "2 andere wachtende hulpvragers bleven buiten beschouwing" in text


def test_the_database_refuses_more_clients_without_a_fit_than_clients_in_the_run(personas: Any) -> None:
    run = run_allocation(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationRun.objects.filter(pk=run.pk).update(clients=1, clients_without_fit=2)


def test_a_client_waiting_for_one_offer_and_for_any_offer_is_one_row_of_the_problem(personas: Any) -> None:
    (bilal,), offer = setup_waiting(personas, n_clients=1, capacity=3)
    from apps.offers.services import waiting_list_add

    waiting_list_add(client=bilal, actor=personas.sofie, offer=offer)
    run = run_allocation(personas)
    assert run.clients == 1
    proposal = run.proposals.get()
    assert proposal.entry.offer == offer  # the entry for that very offer carries the proposal


def test_confirming_needs_an_open_pathway_and_consent_and_says_so(personas: Any) -> None:
    from apps.pathways.services import pathway_close

    (bilal,), offer = setup_waiting(personas, n_clients=1, capacity=1)
    proposal = run_allocation(personas).proposals.get()
    pathway_close(pathway=open_pathway_of(bilal), actor=personas.sofie, closed_on=open_pathway_of(bilal).started_on,
                  outcome="other")  # fmt: skip
    # closing the pathway closed the client's waiting entries: the proposal can no longer be confirmed
    with pytest.raises(ValidationError):
        proposal_confirm(proposal=proposal, actor=personas.sofie)
    offer.refresh_from_db()
    assert offer.occupancy == 0 and not Referral.objects.exists()


# --- the database's own guarantees -------------------------------------------------------------------------


def test_the_database_refuses_more_places_taken_than_the_capacity(personas: Any) -> None:
    _clients, offer = setup_waiting(personas, n_clients=0, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(occupancy=2)


def test_the_database_refuses_a_second_open_pathway_and_a_second_open_waiting_entry(personas: Any) -> None:
    (bilal,), offer = setup_waiting(personas, n_clients=1, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pathway.objects.create(client=bilal, organisation=personas.lb, started_on=open_pathway_of(bilal).started_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitingListEntry.objects.create(client=bilal, offer=None, since=open_pathway_of(bilal).started_on,
                                        added_by=personas.sofie)  # fmt: skip
    WaitingListEntry.objects.create(client=bilal, offer=offer, since=open_pathway_of(bilal).started_on,
                                    added_by=personas.sofie)  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitingListEntry.objects.create(client=bilal, offer=offer, since=open_pathway_of(bilal).started_on,
                                        added_by=personas.sofie)  # fmt: skip


def test_the_database_refuses_two_unfinished_runs_of_one_region(personas: Any) -> None:
    AllocationRun.objects.create(region=personas.region, started_by=personas.wouter)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationRun.objects.create(region=personas.region, started_by=personas.wouter)
    with pytest.raises(ValidationError):
        allocation_start(region=personas.region, actor=personas.wouter)


def test_a_stale_offer_form_keeps_the_places_taken_meanwhile(personas: Any) -> None:
    from apps.offers.services import offer_update

    (bilal,), offer = setup_waiting(personas, n_clients=1, capacity=2)
    seen = offer.occupancy
    referral_accept(referral=referral_send(pathway=open_pathway_of(bilal), offer=offer, actor=personas.sofie),
                    actor=personas.els)  # fmt: skip
    offer_update(offer=offer, actor=personas.els, seen_occupancy=seen, occupancy=seen, title="Taalcafé+")
    offer.refresh_from_db()
    assert offer.occupancy == 1 and offer.title == "Taalcafé+"
    with pytest.raises(ValidationError) as exc:  # a changed number over a changed number: asked again
        offer_update(offer=offer, actor=personas.els, seen_occupancy=seen, occupancy=2)
    assert "occupancy" in exc.value.message_dict
    with pytest.raises(ValidationError):  # never more taken than the capacity
        offer_update(offer=offer, actor=personas.els, capacity=0)
