"""The social map: partner workers keep their own organisation's offers; everyone in the partnership reads."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.demo.services import demo_seed
from apps.offers.models import Offer
from apps.offers.services import offer_create
from apps.regions.models import InterventionType, Obstacle


def make_offer(personas: Any, organisation: Any, actor: Any, title: str = "Taalcafé") -> Offer:
    region = personas.region
    return offer_create(
        organisation=organisation,
        actor=actor,
        title=title,
        description="Elke week Nederlands oefenen.",
        delivery_mode="at_address",
        location_municipality=region.municipalities.get(code="oostende"),
        capacity=12,
        languages=["nl", "ar"],
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
        municipalities=list(region.municipalities.filter(code__in=["oostende", "bredene"])),
    )


def post_data(personas: Any, **extra: Any) -> dict[str, Any]:
    region = personas.region
    data = {
        "title": "Fietsles",
        "description": "Leren fietsen in groep.",
        "delivery_mode": "at_address",
        "format": "group",
        "address": "Kerkstraat 1",
        "location_municipality": region.municipalities.get(code="gistel").pk,
        "intervention_types": [InterventionType.objects.get(region=region, code="mobility-support").pk],
        "obstacles": [Obstacle.objects.get(region=region, code="limited-mobility").pk],
        "municipalities": [region.municipalities.get(code="gistel").pk],
        "languages": ["nl"],
        "capacity": "8",
        "capacity_period": "month",
        "occupancy": "2",
        "waiting_weeks": "0",
        "cost_to_client": "0",
        "gender_specific": "",
        "is_active": "on",
    }
    data.update(extra)
    return data


def test_a_partner_worker_adds_an_offer_for_their_organisation(personas: Any, client: Browser) -> None:
    client.force_login(personas.els)
    response = client.post("/aanbod/nieuw/", post_data(personas))
    offer = Offer.objects.get(title="Fietsles")
    assert response.status_code == 302 and offer.organisation == personas.brug
    assert offer.latitude == personas.region.municipalities.get(code="gistel").latitude
    assert AuditEntry.objects.filter(action="partners.offer.created", object_id=str(offer.pk)).exists()


def test_bad_offer_input_is_pointed_at(personas: Any, client: Browser) -> None:
    client.force_login(personas.els)
    response = client.post("/aanbod/nieuw/", post_data(personas, location_municipality="", min_age="30", max_age="20"))
    html = response.content.decode()
    assert "Een aanbod op een adres heeft de gemeente van dat adres nodig." in html
    assert "De maximumleeftijd ligt onder de minimumleeftijd." in html
    assert not Offer.objects.exists()


def test_a_partner_worker_edits_only_their_own_organisations_offers(personas: Any, client: Browser) -> None:
    own = make_offer(personas, personas.brug, personas.els)
    other = make_offer(personas, personas.kompas, personas.olaf, "Kompas-aanbod")
    client.force_login(personas.els)
    assert client.get(f"/aanbod/{own.pk}/bewerken/").status_code == 200
    response = client.post(f"/aanbod/{own.pk}/bewerken/", post_data(personas, title="Taalcafé+"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Taalcafé+"
    assert client.get(f"/aanbod/{other.pk}/bewerken/").status_code == 404
    assert client.post(f"/aanbod/{other.pk}/bewerken/", post_data(personas, title="Gekaapt")).status_code == 404
    other.refresh_from_db()
    assert other.title == "Kompas-aanbod"
    assert client.get(f"/aanbod/{other.pk}/").status_code == 200  # reading the social map is open


def test_the_outsider_and_another_region_cannot_edit(personas: Any, client: Browser) -> None:
    own = make_offer(personas, personas.brug, personas.els)
    client.force_login(personas.olaf)
    assert client.get(f"/aanbod/{own.pk}/bewerken/").status_code == 404
    client.force_login(personas.nadia)
    assert client.get(f"/aanbod/{own.pk}/").status_code == 404
    assert client.get(f"/aanbod/{own.pk}/bewerken/").status_code == 404
    client.force_login(personas.ine)  # jury member: reads, never edits
    assert client.get(f"/aanbod/{own.pk}/bewerken/").status_code == 404
    assert client.get("/aanbod/nieuw/").status_code == 404


def test_the_coordinator_sees_and_edits_all_offers_of_the_region(personas: Any, client: Browser) -> None:
    other = make_offer(personas, personas.kompas, personas.olaf, "Kompas-aanbod")
    client.force_login(personas.wouter)
    assert client.get(f"/aanbod/{other.pk}/bewerken/").status_code == 200


def test_the_search_filters_by_obstacle_type_municipality_and_language(personas: Any, client: Browser) -> None:
    make_offer(personas, personas.brug, personas.els)
    client.force_login(personas.sofie)
    region = personas.region
    dutch = Obstacle.objects.get(region=region, code="limited-dutch").pk
    debts = Obstacle.objects.get(region=region, code="debts").pk
    assert "Taalcafé" in client.get(f"/aanbod/?obstacle={dutch}").content.decode()
    assert "Taalcafé" not in client.get(f"/aanbod/?obstacle={debts}").content.decode()
    gistel = region.municipalities.get(code="gistel").pk
    assert "Taalcafé" not in client.get(f"/aanbod/?municipality={gistel}").content.decode()
    assert "Taalcafé" in client.get("/aanbod/?language=ar").content.decode()
    assert "Taalcafé" not in client.get("/aanbod/?language=ti").content.decode()


def test_the_catalogue_has_a_fixed_number_of_queries(personas: Any, client: Browser) -> None:
    make_offer(personas, personas.brug, personas.els)
    client.force_login(personas.sofie)
    client.get("/aanbod/")
    with CaptureQueriesContext(connection) as few:
        client.get("/aanbod/")
    demo_seed(region=personas.region, clients=0, seed=1)
    with CaptureQueriesContext(connection) as many:
        client.get("/aanbod/")
    assert len(few) == len(many)


def test_els_edits_her_offer_with_the_regions_choices_read_once_and_another_regions_refused(
    personas: Any, client: Browser, django_assert_max_num_queries: Any
) -> None:
    from apps.regions.models import Municipality

    own = make_offer(personas, personas.brug, personas.els)
    client.force_login(personas.els)
    client.get(f"/aanbod/{own.pk}/bewerken/")
    # session, user, offer, organisations, region, the offer's four sets of choices, menu: the region's
    # intervention types, obstacles, municipalities and target groups are kept per region version
    with django_assert_max_num_queries(10):
        html = client.get(f"/aanbod/{own.pk}/bewerken/").content.decode()
    assert "Gistel" in html and "Ichtegem" in html
    elsewhere = Municipality.objects.exclude(region=personas.region).first()
    assert elsewhere is not None
    response = client.post(
        f"/aanbod/{own.pk}/bewerken/", post_data(personas, municipalities=[elsewhere.pk], version=str(own.version))
    )
    assert response.status_code != 302 and "geen beschikbare keuze" in response.content.decode()
    own.refresh_from_db()
    assert not own.municipalities.filter(pk=elsewhere.pk).exists()


def test_an_invalid_filter_shows_its_error_and_the_valid_ones_still_apply(personas: Any, client: Browser) -> None:
    make_offer(personas, personas.brug, personas.els)
    client.force_login(personas.sofie)
    gistel = personas.region.municipalities.get(code="gistel").pk
    html = client.get(f"/aanbod/?obstacle=abc&municipality={gistel}").content.decode()
    assert "Taalcafé" not in html  # the municipality still filters: the Taalcafé serves Oostende and Bredene
    assert "geen beschikbare keuze" in html or "geldige keuze" in html
