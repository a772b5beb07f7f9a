"""The consent pages of a client file (apps/workspace/views_consent.py) and the API offer and accept only the other
organisations of the partnership: the client's own organisation registered the client and holds the file already.
``consent_record`` is the one place that refuses it; the page does not offer it, nor does the printable form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as Browser
from rest_framework.test import APIClient

from apps.accounts.models import Organisation
from apps.consent.forms import ConsentForm
from apps.consent.models import Consent
from apps.core.tests.test_error_summary import Page
from apps.workspace import views_consent
from tests.factories import register_client

pytestmark = pytest.mark.django_db

OWN_ORGANISATION_REFUSED = (
    "Lokaal bestuur Oostende registreerde deze hulpvrager en heeft het dossier al: kies enkel andere organisaties."
)


def consent_data(*organisations: Any) -> dict[str, Any]:
    return {
        "decision": "given",
        "organisations": [o.pk for o in organisations],
        "categories": ["identity"],
        "purposes": ["guidance"],
        "method": "written",
        "given_on": "2026-02-01",
    }


def offered(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="organisations" id="[^"]*" value="(\d+)"', html)}


def test_sofie_is_offered_the_other_organisations_of_the_partnership_but_not_her_own(
    personas: Any, client: Browser
) -> None:
    mariam = register_client(personas)  # registered by Lokaal bestuur Oostende
    client.force_login(personas.sofie)
    html = client.get(f"/hulpvragers/{mariam.pk}/toestemming/nieuw/").content.decode()
    assert offered(html) == {personas.vdab.pk, personas.brug.pk, personas.kompas.pk}


def test_a_sent_own_organisation_is_refused_at_the_field_and_nothing_is_recorded(
    personas: Any, client: Browser
) -> None:
    mariam = register_client(personas)
    client.force_login(personas.sofie)
    response = client.post(f"/hulpvragers/{mariam.pk}/toestemming/nieuw/", consent_data(personas.brug, personas.lb))
    assert response.status_code == 200  # the form again, with the error at the organisations
    assert response.context["form"].errors["organisations"]
    page = Page(response.content.decode())
    assert page.links == ["#id_organisations_0"] and "id_organisations_0" in page.ids
    assert not Consent.objects.exists()
    assert client.post(f"/hulpvragers/{mariam.pk}/toestemming/nieuw/", consent_data(personas.brug)).status_code == 302
    assert list(Consent.objects.get().organisations.all()) == [personas.brug]


def test_the_page_shows_the_services_refusal_at_the_organisations(
    personas: Any, client: Browser, monkeypatch: Any
) -> None:
    """Should the page ever offer the own organisation again, the service still refuses it, at the field."""

    class OffersEveryOrganisation(ConsentForm):
        def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
            super().__init__(*args, region=region, **kwargs)
            self.fields["organisations"].queryset = Organisation.objects.filter(region=region)  # type: ignore[attr-defined]

    monkeypatch.setattr(views_consent, "ConsentForm", OffersEveryOrganisation)
    mariam = register_client(personas)
    client.force_login(personas.sofie)
    response = client.post(f"/hulpvragers/{mariam.pk}/toestemming/nieuw/", consent_data(personas.lb))
    assert response.context["form"].errors["organisations"] == [OWN_ORGANISATION_REFUSED]
    assert 'id="id_organisations-error"' in response.content.decode()
    assert not Consent.objects.exists()


def test_the_printable_consent_form_lists_the_other_organisations_only(personas: Any, client: Browser) -> None:
    mariam = register_client(personas)
    client.force_login(personas.sofie)
    html = client.get(f"/hulpvragers/{mariam.pk}/toestemming/formulier/").content.decode()
    listed = html[html.index("Met wie mogen wij uw gegevens delen?") : html.index("Welke gegevens?")]
    assert "De Brug vzw" in listed and "VDAB Oostende" in listed and "Lokaal bestuur Oostende" not in listed


def test_the_api_refuses_the_own_organisation_with_the_services_message(personas: Any) -> None:
    mariam = register_client(personas)
    api = APIClient()
    api.force_login(personas.sofie)
    data = consent_data(personas.lb)
    del data["decision"]
    response = api.post(f"/api/v1/clients/{mariam.pk}/consents/", data, format="json")
    assert response.status_code == 400
    assert response.json() == {"organisations": [OWN_ORGANISATION_REFUSED]}
    assert not Consent.objects.exists()
