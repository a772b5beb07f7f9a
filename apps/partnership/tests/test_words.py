"""Words applicants understand: missing fields named by their label, and inclusive last days shown as enforced."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from unittest import mock

from django.test import Client as Browser

from apps.partnership import services_decisions, timeline
from apps.partnership.models import Candidacy
from apps.partnership.tests.conftest import before_deadline, make_candidacy

BRUSSELS = timeline.BRUSSELS


def test_an_incomplete_candidacy_names_the_missing_fields_by_their_label(oostende: Any, client: Browser) -> None:
    # An Peeters opened her private link but filled in only her organisation's name
    candidacy = make_candidacy(oostende, submit=False, types={})
    Candidacy.objects.filter(pk=candidacy.pk).update(address="", contact_name="", contact_email="")
    with mock.patch("django.utils.timezone.now", return_value=before_deadline(oostende)):
        page = client.get(f"/oproep/kandidatuur/{candidacy.token}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    missing = page.split("alert-info", 1)[1].split("</div>", 1)[0]
    assert "Adres" in missing and "Contactpersoon" in missing
    assert 'href="#id_address"' in missing and 'href="#id_offers"' in missing and 'id="id_offers"' in page
    # no raw field names in brackets, nor anywhere as visible text of the list
    assert not re.search(r"\((address|contact_name|contact_email|offers)\)", missing)
    assert ">address<" not in missing and "contact_email" not in re.sub(r'href="[^"]*"', "", missing)


def test_the_rebuttal_last_day_is_the_region_files_day_on_the_page_and_in_the_service(
    personas: Any, candidacy: Candidacy, client: Browser
) -> None:
    # Ine's jury decided on 28 June 2023; the Oostende region file says rebuttals until 15 July 2023
    services_decisions.decision_record(
        candidacy=candidacy, actor=personas.wouter, decision="not_selected", motivation="Nee"
    )
    call = candidacy.region.call
    assert call.rebuttal_by == dt.date(2023, 7, 15)
    last_minute = dt.datetime(2023, 7, 15, 23, 59, tzinfo=BRUSSELS)
    with mock.patch("django.utils.timezone.now", return_value=last_minute):
        page = client.get(f"/oproep/kandidatuur/{candidacy.token}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "tot en met 15 juli 2023" in page and "16 juli" not in page
    assert timeline.rebuttal_open(candidacy, last_minute)
    assert not timeline.rebuttal_open(candidacy, dt.datetime(2023, 7, 16, 0, 0, tzinfo=BRUSSELS))
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2023, 7, 16, 0, 0, tzinfo=BRUSSELS)):
        page = client.get(f"/oproep/kandidatuur/{candidacy.token}/").content.decode()
    assert 'id="rebuttal-title"' not in page


def test_every_inclusive_last_day_closes_at_the_start_of_the_next_day_in_brussels() -> None:
    # a winter and a summer day (CET and CEST): shown day and closing moment agree
    for day in (dt.date(2024, 1, 15), dt.date(2023, 7, 15)):
        closes = timeline.day_closes_at(day)
        assert closes.astimezone(BRUSSELS).date() == day + dt.timedelta(days=1)
        assert (closes - dt.timedelta(microseconds=1)).astimezone(BRUSSELS).date() == day
        assert closes.astimezone(BRUSSELS).time() == dt.time(0, 0)
