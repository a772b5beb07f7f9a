"""The pathway API has the pages' permissions: the team within consent, 404 for everyone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.consent.services import consent_record, consent_withdraw
from apps.pathways.services import contact_log_add, pathway_start, team_add
from conftest import register_client


@pytest.fixture
def pathway(personas: Any) -> Any:
    client = register_client(personas)
    pathway = pathway_start(
        client=client, actor=personas.sofie, organisation=personas.lb, started_on=dt.date(2026, 1, 15)
    )
    contact_log_add(
        pathway=pathway,
        actor=personas.sofie,
        organisation=personas.lb,
        happened_on=dt.date(2026, 3, 1),
        place="home",
        summary="Vertrouwelijk",
        confidential=True,
    )
    return pathway


def urls(pathway: Any) -> list[tuple[str, str]]:
    return [("get", f"/api/v1/pathways/{pathway.pk}/"), ("post", f"/api/v1/pathways/{pathway.pk}/contacts/")]


def test_every_pathway_endpoint_is_walked() -> None:
    from apps.api import urls as api_urls

    names = {p.name for p in api_urls.urlpatterns if p.name and p.name.startswith("pathway-")}
    assert names == {"pathway-list", "pathway-detail", "pathway-contacts"}  # the list, and the two in urls()


@pytest.mark.parametrize("who", ["olaf", "nadia", "ine", "glenn", "els"])
def test_outsiders_get_404_on_every_pathway_endpoint(personas: Any, pathway: Any, who: str) -> None:
    api = APIClient()
    api.force_authenticate(getattr(personas, who))
    for method, url in urls(pathway):
        response = getattr(api, method)(
            url, {"happened_on": "2026-03-02", "place": "street", "summary": "x"}, format="json"
        )
        assert response.status_code == 404, (who, url)
    assert api.get("/api/v1/pathways/").json()["results"] == []
    assert not pathway.contacts.filter(summary="x").exists()


def test_anonymous_is_refused(pathway: Any) -> None:
    api = APIClient()
    for method, url in urls(pathway):
        assert getattr(api, method)(url).status_code == 403  # session authentication: 403, not 401


def test_a_team_member_within_consent_reads_and_logs_contacts(personas: Any, pathway: Any) -> None:
    consent = consent_record(
        client=pathway.client,
        organisations=[personas.brug],
        categories=["identity"],
        purposes=["guidance"],
        method="written",
        given_on=dt.date(2026, 2, 1),
        actor=personas.sofie,
        actor_organisation=personas.lb,
    )
    team_add(
        pathway=pathway,
        actor=personas.sofie,
        user=personas.els,
        organisation=personas.brug,
        role="partner_worker",
        task="Taalcafé",
    )
    api = APIClient()
    api.force_authenticate(personas.els)
    data = api.get(f"/api/v1/pathways/{pathway.pk}/").json()
    assert [m["task"] for m in data["team"]] == ["Houdt de regie", "Taalcafé"]
    assert data["contacts"] == []  # the confidential contact stays within Lokaal bestuur Oostende
    assert [p["id"] for p in api.get("/api/v1/pathways/").json()["results"]] == [pathway.pk]
    response = api.post(
        f"/api/v1/pathways/{pathway.pk}/contacts/",
        {"happened_on": "2026-03-02", "place": "street", "summary": "Samen op stap"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["organisation"] == "De Brug vzw"
    assert AuditEntry.objects.filter(action="pathways.contact.logged", actor=personas.els).exists()
    assert AuditEntry.objects.filter(action="clients.client.viewed", changes__page="api:pathway-detail").exists()
    consent_withdraw(consent=consent, actor=personas.sofie)
    assert api.get(f"/api/v1/pathways/{pathway.pk}/").status_code == 404


def test_bad_contact_input_is_pointed_at(personas: Any, pathway: Any) -> None:
    api = APIClient()
    api.force_authenticate(personas.sofie)
    response = api.post(f"/api/v1/pathways/{pathway.pk}/contacts/", {"place": "moon"}, format="json")
    assert response.status_code == 400
    assert {"happened_on", "place", "summary"} <= set(response.json())
