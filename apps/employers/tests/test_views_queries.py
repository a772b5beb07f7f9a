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

from apps.employers.selectors import candidate_profile, candidate_profiles, opportunity_profile
from apps.employers.tests.conftest import make_opportunity
from apps.regions.services import region_load_text
from conftest import OOSTENDE_FILE, complete_screening, register_client

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 12  # session, user, the page's own rows, the menu's counts, the record of the read (2)


def more_candidates(personas: Any, n: int) -> None:
    for i in range(n):
        client = register_client(personas, first_name=f"Kandidaat{i}", last_name="Test")
        complete_screening(client, personas.sofie, obstacles=["limited-dutch", "unemployed"])


def count(client: Any, url: str, django_assert_max_num_queries: Any) -> tuple[int, str]:
    client.get(url)  # the first render of the process builds the region's kept data
    with django_assert_max_num_queries(PAGE_QUERIES) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    return len(ctx.captured_queries), page.content.decode()


def test_the_opportunity_page_costs_the_same_with_one_or_seven_candidates(
    client: Any, personas: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    url = reverse("employers:opportunity", kwargs={"pk": world.opportunity.pk})
    for user in (personas.sofie, personas.wouter):
        client.force_login(user)
        few, html = count(client, url, django_assert_max_num_queries)
        assert html.count("Tesfaye") >= 1 or user == personas.wouter
    client.force_login(personas.sofie)
    more_candidates(personas, 6)
    many, html = count(client, url, django_assert_max_num_queries)
    assert many == few and html.count("Kandidaat") == 6


def test_the_client_opportunities_page_costs_the_same_with_one_or_six_places(
    client: Any, personas: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.sofie)
    url = reverse("employers:client", kwargs={"client_pk": world.client.pk})
    few, html = count(client, url, django_assert_max_num_queries)
    assert "Werkervaring keukenhulp" in html
    for i in range(5):
        make_opportunity(personas, world.employer, title=f"Plaats {i}")
    many, html = count(client, url, django_assert_max_num_queries)
    assert many == few and all(f"Plaats {i}" in html for i in range(5))


def test_bulk_profiles_equal_the_profile_of_each_client_and_the_opportunity_profile_needs_no_query(
    personas: Any, world: Any, django_assert_num_queries: Any
) -> None:
    more_candidates(personas, 3)
    clients = list(type(world.client).objects.select_related("municipality", "deelgemeente"))
    with django_assert_num_queries(2):
        bulk = candidate_profiles(clients=clients)
    assert len(bulk) == 4
    for c in clients:
        assert bulk[c.pk] == candidate_profile(client=c)
    assert bulk[world.client.pk].domains == frozenset({"language", "work-education"})
    opportunity = type(world.opportunity).objects.select_related("employer", "municipality").get()
    with django_assert_num_queries(0):
        profile = opportunity_profile(opportunity=opportunity)
    from apps.employers.selectors import opportunity_profiles

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
