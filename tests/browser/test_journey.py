"""First browser journey: a counsellor logs in, reads her region, and switches language.

Runs against SQLite and PostgreSQL alike (``live_server`` implies a transactional database).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.conftest import BrowserLog, check_accessibility, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ["Saled", "Marlies", "Thierry", "Roy", "John", "Mariam"]


def html_lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def test_counsellor_logs_in_by_keyboard_reads_her_region_and_switches_to_english(
    page: Page, live_server: Any, personas: Any
) -> None:
    # Not logged in: the home page sends Sofie to the Dutch login page.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/$"))
    assert html_lang(page) == "nl"
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()
    check_accessibility(page)

    # Keyboard only: the username field has autofocus; type, Tab, type, Enter.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("sofie")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    # Home page, in Dutch.
    page.wait_for_url(live_server.url + "/")
    assert html_lang(page) == "nl"
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Sofie")
    expect(page.get_by_role("heading", name="Regio-uitdagingen")).to_be_visible()
    check_accessibility(page)

    # The region page, through the main navigation.
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    nav.get_by_role("link", name="Werkingsgebied Regio Oostende").click()
    page.wait_for_url(live_server.url + "/werkingsgebied/oostende/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkingsgebied Regio Oostende")

    cards = page.locator("article.persona-card")
    expect(cards).to_have_count(6)
    for rank, persona in enumerate(PERSONAS, start=1):
        expect(page.get_by_role("heading", name=f"Regio-uitdaging {rank}: persona {persona}")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Zit onder elektronisch toezicht")).to_have_count(1)
    expect(page.get_by_role("rowheader", name="Ichtegem", exact=True)).to_be_visible()
    check_accessibility(page)

    # Switch to English with the footer form; the same page comes back in English.
    footer = page.locator("footer")
    footer.get_by_label("Taal").select_option("en")
    footer.get_by_role("button", name="Taal wijzigen").click()
    page.wait_for_url(live_server.url + "/werkingsgebied/oostende/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Region Oostende region")
    expect(page.get_by_role("heading", name="Challenge 2: persona Marlies")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Under electronic monitoring")).to_have_count(1)
    expect(page.get_by_text("Zit onder elektronisch toezicht")).to_have_count(0)
    expect(page.locator("footer").get_by_label("Language")).to_have_value("en")


def test_region_page_fits_a_phone_and_the_menu_opens_by_keyboard(
    phone_page: Page, live_server: Any, personas: Any
) -> None:
    page = phone_page
    log_in(page, live_server, personas.sofie)
    page.goto(live_server.url + "/werkingsgebied/oostende/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkingsgebied Regio Oostende")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the region page scrolls sideways on a 360 px phone (scrollWidth {width})"

    # Collapsed menu: the region link is hidden until the toggler is pressed with Enter.
    region_link = page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Werkingsgebied Regio Oostende"
    )
    expect(region_link).to_be_hidden()
    toggler = page.get_by_role("button", name="Menu tonen of verbergen")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.focus()
    page.keyboard.press("Enter")
    expect(region_link).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the open menu makes the page scroll sideways (scrollWidth {width})"


@pytest.mark.parametrize(("who", "path"), [("sofie", "/werkingsgebied/oostende/"), ("wouter", "/")])
def test_pages_at_phone_width_are_accessible(
    phone_page: Page, live_server: Any, personas: Any, who: str, path: str
) -> None:
    log_in(phone_page, live_server, getattr(personas, who))
    phone_page.goto(live_server.url + path)
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(phone_page)


def test_member_of_another_region_gets_a_404(
    page: Page, live_server: Any, personas: Any, browser_log: BrowserLog
) -> None:
    browser_log.expect_console_error(r"status of 404")
    log_in(page, live_server, personas.nadia)
    response = page.goto(live_server.url + "/werkingsgebied/oostende/")
    assert response is not None and response.status == 404
    assert html_lang(page) == "nl"
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_text("Regio Oostende")).to_have_count(0)
    expect(page.get_by_text("Zit onder elektronisch toezicht")).to_have_count(0)
    check_accessibility(page)
