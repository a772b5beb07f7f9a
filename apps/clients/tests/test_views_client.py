from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client as Browser

from apps.assessment.models import Screening
from apps.audit.models import AuditEntry
from apps.clients.models import Client
from apps.consent.models import Consent
from conftest import complete_screening, register_client


def form_data(personas: Any, **extra: Any) -> dict[str, Any]:
    gistel = personas.region.municipalities.get(code="gistel")
    data = {
        "first_name": "Saled",
        "last_name": "Haidari",
        "birth_date": "1994-08-12",
        "gender": "M",
        "national_number": "",
        "phone": "0470 12 34 56",
        "email": "",
        "street": "",
        "municipality": gistel.pk,
        "deelgemeente": "",
        "languages": ["prs", "ps"],
        "dutch_level": "A1",
        "interpreter_needed": "on",
    }
    data.update(extra)
    return data


def test_a_counsellor_registers_a_client(personas: Any, client: Browser) -> None:
    client.force_login(personas.sofie)
    response = client.post("/hulpvragers/nieuw/", form_data(personas))
    created = Client.objects.get(first_name="Saled")
    assert response.status_code == 302 and response["Location"] == f"/hulpvragers/{created.pk}/"
    assert created.organisation == personas.lb and created.languages == ["prs", "ps"]
    assert AuditEntry.objects.filter(action="clients.client.registered", object_id=str(created.pk)).exists()


def test_bad_input_is_pointed_at_in_dutch_and_nothing_is_saved(personas: Any, client: Browser) -> None:
    client.force_login(personas.sofie)
    moere = personas.region.municipalities.get(code="gistel").deelgemeenten.get(code="moere")
    response = client.post(
        "/hulpvragers/nieuw/",
        form_data(
            personas,
            national_number="90.03.15-123.99",
            municipality=personas.region.municipalities.get(code="ichtegem").pk,
            deelgemeente=moere.pk,
            birth_date="1990-03-15",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "De controlecijfers van dit nummer kloppen niet." in html
    assert "Deze deelgemeente hoort niet bij de gemeente." in html
    assert 'aria-invalid="true"' in html
    assert not Client.objects.exists()


def test_a_duplicate_elsewhere_is_signalled_without_showing_its_data(personas: Any, client: Browser) -> None:
    register_client(
        personas,
        organisation=personas.vdab,
        first_name="Saled",
        last_name="Haidari",
        birth_date=dt.date(1994, 8, 12),
        street="Secret street 1",
        phone="0499 99 99 99",
    )
    client.force_login(personas.sofie)
    response = client.post("/hulpvragers/nieuw/", form_data(personas, last_name="Haidary"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "er bestaat een mogelijke overeenkomst bij VDAB Oostende" in html
    assert "Secret street" not in html and "0499" not in html
    assert Client.objects.count() == 1
    response = client.post("/hulpvragers/nieuw/", form_data(personas, last_name="Haidary", confirm_new="on"))
    assert response.status_code == 302 and Client.objects.count() == 2


def test_a_duplicate_national_number_is_found_across_organisations(personas: Any, client: Browser) -> None:
    register_client(
        personas,
        organisation=personas.vdab,
        first_name="Other",
        last_name="Name",
        birth_date=dt.date(1990, 3, 15),
        national_number="90031512377",
    )
    client.force_login(personas.sofie)
    html = client.post(
        "/hulpvragers/nieuw/", form_data(personas, birth_date="1990-03-15", national_number="90.03.15-123.77")
    ).content.decode()
    assert "zelfde rijksregisternummer" in html


def test_the_screening_wizard_step_by_step(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    client.force_login(personas.sofie)
    response = client.post(f"/hulpvragers/{hulpvrager.pk}/screening/nieuw/")
    screening = Screening.objects.get(client=hulpvrager)
    base = f"/hulpvragers/{hulpvrager.pk}/screening/{screening.pk}"
    assert response["Location"] == f"{base}/domeinen/"
    domains = list(personas.region.life_domains.all())
    # part of the domains saved now (one "not known"), the rest later: nothing entered is lost
    partial = {f"level_{d.pk}": "2" for d in domains[:-2]} | {f"level_{domains[-2].pk}": "unknown"}
    assert client.post(f"{base}/domeinen/", partial)["Location"] == f"{base}/drempels/"
    html = client.get(f"{base}/domeinen/").content.decode()
    assert f"{len(domains) - 1} van {len(domains)} levensdomeinen ingevuld" in html and "<details" in html
    assert client.post(f"{base}/overzicht/").status_code == 200  # refused: one domain has no answer
    levels = {f"level_{domains[-1].pk}": "2", f"note_{domains[-1].pk}": "geen diploma"}
    assert client.post(f"{base}/domeinen/", levels)["Location"] == f"{base}/drempels/"
    obstacles = personas.region.obstacles.filter(code__in=["limited-dutch", "no-network"])
    response = client.post(f"{base}/drempels/", {"obstacles": [o.pk for o in obstacles], "other": "kent niemand"})
    assert response["Location"] == f"{base}/ladder/"
    response = client.post(f"{base}/ladder/", {"current": "3", "attainable": "2"})
    assert "De haalbare trede kan niet lager zijn dan de huidige trede." in response.content.decode()
    assert client.post(f"{base}/ladder/", {"current": "1", "attainable": "4"})["Location"] == f"{base}/gegevens/"
    response = client.post(f"{base}/gegevens/", {"employment_status": "unemployed"})
    assert "Geef aan hoe lang de hulpvrager werkloos is." in response.content.decode()
    response = client.post(
        f"{base}/gegevens/",
        {"employment_status": "inactive", "disability": "prefer_not", "foreign_background": "yes", "isced_level": "1"},
    )
    assert response["Location"] == f"{base}/overzicht/"
    summary = client.get(f"{base}/overzicht/").content.decode()
    assert "kent niemand" in summary and "niet gekend / niet besproken" in summary and "ISCED 1" in summary
    assert client.post(f"{base}/overzicht/")["Location"] == f"/hulpvragers/{hulpvrager.pk}/"
    screening.refresh_from_db()
    assert screening.status == "completed" and screening.disability == "prefer_not"
    assert client.get(f"{base}/domeinen/").status_code == 404  # completed: no longer editable
    html = client.get(f"/hulpvragers/{hulpvrager.pk}/").content.decode()
    assert 'id="radar-data"' in html and "Mariam" in html and 'id="challenge-ranking"' in html
    assert 'id="entry-data"' in html and "kent niemand" in html  # the entry data are shown again afterwards


def test_a_later_screening_starts_from_the_latest(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=["debts", "limited-dutch"], level=2)
    client.force_login(personas.sofie)
    client.post(f"/hulpvragers/{hulpvrager.pk}/screening/nieuw/")
    draft = Screening.objects.get(client=hulpvrager, status="draft")
    assert {o.code for o in draft.obstacles.all()} == {"debts", "limited-dutch"}
    assert {s.level for s in draft.scores.all()} == {2}


def test_consent_is_recorded_with_a_witness_for_verbal_consent(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    client.force_login(personas.sofie)
    data = {
        "organisations": [personas.brug.pk],
        "categories": ["identity", "life_domains"],
        "purposes": ["guidance"],
        "method": "verbal_witnessed",
        "witness": "",
        "given_on": "2026-02-01",
    }
    response = client.post(f"/hulpvragers/{hulpvrager.pk}/toestemming/nieuw/", data)
    assert "Mondelinge toestemming vraagt de naam van een getuige." in response.content.decode()
    assert not Consent.objects.exists()
    response = client.post(f"/hulpvragers/{hulpvrager.pk}/toestemming/nieuw/", data | {"witness": "Yonas"})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert list(consent.organisations.all()) == [personas.brug] and consent.witness == "Yonas"
    html = client.get(f"/hulpvragers/{hulpvrager.pk}/toestemming/formulier/").content.decode()
    assert "Toestemming om gegevens te delen" in html and "De Brug vzw" in html


def test_the_client_list_shows_own_and_consented_clients(personas: Any, client: Browser) -> None:
    own = register_client(personas, first_name="Eigen")
    register_client(personas, organisation=personas.kompas, actor=personas.olaf, first_name="Vreemd")
    client.force_login(personas.sofie)
    html = client.get("/hulpvragers/").content.decode()
    assert f"/hulpvragers/{own.pk}/" in html and "Vreemd" not in html
    html = client.get("/hulpvragers/?q=eig").content.decode()
    assert "Eigen" in html


def test_a_new_birth_date_is_checked_against_the_stored_national_number(personas: Any) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from apps.clients.services import client_update

    hulpvrager = register_client(personas, birth_date=dt.date(1990, 3, 15), national_number="90031512377")
    with pytest.raises(ValidationError) as info:
        client_update(client=hulpvrager, actor=personas.sofie, birth_date=dt.date(1991, 3, 15))
    assert "national_number" in info.value.message_dict


def test_the_duplicate_check_is_limited_per_account(personas: Any, client: Browser, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "duplicate_check": "2/3600"}
    client.force_login(personas.sofie)
    for first, last, born in [("Amina", "Bakri", "1980-01-02"), ("Jonas", "Claes", "1991-03-04")]:
        data = form_data(personas, first_name=first, last_name=last, birth_date=born)
        assert client.post("/hulpvragers/nieuw/", data).status_code == 302
    data = form_data(personas, first_name="Lotte", last_name="Drie", birth_date="1975-05-06")
    response = client.post("/hulpvragers/nieuw/", data)
    assert response.status_code == 429 and "Te veel aanvragen" in response.content.decode()
    assert not Client.objects.filter(last_name="Drie").exists()
