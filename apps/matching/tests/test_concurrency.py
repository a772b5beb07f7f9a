"""Issue 10: races on PostgreSQL, threads released together by a Barrier (SQLite serialises writers: skipped).

- a partner saves a stale offer form while a referral is accepted: the place taken is kept;
- two coordinators start an allocation at once: one run, the other is told one is under way;
- the partner accepts while the counsellor confirms the proposal for the same place: one place taken.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from apps.matching.models import AllocationRun
from apps.matching.services import allocation_start, proposal_confirm
from apps.matching.services_allocation import allocation_execute
from apps.matching.tests.test_allocation_flow import setup_waiting
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import offer_update
from apps.referrals.models import Referral
from apps.referrals.services import referral_accept, referral_send
from tests.factories import open_pathway_of, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]


def test_a_stale_offer_form_saved_during_an_accept_keeps_the_place_taken(personas: Any) -> None:
    (bilal,), offer = setup_waiting(personas, n_clients=1, capacity=2)
    referral = referral_send(pathway=open_pathway_of(bilal), offer=offer, actor=personas.sofie)
    seen = offer.occupancy  # Els opened the form before the accept
    results = race(
        form=lambda: offer_update(
            offer=Offer.objects.get(pk=offer.pk),
            actor=personas.els,
            seen_occupancy=seen,
            occupancy=seen,
            title="Taalcafé (nieuw)",
        ),  # fmt: skip
        accept=lambda: referral_accept(referral=Referral.objects.get(pk=referral.pk), actor=personas.els),
    )
    assert results == {"form": "ok", "accept": "ok"}
    offer.refresh_from_db()
    assert offer.occupancy == 1 and offer.title == "Taalcafé (nieuw)"


def test_two_allocation_runs_started_at_once_make_one_run(personas: Any) -> None:
    setup_waiting(personas, n_clients=2, capacity=1)
    results = race(
        wouter=lambda: allocation_start(region=personas.region, actor=personas.wouter),
        again=lambda: allocation_start(region=personas.region, actor=personas.wouter),
    )
    assert sorted(results.values()) == ["ValidationError", "ok"], results
    assert AllocationRun.objects.filter(status__in=["queued", "running"]).count() == 1


def test_an_accept_and_a_confirmation_of_the_same_last_place_take_one_place(personas: Any) -> None:
    (amina, bilal), offer = setup_waiting(personas, n_clients=2, capacity=1)
    WaitingListEntry.objects.filter(client=bilal).update(is_open=False)  # Amina alone is on the list
    Offer.objects.filter(pk=offer.pk).update(capacity=0)
    waiting = referral_send(pathway=open_pathway_of(bilal), offer=offer, actor=personas.sofie)  # Bilal waits
    Offer.objects.filter(pk=offer.pk).update(capacity=1)
    WaitingListEntry.objects.filter(client=bilal, offer=offer).update(is_open=False)
    run = allocation_start(region=personas.region, actor=personas.wouter)
    proposal = allocation_execute(run=run).proposals.get()
    assert proposal.entry.client == amina
    results = race(
        accept=lambda: referral_accept(referral=Referral.objects.get(pk=waiting.pk), actor=personas.els),
        confirm=lambda: proposal_confirm(proposal=proposal, actor=personas.sofie),
    )
    assert sorted(results.values()) == ["ValidationError", "ok"], results
    offer.refresh_from_db()
    assert offer.occupancy == 1
    assert Referral.objects.filter(offer=offer, status="accepted").count() == 1
