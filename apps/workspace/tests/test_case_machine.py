"""Issue 10: random case work driven by a hypothesis state machine, on SQLite and PostgreSQL alike.

Sofie registers, screens and starts pathways for clients, records consent to share with De Brug, refers
them, puts them on the waiting list, closes and reopens pathways, merges and unmerges duplicates and
withdraws consents; Els accepts referrals; Wouter runs the allocation and Sofie confirms its proposals.
After every step the invariants hold:

- every offer's places taken are within its capacity and equal the referrals holding a place;
- at most one open pathway per client;
- no open referral on a closed pathway, no open waiting entry of a client whose pathways are all closed;
- no screening, consent, open pathway or open waiting entry left on a merged-away client;
- nobody sees a data category of a client file without a consent (or their own organisation's file).

Bounded (max_examples=25, stateful_step_count=20, deadline=None) so it runs in CI on both databases; each
example runs in a savepoint that is rolled back, so examples start from the same personas.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from apps.clients.models import Client, ClientMerge
from apps.consent.models import Consent
from apps.consent.services import consent_withdraw
from apps.matching.models import AllocationProposal
from apps.matching.services import allocation_start, proposal_confirm
from apps.matching.services_allocation import allocation_execute
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import offer_create, waiting_list_add
from apps.pathways.models import Action, Pathway
from apps.pathways.services import action_add, action_set_status, pathway_reopen, pathway_start
from apps.referrals.models import Referral
from apps.referrals.services import pathway_close_with_referrals, referral_accept, referral_send
from apps.regions.models import InterventionType, Obstacle
from apps.workspace.services_merge import client_merge, client_merge_undo
from tests.factories import complete_screening, give_consent, register_client

pytestmark = pytest.mark.django_db

REFUSALS = (ValidationError, PermissionDenied)  # a refused step is fine; a 500-like error is not
NAMES = ["Amina", "Bilal", "Chloé", "Dries", "Emre", "Fien", "Gert", "Hanne"]


def make_offers(personas: Any) -> list[Offer]:
    region = personas.region
    return [
        offer_create(
            organisation=personas.brug,
            actor=personas.els,
            title=title,
            description="x",
            delivery_mode="outreach",
            capacity=capacity,
            languages=["nl"],
            intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
            obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
            municipalities=list(region.municipalities.all()),
        )
        for title, capacity in (("Eén plaats", 1), ("Twee plaatsen", 2))
    ]


def case_machine(personas: Any, offers: list[Offer]) -> type[RuleBasedStateMachine]:
    p = personas

    class CaseWork(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.clients: list[int] = []

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def client(self, i: int) -> Client | None:
            if not self.clients:
                return None
            return Client.objects.get(pk=self.clients[i % len(self.clients)])

        def open_pathway(self, i: int) -> Pathway | None:
            client = self.client(i)
            if client is None:
                return None
            return Pathway.objects.filter(client=client).exclude(status="closed").first()

        # --- steps --------------------------------------------------------------------------------------

        @rule()
        def register(self) -> None:
            name = NAMES[len(self.clients) % len(NAMES)]
            client = register_client(p, first_name=name, last_name=f"Test{len(self.clients)}")
            self.clients.append(client.pk)

        @rule(i=st.integers(0, 7))
        def screen(self, i: int) -> None:
            client = self.client(i)
            if client is not None and client.merged_into_id is None:
                complete_screening(client, p.sofie, obstacles=["limited-dutch"], on=dt.date(2026, 3, 1))

        @rule(i=st.integers(0, 7))
        def consent(self, i: int) -> None:
            client = self.client(i)
            if client is not None and client.merged_into_id is None:
                give_consent(p, client, categories=["identity", "life_domains"], purposes=["guidance", "referral"])

        @rule(i=st.integers(0, 7))
        def start(self, i: int) -> None:
            client = self.client(i)
            if client is None or client.merged_into_id is not None:
                return
            with contextlib.suppress(*REFUSALS):
                pathway_start(client=client, actor=p.sofie, organisation=p.lb, started_on=dt.date(2026, 1, 15))

        @rule(i=st.integers(0, 7), o=st.integers(0, 1))
        def refer(self, i: int, o: int) -> None:
            pathway = self.open_pathway(i)
            if pathway is None:
                return
            with contextlib.suppress(*REFUSALS):
                referral_send(pathway=pathway, offer=offers[o], actor=p.sofie)

        @rule(i=st.integers(0, 7))
        def wait(self, i: int) -> None:
            if self.open_pathway(i) is None:
                return
            with contextlib.suppress(*REFUSALS):
                waiting_list_add(client=self.client(i), actor=p.sofie)

        @rule(k=st.integers(0, 20))
        def accept(self, k: int) -> None:
            candidates = list(Referral.objects.filter(status__in=["sent", "waiting"]).order_by("pk"))
            if candidates:
                with contextlib.suppress(*REFUSALS):
                    referral_accept(referral=candidates[k % len(candidates)], actor=p.els)

        @rule()
        def allocate(self) -> None:
            try:
                run = allocation_start(region=p.region, actor=p.wouter)
            except REFUSALS:
                return
            allocation_execute(run=run)

        @rule(k=st.integers(0, 20))
        def confirm(self, k: int) -> None:
            candidates = list(AllocationProposal.objects.filter(status="proposed").order_by("pk"))
            if candidates:
                with contextlib.suppress(*REFUSALS):
                    proposal_confirm(proposal=candidates[k % len(candidates)], actor=p.sofie)

        @rule(i=st.integers(0, 7))
        def close(self, i: int) -> None:
            pathway = self.open_pathway(i)
            if pathway is not None:
                pathway_close_with_referrals(
                    pathway=pathway, actor=p.sofie, closed_on=dt.date(2026, 6, 1), outcome="other"
                )

        @rule(i=st.integers(0, 7), due=st.one_of(st.none(), st.integers(-30, 30)))
        def plan_action(self, i: int, due: int | None) -> None:
            pathway = self.open_pathway(i)
            if pathway is not None:
                with contextlib.suppress(*REFUSALS):
                    action_add(
                        pathway=pathway,
                        actor=p.sofie,
                        description="Afspraak maken",
                        owner=p.sofie,
                        owner_organisation=p.lb,
                        due_on=None if due is None else dt.date(2026, 3, 1) + dt.timedelta(days=due),
                    )

        @rule(k=st.integers(0, 20), status=st.sampled_from(Action.Status.values))
        def set_action_status(self, k: int, status: str) -> None:
            actions = list(Action.objects.filter(pathway__client_id__in=self.clients).order_by("pk"))
            if actions:
                with contextlib.suppress(*REFUSALS):
                    action_set_status(action=actions[k % len(actions)], actor=p.sofie, status=status)

        @rule(i=st.integers(0, 7))
        def reopen(self, i: int) -> None:
            client = self.client(i)
            closed = client and Pathway.objects.filter(client=client, status="closed").order_by("-pk").first()
            if closed:
                with contextlib.suppress(*REFUSALS):
                    pathway_reopen(pathway=closed, actor=p.sofie, reason="Opnieuw begeleiding")

        @rule(i=st.integers(0, 7), j=st.integers(0, 7))
        def merge(self, i: int, j: int) -> None:
            survivor, duplicate = self.client(i), self.client(j)
            if survivor is None or duplicate is None:
                return
            with contextlib.suppress(*REFUSALS):
                client_merge(survivor=survivor, duplicate=duplicate, actor=p.sofie)

        @rule()
        def unmerge(self) -> None:
            merge = ClientMerge.objects.filter(undone_at__isnull=True).order_by("-pk").first()
            if merge is not None:
                with contextlib.suppress(*REFUSALS):
                    client_merge_undo(merge=merge, actor=p.sofie)

        @rule(k=st.integers(0, 20))
        def withdraw(self, k: int) -> None:
            consents = list(Consent.objects.filter(withdrawn_on__isnull=True).order_by("pk"))
            if consents:
                consent_withdraw(consent=consents[k % len(consents)], actor=p.sofie)

        # --- invariants ---------------------------------------------------------------------------------

        @invariant()
        def places_within_capacity_and_held_by_referrals(self) -> None:
            assert not Offer.objects.filter(occupancy__gt=F("capacity")).exists()
            for offer in Offer.objects.filter(pk__in=[o.pk for o in offers]).annotate(
                held=Count("referrals", filter=Q(referrals__status__in=Referral.PLACE_STATUSES))
            ):
                assert offer.occupancy == offer.held, (offer.title, offer.occupancy, offer.held)

        @invariant()
        def next_due_is_the_earliest_open_action(self) -> None:
            for pathway in Pathway.objects.filter(client_id__in=self.clients):
                dated = [a.due_on for a in pathway.actions.filter(is_open=True) if a.due_on is not None]
                assert pathway.next_due_on == (min(dated) if dated else None), (pathway.pk, pathway.status)

        @invariant()
        def one_open_pathway_per_client(self) -> None:
            assert (
                not Pathway.objects.exclude(status="closed")
                .values("client")
                .annotate(n=Count("id"))
                .filter(n__gt=1)
                .exists()
            )

        @invariant()
        def nothing_open_on_a_closed_pathway(self) -> None:
            assert not Referral.objects.filter(pathway__status="closed", status__in=Referral.OPEN_STATUSES).exists()
            ended = Client.objects.filter(pathways__isnull=False).exclude(
                pathways__status__in=["intake", "active", "paused"]
            )
            assert not WaitingListEntry.objects.filter(client__in=ended, is_open=True).exists()

        @invariant()
        def nothing_left_on_a_merged_away_client(self) -> None:
            gone = Client.objects.filter(merged_into__isnull=False)
            assert not Consent.objects.filter(client__in=gone).exists()
            assert not Pathway.objects.filter(client__in=gone).exclude(status="closed").exists()
            assert not WaitingListEntry.objects.filter(client__in=gone, is_open=True).exists()

        @invariant()
        def no_category_seen_without_consent(self) -> None:
            from apps.clients.permissions import get_client_for_user

            for client_id in self.clients:
                client = Client.objects.get(pk=client_id)
                if client.merged_into_id is not None:
                    continue
                try:
                    access = get_client_for_user(p.els, client_id)
                except Http404:  # Els sees nothing, which is always allowed
                    continue
                active = Consent.objects.filter(client_id=client_id, organisations=p.brug, withdrawn_on__isnull=True)
                allowed: set[str] = set()
                for consent in active:
                    allowed.update(consent.categories)
                seen = set(getattr(access, "categories", set()))
                assert seen <= allowed, (seen, allowed)
            from apps.pathways.permissions import pathway_access

            for pathway in Pathway.objects.filter(team__user=p.els).select_related("client").distinct():
                seen_in_pathway = pathway_access(p.els, pathway)
                if seen_in_pathway is None:
                    continue
                allowed = set()
                for consent in Consent.objects.filter(
                    client_id=pathway.client_id, organisations=p.brug, withdrawn_on__isnull=True
                ):
                    allowed.update(consent.categories)
                assert set(seen_in_pathway.categories) <= allowed

    return CaseWork


def test_random_case_work_keeps_every_invariant(personas: Any) -> None:
    offers = make_offers(personas)
    machine = case_machine(personas, offers)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            derandomize=True,  # the same 25 sequences in every CI run (no flaky build); change the seed locally
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


def test_merging_away_a_client_with_an_open_pathway_leaves_nothing_behind(personas: Any) -> None:
    """The invariant ``nothing_left_on_a_merged_away_client`` on the smallest input the machine can meet."""
    from tests.factories import start_pathway

    amina = register_client(personas, first_name="Amina")
    bilal = register_client(personas, first_name="Bilal")
    start_pathway(personas, bilal)
    client_merge(survivor=amina, duplicate=bilal, actor=personas.sofie)
    assert not Pathway.objects.filter(client=bilal).exclude(status="closed").exists()
