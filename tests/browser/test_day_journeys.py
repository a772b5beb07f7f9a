"""A working day per role on the demo's first login (issue 11, done-when): what the demo seeds is what a new
partnership sees, so these journeys run on ``demo_seed`` (200 clients: the whole loop is filled, dates around
today) and not on hand-made fixtures.

- The partner's day (Els, De Brug vzw, on a 360 px phone): the menu badge says referrals wait; she opens the
  oldest, accepts it, and finds the client in her caseload ("Mijn werk").
- The counsellor's day (Sofie, on a phone): the home's to-do lists overdue actions; the caseload filtered on
  overdue shows only overdue rows; she opens a pathway, writes two goals in one save, and logs a contact.
- The coordinator's day (Wouter, on a phone): the dashboard, the waiting list behind its figure, the
  allocation run with its proposals in sentences, and the case conference held last week with its decisions.

Each page passes axe (WCAG 2.1 A/AA) and fits the phone. With ``PADWIJZER_SCREENSHOTS=<folder>`` the journeys
save a 360 px screenshot of each page they visit (docs/screenshots/ holds the reviewed set).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import User
from apps.demo.services import demo_seed
from tests.browser.conftest import check_accessibility, fits_the_phone, log_in

pytestmark = pytest.mark.browser


def look(page: Page, name: str) -> None:
    """The page fits a 360 px phone, passes axe, and is saved as a screenshot when asked for."""
    fits_the_phone(page)
    check_accessibility(page)
    folder = os.environ.get("PADWIJZER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def open_menu_link(page: Page, name: re.Pattern[str]) -> None:
    """On a phone the menu is collapsed behind its toggler."""
    toggler = page.get_by_role("button", name="Menu tonen of verbergen")
    if toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name=name).click()


@pytest.fixture
def demo(oostende: Any) -> Any:
    return demo_seed(region=oostende, clients=200, seed=1)


def test_the_partners_day_badge_referral_accept_caseload(demo: Any, phone_page: Page, live_server: Any) -> None:
    els = phone_page
    base = live_server.url
    log_in(els, live_server, User.objects.get(username="partner"))
    els.goto(base + "/")
    expect(els.get_by_role("heading", level=1)).to_have_text("Welkom, Els")
    look(els, "partner-1-home")
    # the home's to-do names the referrals that wait for an answer; the menu's badge counts them
    open_menu_link(els, re.compile(r"^Doorverwijzingen 3 te beantwoorden$"))
    els.wait_for_url(base + "/doorverwijzingen/")
    look(els, "partner-2-referrals")
    waiting = els.locator("#incoming > li").filter(has=els.get_by_text("Verstuurd", exact=True))
    expect(waiting).to_have_count(3)
    first = waiting.first
    name = first.get_by_role("link").inner_text().split(" → ")[0]
    first.get_by_role("link").click()
    els.wait_for_url(re.compile(r"/doorverwijzingen/\d+/$"))
    expect(els.locator("#status")).to_have_text("Verstuurd")
    look(els, "partner-3-referral")
    accept = els.get_by_role("form", name="Aanvaarden", exact=True)
    accept.get_by_role("button", name="Aanvaarden", exact=True).click()
    expect(els.locator("#status")).to_have_text("Aanvaard")
    # accepting puts Els on the case team (the consent covers guidance): the client is in her caseload
    open_menu_link(els, re.compile(r"^Mijn werk$"))
    els.wait_for_url(base + "/trajecten/mijn-werk/")
    expect(els.get_by_role("table")).to_contain_text(name.split(" ")[0])
    look(els, "partner-4-caseload")
    # the badge went down by one
    toggler = els.get_by_role("button", name="Menu tonen of verbergen")
    toggler.click()
    menu = els.get_by_role("navigation", name="Hoofdnavigatie")
    expect(menu.get_by_role("link", name=re.compile(r"^Doorverwijzingen"))).to_have_accessible_name(
        "Doorverwijzingen 2 te beantwoorden"
    )


def test_the_counsellors_day_todo_caseload_plan_with_two_goals_contact(
    demo: Any, phone_page: Page, live_server: Any
) -> None:
    sofie = phone_page
    base = live_server.url
    log_in(sofie, live_server, User.objects.get(username="counsellor"))
    sofie.goto(base + "/")
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Welkom, Sofie")
    expect(sofie.get_by_text("te laat", exact=False).first).to_be_visible()  # overdue actions on the to-do
    look(sofie, "counsellor-1-home")
    open_menu_link(sofie, re.compile(r"^Mijn werk$"))
    sofie.wait_for_url(base + "/trajecten/mijn-werk/")
    sofie.get_by_label("Tonen", exact=True).select_option(label="Acties te laat")
    sofie.get_by_role("button", name="Toepassen", exact=True).click()
    sofie.wait_for_url(re.compile(r"/trajecten/mijn-werk/\?.*show=overdue"))
    rows = sofie.locator("table.caseload tbody tr")
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text("(te laat)")
    look(sofie, "counsellor-2-caseload-overdue")
    rows.first.get_by_role("link").first.click()
    sofie.wait_for_url(re.compile(r"/trajecten/\d+/$"))
    pathway_url = sofie.url
    look(sofie, "counsellor-3-pathway")
    sofie.get_by_role("link", name="Plan bewerken", exact=True).click()
    sofie.wait_for_url(re.compile(r"/trajecten/\d+/plan/$"))
    goals = sofie.locator("fieldset.border")
    expect(goals).to_have_count(2)
    goals.nth(0).get_by_label("Levensdomein", exact=True).select_option(label="Taal")
    goals.nth(0).get_by_label("Doel", exact=True).fill("Elke week naar het taalcafé")
    goals.nth(1).get_by_label("Levensdomein", exact=True).select_option(label="Huisvesting")
    goals.nth(1).get_by_label("Doel", exact=True).fill("Een sociale woning aanvragen")
    look(sofie, "counsellor-4-plan")
    sofie.get_by_role("button", name="Plan bewaren", exact=True).click()
    sofie.wait_for_url(pathway_url)
    expect(sofie.get_by_text("Elke week naar het taalcafé")).to_be_visible()
    expect(sofie.get_by_text("Een sociale woning aanvragen")).to_be_visible()
    sofie.get_by_role("link", name="Contact noteren", exact=True).click()
    sofie.wait_for_url(re.compile(r"/contact/nieuw/$"))
    sofie.get_by_role("radio", name="Op straat", exact=True).check()
    sofie.get_by_label("Korte samenvatting", exact=True).fill("Samen het aanvraagformulier voor de woning ingevuld.")
    look(sofie, "counsellor-5-contact")
    sofie.get_by_role("button", name="Bewaren", exact=True).click()
    sofie.wait_for_url(pathway_url)
    expect(sofie.locator("#contact-log > li").first).to_contain_text("Samen het aanvraagformulier")


def test_the_coordinators_day_dashboard_waiting_list_allocation_conference(
    demo: Any, phone_page: Page, live_server: Any
) -> None:
    wouter = phone_page
    base = live_server.url
    log_in(wouter, live_server, User.objects.get(username="coordinator"))
    wouter.goto(base + "/")
    open_menu_link(wouter, re.compile(r"^Dashboard$"))
    wouter.wait_for_url(base + "/coordinatie/")
    expect(wouter.get_by_role("heading", level=1)).to_have_text("Dashboard coördinatie")
    look(wouter, "coordinator-1-dashboard")
    waiting = wouter.locator('a[href*="figure=waiting"]').first
    count = int(waiting.inner_text())
    waiting.click()
    wouter.wait_for_url(re.compile(r"/coordinatie/lijst/\?"))
    expect(wouter.locator("main table tbody tr").first).to_be_visible()
    assert wouter.locator("main table tbody tr").count() == count
    look(wouter, "coordinator-2-waiting-list")
    open_menu_link(wouter, re.compile(r"^Toewijzing$"))
    wouter.wait_for_url(re.compile(r"/matching/toewijzing/"))
    look(wouter, "coordinator-3-allocation")
    wouter.locator('main a[href^="/matching/toewijzing/"]').filter(has_text=re.compile(r"^#\d+$")).first.click()
    wouter.wait_for_url(re.compile(r"/\d+/$"))
    expect(wouter.get_by_role("heading", level=1)).to_contain_text("Toewijzing #")
    look(wouter, "coordinator-4-proposals")
    open_menu_link(wouter, re.compile(r"^Casusoverleg$"))
    wouter.wait_for_url(re.compile(r"/casusoverleg/$"))
    look(wouter, "coordinator-5-conferences")
    # the list runs from the latest date: the meeting coming up, then the one held last week
    wouter.locator("main a.fw-semibold[href^='/casusoverleg/']").last.click()
    wouter.wait_for_url(re.compile(r"/casusoverleg/\d+/$"))
    expect(wouter.get_by_text("budgetbegeleiding", exact=False).first).to_be_visible()
    look(wouter, "coordinator-6-conference")
