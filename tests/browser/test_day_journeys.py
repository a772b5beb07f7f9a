"""A working day per role on the demo's first login (issue 11, done-when): what the demo seeds is what a new
partnership sees, so these journeys run on ``demo_seed`` (200 clients: the whole loop is filled, dates around
today) and not on hand-made fixtures.

- The partner's day (Els, De Brug vzw, on a 360 px phone): the menu badge says referrals wait; she opens the
  oldest, accepts it, and finds the client in her caseload ("Mijn werk").

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
from tests.browser.conftest import check_accessibility, log_in

pytestmark = pytest.mark.browser
PHONE_WIDTH = 360


def look(page: Page, name: str) -> None:
    """The page fits a 360 px phone, passes axe, and is saved as a screenshot when asked for."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone (scrollWidth {width})"
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
