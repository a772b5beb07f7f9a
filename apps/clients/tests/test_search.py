"""Search as Flemish workers type (issue 10 item 8): clients, offers and candidacies, through the pages,
the API and the selectors; run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as Browser

from apps.clients.models import Client
from apps.clients.selectors import clients_for_user
from apps.clients.services import client_update
from apps.offers.services import offer_create
from apps.regions.models import InterventionType, Obstacle
from tests.factories import register_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas: Any) -> dict[str, Client]:
    made = {}
    for n, (first, last, phone) in enumerate(
        [
            ("Céline", "Van den Broeck", "+32 470 12 34 56"),
            ("Els", "D'Hondt", ""),
            ("Karel", "D’Hondt", "059 33 44 55"),
            ("Mariam", "Tesfaye", ""),
            ("Jean-Pierre", "Claes", ""),
        ]
    ):
        made[last + first] = register_client(
            personas, first_name=first, last_name=last, phone=phone, birth_date=dt.date(1980 + n, 1, 2)
        )
    return made


def found(personas: Any, query: str) -> set[str]:
    return {f"{c.first_name} {c.last_name}" for c in clients_for_user(user=personas.sofie, query=query)}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("celine", {"Céline Van den Broeck"}),
        ("CELINE", {"Céline Van den Broeck"}),
        ("vandenbroeck", {"Céline Van den Broeck"}),
        ("van den broeck", {"Céline Van den Broeck"}),
        ("dhondt", {"Els D'Hondt", "Karel D’Hondt"}),
        ("d'hondt", {"Els D'Hondt", "Karel D’Hondt"}),
        ("karel d’hondt", {"Karel D’Hondt"}),
        ("jean pierre", {"Jean-Pierre Claes"}),
        ("celine dhondt", set()),
        ("0470 12 34 56", {"Céline Van den Broeck"}),
        ("+32 470 12 34 56", {"Céline Van den Broeck"}),
        ("059/33.44.55", {"Karel D’Hondt"}),
    ],
)
def test_sofie_finds_her_clients_as_she_types_them(personas: Any, people: Any, typed: str, expected: set) -> None:
    assert found(personas, typed) == expected


def test_sofie_finds_a_client_by_client_number(personas: Any, people: Any) -> None:
    mariam = people["TesfayeMariam"]
    assert found(personas, str(mariam.pk)) == {"Mariam Tesfaye"}
    assert found(personas, f"#{mariam.pk}") == {"Mariam Tesfaye"}
    assert found(personas, str(2**63)) == set()  # past the id range: nothing, no error


def test_sofie_finds_a_client_by_national_number_through_its_digest(personas: Any) -> None:
    register_client(personas, first_name="Omar", last_name="Haddad", birth_date=dt.date(1990, 3, 15),
                    national_number="90031512377")  # fmt: skip
    assert found(personas, "90.03.15-123.77") == {"Omar Haddad"}
    assert found(personas, "90031512377") == {"Omar Haddad"}
    assert found(personas, "90.03.15-123.78") == set()
    assert "90031512377" not in Client.objects.get(last_name="Haddad").search_key


def test_a_renamed_client_is_found_by_the_new_name_only(personas: Any, people: Any) -> None:
    mariam = people["TesfayeMariam"]
    client_update(client=mariam, actor=personas.sofie, last_name="Vandermeulen", phone="0499 11 22 33")
    assert found(personas, "van der meulen") == {"Mariam Vandermeulen"}
    assert found(personas, "tesfaye") == set()
    assert found(personas, "0499112233") == {"Mariam Vandermeulen"}


def test_search_stays_within_what_the_user_may_see(personas: Any, people: Any) -> None:
    assert {c.pk for c in clients_for_user(user=personas.olaf, query="celine")} == set()


def test_the_client_list_searches_by_post_so_the_number_stays_out_of_the_address(
    personas: Any, people: Any, client: Browser
) -> None:
    client.force_login(personas.sofie)
    html = client.post("/hulpvragers/", {"q": "van den broeck"}).content.decode()
    assert "Céline" in html and "Mariam" not in html
    assert 'method="post" role="search"' in html
    html = client.get("/hulpvragers/?q=dhondt&page=abc").content.decode()
    assert "D&#x27;Hondt" in html and "D’Hondt" in html and "Céline" not in html


def test_the_api_filter_uses_the_same_search(personas: Any, people: Any) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas.sofie)
    body = api.get("/api/v1/clients/", {"q": "vandenbroeck"}).json()
    assert body["count"] == 1


def make_offer(personas: Any, title: str) -> Any:
    region = personas.region
    return offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title=title,
        description="Elke week.",
        delivery_mode="at_address",
        format="group",
        location_municipality=region.municipalities.get(code="oostende"),
        capacity=12,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
        municipalities=list(region.municipalities.filter(code="oostende")),
    )


def test_the_social_map_finds_offers_by_title_and_organisation(personas: Any, client: Browser) -> None:
    make_offer(personas, "Taalcafé Sint-Jozef")
    make_offer(personas, "Fietsatelier")
    client.force_login(personas.sofie)
    for typed in ("taalcafe", "sint jozef", "sintjozef", "TAALCAFÉ"):
        html = client.get("/aanbod/", {"q": typed}).content.decode()
        assert "Taalcafé Sint-Jozef" in html and "Fietsatelier" not in html, typed
    html = client.get("/aanbod/", {"q": "de brug"}).content.decode()  # the organisation's name
    assert "Taalcafé Sint-Jozef" in html and "Fietsatelier" in html


def test_the_jury_finds_candidacies_by_organisation_person_reference_and_number(
    personas: Any, client: Browser, settings: Any, tmp_path: Any
) -> None:
    from apps.partnership.tests.conftest import make_candidacy

    settings.MEDIA_ROOT = tmp_path
    first = make_candidacy(personas.region, name="Vzw D’Hondt-Van den Broeck")
    make_candidacy(personas.region, name="Open Deur vzw", kbo="0403170701")
    client.force_login(personas.wouter)
    for typed in ("dhondt", "van den broeck", "vandenbroeck", first.reference, "0202.239.951", "0202239951"):
        html = client.get("/oproep/oostende/jury/", {"q": typed}).content.decode()
        assert "Van den Broeck" in html and "Open Deur" not in html, typed
    html = client.get("/oproep/oostende/jury/", {"q": "an peeters"}).content.decode()
    assert "Van den Broeck" in html and "Open Deur" in html
