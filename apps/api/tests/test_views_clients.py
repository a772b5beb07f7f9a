"""Clients through the API: list, register, read, change."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from apps.api.tests.conftest import national_number, register
from apps.audit.models import AuditEntry
from apps.clients.models import Client


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Jonas",
        "last_name": "Vermeulen",
        "birth_date": "1985-07-02",
        "gender": "M",
        "municipality": "oostende",
        "dutch_level": "B1",
        "languages": ["nl", "fr"],
    }
    data.update(overrides)
    return data


def test_the_list_shows_the_clients_of_my_organisation(personas: SimpleNamespace, api: Any) -> None:
    amina = register(personas)
    register(personas, first_name="Bart", last_name="Claeys", birth_date=dt.date(1970, 1, 1))
    response = api(personas.sofie).get("/api/v1/clients/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [r["last_name"] for r in data["results"]] == ["Claeys", "Peeters"]
    row = data["results"][1]
    assert row["id"] == amina.pk
    assert row["organisation"] == {"id": personas.lb.pk, "name": "Lokaal bestuur Oostende"}
    assert "national_number" not in row
    assert api(personas.sofie).get("/api/v1/clients/", {"q": "amin"}).json()["count"] == 1


def test_register_with_an_invalid_national_number_is_400_in_dutch(personas: SimpleNamespace, api: Any) -> None:
    http = api(personas.sofie)
    response = http.post("/api/v1/clients/", body(national_number="123"), format="json")
    assert response.status_code == 400
    assert response.json() == {"national_number": ["Een rijksregister- of BIS-nummer heeft 11 cijfers."]}
    wrong_check = national_number(dt.date(1985, 7, 2))[:-2] + "00"
    response = http.post("/api/v1/clients/", body(national_number=wrong_check), format="json")
    assert response.status_code == 400
    assert response.json()["national_number"] == ["De controlecijfers van dit nummer kloppen niet."]
    assert not Client.objects.exists()


def test_register_reports_missing_fields_by_field(personas: SimpleNamespace, api: Any) -> None:
    response = api(personas.sofie).post(
        "/api/v1/clients/", {"first_name": "X", "municipality": "veurne"}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert {"last_name", "birth_date", "gender", "dutch_level", "municipality"} <= set(errors)
    assert errors["last_name"] == ["Dit veld is vereist."]


def test_register_with_a_valid_national_number_is_201(personas: SimpleNamespace, api: Any) -> None:
    number = national_number(dt.date(1985, 7, 2))
    response = api(personas.sofie).post(
        "/api/v1/clients/", body(national_number=number, deelgemeente="stene"), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    client = Client.objects.get(pk=data["id"])
    assert client.organisation == personas.lb and client.registered_by == personas.sofie
    assert client.deelgemeente is not None and client.deelgemeente.code == "stene"
    assert data["national_number"] == f"{number[0:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    assert data["owner"] is True and "confirm_new" not in data
    assert number not in client.national_number_encrypted and client.national_number_digest
    assert AuditEntry.objects.filter(action="clients.client.registered", object_id=str(client.pk)).exists()


def test_register_checks_the_deelgemeente_and_municipality(personas: SimpleNamespace, api: Any) -> None:
    http = api(personas.sofie)
    response = http.post("/api/v1/clients/", body(deelgemeente="bogus"), format="json")
    assert response.status_code == 400
    assert response.json() == {"deelgemeente": ["Deze deelgemeente hoort niet bij de gemeente."]}
    westhoek_town = personas.westhoek_org.region.municipalities.first()
    response = http.post("/api/v1/clients/", body(municipality=westhoek_town.code), format="json")
    assert response.status_code == 400 and "municipality" in response.json()


def test_register_asks_to_confirm_a_possible_duplicate(personas: SimpleNamespace, api: Any) -> None:
    register(personas, first_name="Jonas", last_name="Vermeulen", birth_date=dt.date(1985, 7, 2))
    http = api(personas.els)  # De Brug registers someone Lokaal bestuur Oostende already knows
    response = http.post("/api/v1/clients/", body(), format="json")
    assert response.status_code == 409  # a conflict with what the partnership knows, not malformed input
    data = response.json()
    assert data["possible_duplicates"] == [
        {"organisation": "Lokaal bestuur Oostende", "reason": "gelijkaardige naam en zelfde geboortedatum"}
    ]
    assert "id" not in str(data["possible_duplicates"])
    response = http.post("/api/v1/clients/", body(confirm_new=True), format="json")
    assert response.status_code == 201
    assert Client.objects.get(pk=response.json()["id"]).organisation == personas.brug


def test_only_case_roles_may_register(personas: SimpleNamespace, api: Any) -> None:
    for who in (personas.nadia, personas.glenn, personas.ine):
        assert api(who).post("/api/v1/clients/", body(), format="json").status_code == 404


def test_detail_records_the_read_and_shows_identity(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    response = api(personas.sofie).get(f"/api/v1/clients/{client.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["first_name"] == "Amina" and data["municipality"] == {"code": "oostende", "name": "Oostende"}
    number = national_number(dt.date(1990, 3, 15))
    assert data["national_number"] == f"90.03.15-123.{number[9:]}"
    assert data["categories"] == sorted(data["categories"]) and "health" in data["categories"]
    entry = AuditEntry.objects.get(action="clients.client.viewed")
    assert (
        entry.actor == personas.sofie
        and entry.object_id == str(client.pk)
        and entry.changes["page"] == "api:client-detail"
    )


def test_patch_by_the_owner_goes_through_the_service(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    digest = client.national_number_digest
    response = api(personas.sofie).patch(
        f"/api/v1/clients/{client.pk}/", {"phone": "0499 11 22 33", "national_number": ""}, format="json"
    )
    assert response.status_code == 200, response.json()
    client.refresh_from_db()
    assert client.phone == "0499 11 22 33" and client.national_number_digest == digest
    entry = AuditEntry.objects.get(action="clients.client.updated")
    assert entry.changes == {"fields": ["phone"]}


def test_patch_validates_through_the_service(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    http = api(personas.sofie)
    response = http.patch(f"/api/v1/clients/{client.pk}/", {"national_number": "85070212345"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["national_number"]
    response = http.patch(f"/api/v1/clients/{client.pk}/", {"municipality": "bredene"}, format="json")
    assert response.status_code == 200 and response.json()["municipality"]["code"] == "bredene"


def test_patch_by_a_partner_worker_with_consent_is_404(personas: SimpleNamespace, api: Any) -> None:
    from apps.api.tests.conftest import give_consent

    client = register(personas)
    give_consent(personas, client, ["identity", "life_domains", "health"])
    http = api(personas.els)
    assert http.get(f"/api/v1/clients/{client.pk}/").status_code == 200
    assert http.patch(f"/api/v1/clients/{client.pk}/", {"phone": "1"}, format="json").status_code == 404
    client.refresh_from_db()
    assert client.phone == "0470 12 34 56"
