"""Privacy journeys in a real browser (issue 14's done-when):

1. Yonas, peer companion on Mariam's case team, on a 360 px phone: her health data is sealed for him. He opens it
   and must give a reason: without one (or with too short a one) the page refuses; with a reason the health
   domains appear on her file. Sofie then sees his reason-backed look in Mariam's access log.
2. Sofie (counsellor) opens "who looked at this file" for Mariam and downloads the copy of the whole file for her:
   a zip whose access log names Els of De Brug vzw, who opened the file under Mariam's consent.

(The coordinator's TOTP enrolment and login is tests/browser/test_two_step_journey.py.) Every page passes axe
(WCAG 2.1 A/AA) and fits the phone without sideways scrolling.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client as HttpClient
from playwright.sync_api import Page, expect

from apps.pathways.services import team_add
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import complete_screening, give_consent, register_client, start_pathway

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360
# Waiting for the page a click leads to: Playwright's expect() gives up after 5 s, shorter than a navigation may take
# on a busy shared machine (the client file with its radar chart, after the POST that wrote the audit entries).
# Every expectation that follows a click which loads a page waits as long as a navigation may (no sleeps).
PAGE_MS = 60_000


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone (scrollWidth {width})"


def test_yonas_must_give_a_reason_before_he_sees_mariams_health_data(
    phone_page: Page, live_server: Any, personas: Any
) -> None:
    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=[])
    pathway = start_pathway(personas, mariam)
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion"
    )

    phone_page.set_default_navigation_timeout(PAGE_MS)  # a busy machine: the first page with the radar chart
    log_in(phone_page, live_server, personas.yonas)
    phone_page.goto(f"{live_server.url}/hulpvragers/{mariam.pk}/")
    domains = phone_page.locator("#domains").locator("..")
    expect(domains).not_to_contain_text("Psychisch welzijn")  # sealed
    fits_the_phone(phone_page)
    phone_page.get_by_role("link", name="Openen met een reden").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Verzegelde gegevens openen", timeout=PAGE_MS)
    check_accessibility(phone_page)
    fits_the_phone(phone_page)

    phone_page.get_by_role("button", name="Openen met deze reden").click()  # no category, no reason
    expect(phone_page.locator(".invalid-feedback").first).to_be_visible(timeout=PAGE_MS)
    phone_page.get_by_label("Gezondheid en psychisch welzijn").check()
    phone_page.get_by_label("Waarom heb je deze gegevens nodig?").fill("zo")
    phone_page.get_by_role("button", name="Openen met deze reden").click()
    expect(phone_page.locator("#id_reason-error")).to_contain_text("minstens 10 tekens", timeout=PAGE_MS)
    expect(phone_page.locator("#form-errors").get_by_role("link")).to_contain_text("minstens 10 tekens")
    check_accessibility(phone_page)

    phone_page.get_by_label("Gezondheid en psychisch welzijn").check()
    phone_page.get_by_label("Waarom heb je deze gegevens nodig?").fill(
        "Mariam vraagt hulp bij een afspraak met de huisarts."
    )
    phone_page.get_by_role("button", name="Openen met deze reden").click()
    expect(phone_page).to_have_url(f"{live_server.url}/hulpvragers/{mariam.pk}/", timeout=PAGE_MS)
    expect(phone_page.locator("#domains").locator("..")).to_contain_text("Psychisch welzijn", timeout=PAGE_MS)
    check_accessibility(phone_page)
    fits_the_phone(phone_page)

    log_in(phone_page, live_server, personas.sofie)  # Sofie, Mariam's counsellor, sees his look in the log
    phone_page.goto(f"{live_server.url}/hulpvragers/{mariam.pk}/inzage/")
    expect(phone_page.locator("tbody")).to_contain_text(
        "opende verzegelde gegevens (gezondheid, verslaving of justitie) met een reden"
    )


def test_sofie_downloads_mariams_access_log_for_her(phone_page: Page, live_server: Any, personas: Any) -> None:
    mariam = register_client(personas)
    give_consent(personas, mariam)
    els = HttpClient()
    els.force_login(personas.els)
    assert els.get(f"/hulpvragers/{mariam.pk}/").status_code == 200  # Els of De Brug looks, under consent

    page = phone_page
    log_in(page, live_server, personas.sofie)
    page.goto(f"{live_server.url}/hulpvragers/{mariam.pk}/")
    page.get_by_role("link", name="Wie keek naar dit dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie keek naar het dossier van Mariam")
    expect(page.locator("tbody")).to_contain_text("De Brug vzw")
    check_accessibility(page)
    fits_the_phone(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Kopie van het hele dossier downloaden voor de hulpvrager (zip)").click()
    download = download_info.value
    assert re.fullmatch(rf"dossier-{mariam.pk}-\d{{4}}-\d{{2}}-\d{{2}}\.zip", download.suggested_filename)
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    assert "Uw dossier bij het partnerschap" in archive.read("LEESMIJ.txt").decode()
    log = list(csv.reader(io.StringIO(archive.read("inzage.csv").decode("utf-8-sig")), delimiter=";"))
    assert log[0] == ["Wanneer", "Wie", "Organisatie", "Waarom", "Wat"]
    assert any(row[1] == "Els" and row[2] == "De Brug vzw" and row[4] == "opende uw dossier" for row in log[1:])

    page.reload()  # the download itself is in the log now
    expect(page.locator("tbody")).to_contain_text("maakte een kopie van het dossier voor u")
