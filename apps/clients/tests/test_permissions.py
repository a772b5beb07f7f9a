"""Who opens a client file: the owner organisation, consented partners within the consent, nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import Client as Browser

from apps.audit.models import AuditEntry
from apps.clients.permissions import get_client_for_user
from apps.consent.services import consent_withdraw
from tests.factories import complete_screening, give_consent, register_client


def test_the_registering_organisation_sees_everything(personas: Any) -> None:
    client = register_client(personas)
    for person in (personas.sofie, personas.yonas, personas.wouter):
        access = get_client_for_user(person, client.pk)
        assert access.sees("health") and access.sees("justice")
    assert get_client_for_user(personas.sofie, client.pk).can_edit


@pytest.mark.parametrize("who", ["els", "olaf", "nadia", "ine", "glenn"])
def test_others_get_404_without_consent(personas: Any, who: str) -> None:
    client = register_client(personas)
    with pytest.raises(Http404):
        get_client_for_user(getattr(personas, who), client.pk)


def test_a_partner_worker_sees_only_what_consent_covers(personas: Any) -> None:
    client = register_client(personas)
    give_consent(personas, client, to=personas.brug, categories=["identity", "life_domains"])
    access = get_client_for_user(personas.els, client.pk)
    assert access.sees("identity") and access.sees("life_domains")
    assert not access.sees("health") and not access.sees("justice")
    assert not access.can_edit
    with pytest.raises(Http404):  # Kompas is not in the consent
        get_client_for_user(personas.olaf, client.pk)


def test_a_withdrawal_takes_effect_on_the_next_request(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    consent = give_consent(personas, hulpvrager, to=personas.brug, categories=["identity"])
    client.force_login(personas.els)
    assert client.get(f"/hulpvragers/{hulpvrager.pk}/").status_code == 200
    consent_withdraw(consent=consent, actor=personas.sofie)
    assert client.get(f"/hulpvragers/{hulpvrager.pk}/").status_code == 404


def test_the_file_page_hides_what_consent_does_not_cover(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=["electronic-monitoring", "debts", "limited-mobility"])
    give_consent(personas, hulpvrager, to=personas.brug, categories=["identity", "life_domains"])
    client.force_login(personas.els)
    html = client.get(f"/hulpvragers/{hulpvrager.pk}/").content.decode()
    assert "Beperkte mobiliteit" in html  # mobility: a plain life domain
    assert "elektronisch toezicht" not in html.lower()  # justice: not in the consent
    assert "Psychisch welzijn" not in html  # health domain hidden from the radar and the table
    assert 'id="challenge-ranking"' not in html  # the classification rests on data not covered
    client.force_login(personas.sofie)
    html = client.get(f"/hulpvragers/{hulpvrager.pk}/").content.decode()
    assert "elektronisch toezicht" in html.lower() and 'id="challenge-ranking"' in html


@pytest.mark.parametrize("who", ["olaf", "nadia", "ine", "glenn"])
def test_outsiders_get_404_on_every_client_page(personas: Any, client: Browser, who: str) -> None:
    hulpvrager = register_client(personas)
    screening = complete_screening(hulpvrager, personas.sofie, obstacles=["debts"])
    consent = give_consent(personas, hulpvrager, to=personas.brug, categories=["identity"])
    client.force_login(getattr(personas, who))
    base = f"/hulpvragers/{hulpvrager.pk}"
    for url in (
        f"{base}/",
        f"{base}/bewerken/",
        f"{base}/toestemming/nieuw/",
        f"{base}/toestemming/formulier/",
        f"{base}/screening/{screening.pk}/domeinen/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/screening/nieuw/", f"{base}/toestemming/{consent.pk}/intrekken/"):
        assert client.post(url).status_code == 404, url


def test_a_consented_partner_cannot_change_the_file(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    give_consent(personas, hulpvrager, to=personas.brug, categories=["identity"])
    client.force_login(personas.els)
    assert client.get(f"/hulpvragers/{hulpvrager.pk}/bewerken/").status_code == 404
    assert client.post(f"/hulpvragers/{hulpvrager.pk}/screening/nieuw/").status_code == 404


def test_every_opening_of_a_client_file_is_recorded(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    client.force_login(personas.sofie)
    client.get(f"/hulpvragers/{hulpvrager.pk}/")
    client.get(f"/hulpvragers/{hulpvrager.pk}/")
    views = AuditEntry.objects.filter(action="clients.client.viewed", object_id=str(hulpvrager.pk))
    assert views.count() == 2
    assert {v.actor for v in views} == {personas.sofie}
    assert all(v.changes == {"page": "client_file"} for v in views)


def test_the_classification_needs_consent_to_every_category_it_uses(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=["debts", "limited-dutch"])
    give_consent(
        personas,
        hulpvrager,
        to=personas.brug,
        categories=["identity", "life_domains", "health", "addiction", "justice"],
    )
    client.force_login(personas.els)
    html = client.get(f"/hulpvragers/{hulpvrager.pk}/").content.decode()
    assert 'id="challenge-ranking"' not in html and "Schulden" not in html  # finances not covered
    give_consent(personas, hulpvrager, to=personas.brug, categories=["finances", "work_education"])
    html = client.get(f"/hulpvragers/{hulpvrager.pk}/").content.decode()
    assert 'id="challenge-ranking"' in html


def test_consent_only_for_organisations_of_the_clients_partnership(personas: Any) -> None:
    from django.core.exceptions import ValidationError

    hulpvrager = register_client(personas)
    with pytest.raises(ValidationError) as info:
        give_consent(personas, hulpvrager, to=personas.westhoek_org, categories=["identity"])
    assert "organisations" in info.value.message_dict


def test_the_coordinator_lists_the_regions_clients(personas: Any, client: Browser) -> None:
    elsewhere = register_client(personas, organisation=personas.kompas, actor=personas.olaf, first_name="Kompasklant")
    client.force_login(personas.wouter)
    assert f"/hulpvragers/{elsewhere.pk}/" in client.get("/hulpvragers/").content.decode()
    client.force_login(personas.nadia)
    assert f"/hulpvragers/{elsewhere.pk}/" not in client.get("/hulpvragers/").content.decode()
