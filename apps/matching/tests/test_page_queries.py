"""Issue 15: Sofie's recommendations for Mariam, one of the five most used pages, cost a fixed number of queries
whatever the number of offers, team members and referrals; the first page of a process
reads the region's data once (target groups, need catalogue, personas, travel model) and keeps it per region
version; the profile equals the bulk profile of the allocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from apps.clients.models import Client
from apps.matching.selectors import client_profile, client_profiles
from apps.pathways.models import TeamMember
from apps.pathways.services import pathway_start
from apps.referrals.models import Referral
from apps.regions.selectors import region_memo_clear
from conftest import complete_screening, register_client

pytestmark = pytest.mark.django_db

WARM = 10  # session, user, client, screening, its scores and obstacles, working organisations, offers' version,
# menu counts, the record of the read (chain head, insert)
REGION_ONCE = 8  # target groups, need catalogue (2), personas (3), travel model (2)


@pytest.fixture
def mariam(personas: Any) -> Any:
    from apps.offers.tests.test_views_offers import make_offer

    make_offer(personas, personas.brug, personas.els)
    client = register_client(personas)
    complete_screening(client, personas.sofie, obstacles=["limited-dutch", "unemployed"], on=dt.date(2026, 1, 5))
    client.pathway = pathway_start(client=client, actor=personas.sofie, organisation=personas.lb)
    return client


def test_the_first_page_of_a_process_reads_the_region_once_and_later_pages_not(
    personas: Any, mariam: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    url = f"/matching/hulpvrager/{mariam.pk}/"
    client.force_login(personas.sofie)
    client.get(url)  # the offer index
    region_memo_clear()
    with django_assert_max_num_queries(WARM + REGION_ONCE):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(WARM):
        assert client.get(url).status_code == 200


def test_the_page_costs_the_same_with_more_offers_team_members_and_referrals(
    personas: Any, mariam: Any, client: Any, django_assert_num_queries: Any
) -> None:
    from apps.offers.tests.test_views_offers import make_offer

    url = f"/matching/hulpvrager/{mariam.pk}/"
    client.force_login(personas.sofie)
    client.get(url)
    with django_assert_num_queries(WARM):
        assert client.get(url).status_code == 200
    offers = [make_offer(personas, personas.brug, personas.els, title=f"Taalcafé {i}") for i in range(6)]
    pathway = mariam.pathway
    TeamMember.objects.create(pathway=pathway, user=personas.els, organisation=personas.brug, role="partner_worker")
    for offer in offers[:3]:
        Referral.objects.create(pathway=pathway, offer=offer, sent_by=personas.sofie, status=Referral.Status.STARTED)
    client.get(url)  # the offer index follows the new offers
    with django_assert_num_queries(WARM):
        html = client.get(url).content.decode()
    assert html.count("Taalcafé") >= 7
    assert f"/doorverwijzingen/nieuw/{pathway.pk}/" in html  # refers from the open pathway


def test_the_page_profile_equals_the_bulk_profile(personas: Any, mariam: Any) -> None:
    TeamMember.objects.create(
        pathway=mariam.pathway, user=personas.els, organisation=personas.brug, role="partner_worker"
    )
    one = Client.objects.select_related("organisation__region", "municipality", "deelgemeente").get(pk=mariam.pk)
    profile = client_profile(client=one)
    assert profile is not None and profile.organisation_ids == {personas.lb.pk, personas.brug.pk}
    assert profile.challenge_persona and profile.needs
    assert (
        client_profiles(clients=Client.objects.filter(pk=mariam.pk), region_id=personas.region.pk)[mariam.pk] == profile
    )
