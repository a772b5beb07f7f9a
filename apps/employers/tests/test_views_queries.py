"""Issue 15: the two matching pages of employer engagement cost a fixed number of queries, whatever the number
of candidates and opportunities: the travel model is kept per region version (``travel_model(region=...)``) and
the candidates' profiles are read in bulk (``candidate_profiles``: 2 queries). A region reload is seen on the
next render.

Personas: Sofie (counsellor) and Wouter (coordinator) look for candidates for Hotel Zeezicht's work-experience
place; Sofie looks for places for Mariam."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from apps.employers.models import WorkWish
from apps.employers.selectors import (
    candidate_profile,
    candidate_profiles,
    opportunity_profile,
    opportunity_profiles,
    visible_clients,
    work_wishes,
)
from apps.employers.tests.conftest import make_opportunity
from apps.regions.selectors import region_memo_clear
from apps.regions.services import region_load_text
from conftest import OOSTENDE_FILE, complete_screening, register_client

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 12  # at most, also on the first page of a process, which reads the travel model (2 queries)


def more_candidates(personas: Any, n: int) -> None:
    for i in range(n):
        client = register_client(personas, first_name=f"Kandidaat{i}", last_name="Test")
        complete_screening(client, personas.sofie, obstacles=["limited-dutch", "unemployed"])


def count(client: Any, url: str, django_assert_max_num_queries: Any, later: int) -> tuple[int, str]:
    """The queries of the page's first render in a process (at most PAGE_QUERIES) and of the next (at most
    ``later``: session, user, the page's own rows, the menu's counts, the record of the read)."""
    region_memo_clear()
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(later) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    return len(ctx.captured_queries), page.content.decode()


def test_the_opportunity_page_costs_the_same_with_one_or_seven_candidates(
    client: Any, personas: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    url = reverse("employers:opportunity", kwargs={"pk": world.opportunity.pk})
    for user in (personas.sofie, personas.wouter):
        client.force_login(user)
        few, html = count(client, url, django_assert_max_num_queries, 10)
        assert html.count("Tesfaye") >= 1 or user == personas.wouter
    client.force_login(personas.sofie)
    more_candidates(personas, 6)
    many, html = count(client, url, django_assert_max_num_queries, 10)
    assert many == few and html.count("Kandidaat") == 6


def test_the_client_opportunities_page_costs_the_same_with_one_or_six_places(
    client: Any, personas: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.sofie)
    url = reverse("employers:client", kwargs={"client_pk": world.client.pk})
    few, html = count(client, url, django_assert_max_num_queries, 9)
    assert "Werkervaring keukenhulp" in html
    for i in range(5):
        make_opportunity(personas, world.employer, title=f"Plaats {i}")
    many, html = count(client, url, django_assert_max_num_queries, 9)
    assert many == few and all(f"Plaats {i}" in html for i in range(5))


def test_bulk_profiles_equal_the_profile_of_each_client_and_the_opportunity_profile_needs_no_query(
    personas: Any, world: Any, django_assert_num_queries: Any
) -> None:
    more_candidates(personas, 3)
    WorkWish.objects.create(client=world.client, occupations=["9412"], max_travel_minutes=45)
    clients = list(type(world.client).objects.select_related("municipality", "deelgemeente"))
    with django_assert_num_queries(2):
        bulk = candidate_profiles(clients=clients)
    assert len(bulk) == 4
    for c in clients:
        assert bulk[c.pk] == candidate_profile(client=c)
    listed = visible_clients(user=personas.sofie, region_id=personas.region.pk)
    with django_assert_num_queries(1):  # the wishes came with the clients
        assert candidate_profiles(clients=listed, wishes=work_wishes(listed)) == bulk
    assert bulk[world.client.pk].domains == frozenset({"language", "work-education"})
    assert bulk[world.client.pk].max_travel_minutes == 45 and bulk[world.client.pk].wished_codes == ("9412",)
    opportunity = type(world.opportunity).objects.select_related("employer", "municipality").get()
    with django_assert_num_queries(0):
        profile = opportunity_profile(opportunity=opportunity)
    assert profile == opportunity_profiles(region_id=personas.region.pk, pk=opportunity.pk)[0]


def test_a_region_reload_shows_the_changed_travel_time_on_the_next_render(
    client: Any, personas: Any, world: Any
) -> None:
    bredene = personas.region.municipalities.get(code="bredene")
    world.client.municipality = bredene
    world.client.deelgemeente = None
    world.client.save(update_fields=["municipality", "deelgemeente"])
    client.force_login(personas.sofie)
    url = reverse("employers:client", kwargs={"client_pk": world.client.pk})

    def minutes() -> int:
        html = client.get(url).content.decode()
        found = re.search(r"Ongeveer (\d+) minuten met het openbaar vervoer", html)
        assert found, html
        return int(found.group(1))

    before = minutes()
    assert minutes() == before  # kept: the same model
    document = json.loads(OOSTENDE_FILE.read_text(encoding="utf-8"))
    for town in document["municipalities"]:  # Bredene's centre moves 3 km inland
        if town["code"] == "bredene":
            for place in (town, *town["deelgemeenten"]):
                place["latitude"] -= 0.03
    region_load_text(text=json.dumps(document), source="oostende.json")
    assert minutes() > before
