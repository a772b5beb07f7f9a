"""Issue 14: need-to-know inside an organisation, ended memberships, consents and plans shown only as far as
allowed, and the one record of reads (docs/decisions/0014-access-matrix.md). Each test fails on the old code."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import Client as Browser
from rest_framework.test import APIClient

from apps.accounts.models import Membership
from apps.audit.models import AuditEntry
from apps.clients.permissions import get_client_for_user
from apps.pathways.models import Goal
from apps.pathways.services import action_add, team_add
from apps.regions.models import LifeDomain
from tests.factories import complete_screening, give_consent, register_client, start_pathway


def team_of_brug(personas: Any) -> Any:
    """A pathway of Lokaal bestuur with Els (De Brug) on the team under an identity consent."""
    pathway = start_pathway(personas)
    give_consent(personas, pathway.client, to=personas.brug, categories=["identity", "life_domains"])
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug, role="partner_worker"
    )
    return pathway


# --- finding 1: an ended membership or organisation cuts every access ------------------------------------


@pytest.mark.parametrize("end", ["membership", "organisation"])
def test_a_worker_whose_membership_or_organisation_ended_loses_the_pathway_its_api_and_contact_form(
    personas: Any, client: Browser, end: str
) -> None:
    pathway = team_of_brug(personas)
    client.force_login(personas.els)
    assert client.get(f"/trajecten/{pathway.pk}/").status_code == 200
    if end == "membership":
        Membership.objects.filter(user=personas.els).update(is_active=False)
    else:
        type(personas.brug).objects.filter(pk=personas.brug.pk).update(is_active=False)
    assert client.get(f"/trajecten/{pathway.pk}/").status_code == 404
    assert client.get(f"/trajecten/{pathway.pk}/contact/nieuw/").status_code == 404
    api = APIClient()
    api.force_login(personas.els)
    assert api.get(f"/api/v1/pathways/{pathway.pk}/").status_code == 404
    assert api.get("/api/v1/pathways/").json()["results"] == []
    response = api.post(
        f"/api/v1/pathways/{pathway.pk}/contacts/",
        {"happened_on": "2026-03-02", "place": "street", "summary": "Samen op stap"},
        format="json",
    )
    assert response.status_code == 404


# --- finding 2: consents and the timeline only for those they concern --------------------------------------


def test_a_partner_with_identity_consent_sees_only_the_consents_given_to_its_own_organisation(
    personas: Any, client: Browser
) -> None:
    hulpvrager = register_client(personas)
    mine = give_consent(personas, hulpvrager, to=personas.brug, categories=["identity"])
    other = give_consent(personas, hulpvrager, to=personas.kompas, categories=["identity", "health"])
    client.force_login(personas.els)
    response = client.get(f"/hulpvragers/{hulpvrager.pk}/")
    assert [c.pk for c in response.context["consents"]] == [mine.pk]
    api = APIClient()
    api.force_login(personas.els)
    ids = [c["id"] for c in api.get(f"/api/v1/clients/{hulpvrager.pk}/consents/").json()["results"]]
    assert ids == [mine.pk] and other.pk not in ids


def test_a_coordinator_does_not_see_the_timeline_of_another_organisations_client(
    personas: Any, client: Browser
) -> None:
    hulpvrager = register_client(personas, organisation=personas.brug, actor=personas.els)
    client.force_login(personas.wouter)  # coordinator at Lokaal bestuur: identity of every client, no history
    response = client.get(f"/hulpvragers/{hulpvrager.pk}/")
    assert response.status_code == 200 and not response.context["timeline"]


# --- finding 3: an action tied to a hidden goal stays hidden -----------------------------------------------


def test_an_action_on_a_goal_in_a_hidden_category_is_not_shown_on_the_page_nor_in_the_api(
    personas: Any, client: Browser
) -> None:
    pathway = team_of_brug(personas)
    health = Goal.objects.create(
        pathway=pathway,
        life_domain=LifeDomain.objects.get(region=personas.region, code="mental-health"),
        description="Therapie volhouden",
    )
    action_add(
        pathway=pathway,
        actor=personas.sofie,
        description="Afspraak psychiater",
        owner=personas.sofie,
        owner_organisation=personas.lb,
        goal=health,
    )
    client.force_login(personas.els)
    assert "Afspraak psychiater" not in client.get(f"/trajecten/{pathway.pk}/").content.decode()
    api = APIClient()
    api.force_login(personas.els)
    assert api.get(f"/api/v1/pathways/{pathway.pk}/").json()["actions"] == []
    client.force_login(personas.sofie)
    assert "Afspraak psychiater" in client.get(f"/trajecten/{pathway.pk}/").content.decode()


# --- finding 4: the peer companion needs to know ------------------------------------------------------------


def test_a_peer_companion_sees_only_the_clients_whose_team_they_are_on(personas: Any, client: Browser) -> None:
    mine = start_pathway(personas)
    other = register_client(personas, first_name="Ahmed", last_name="Benali")
    team_add(pathway=mine, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion")
    with pytest.raises(Http404):
        get_client_for_user(personas.yonas, other.pk)
    client.force_login(personas.yonas)
    assert client.get(f"/hulpvragers/{other.pk}/").status_code == 404
    listed = client.get("/hulpvragers/").content.decode()
    assert "Tesfaye" in listed and "Benali" not in listed
    assert client.get(f"/hulpvragers/{mine.client.pk}/").status_code == 200


def test_a_peer_companion_on_the_team_cannot_edit_close_or_withdraw_and_sees_no_number_nor_special_data(
    personas: Any, client: Browser
) -> None:
    pathway = start_pathway(personas)
    hulpvrager = pathway.client
    complete_screening(hulpvrager, personas.sofie, obstacles=["electronic-monitoring", "debts"])
    consent = give_consent(personas, hulpvrager, to=personas.brug, categories=["identity"])
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion"
    )
    access = get_client_for_user(personas.yonas, hulpvrager.pk)
    assert not access.can_edit and not access.sees("health") and not access.sees("justice")
    assert access.sealed == {"health", "addiction", "justice"}
    client.force_login(personas.yonas)
    html = client.get(f"/hulpvragers/{hulpvrager.pk}/").content.decode()
    assert "elektronisch toezicht" not in html.lower()
    assert client.get(f"/hulpvragers/{hulpvrager.pk}/bewerken/").status_code == 404
    assert client.get(f"/trajecten/{pathway.pk}/afsluiten/").status_code == 404
    assert client.post(f"/hulpvragers/{hulpvrager.pk}/toestemming/{consent.pk}/intrekken/").status_code == 404
    assert client.get(f"/trajecten/{pathway.pk}/").status_code == 200  # still on the team: may log contacts
    assert client.get(f"/trajecten/{pathway.pk}/contact/nieuw/").status_code == 200


def test_breaking_the_glass_asks_a_reason_records_it_and_opens_the_category_for_that_user(
    personas: Any, client: Browser
) -> None:
    pathway = start_pathway(personas)
    hulpvrager = pathway.client
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion"
    )
    client.force_login(personas.yonas)
    url = f"/hulpvragers/{hulpvrager.pk}/verzegeld/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"categories": ["justice"], "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not get_client_for_user(personas.yonas, hulpvrager.pk).sees("justice")
    response = client.post(url, {"categories": ["justice"], "reason": "Begeleiding naar de justitieassistent"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="clients.seal.opened")
    assert entry.actor == personas.yonas and entry.object_id == str(hulpvrager.pk)
    assert entry.changes["categories"] == ["justice"] and "justitieassistent" in entry.changes["reason"]
    access = get_client_for_user(personas.yonas, hulpvrager.pk)
    assert access.sees("justice") and not access.sees("health")
    client.force_login(personas.sofie)  # Sofie sees everything already: nothing to open
    assert client.get(url).status_code == 404


# --- item 2: one record of reads for every page, list and API call --------------------------------------------


def test_lists_write_one_read_entry_with_the_ids_shown(personas: Any, client: Browser) -> None:
    first = register_client(personas)
    second = register_client(personas, first_name="Ahmed", last_name="Benali")
    client.force_login(personas.sofie)
    before = AuditEntry.objects.count()
    client.get("/hulpvragers/")
    entries = list(AuditEntry.objects.filter(sequence__gt=before))
    assert [e.action for e in entries] == ["clients.list.viewed"]
    assert entries[0].changes["clients"] == sorted([first.pk, second.pk])
    assert entries[0].changes["page"] == "clients:list"
    api = APIClient()
    api.force_login(personas.sofie)
    api.get("/api/v1/clients/")
    assert AuditEntry.objects.filter(action="clients.list.viewed", changes__page="api:client-list").count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/hulpvragers/{c}/bewerken/",
        "/hulpvragers/{c}/toestemming/nieuw/",
        "/trajecten/{p}/plan/",
        "/trajecten/{p}/team/",
        "/trajecten/{p}/afsluiten/",
        "/trajecten/{p}/contact/nieuw/",
    ],
)
def test_forms_that_show_client_data_record_the_read(personas: Any, client: Browser, path: str) -> None:
    pathway = start_pathway(personas)
    client.force_login(personas.sofie)
    url = path.format(c=pathway.client.pk, p=pathway.pk)
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.filter(action="clients.client.viewed").latest("sequence")
    assert entry.object_id == str(pathway.client.pk) and entry.actor == personas.sofie
    assert entry.changes["organisations"] == [personas.lb.pk] and entry.changes["purpose"] == "guidance"


def test_a_refused_request_records_no_read(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    client.force_login(personas.olaf)
    assert client.get(f"/hulpvragers/{hulpvrager.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action__in=["clients.client.viewed", "clients.list.viewed"]).exists()
