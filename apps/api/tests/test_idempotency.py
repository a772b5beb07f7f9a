"""Issue 10 item 5: recording a consent through the API twice (a retry after a time-out, two at once) records one
consent when the requests carry one ``Idempotency-Key``; the key with another request is a 422 in Dutch."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.api.tests.conftest import register
from apps.audit.models import AuditEntry
from apps.consent.models import Consent
from apps.core.models import SubmissionKey
from tests.factories import RACES_NEED_POSTGRESQL, race


def consent_body(personas: SimpleNamespace) -> dict[str, Any]:
    return {"organisations": [personas.brug.pk], "categories": ["identity", "life_domains"],
            "purposes": ["guidance"], "method": "written", "given_on": "2026-01-11"}  # fmt: skip


def test_sofies_retried_consent_with_one_key_records_one_consent(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    http = api(personas.sofie)
    url = f"/api/v1/clients/{client.pk}/consents/"
    key = str(uuid.uuid4())
    first = http.post(url, consent_body(personas), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = http.post(url, consent_body(personas), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Consent.objects.filter(client=client).count() == 1
    assert AuditEntry.objects.filter(action="consent.consent.given").count() == 1
    # the key is not stored as sent (it is the sender's, and is scoped to Sofie and to recording a consent)
    assert not SubmissionKey.objects.filter(key=key).exists()
    # without a key, or with a new key, a second consent is recorded (the sender asked for it)
    assert http.post(url, consent_body(personas), format="json").status_code == 201
    assert http.post(url, consent_body(personas), format="json", HTTP_IDEMPOTENCY_KEY="tweede").status_code == 201
    assert Consent.objects.filter(client=client).count() == 3


def test_the_same_key_with_another_body_or_client_is_refused_in_dutch(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    other = register(personas, first_name="Bart", last_name="Claeys", birth_date=dt.date(1970, 1, 1))
    http = api(personas.sofie)
    key = "retry-17"
    assert http.post(f"/api/v1/clients/{client.pk}/consents/", consent_body(personas), format="json",
                     HTTP_IDEMPOTENCY_KEY=key).status_code == 201  # fmt: skip
    changed = {**consent_body(personas), "categories": ["identity", "health"]}
    response = http.post(f"/api/v1/clients/{client.pk}/consents/", changed, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Deze Idempotency-Key werd al gebruikt voor een ander verzoek. Gebruik een nieuwe sleutel voor "
        "een nieuw verzoek; er is niets geregistreerd."
    }
    response = http.post(
        f"/api/v1/clients/{other.pk}/consents/", consent_body(personas), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 422
    assert Consent.objects.count() == 1


def test_sofie_and_lotte_may_choose_the_same_key(personas: SimpleNamespace, api: Any) -> None:
    from apps.accounts.models import Membership, Role, User

    lotte = User.objects.create_user(username="lotte", first_name="Lotte", email="lotte@example.org")
    Membership.objects.create(user=lotte, organisation=personas.lb, role=Role.COUNSELLOR)
    client = register(personas)
    url = f"/api/v1/clients/{client.pk}/consents/"
    assert api(personas.sofie).post(url, consent_body(personas), format="json",
                                    HTTP_IDEMPOTENCY_KEY="1").status_code == 201  # fmt: skip
    response = api(lotte).post(url, consent_body(personas), format="json", HTTP_IDEMPOTENCY_KEY="1")
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert Consent.objects.filter(client=client).count() == 2


@pytest.mark.parametrize("bad", ["", "x" * 256, "sleutel met spaties", "café"])
def test_a_malformed_key_is_a_400(personas: SimpleNamespace, api: Any, bad: str) -> None:
    client = register(personas)
    response = api(personas.sofie).post(
        f"/api/v1/clients/{client.pk}/consents/", consent_body(personas), format="json", HTTP_IDEMPOTENCY_KEY=bad
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Consent.objects.exists()


def test_the_schema_documents_the_header_and_the_422(personas: SimpleNamespace, api: Any) -> None:
    schema = api(personas.sofie).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/clients/{id}/consents/"]["post"]
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header.get("required", False) is False
    assert "422" in post["responses"]


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_with_one_key_record_one_consent(personas: SimpleNamespace) -> None:
    client = register(personas)
    statuses: list[int] = []

    def post() -> None:
        http = APIClient()
        http.force_login(personas.sofie)
        response = http.post(f"/api/v1/clients/{client.pk}/consents/", consent_body(personas), format="json",
                             HTTP_IDEMPOTENCY_KEY="gelijktijdig")  # fmt: skip
        statuses.append(response.status_code)

    results = race(first=post, retry=post)
    recorded = Consent.objects.filter(client=client).count()
    assert results == {"first": "ok", "retry": "ok"} and statuses == [201, 201] and recorded == 1, statuses


def test_a_retried_registration_without_a_national_number_makes_one_client(personas: SimpleNamespace, api: Any) -> None:
    from apps.api.tests.test_views_clients import body
    from apps.clients.models import Client

    http = api(personas.sofie)
    first = http.post("/api/v1/clients/", body(), format="json", HTTP_IDEMPOTENCY_KEY="inschrijving-1")
    again = http.post("/api/v1/clients/", body(), format="json", HTTP_IDEMPOTENCY_KEY="inschrijving-1")
    assert (first.status_code, again.status_code) == (201, 201), first.json()
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Client.objects.filter(last_name="Vermeulen").count() == 1
    other = http.post("/api/v1/clients/", body(first_name="Jana"), format="json", HTTP_IDEMPOTENCY_KEY="inschrijving-1")
    assert other.status_code == 422 and Client.objects.filter(last_name="Vermeulen").count() == 1


def test_the_schema_documents_the_header_on_the_registration(personas: SimpleNamespace, api: Any) -> None:
    schema = api(personas.sofie).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/clients/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    assert "422" in post["responses"]


def test_a_change_with_a_stale_etag_is_a_412_and_saves_nothing(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    sofie, other_tab = api(personas.sofie), api(personas.sofie)
    url = f"/api/v1/clients/{client.pk}/"
    etag = sofie.get(url)["ETag"]
    assert etag == f'"{client.version}"'
    changed = other_tab.patch(url, {"phone": "0470 99 99 99"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    stale = sofie.patch(url, {"phone": "0470 11 11 11"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["detail"].startswith("Iemand anders heeft deze hulpvrager gewijzigd")
    client.refresh_from_db()
    assert client.phone == "0470 99 99 99"
    assert sofie.patch(url, {"phone": "0470 11 11 11"}, format="json", HTTP_IF_MATCH=changed["ETag"]).status_code == 200
    for junk in ("*", "abc", '"1.5"', "9" * 30):
        assert sofie.patch(url, {"phone": "x"}, format="json", HTTP_IF_MATCH=junk).status_code == 400
