"""Every API URL, walked as people who may not see the client: the same 404 as the pages."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from apps.api import urls as api_urls
from apps.api.tests.conftest import give_consent, register, screen
from apps.audit.models import AuditEntry

DOCS = {"schema", "docs"}


def walk(personas: SimpleNamespace) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(url name, method, path, body) for every API endpoint on one client of Lokaal bestuur Oostende."""
    client = register(personas)
    screen(personas, client, dt.date(2026, 1, 10))
    consent = give_consent(personas, client, ["identity", "life_domains"], organisation=personas.vdab)
    base = f"/api/v1/clients/{client.pk}"
    consent_body = {
        "organisations": [personas.kompas.pk], "categories": ["identity"], "purposes": ["guidance"],
        "method": "written", "given_on": "2026-01-10",
    }  # fmt: skip
    return [
        ("client-list", "get", "/api/v1/clients/", {}),
        ("client-detail", "get", f"{base}/", {}),
        ("client-detail", "patch", f"{base}/", {"phone": "0499 99 99 99"}),
        ("client-screenings", "get", f"{base}/screenings/", {}),
        ("client-classification", "get", f"{base}/classification/", {}),
        ("client-consents", "get", f"{base}/consents/", {}),
        ("client-consents", "post", f"{base}/consents/", consent_body),
        ("consent-withdraw", "post", f"{base}/consents/{consent.pk}/withdraw/", {}),
    ]


def test_the_walk_covers_every_api_url(personas: SimpleNamespace) -> None:
    # the pathway endpoints are walked in test_pathways_api.py
    names = {p.name for p in api_urls.urlpatterns if not (p.name or "").startswith("pathway-")} - DOCS
    assert {name for name, *_ in walk(personas)} == names


@pytest.mark.parametrize("who", ["olaf", "nadia", "glenn", "ine"])
def test_outsiders_get_404_everywhere_and_an_empty_list(personas: SimpleNamespace, api: Any, who: str) -> None:
    steps = walk(personas)
    http = api(getattr(personas, who))
    for name, method, path, body in steps:
        response = getattr(http, method)(path, body, format="json")
        if name == "client-list":
            assert response.status_code == 200, (who, path)
            assert response.json()["count"] == 0 and response.json()["results"] == []
        else:
            assert response.status_code == 404, (who, method, path, response.status_code)
    assert not AuditEntry.objects.filter(action="clients.client.viewed").exists()
    assert not AuditEntry.objects.filter(action="consent.consent.withdrawn").exists()
    assert AuditEntry.objects.filter(action="consent.consent.given").count() == 1


def test_anonymous_is_refused_everywhere(personas: SimpleNamespace, api: Any) -> None:
    http = api(None)
    for _name, method, path, body in walk(personas):
        response = getattr(http, method)(path, body, format="json")
        assert response.status_code == 403, (method, path)  # session authentication: 403, not 401
    anonymous_post = http.post("/api/v1/clients/", {}, format="json")
    assert anonymous_post.status_code == 403


def test_a_coordinator_of_another_organisation_in_the_region_sees_identity_only(
    personas: SimpleNamespace, api: Any
) -> None:
    """Same rule as the page: a region coordinator sees identity and contact, nothing more."""
    from apps.accounts.models import Membership, Role

    Membership.objects.create(user=personas.olaf, organisation=personas.kompas, role=Role.COORDINATOR)
    client = register(personas)
    screen(personas, client, dt.date(2026, 1, 10))
    http = api(personas.olaf)
    detail = http.get(f"/api/v1/clients/{client.pk}/").json()
    assert detail["categories"] == ["identity"] and detail["owner"] is False
    assert detail["national_number"].endswith("-•••.••")
    assert http.get(f"/api/v1/clients/{client.pk}/screenings/").json()["results"] == []
    assert http.get(f"/api/v1/clients/{client.pk}/classification/").json()["available"] is False
    assert http.patch(f"/api/v1/clients/{client.pk}/", {"phone": "1"}, format="json").status_code == 404


def test_the_api_takes_no_password_so_it_cannot_be_used_to_guess_past_the_lockout(
    personas: SimpleNamespace, client: Any
) -> None:
    """The lockout (django-axes) guards the login page; the API authenticates only the session that page made,
    so a password sent to the API (HTTP Basic) is never checked: 30 wrong ones and then the right one are all
    refused alike, and nothing is logged in (issue 14, finding 6)."""
    import base64

    from conftest import PASSWORD

    def basic(password: str) -> str:
        return "Basic " + base64.b64encode(f"sofie:{password}".encode()).decode()

    answers = {client.get("/api/v1/clients/", HTTP_AUTHORIZATION=basic(f"wrong-{i}")).status_code for i in range(30)}
    right = client.get("/api/v1/clients/", HTTP_AUTHORIZATION=basic(PASSWORD))
    assert answers == {403} and right.status_code == 403 and "_auth_user_id" not in client.session
