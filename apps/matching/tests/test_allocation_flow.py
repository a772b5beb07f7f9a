"""The coordinator's allocation of the waiting list, run by the real background worker, and the decisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client as Browser

from apps.audit.models import AuditEntry
from apps.matching.models import AllocationProposal, AllocationRun
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import offer_create, waiting_list_add
from apps.regions.models import InterventionType, Obstacle
from conftest import complete_screening, give_consent, register_client, start_pathway


def setup_waiting(personas: Any, n_clients: int = 4, capacity: int = 2) -> tuple[list[Any], Offer]:
    """``n_clients`` screened clients of Sofie, each with an open pathway and consent to refer to De Brug, on
    the general waiting list; De Brug's "Taalcafé" with ``capacity`` free places."""
    region = personas.region
    offer = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title="Taalcafé",
        description="x",
        delivery_mode="outreach",
        capacity=capacity,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
        municipalities=list(region.municipalities.all()),
    )
    clients = []
    for i in range(n_clients):
        c = register_client(personas, first_name=f"Klant{i}")
        complete_screening(c, personas.sofie, obstacles=["limited-dutch"])
        give_consent(personas, c, purposes=["referral"])
        start_pathway(personas, c)
        waiting_list_add(client=c, actor=personas.sofie)
        clients.append(c)
    return clients, offer


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_allocates_and_counsellors_decide(personas: Any, client: Browser) -> None:
    clients, offer = setup_waiting(personas)
    client.force_login(personas.wouter)
    response = client.post("/matching/toewijzing/", {"fairness_weight": "1"})
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and run.status == "queued"
    run_worker()
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100 and run.optimal and run.gap == 0.0
    assert run.clients == 4 and run.candidate_pairs == 4
    proposals = list(run.proposals.all())
    assert len(proposals) == 2  # capacity 2: never more
    assert run.objective is not None and run.greedy_objective is not None
    assert run.objective >= run.greedy_objective
    html = client.get(f"/matching/toewijzing/{run.pk}/").content.decode()
    assert 'id="proposals"' in html

    client.force_login(personas.sofie)
    first, second = proposals
    assert client.post(f"/matching/voorstellen/{first.pk}/bevestigen/").status_code == 302
    asked = client.post(f"/matching/voorstellen/{second.pk}/weigeren/")  # the first POST only asks
    assert asked.status_code == 200 and 'id="consequence"' in asked.content.decode()
    second.refresh_from_db()
    assert second.status == "proposed"
    assert client.post(f"/matching/voorstellen/{second.pk}/weigeren/", {"confirmed": "1"}).status_code == 302
    second.refresh_from_db()
    assert second.status == "declined"
    offer.refresh_from_db()
    assert offer.occupancy == 1
    # the place went through the referral loop: an accepted referral on the client's pathway (issue 10)
    from apps.referrals.models import Referral

    placed = Referral.objects.get()
    assert placed.status == "accepted" and placed.offer == offer and placed.pathway.client == first.entry.client
    assert not WaitingListEntry.objects.get(pk=first.entry_id).is_open
    assert WaitingListEntry.objects.get(pk=second.entry_id).is_open
    assert {p.status for p in AllocationProposal.objects.all()} == {"confirmed", "declined"}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "matching.allocation.started",
        "matching.allocation.finished",
        "matching.proposal.confirmed",
        "matching.proposal.declined",
    } <= actions


@pytest.mark.django_db(transaction=True)
def test_the_longest_waiting_client_gets_the_last_place(personas: Any) -> None:
    import datetime as dt

    from apps.matching.services import allocation_start

    clients, offer = setup_waiting(personas, n_clients=2, capacity=1)
    WaitingListEntry.objects.filter(client=clients[1]).update(since=dt.date(2025, 1, 1))
    allocation_start(region=personas.region, actor=personas.wouter, fairness_weight=1.0)
    run_worker()
    proposal = AllocationProposal.objects.get()
    assert proposal.entry.client == clients[1]


def test_only_the_coordinator_runs_allocations_and_only_owners_decide(personas: Any, client: Browser) -> None:
    from apps.matching.models import AllocationRun

    for who in (personas.sofie, personas.els, personas.olaf, personas.ine):
        client.force_login(who)
        assert client.get("/matching/toewijzing/").status_code == 404
    run = AllocationRun.objects.create(region=personas.region, started_by=personas.wouter)
    client.force_login(personas.nadia)
    assert client.get(f"/matching/toewijzing/{run.pk}/").status_code == 404
    clients, offer = setup_waiting(personas, n_clients=1)
    proposal = AllocationProposal.objects.create(
        run=run, entry=WaitingListEntry.objects.get(), offer=offer, score=50, value=50
    )
    for who in (personas.olaf, personas.els, personas.nadia):
        client.force_login(who)
        assert client.post(f"/matching/voorstellen/{proposal.pk}/bevestigen/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_a_full_offer_cannot_be_confirmed(personas: Any) -> None:
    from django.core.exceptions import ValidationError

    from apps.matching.services import proposal_confirm

    clients, offer = setup_waiting(personas, n_clients=1, capacity=1)
    run = AllocationRun.objects.create(region=personas.region, started_by=personas.wouter)
    proposal = AllocationProposal.objects.create(
        run=run, entry=WaitingListEntry.objects.get(), offer=offer, score=50, value=50
    )
    Offer.objects.filter(pk=offer.pk).update(occupancy=1)
    with pytest.raises(ValidationError):
        proposal_confirm(proposal=proposal, actor=personas.sofie)


@pytest.mark.django_db(transaction=True)
def test_each_client_is_allocated_within_its_shortlist(personas: Any, settings: Any) -> None:
    from apps.matching.services import allocation_start

    settings.ALLOCATION_SHORTLIST = 1
    clients, first = setup_waiting(personas, n_clients=2, capacity=5)
    second = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title="Tweede",
        description="x",
        delivery_mode="outreach",
        capacity=5,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=personas.region, code="dutch-learning")],
        obstacles=list(Obstacle.objects.filter(region=personas.region, code="limited-dutch")),
        municipalities=list(personas.region.municipalities.all()),
    )
    run = allocation_start(region=personas.region, actor=personas.wouter)
    run_worker()
    run.refresh_from_db()
    assert run.shortlist == 1 and run.candidate_pairs == 2  # 2 eligible offers each, 1 considered
    assert {p.offer_id for p in run.proposals.all()} <= {first.pk, second.pk}
    assert run.proposals.count() == 2
