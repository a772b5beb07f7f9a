"""A client file through the API: screenings, classification and consents, as owner and as partner."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import translation

from apps.api.tests.conftest import OBSTACLES, give_consent, register, screen
from apps.audit.models import AuditEntry
from apps.consent.models import Consent


def dutch(msgid: str) -> str:
    """The Dutch of a string this app added (its translation is merged into the catalogue separately)."""
    with translation.override("nl-be"):
        return translation.gettext(msgid)


HEALTH_DOMAINS = {"mental-health", "physical-health"}
SPECIAL_DOMAINS = HEALTH_DOMAINS | {"addiction", "justice"}


def domains_of(screening: dict[str, Any]) -> set[str]:
    return {row["life_domain"] for row in screening["domain_levels"]}


def test_the_owner_sees_everything(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    screen(personas, client, dt.date(2026, 1, 10), level=2)
    screen(personas, client, dt.date(2026, 3, 10), level=3)
    all_domains = set(personas.region.life_domains.values_list("code", flat=True))
    http = api(personas.sofie)

    screenings = http.get(f"/api/v1/clients/{client.pk}/screenings/").json()["results"]
    assert [s["screened_on"] for s in screenings] == ["2026-01-10", "2026-03-10"]
    latest = screenings[-1]
    assert domains_of(latest) == all_domains
    assert {row["level"] for row in latest["domain_levels"]} == {3}
    assert latest["obstacles"] == sorted(OBSTACLES)
    assert (latest["ladder_current"], latest["ladder_attainable"]) == (2, 4)
    assert latest["entry_data"]["employment_status"] == "unemployed"
    assert latest["entry_data"]["unemployed_months"] == 14
    assert latest["other_obstacles"] == "sleeps badly"

    classification = http.get(f"/api/v1/clients/{client.pk}/classification/").json()
    assert classification["available"] is True and classification["reason"] == ""
    assert classification["screening"] == latest["id"]
    assert {"psychosocial", "migration-background"} <= {g["code"] for g in classification["target_groups"]}
    first = classification["challenges"][0]
    assert set(first) == {"code", "persona", "title", "rank", "score", "explanation"}
    scores = [c["score"] for c in classification["challenges"]]
    assert scores == sorted(scores, reverse=True)

    pages = set(AuditEntry.objects.filter(action="clients.client.viewed").values_list("changes__page", flat=True))
    assert pages == {"api:client-screenings", "api:client-classification"}


def test_classification_without_a_screening(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    data = api(personas.sofie).get(f"/api/v1/clients/{client.pk}/classification/").json()
    assert data == {
        "available": False,
        "reason": dutch("The client has no completed screening yet."),
        "screening": None,
        "target_groups": [],
        "challenges": [],
    }


def test_a_partner_sees_only_what_the_consent_allows_until_it_is_withdrawn(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    screen(personas, client, dt.date(2026, 1, 10))
    els, sofie = api(personas.els), api(personas.sofie)
    base = f"/api/v1/clients/{client.pk}"

    # No consent, a consent for another organisation, a consent for another purpose: 404.
    assert els.get(f"{base}/").status_code == 404
    give_consent(personas, client, ["identity", "life_domains"], organisation=personas.kompas)
    assert els.get(f"{base}/").status_code == 404
    Consent.objects.create(
        client=client, categories=["identity"], purposes=["referral"], method="written",
        given_on=dt.date(2026, 1, 1), recorded_by=personas.sofie, recorded_by_organisation=personas.lb,
    ).organisations.set([personas.brug])  # fmt: skip
    assert els.get(f"{base}/").status_code == 404
    assert els.get("/api/v1/clients/").json()["count"] == 0

    # Identity and life domains for guidance: identity, and the life domains outside the special categories.
    response = sofie.post(
        f"{base}/consents/",
        {"organisations": [personas.brug.pk], "categories": ["identity", "life_domains"], "purposes": ["guidance"],
         "method": "verbal_witnessed", "witness": "Sofie's colleague", "given_on": "2026-01-11"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    identity_consent = response.json()["id"]
    detail = els.get(f"{base}/").json()
    assert detail["first_name"] == "Amina" and detail["owner"] is False
    assert detail["categories"] == ["identity", "life_domains"]
    assert detail["national_number"].startswith("90.03.15-") and detail["national_number"].endswith("-•••.••")
    assert els.get("/api/v1/clients/").json()["count"] == 1

    screening = els.get(f"{base}/screenings/").json()["results"][0]
    assert not domains_of(screening) & (SPECIAL_DOMAINS | {"finances", "work-education"})
    assert "social-network" in domains_of(screening)
    assert screening["obstacles"] == ["small-network"]
    assert screening["entry_data"] is None and screening["other_obstacles"] is None
    classification = els.get(f"{base}/classification/").json()
    assert classification["available"] is False and classification["challenges"] == []
    assert classification["reason"] == dutch(
        "The classification is not available: the consent does not cover all the data it is based on."
    )
    consents = els.get(f"{base}/consents/").json()["results"]
    assert identity_consent in {c["id"] for c in consents} and all(c["active"] for c in consents)

    # The owner's rights stay the owner's.
    assert els.post(f"{base}/consents/{identity_consent}/withdraw/").status_code == 404
    assert els.post(f"{base}/consents/", {}, format="json").status_code == 404

    # Health added by a second consent: now the health domains and obstacle show.
    health = give_consent(personas, client, ["health"])
    screening = els.get(f"{base}/screenings/").json()["results"][0]
    assert domains_of(screening) >= HEALTH_DOMAINS
    assert not domains_of(screening) & {"addiction", "justice", "finances"}
    assert screening["obstacles"] == ["mental-health-problems", "small-network"]

    # Withdrawal of the identity consent: the very next request is 404 (the health consent alone is not enough).
    response = sofie.post(f"{base}/consents/{identity_consent}/withdraw/")
    assert response.status_code == 200 and response.json()["active"] is False
    for path in ("/", "/screenings/", "/classification/", "/consents/"):
        assert els.get(f"{base}{path}").status_code == 404, path
    assert els.get("/api/v1/clients/").json()["count"] == 0
    assert sofie.post(f"{base}/consents/{identity_consent}/withdraw/").status_code == 400

    # The owner still sees the withdrawn consent; the health consent is still active.
    owner_view = {c["id"]: c for c in sofie.get(f"{base}/consents/").json()["results"]}
    assert owner_view[identity_consent]["withdrawn_on"] is not None
    assert owner_view[health.pk]["active"] is True


def test_the_full_consent_makes_the_classification_available(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    screen(personas, client, dt.date(2026, 1, 10))
    give_consent(
        personas, client, ["identity", "life_domains", "health", "addiction", "justice", "finances", "work_education"]
    )
    data = api(personas.els).get(f"/api/v1/clients/{client.pk}/classification/").json()
    assert data["available"] is True and data["challenges"]


def test_recording_a_consent_checks_the_organisations_and_the_rules(personas: SimpleNamespace, api: Any) -> None:
    client = register(personas)
    http = api(personas.sofie)
    url = f"/api/v1/clients/{client.pk}/consents/"
    consent = {"organisations": [personas.westhoek_org.pk], "categories": ["identity"], "purposes": ["guidance"],
               "method": "written", "given_on": "2026-01-11"}  # fmt: skip
    response = http.post(url, consent, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "organisations": [
            dutch("Organisation {pk_value} is not part of this client's partnership.").format(
                pk_value=personas.westhoek_org.pk
            )
        ]
    }
    response = http.post(url, {**consent, "organisations": [personas.kompas.pk], "method": "verbal_witnessed"},
                         format="json")  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"witness": ["Mondelinge toestemming vraagt de naam van een getuige."]}
    response = http.post(url, {**consent, "organisations": [], "categories": []}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"organisations", "categories"}
    assert not Consent.objects.exists()


def test_withdrawing_a_consent_of_another_client_is_404(personas: SimpleNamespace, api: Any) -> None:
    mine = register(personas)
    other = register(personas, first_name="Bart", last_name="Claeys", birth_date=dt.date(1970, 1, 1))
    consent = give_consent(personas, other, ["identity"])
    response = api(personas.sofie).post(f"/api/v1/clients/{mine.pk}/consents/{consent.pk}/withdraw/")
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.is_active
