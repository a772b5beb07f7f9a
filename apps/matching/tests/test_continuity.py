"""The reason "this organisation already works with the client": the case team and accepted or started
referrals of the client's open pathway, not every organisation named in a consent (issue 13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from apps.clients.models import Client
from apps.matching.recommend import recommend
from apps.matching.selectors import client_profile, client_profiles, offer_profiles, travel_model, working_organisations
from apps.offers.services import offer_create
from apps.referrals.services import pathway_close_with_referrals, referral_accept, referral_send
from apps.regions.models import InterventionType, Municipality, Obstacle
from conftest import complete_screening, give_consent, register_client, start_pathway

WORKS_WITH = "Deze organisatie werkt al met de hulpvrager."


def _offer(personas: Any, organisation: Any, title: str) -> Any:
    region = personas.region
    return offer_create(
        organisation=organisation,
        actor=personas.wouter,
        title=title,
        description="test",
        delivery_mode="outreach",
        location_municipality=None,
        capacity=10,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="work-pathway")],
        obstacles=list(Obstacle.objects.filter(region=region, code__in=["unemployed", "low-education"])),
        municipalities=list(Municipality.objects.filter(region=region)),
    )


@pytest.fixture
def case(personas: Any) -> Any:
    """Mariam, registered by Lokaal bestuur, consents to share with De Brug and Kompas; her pathway at
    Lokaal bestuur refers her to Kompas (accepted by Olaf) and to VDAB (only sent)."""
    client = register_client(personas, languages=["nl"], dutch_level="C1")
    complete_screening(client, personas.sofie, obstacles=["unemployed", "low-education"])
    give_consent(personas, client, to=personas.brug)
    give_consent(personas, client, to=personas.kompas)
    give_consent(personas, client, to=personas.vdab)
    pathway = start_pathway(personas, client)
    offers = {
        org.code: _offer(personas, org, f"Traject {org.name}")
        for org in (personas.brug, personas.kompas, personas.vdab)
    }
    kompas = referral_send(pathway=pathway, offer=offers["kompas"], actor=personas.sofie)
    referral_accept(referral=kompas, actor=personas.olaf)
    referral_send(pathway=pathway, offer=offers["vdab"], actor=personas.sofie)
    return client, pathway, offers


def test_only_the_pathway_holder_and_an_accepted_referral_work_with_mariam_not_every_consented_organisation(
    personas: Any, case: Any
) -> None:
    client, _pathway, offers = case
    profile = client_profile(client=client)
    assert profile is not None
    assert profile.organisation_ids == {personas.lb.pk, personas.kompas.pk}
    with translation.override("nl-be"):
        ranked = recommend(
            profile, offer_profiles(region_id=personas.region.pk), travel_model(region_id=personas.region.pk)
        )
    reasons = {r.offer.id: r.reasons for r in ranked}
    assert WORKS_WITH in reasons[offers["kompas"].pk]
    assert WORKS_WITH not in reasons[offers["de-brug"].pk]  # named in a consent only
    assert WORKS_WITH not in reasons[offers["vdab"].pk]  # referral sent, not accepted


def test_the_bulk_profiles_read_the_same_working_organisations_in_one_query(
    personas: Any, case: Any, django_assert_num_queries: Any
) -> None:
    client, _pathway, _offers = case
    with django_assert_num_queries(1):
        working = working_organisations(clients=Client.objects.filter(pk=client.pk))
    assert working == {client.pk: {personas.lb.pk, personas.kompas.pk}}
    bulk = client_profiles(clients=Client.objects.filter(pk=client.pk), region_id=personas.region.pk)
    assert bulk[client.pk].organisation_ids == client_profile(client=client).organisation_ids  # type: ignore[union-attr]


def test_once_the_pathway_is_closed_no_organisation_counts_as_working_with_her(personas: Any, case: Any) -> None:
    client, pathway, _offers = case
    pathway_close_with_referrals(pathway=pathway, actor=personas.sofie, closed_on=dt.date.today(), outcome="other")
    profile = client_profile(client=client)
    assert profile is not None and profile.organisation_ids == frozenset()
