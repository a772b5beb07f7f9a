"""Intake journey on a 360 px phone: register a client, record consent, screen, read the client file.

Sofie (counsellor at Lokaal bestuur Oostende) registers a client who resembles the region's
persona Mariam (an Eritrean woman who speaks Tigrinya, no Dutch, needs an interpreter, lives in
Oostende), records her consent for De Brug vzw, runs the five-step intake screening with Mariam's
obstacles, and finds Mariam first among the nearest regional challenges on the client file, next to
a rendered radar chart and the table with the same figures.

Every page visited must fit the 360 px screen (no sideways scrolling). Runs against SQLite and
PostgreSQL alike (``live_server`` implies a transactional database).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import OOSTENDE_FILE, PASSWORD
from tests.browser.conftest import check_accessibility, fits_the_phone

pytestmark = pytest.mark.browser

REGION = json.loads(OOSTENDE_FILE.read_text(encoding="utf-8"))
DOMAIN_LABELS = {d["code"]: d["label"]["nl"] for d in REGION["life_domains"]}
OBSTACLE_LABELS = {o["code"]: o["label"]["nl"] for o in REGION["obstacles"]}
MARIAM = next(c for c in REGION["challenges"] if c["persona"] == "Mariam")
# Mariam's obstacles as the persona lists them: the checkboxes show the region's obstacle labels
# ("Beperkte of geen kennis van het Nederlands"), not the persona's wording of them.
MARIAM_OBSTACLES = sorted({code for line in MARIAM["obstacles"] for code in line["obstacles"]})

# The radio labels of the life-domain levels (Level choices, in Dutch).
LEVELS = {
    1: "1 Acute problemen",
    2: "2 Niet zelfredzaam",
    3: "3 Beperkt zelfredzaam",
    4: "4 Voldoende zelfredzaam",
    5: "5 Volledig zelfredzaam",
}
# Low where Mariam struggles, sufficient elsewhere.
MARIAM_LEVELS = {"work-education": 2, "social-network": 1, "language": 1, "mobility": 2, "daily-activities": 3}


def group(scope: Page | Locator, legend: str) -> Locator:
    """A fieldset by its legend (a required field's legend also says "(verplicht)")."""
    return scope.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}( \(verplicht\))?$"))


def test_the_obstacle_labels_of_mariam_are_in_the_region_file() -> None:
    codes = set(MARIAM_OBSTACLES)
    assert codes == {
        "low-education",
        "no-network",
        "limited-dutch",
        "unemployed",
        "no-work-experience",
        "limited-mobility",
    }
    assert {OBSTACLE_LABELS[c] for c in codes} == {
        "Laaggeschoold",
        "Geen sociaal netwerk",
        "Beperkte of geen kennis van het Nederlands",
        "Werkloos",
        "Geen werkervaring",
        "Beperkte mobiliteit",
    }


@pytest.mark.django_db(transaction=True)
def test_counsellor_registers_screens_and_classifies_a_client_on_a_phone(
    phone_page: Page, live_server: Any, personas: Any
) -> None:
    page = phone_page
    base = live_server.url

    # Sofie logs in with the form.
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/$"))
    fits_the_phone(page)
    page.get_by_label("Gebruikersnaam").fill("sofie")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Sofie")
    fits_the_phone(page)

    # "Hulpvragers" is in the collapsed menu: open it with the toggler first.
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    clients_link = nav.get_by_role("link", name="Hulpvragers", exact=True)
    expect(clients_link).to_be_hidden()
    toggler = page.get_by_role("button", name="Menu tonen of verbergen")
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    fits_the_phone(page)
    clients_link.click()
    page.wait_for_url(base + "/hulpvragers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hulpvragers")
    fits_the_phone(page)

    # The registration form.
    page.get_by_role("link", name="Hulpvrager registreren").click()
    page.wait_for_url(base + "/hulpvragers/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hulpvrager registreren")
    expect(page.get_by_text("De hulpvrager hoort bij Lokaal bestuur Oostende.")).to_be_visible()
    fits_the_phone(page)
    check_accessibility(page)

    page.get_by_label("Voornaam", exact=True).fill("Mariam")
    page.get_by_label("Achternaam", exact=True).fill("Tesfamariam")
    page.get_by_label("Geboortedatum", exact=True).fill("2003-11-02")
    group(page, "Gender").get_by_role("radio", name="Vrouw", exact=True).check()
    # Born in 2000 or later: the check digits are computed over "2" + the first nine digits.
    page.get_by_label("Rijksregister- of BIS-nummer (niet verplicht)").fill("03.11.02-046.63")
    page.get_by_label("Gemeente", exact=True).select_option(label="Oostende")
    languages = group(page, "Gesproken talen")
    expect(languages.get_by_role("radio")).to_have_count(0)  # several languages: checkboxes, not radios
    languages.get_by_role("checkbox", name="Tigrinya", exact=True).check()
    page.get_by_label("Niveau Nederlands", exact=True).select_option(label="A0 (geen Nederlands)")
    page.get_by_role("checkbox", name="Tolk nodig", exact=True).check()
    fits_the_phone(page)
    page.get_by_role("button", name="Bewaren", exact=True).click()

    # The client file.
    page.wait_for_url(re.compile(re.escape(base) + r"/hulpvragers/\d+/$"))
    client_path = page.url.removeprefix(base)
    expect(page.get_by_role("status")).to_have_text("De hulpvrager is geregistreerd. Registreer nu de toestemming.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mariam Tesfamariam")
    expect(page.get_by_text("03.11.02-046.63")).to_be_visible()
    expect(page.get_by_text("tolk nodig")).to_be_visible()
    expect(page.locator("#radar")).to_have_count(0)  # no screening yet
    fits_the_phone(page)

    # Consent for De Brug vzw: identity and life domains, for guidance, written.
    page.get_by_role("link", name="Toestemming registreren").click()
    page.wait_for_url(base + client_path + "toestemming/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Toestemming van Mariam")
    fits_the_phone(page)
    for several in ("Organisaties die de gegevens mogen zien", "Welke gegevens", "Waarvoor"):
        expect(group(page, several).get_by_role("radio")).to_have_count(0)  # checkboxes, not radios
    group(page, "Organisaties die de gegevens mogen zien").get_by_role(
        "checkbox", name="De Brug vzw", exact=True
    ).check()
    categories = group(page, "Welke gegevens")
    categories.get_by_role("checkbox", name="Identiteit en contact", exact=True).check()
    categories.get_by_role("checkbox", name="Levensdomeinen en drempels", exact=True).check()
    group(page, "Waarvoor").get_by_role("checkbox", name="Begeleiding in het traject", exact=True).check()
    group(page, "Hoe werd de toestemming gegeven?").get_by_role(
        "radio", name="Schriftelijk, ondertekend", exact=True
    ).check()
    # The date defaults to today: an <input type=date> shows only an ISO value (yyyy-mm-dd).
    expect(page.get_by_label("Datum", exact=True)).to_have_value(timezone.localdate().isoformat())
    page.get_by_role("button", name="Toestemming bewaren").click()
    page.wait_for_url(base + client_path)
    expect(page.get_by_role("status")).to_have_text("De toestemming is geregistreerd.")
    consent = page.locator("section[aria-labelledby=consent] li").filter(has_text="De Brug vzw")
    expect(consent).to_have_count(1)
    expect(consent).to_contain_text("Identiteit en contact, Levensdomeinen en drempels")
    expect(consent).to_contain_text("Begeleiding in het traject")
    fits_the_phone(page)

    # The intake screening, step 1 of 5: a level for every life domain.
    page.get_by_role("button", name="Start de intakescreening").click()
    page.wait_for_url(re.compile(re.escape(base + client_path) + r"screening/\d+/domeinen/$"))
    screening_path = page.url.removeprefix(base).removesuffix("domeinen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening van Mariam")
    expect(page.get_by_text("Stap 1 van 5")).to_be_visible()
    fits_the_phone(page)
    check_accessibility(page)
    expect(page.get_by_text(f"0 van {len(DOMAIN_LABELS)} levensdomeinen ingevuld")).to_be_visible()
    for code, label in DOMAIN_LABELS.items():
        level = LEVELS[MARIAM_LEVELS.get(code, 4)]
        panel = page.locator("details.domain-panel").filter(
            has=page.locator("summary > span.fw-semibold").get_by_text(label, exact=True)
        )
        if not panel.evaluate("d => d.open"):  # the domains fold open one by one (<details>)
            panel.locator("summary").click()
        group(page, label).get_by_role("radio", name=level, exact=True).check()
    page.get_by_role("button", name="Bewaren en verder").click()

    # Step 2: Mariam's obstacles, by the labels the checkboxes show.
    page.wait_for_url(base + screening_path + "drempels/")
    expect(page.get_by_text("Stap 2 van 5")).to_be_visible()
    fits_the_phone(page)
    for code in MARIAM_OBSTACLES:
        page.get_by_role("checkbox", name=OBSTACLE_LABELS[code], exact=True).check()
    expect(page.locator("input[name=obstacles]:checked")).to_have_count(len(MARIAM_OBSTACLES))
    page.get_by_role("button", name="Bewaren en verder").click()

    # Step 3: the participation ladder, 1 now and 3 attainable.
    page.wait_for_url(base + screening_path + "ladder/")
    expect(page.get_by_text("Stap 3 van 5")).to_be_visible()
    fits_the_phone(page)
    group(page, "Waar staat de hulpvrager nu?").get_by_role("radio", name="1 Geïsoleerd", exact=True).check()
    group(page, "Wat is haalbaar binnen een jaar?").get_by_role(
        "radio", name="3 Arbeidsmatige activiteiten", exact=True
    ).check()
    page.get_by_role("button", name="Bewaren en verder").click()

    # Step 4: the situation at entry.
    page.wait_for_url(base + screening_path + "gegevens/")
    expect(page.get_by_text("Stap 4 van 5")).to_be_visible()
    fits_the_phone(page)
    page.get_by_label("Arbeidsmarktstatus", exact=True).select_option(label="Werkloos (werkzoekend)")
    page.get_by_label("Hoeveel maanden werkloos?", exact=True).fill("14")
    page.get_by_label("Handicap", exact=True).select_option(label="Zegt dit liever niet")
    page.get_by_role("button", name="Bewaren en verder").click()

    # Step 5: check and finish.
    page.wait_for_url(base + screening_path + "overzicht/")
    expect(page.get_by_text("Stap 5 van 5")).to_be_visible()
    expect(page.get_by_role("heading", name="Nakijken en afronden")).to_be_visible()
    for code in MARIAM_OBSTACLES:
        expect(
            page.get_by_role("listitem").filter(has_text=re.compile(rf"^{re.escape(OBSTACLE_LABELS[code])}$"))
        ).to_have_count(1)
    expect(page.get_by_text("1 Geïsoleerd → 3 Arbeidsmatige activiteiten")).to_be_visible()
    fits_the_phone(page)
    page.get_by_role("button", name="Screening afronden").click()

    # Back on the client file: the classification, the radar chart and the domain table.
    page.wait_for_url(base + client_path)
    expect(page.get_by_role("status")).to_have_text("De screening is afgerond.")
    ranking = page.locator("#challenge-ranking > li")
    expect(ranking.first).to_contain_text("Mariam")
    expect(ranking.first).to_contain_text("score 1,00")
    expect(page.get_by_text("Mensen met een migratieachtergrond", exact=True)).to_be_visible()

    radar = page.locator("canvas#radar")
    expect(radar).to_be_visible()
    expect(radar).to_have_attribute("aria-label", re.compile("^Radargrafiek van de levensdomeinen"))
    page.wait_for_function("() => window.Chart !== undefined && !!Chart.getChart(document.getElementById('radar'))")
    assert page.evaluate("Chart.getChart(document.getElementById('radar')).data.labels.length") == len(DOMAIN_LABELS)

    table = page.locator("table#domain-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(len(DOMAIN_LABELS))
    language_row = table.get_by_role("row", name=re.compile(r"^Taal\b"))
    expect(language_row.get_by_role("cell")).to_have_text(["1", "1"])  # baseline and latest: the same screening
    expect(page.locator("#ladder")).to_have_text("Nu: 1 Geïsoleerd. Haalbaar: 3 Arbeidsmatige activiteiten.")
    fits_the_phone(page)
    check_accessibility(page)
