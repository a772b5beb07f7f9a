"""Issue 10 item 6: dates that agree with each other, one table of rules (apps/core/chronology.py), the same
through every service, page, API and import. Sofie (Lokaal bestuur Oostende) records Mariam's case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import Client as Browser
from django.utils import translation

from apps.core.chronology import FOLLOW_UP_MONTHS, ORDER, PAST, Dated, Event, add_months, check_dates, date_errors
from tests.factories import give_consent, register_client, start_pathway

TODAY = dt.date(2026, 12, 1)
BORN = dt.date(1998, 5, 4)


# --- the table, rule by rule --------------------------------------------------------------------


@pytest.mark.parametrize("event", sorted(PAST))
def test_a_past_event_on_a_later_day_than_today_is_refused_at_its_field(event: Event) -> None:
    errors = date_errors({event: Dated("day", TODAY + dt.timedelta(days=1))}, today=TODAY)
    assert errors == {"day": ["Deze datum ligt in de toekomst; vul de dag in waarop het gebeurde."]}
    assert date_errors({event: Dated("day", TODAY)}, today=TODAY) == {}


@pytest.mark.parametrize("rule", ORDER, ids=lambda r: f"{r.later}>={r.earlier}")
def test_every_order_rule_refuses_the_later_event_before_the_earlier_one(rule: Any) -> None:
    earlier = dt.date(2026, 3, 1)
    just_in_time = add_months(earlier, rule.months)
    good = {rule.later: Dated("later", just_in_time), rule.earlier: Dated(None, earlier)}
    assert date_errors(good, today=TODAY) == {}
    bad = {rule.later: Dated("later", just_in_time - dt.timedelta(days=1)), rule.earlier: Dated(None, earlier)}
    assert list(date_errors(bad, today=TODAY)) == ["later"]
    # entering the earlier date against a recorded later one: the error is at the field being entered
    reverse = {rule.later: Dated(None, just_in_time - dt.timedelta(days=1)), rule.earlier: Dated("earlier", earlier)}
    assert list(date_errors(reverse, today=TODAY)) == ["earlier"]


def test_the_messages_are_dutch_and_name_the_other_date() -> None:
    with translation.override("nl-be"), pytest.raises(ValidationError) as info:
        check_dates(
            {
                Event.CONTACT: Dated("happened_on", dt.date(2026, 1, 2)),
                Event.PATHWAY_START: Dated(None, dt.date(2026, 1, 15)),
            },
            today=TODAY,
        )
    assert info.value.message_dict == {"happened_on": ["Deze datum ligt vóór de start van het traject (15/01/2026)."]}


def test_a_birth_date_more_than_120_years_back_is_refused() -> None:
    assert "birth_date" in date_errors({Event.BIRTH: Dated("birth_date", dt.date(1900, 1, 1))}, today=TODAY)
    assert date_errors({Event.BIRTH: Dated("birth_date", dt.date(1907, 1, 1))}, today=TODAY) == {}


def test_context_dates_alone_never_raise() -> None:
    # two recorded dates out of order are not the fault of this entry
    assert date_errors({Event.CLOSURE: Dated(None, dt.date(2020, 1, 1)), Event.PATHWAY_START: Dated(None, TODAY)}) == {}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 7, 1), dt.date(2027, 1, 1)),  # 184 days: 182 days would fall short
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),
    ],
)
def test_six_months_are_calendar_months(day: dt.date, expected: dt.date) -> None:
    assert add_months(day, FOLLOW_UP_MONTHS) == expected


# --- through the services -----------------------------------------------------------------------


def test_services_refuse_dates_out_of_order_and_save_nothing(personas: Any) -> None:
    from apps.consent.models import Consent
    from apps.consent.services import consent_withdraw
    from apps.pathways.models import ContactLog
    from apps.pathways.services import contact_log_add, follow_up_record, pathway_close

    mariam = register_client(personas, birth_date=BORN)
    with pytest.raises(ValidationError) as info:
        give_consent(personas, mariam, given_on=dt.date(1997, 1, 1))
    assert list(info.value.message_dict) == ["given_on"] and not Consent.objects.exists()
    consent = give_consent(personas, mariam, given_on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as info:
        consent_withdraw(consent=consent, actor=personas.sofie, on=dt.date(2026, 1, 31))
    assert list(info.value.message_dict) == ["withdrawn_on"]

    pathway = start_pathway(personas, mariam, started_on=dt.date(2026, 1, 15))
    with pytest.raises(ValidationError) as info:
        contact_log_add(
            pathway=pathway, actor=personas.sofie, organisation=personas.lb, happened_on=dt.date(2026, 1, 14),
            place="phone", summary="Te vroeg",
        )  # fmt: skip
    assert list(info.value.message_dict) == ["happened_on"] and not ContactLog.objects.exists()
    with pytest.raises(ValidationError) as info:
        pathway_close(pathway=pathway, actor=personas.sofie, closed_on=dt.date(2026, 1, 1), outcome="other")
    assert list(info.value.message_dict) == ["closed_on"]
    pathway.refresh_from_db()
    assert pathway.status != "closed"
    closure = pathway_close(pathway=pathway, actor=personas.sofie, closed_on=dt.date(2026, 7, 1), outcome="other")
    assert closure.follow_up_due == dt.date(2027, 1, 1)
    with pytest.raises(ValidationError) as info:
        follow_up_record(
            closure=closure, actor=personas.sofie, followed_up_on=dt.date(2026, 6, 30), employed=False,
            better_situation=False,
        )  # fmt: skip
    assert list(info.value.message_dict) == ["followed_up_on"]


def test_a_birth_date_moved_after_recorded_events_is_refused(personas: Any) -> None:
    from apps.clients.services import client_update

    mariam = register_client(personas, birth_date=BORN)
    give_consent(personas, mariam, given_on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as info:
        client_update(client=mariam, actor=personas.sofie, birth_date=dt.date(2026, 3, 1))
    assert list(info.value.message_dict) == ["birth_date"]
    assert "toestemming" in str(info.value) or "consent" in str(info.value)


# --- through the page, the API and the import ---------------------------------------------------


def _register_form(personas: Any, **changes: Any) -> dict[str, Any]:
    return {
        "first_name": "Mariam", "last_name": "Tesfaye", "birth_date": "1998-05-04", "gender": "F",
        "municipality": personas.region.municipalities.get(code="oostende").pk, "dutch_level": "A0",
        "languages": ["ti"], "submission": "k-" + str(changes.get("birth_date", "")),
    } | changes  # fmt: skip


def test_the_registration_page_refuses_a_birth_date_in_the_future_at_the_field(personas: Any, client: Browser) -> None:
    from apps.clients.models import Client

    client.force_login(personas.sofie)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post("/hulpvragers/nieuw/", _register_form(personas, birth_date=future))
    assert response.status_code == 200
    assert "Deze datum ligt in de toekomst" in response.content.decode()
    assert not Client.objects.exists()


def test_the_consent_page_refuses_a_consent_before_birth(personas: Any, client: Browser) -> None:
    from apps.consent.models import Consent

    mariam = register_client(personas, birth_date=BORN)
    client.force_login(personas.sofie)
    response = client.post(
        f"/hulpvragers/{mariam.pk}/toestemming/nieuw/",
        {"organisations": [personas.brug.pk], "categories": ["identity"], "purposes": ["guidance"],
         "method": "written", "given_on": "1990-01-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Deze datum ligt vóór de geboortedatum (04/05/1998)." in response.content.decode()
    assert not Consent.objects.exists()


def test_the_closing_page_refuses_a_closure_before_the_start(personas: Any, client: Browser) -> None:
    pathway = start_pathway(personas, started_on=dt.date(2026, 1, 15))
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{pathway.pk}/afsluiten/",
        {"closed_on": "2026-01-10", "outcome": "other", "results_now": "yes", "note": ""},
    )
    assert response.status_code == 400  # the form comes back with its errors
    assert "Deze datum ligt vóór de start van het traject (15/01/2026)." in response.content.decode()
    pathway.refresh_from_db()
    assert pathway.status != "closed"


def test_the_api_refuses_the_same_dates_with_the_field_named(personas: Any) -> None:
    from rest_framework.test import APIClient

    from apps.clients.models import Client

    api = APIClient()
    api.force_login(personas.sofie)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = api.post(
        "/api/v1/clients/",
        {"first_name": "Jonas", "last_name": "Vermeulen", "birth_date": future, "gender": "M",
         "municipality": "oostende", "dutch_level": "B1", "languages": ["nl"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "birth_date" in response.json(), response.json()
    assert not Client.objects.exists()
    mariam = register_client(personas, birth_date=BORN)
    response = api.post(
        f"/api/v1/clients/{mariam.pk}/consents/",
        {"organisations": [personas.brug.pk], "categories": ["identity"], "purposes": ["guidance"],
         "method": "written", "given_on": "1990-01-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and list(response.json()) == ["given_on"], response.json()


def test_the_import_names_the_row_and_column_of_a_birth_date_in_the_future(personas: Any, client: Browser) -> None:
    from apps.clients.models import Client
    from apps.clients.tests.test_imports import csv_bytes, good_rows

    rows = good_rows(3)
    rows[1][2] = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    client.force_login(personas.sofie)
    response = client.post(
        "/hulpvragers/import/", {"file": SimpleUploadedFile("c.csv", csv_bytes(rows), content_type="text/csv")}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Deze datum ligt in de toekomst" in html
    assert "<td>3</td><td>geboortedatum</td>" in html
    assert not Client.objects.exists()
