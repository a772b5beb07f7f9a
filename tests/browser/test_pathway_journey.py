"""Pathway journey: start a pathway, refer, the partner accepts and logs a contact on a phone, re-screen, close.

The issue's done-when, end to end in a real browser:

1. Set-up through the services (fast): an offer of De Brug vzw for Mariam's obstacles (practising
   Dutch, outreach, every municipality, 5 places), a client registered by Sofie with a completed
   baseline screening (Mariam's obstacles, level 2 on every life domain) and her consent for De Brug
   vzw (identity and life domains, for guidance and referral).
2. Sofie (counsellor at Lokaal bestuur Oostende, desktop) opens the client file, starts a pathway,
   opens the recommended offers and refers Mariam to De Brug's offer.
3. Els (partner worker at De Brug vzw) on a 360 px phone logs in, finds the referral under
   "Doorverwijzingen" in the collapsed menu and accepts it. Accepting does not put her on the case
   team, so she cannot open the pathway yet; Sofie adds her through the team page. Els then opens the
   pathway and logs a street contact. Every page Els sees fits the phone; the referral page and the
   contact form pass axe (WCAG 2.1 A/AA).
4. Sofie re-screens through the wizard (level 4 on a few domains), sees baseline 2 and latest 4 in
   the pathway's domain table and on the radar chart, and closes the pathway with an outcome; the
   pathway page shows the closure and the follow-up date.

Runs against SQLite and PostgreSQL alike (``live_server`` implies a transactional database).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Locator, Page, expect

from conftest import OOSTENDE_FILE, PASSWORD, complete_screening, register_client
from tests.browser.conftest import check_accessibility, log_in

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
REGION = json.loads(OOSTENDE_FILE.read_text(encoding="utf-8"))
DOMAIN_LABELS = {d["code"]: d["label"]["nl"] for d in REGION["life_domains"]}
MARIAM = next(c for c in REGION["challenges"] if c["persona"] == "Mariam")
MARIAM_OBSTACLES = sorted({code for line in MARIAM["obstacles"] for code in line["obstacles"]})

OFFER_TITLE = "Babbelonie: Nederlands oefenen aan huis"
BASELINE_LEVEL = 2
RESCREEN = {"language": 4, "social-network": 4, "daily-activities": 4}  # the rest stays at 2
LEVEL_4 = "4 Voldoende zelfredzaam"
CONTACT_SUMMARY = "Samen naar de markt gewandeld en Nederlands geoefend met de marktkramers."


def fits_the_phone(page: Page) -> None:
    """No sideways scrolling on a 360 px screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone (scrollWidth {width})"


def group(scope: Page | Locator, legend: str) -> Locator:
    """A fieldset by its legend (a required field's legend also says "(verplicht)")."""
    return scope.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}( \(verplicht\))?$"))


def url_of(base: str, pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(base) + pattern + "$")


def set_up(personas: Any) -> tuple[Any, Any]:
    """De Brug's offer and Mariam, screened at level 2, with her consent for De Brug vzw."""
    from apps.consent.models import DataCategory, Method, Purpose
    from apps.consent.services import consent_record
    from apps.offers.services import offer_create
    from apps.regions.models import InterventionType, Municipality, Obstacle

    region = personas.region
    offer = offer_create(
        organisation=personas.brug,
        actor=personas.els,
        title=OFFER_TITLE,
        description="Een vrijwilliger komt aan huis of gaat mee op stap om Nederlands te oefenen.",
        delivery_mode="outreach",
        capacity=5,
        languages=["nl"],
        interpreter_available=True,
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code__in=["limited-dutch", "no-network"])),
        municipalities=list(Municipality.objects.filter(region=region)),
    )
    client = register_client(personas)
    today = timezone.localdate()
    complete_screening(
        client, personas.sofie, obstacles=MARIAM_OBSTACLES, level=BASELINE_LEVEL, on=today - dt.timedelta(days=90)
    )
    consent_record(
        client=client,
        organisations=[personas.brug],
        categories=[DataCategory.IDENTITY, DataCategory.LIFE_DOMAINS],
        purposes=[Purpose.GUIDANCE, Purpose.REFERRAL],
        method=Method.WRITTEN,
        given_on=today,
        actor=personas.sofie,
        actor_organisation=personas.lb,
    )
    return offer, client


@pytest.mark.django_db(transaction=True)
def test_a_pathway_from_referral_to_closure_with_the_partner_on_a_phone(
    page: Page, phone_page: Page, live_server: Any, personas: Any
) -> None:
    base = live_server.url
    offer, client = set_up(personas)
    client_path = f"/hulpvragers/{client.pk}/"
    sofie, els = page, phone_page

    # ------------------------------------------------------------------ Sofie starts a pathway and refers
    log_in(sofie, live_server, personas.sofie)
    sofie.goto(base + client_path)
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Mariam Tesfaye")
    sofie.get_by_role("button", name="Traject starten", exact=True).click()
    sofie.wait_for_url(url_of(base, r"/trajecten/\d+/"))
    pathway_path = sofie.url.removeprefix(base)
    pathway_pk = int(pathway_path.split("/")[2])
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Traject van Mariam")
    expect(sofie.locator("#pathway-status")).to_have_text("Intake")
    team = sofie.locator("section[aria-labelledby=team] li")
    expect(team).to_have_count(1)
    expect(team.first).to_contain_text("Sofie · Lokaal bestuur Oostende · Trajectbegeleider (houdt de regie)")

    # The recommended offers, from the client file.
    sofie.get_by_role("link", name="Dossier", exact=True).click()
    sofie.wait_for_url(base + client_path)
    expect(sofie.get_by_role("link", name="Traject", exact=True)).to_have_attribute("href", pathway_path)
    sofie.get_by_role("link", name="Aanbevolen aanbod", exact=True).click()
    sofie.wait_for_url(base + f"/matching/hulpvrager/{client.pk}/")
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Aanbod voor Mariam")
    recommendation = sofie.locator("#recommendations > li").filter(has_text=OFFER_TITLE)
    expect(recommendation).to_have_count(1)
    expect(recommendation).to_contain_text("De Brug vzw")
    expect(recommendation).to_contain_text("Beperkte of geen kennis van het Nederlands")
    # The link says "Doorverwijzen" and, for screen readers only, the offer (Chromium puts a space before
    # the visually hidden part).
    recommendation.get_by_role("link", name=re.compile(rf"^Doorverwijzen ?: {re.escape(OFFER_TITLE)}$")).click()

    # The referral form comes with the offer chosen.
    sofie.wait_for_url(base + f"/doorverwijzingen/nieuw/{pathway_pk}/?offer={offer.pk}&bron=aanbeveling")
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Mariam doorverwijzen naar een aanbod")
    expect(sofie.get_by_label("Aanbod", exact=True)).to_have_value(str(offer.pk))
    expect(sofie.locator("#offer-info")).to_contain_text("5 van 5 plaatsen vrij")
    sofie.get_by_label("Vraag aan de partner", exact=True).fill(
        "Mariam wil Nederlands oefenen buiten de les. Ze spreekt Tigrinya; een tolk helpt bij het eerste gesprek."
    )
    sofie.get_by_role("button", name="De doorverwijzing versturen", exact=True).click()
    sofie.wait_for_url(url_of(base, r"/doorverwijzingen/\d+/"))
    referral_path = sofie.url.removeprefix(base)
    expect(sofie.get_by_role("status")).to_have_text("De doorverwijzing is verstuurd; de partner kreeg bericht.")
    expect(sofie.get_by_role("heading", level=1)).to_have_text(f"Doorverwijzing van Mariam Tesfaye naar {OFFER_TITLE}")
    expect(sofie.locator("#status")).to_have_text("Verstuurd")
    expect(sofie.get_by_text("vanuit de aanbevelingen")).to_be_visible()

    # ------------------------------------------------------------------ Els answers on her phone
    els.goto(base + "/")
    expect(els).to_have_url(re.compile(r"/account/login/\?next=/$"))
    els.get_by_label("Gebruikersnaam").fill("els")
    els.get_by_label("Wachtwoord").fill(PASSWORD)
    els.get_by_role("button", name="Aanmelden").click()
    els.wait_for_url(base + "/")
    expect(els.get_by_role("heading", level=1)).to_have_text("Welkom, Els")
    fits_the_phone(els)

    # "Doorverwijzingen" is in the collapsed menu: open it with the toggler first.
    referrals_link = els.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name=re.compile(r"^Doorverwijzingen( \d+ te beantwoorden)?$")
    )
    expect(referrals_link).to_be_hidden()
    toggler = els.get_by_role("button", name="Menu tonen of verbergen")
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    fits_the_phone(els)
    referrals_link.click()
    els.wait_for_url(base + "/doorverwijzingen/")
    expect(els.get_by_role("heading", level=1)).to_have_text("Doorverwijzingen")
    fits_the_phone(els)
    # The consent gives De Brug the identity: first name and last initial.
    incoming = els.locator("#incoming > li")
    expect(incoming).to_have_count(1)
    expect(incoming.first).to_contain_text("Verstuurd")
    incoming.first.get_by_role("link", name=f"Mariam T. → {OFFER_TITLE}", exact=True).click()

    els.wait_for_url(base + referral_path)
    expect(els.get_by_role("heading", level=1)).to_have_text(f"Doorverwijzing van Mariam T. naar {OFFER_TITLE}")
    expect(els.locator("#status")).to_have_text("Verstuurd")
    fits_the_phone(els)
    check_accessibility(els)
    accept = els.get_by_role("form", name="Aanvaarden", exact=True)
    accept.get_by_label("Opmerking (optioneel)").fill("Welkom! Onze vrijwilliger belt Mariam deze week.")
    accept.get_by_role("button", name="Aanvaarden", exact=True).click()
    els.wait_for_url(base + referral_path)
    expect(els.get_by_role("status")).to_have_text("Bewaard: de doorverwijzing is nu 'Aanvaard'.")
    expect(els.locator("#status")).to_have_text("Aanvaard")
    expect(els.locator("#timeline > li")).to_have_count(2)
    fits_the_phone(els)

    # Accepting puts Els on the case team (the consent lets De Brug see Mariam for guidance).
    sofie.goto(base + pathway_path)
    expect(sofie.locator("section[aria-labelledby=referrals] li")).to_contain_text(["Aanvaard"])
    expect(sofie.locator("section[aria-labelledby=team] li").filter(has_text="Els · De Brug vzw")).to_have_count(1)

    # ------------------------------------------------------------------ Els opens the pathway and logs a contact
    els.reload()
    pathway_link = els.get_by_role("link", name="Traject van Mariam Tesfaye", exact=True)
    expect(pathway_link).to_have_attribute("href", pathway_path)
    fits_the_phone(els)
    pathway_link.click()
    els.wait_for_url(base + pathway_path)
    expect(els.get_by_role("heading", level=1)).to_have_text("Traject van Mariam")
    expect(els.locator("section[aria-labelledby=team] li").filter(has_text="Els · De Brug vzw")).to_contain_text(
        "Babbelonie"
    )
    expect(els.get_by_role("link", name="Team wijzigen")).to_have_count(0)  # the team is Sofie's to change
    fits_the_phone(els)
    els.get_by_role("link", name="Contact noteren", exact=True).click()

    els.wait_for_url(base + pathway_path + "contact/nieuw/")
    expect(els.get_by_role("heading", level=1)).to_have_text("Contact noteren")
    expect(els.get_by_label("Datum", exact=True)).to_have_value(timezone.localdate().isoformat())
    fits_the_phone(els)
    check_accessibility(els)
    group(els, "Waar").get_by_role("radio", name="Op straat", exact=True).check()
    els.get_by_label("Wie was erbij", exact=True).fill("Mariam en een vrijwilliger")
    els.get_by_label("Korte samenvatting", exact=True).fill(CONTACT_SUMMARY)
    els.get_by_label("Volgende stap", exact=True).fill("Volgende week naar de bibliotheek.")
    els.get_by_role("button", name="Bewaren", exact=True).click()
    els.wait_for_url(base + pathway_path)
    expect(els.get_by_role("status")).to_have_text("Het contact is genoteerd.")
    contact = els.locator("#contact-log > li")
    expect(contact).to_have_count(1)
    expect(contact).to_contain_text("Op straat · Els (De Brug vzw)")
    expect(contact).to_contain_text(CONTACT_SUMMARY)
    fits_the_phone(els)

    # ------------------------------------------------------------------ Sofie re-screens from the pathway page
    sofie.goto(base + pathway_path)
    expect(sofie.locator("#contact-log > li")).to_contain_text([CONTACT_SUMMARY])
    language_row = sofie.locator("#domain-table").get_by_role("row", name=re.compile(r"^Taal\b"))
    expect(language_row.get_by_role("cell")).to_have_text(["2", "2", "–"])  # one screening: baseline = latest
    sofie.get_by_role("button", name="Nieuwe screening", exact=True).click()
    sofie.wait_for_url(url_of(base, re.escape(client_path) + r"screening/\d+/domeinen/"))
    screening_path = sofie.url.removeprefix(base).removesuffix("domeinen/")
    expect(sofie.get_by_text("Stap 1 van 5")).to_be_visible()
    # The new screening starts from the last one: every domain is at level 2.
    expect(sofie.locator("input[type=radio][name^=level_]:checked")).to_have_count(len(DOMAIN_LABELS))
    for code, level in RESCREEN.items():
        assert level == 4
        # every domain is answered, so each is folded (<details>): its summary shows the answer; open it to change
        sofie.locator("details.domain-panel").filter(
            has=sofie.locator("summary > span.fw-semibold").get_by_text(DOMAIN_LABELS[code], exact=True)
        ).locator("summary").click()
        group(sofie, DOMAIN_LABELS[code]).get_by_role("radio", name=LEVEL_4, exact=True).check()
    sofie.get_by_role("button", name="Bewaren en verder").click()
    for step, number in (("drempels", 2), ("ladder", 3), ("gegevens", 4)):  # kept from the last screening
        sofie.wait_for_url(base + screening_path + f"{step}/")
        expect(sofie.get_by_text(f"Stap {number} van 5")).to_be_visible()
        sofie.get_by_role("button", name="Bewaren en verder").click()
    sofie.wait_for_url(base + screening_path + "overzicht/")
    expect(sofie.get_by_text("Stap 5 van 5")).to_be_visible()
    sofie.get_by_role("button", name="Screening afronden").click()
    sofie.wait_for_url(base + client_path)
    expect(sofie.get_by_role("status")).to_have_text("De screening is afgerond.")

    # The radar changed: baseline 2 against latest 4 in the table and in the chart.
    sofie.get_by_role("link", name="Traject", exact=True).click()
    sofie.wait_for_url(base + pathway_path)
    table = sofie.locator("table#domain-table")
    expect(table.locator("tbody tr")).to_have_count(len(DOMAIN_LABELS))
    for code, label in DOMAIN_LABELS.items():
        row = table.get_by_role("row", name=re.compile(rf"^{re.escape(label)}\b"))
        expect(row.get_by_role("cell")).to_have_text(["2", str(RESCREEN.get(code, BASELINE_LEVEL)), "–"])
    sofie.wait_for_function("() => window.Chart !== undefined && !!Chart.getChart(document.getElementById('radar'))")
    chart = sofie.evaluate(
        """() => {
            const c = Chart.getChart(document.getElementById('radar'));
            return {labels: c.data.labels, datasets: c.data.datasets.map(d => ({label: d.label, data: d.data}))};
        }"""
    )
    assert len(chart["datasets"]) >= 2, chart
    baseline, latest = chart["datasets"][0], chart["datasets"][1]
    assert (baseline["label"], latest["label"]) == ("Nulmeting", "Laatste")
    language = chart["labels"].index(DOMAIN_LABELS["language"])
    assert (baseline["data"][language], latest["data"][language]) == (2, 4)
    assert baseline["data"] != latest["data"]
    # on a phone the domains' names wrap onto short lines so that none runs off the canvas
    sofie.set_viewport_size({"width": 360, "height": 740})
    sofie.reload()
    sofie.wait_for_function("() => window.Chart !== undefined && !!Chart.getChart(document.getElementById('radar'))")
    wrapped = sofie.evaluate("() => Chart.getChart(document.getElementById('radar')).data.labels")
    assert [" ".join(lines) for lines in wrapped] == chart["labels"]
    assert all(len(line) <= 12 or " " not in line for lines in wrapped for line in lines), wrapped
    sofie.set_viewport_size({"width": 1280, "height": 800})
    sofie.reload()
    expect(sofie.locator("#ladder-timeline > li")).to_have_count(2)

    # ------------------------------------------------------------------ Sofie closes the pathway
    sofie.get_by_role("link", name="Traject afsluiten", exact=True).click()
    sofie.wait_for_url(base + pathway_path + "afsluiten/")
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Traject afsluiten")
    today = timezone.localdate()
    expect(sofie.get_by_label("Afgesloten op", exact=True)).to_have_value(today.isoformat())
    group(sofie, "Uitstroom").get_by_role("radio", name="Opleiding of onderwijs", exact=True).check()
    sofie.get_by_role("checkbox", name="In opleiding bij uitstroom", exact=True).check()
    # the page first lists what closing does to what is still open; its button names the consequence
    expect(sofie.locator("#closing-summary")).to_contain_text("lopende doorverwijzing")
    sofie.get_by_role("button", name="Traject afsluiten", exact=True).click()
    sofie.wait_for_url(base + pathway_path)
    expect(sofie.get_by_role("status").filter(has_text="Het traject is afgesloten.")).to_have_text(
        "Het traject is afgesloten. Een opvolging is gepland binnen zes maanden."
    )
    # closing withdrew what was still open and says so
    expect(sofie.get_by_role("status").filter(has_text="De lopende doorverwijzingen")).to_be_visible()
    expect(sofie.locator("#pathway-status")).to_have_text("Afgesloten")
    closure = sofie.locator("section[aria-labelledby=closure]")
    expect(closure).to_contain_text(f"Afgesloten op {date_format(today, 'DATE_FORMAT')}: Opleiding of onderwijs.")
    follow_up = today + dt.timedelta(days=182)
    expect(closure).to_contain_text(f"Opvolging gepland op {date_format(follow_up, 'DATE_FORMAT')}.")
    expect(closure.get_by_role("link", name="Opvolging registreren")).to_be_visible()
    # A closed pathway takes no new contacts, screenings or referrals from its page.
    expect(sofie.get_by_role("link", name="Contact noteren")).to_have_count(0)
    expect(sofie.get_by_role("button", name="Nieuwe screening")).to_have_count(0)
    expect(sofie.get_by_role("link", name="Aanbod zoeken en doorverwijzen")).to_have_count(0)
    check_accessibility(sofie)
