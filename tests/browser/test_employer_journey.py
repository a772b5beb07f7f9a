"""Employer journey: register an employer and a rung-4 opportunity, propose a client, the employer answers
through a private link, the placement starts, job coaching is planned and the pathway closes "employed".

1. Set-up through the services (fast): Mariam, registered by Sofie, with a completed screening (ladder
   rung 2, attainable rung 4) and an open pathway.
2. Sofie (counsellor at Lokaal bestuur Oostende, desktop) registers Hotel Zeezicht (a KBO number that
   passes ``stdnum.be.vat``) and an article 60 place at it (rung 4 of the participation ladder; of the
   rung-4 kinds only article 60 is paid work, and only paid work may close a pathway as "employed").
3. Sofie opens Mariam's work opportunities, proposes her, and records her consent for employer
   mediation on the placement page, which shows the employer's private link once.
4. The employer opens the link in a fresh phone context without logging in: before the consent an
   anonymised profile without the name; after it the candidate (named,
   since Mariam consented), the page passes axe at 360 px, and answers "interested".
5. Sofie plans the intake, records the start (job-coaching contacts at weeks 1, 4 and 12 appear on the
   placement page) and closes the pathway from the placement page with the outcome "employed".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from conftest import complete_screening, register_client
from tests.browser.conftest import PHONE, check_accessibility, log_in

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
KBO = "0403.170.701"  # 04031707 mod 97 = 96, check digits 97 - 96 = 01
EMPLOYER = "Hotel Zeezicht"
OPPORTUNITY = "Keukenmedewerker (artikel 60)"
MOTIVATION = "Gemotiveerd, werkte vroeger in een keuken."


def url_of(base: str, pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(base) + pattern + "$")


def set_up(personas: Any) -> tuple[Any, Any]:
    """Mariam, screened (ladder rung 2, attainable 4), with an open pathway started by Sofie."""
    from apps.pathways.services import pathway_start

    client = register_client(personas)
    complete_screening(client, personas.sofie, obstacles=["limited-dutch", "unemployed"], on=timezone.localdate())
    pathway = pathway_start(client=client, actor=personas.sofie, organisation=personas.lb)
    return client, pathway


@pytest.mark.django_db(transaction=True)
def test_an_employer_answers_a_proposal_and_the_pathway_closes_employed(
    page: Page, open_page: Callable[..., Page], live_server: Any, personas: Any
) -> None:
    from apps.employers.models import Employer

    base = live_server.url
    client, pathway = set_up(personas)
    sofie = page
    today = timezone.localdate()

    # ------------------------------------------------------------------ Sofie registers the employer
    log_in(sofie, live_server, personas.sofie)
    sofie.goto(base + "/werkgevers/nieuw/")
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Een werkgever registreren")
    sofie.get_by_label("Naam", exact=True).fill(EMPLOYER)
    sofie.get_by_label("Ondernemingsnummer (KBO)", exact=True).fill(KBO)
    sofie.get_by_label("Sector (NACE-sectie)", exact=True).select_option("I")
    sofie.get_by_label("Gemeente", exact=True).select_option(label="Oostende")
    sofie.get_by_label("Grootte", exact=True).select_option("small")
    expect(sofie.get_by_label("Partnerorganisatie die de relatie opvolgt", exact=True)).to_have_value(
        str(personas.lb.pk)
    )
    sofie.get_by_role("button", name=re.compile("^(Bewaren|Registreren)")).click()
    sofie.wait_for_url(url_of(base, r"/werkgevers/\d+/"))
    expect(sofie.get_by_role("status")).to_have_text("De werkgever is geregistreerd.")
    employer = Employer.objects.get(name=EMPLOYER)
    assert employer.enterprise_number == "0403170701"

    # ------------------------------------------------------------------ and an opportunity on rung 4
    sofie.goto(base + f"/werkgevers/{employer.pk}/kans/nieuw/")
    expect(sofie.get_by_role("heading", level=1)).to_have_text(f"Nieuwe kans bij {EMPLOYER}")
    sofie.get_by_label("Titel", exact=True).fill(OPPORTUNITY)
    sofie.get_by_label("Soort (bepaalt de trede)", exact=True).select_option("article_60")
    sofie.get_by_label("Beroep (ISCO-08)", exact=True).select_option("9412")
    sofie.get_by_label("Uren per week", exact=True).fill("30")
    # The form marks shifts and supports optional, but the model wants at least one of each.
    sofie.locator("input[name=shifts][value=day]").check()
    sofie.locator("input[name=supports][value=job_coach]").check()
    sofie.get_by_label("Vereist niveau Nederlands", exact=True).select_option("A0")
    sofie.get_by_label("Plaatsen", exact=True).fill("2")
    expect(sofie.get_by_label("Vanaf", exact=True)).to_have_value(today.isoformat())
    sofie.get_by_role("button", name=re.compile("^(Bewaren|Toevoegen)")).click()
    sofie.wait_for_url(url_of(base, r"/werkgevers/kans/\d+/"))
    expect(sofie.get_by_role("status")).to_have_text("De kans is toegevoegd.")
    opportunity = employer.opportunities.get()
    assert (opportunity.kind, opportunity.rung) == ("article_60", 4)

    # ------------------------------------------------------------------ Sofie proposes Mariam
    sofie.goto(base + f"/werkgevers/hulpvrager/{client.pk}/")
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Werkkansen voor Mariam")
    match = sofie.locator("#opportunity-matches > li").filter(has_text=OPPORTUNITY)
    expect(match).to_have_count(1)
    expect(match).to_contain_text(EMPLOYER)
    match.get_by_label(re.compile(r"^Waarom deze kandidaat")).fill(MOTIVATION)
    match.get_by_role("button", name=f"Voorstellen aan de werkgever: {OPPORTUNITY}").click()
    sofie.wait_for_url(url_of(base, r"/werkgevers/plaatsing/\d+/"))
    placement_path = sofie.url.removeprefix(base)
    expect(sofie.get_by_role("heading", level=1)).to_have_text(f"Mariam bij {OPPORTUNITY}")
    expect(sofie.get_by_role("status").first).to_contain_text("De kandidaat is voorgesteld.")
    link = sofie.locator("#employer-link").input_value()
    assert re.fullmatch(re.escape(base) + r"/werkgevers/link/[\w-]+/", link), link
    expect(sofie.locator("#consent-state")).to_contain_text("geanonimiseerd profiel")

    # Before Mariam consents, the employer sees an anonymised profile (opening the link does not use it up).
    employer_page = open_page(**PHONE)  # a fresh context: no session, no login
    employer_page.goto(link)
    expect(employer_page.locator("section[aria-labelledby=profile] h2")).to_have_text("Geanonimiseerd profiel")
    expect(employer_page.locator("main")).not_to_contain_text("Mariam")
    expect(employer_page.locator("main")).not_to_contain_text("Tesfaye")

    # Mariam consents to employer mediation.
    sofie.get_by_text("De toestemming van de hulpvrager registreren", exact=True).click()
    sofie.get_by_role("radio", name="Schriftelijk, ondertekend", exact=True).check()
    expect(sofie.get_by_label("Datum", exact=True)).to_have_value(today.isoformat())
    sofie.get_by_role("button", name="Toestemming registreren", exact=True).click()
    sofie.wait_for_url(base + placement_path)
    expect(sofie.get_by_role("status")).to_have_text("De toestemming is geregistreerd.")
    expect(sofie.locator("#consent-state")).to_have_text(
        "De hulpvrager gaf toestemming: de werkgever ziet de naam van de hulpvrager."
    )

    # ------------------------------------------------------------------ the employer answers on a phone
    employer_page.reload()
    expect(employer_page).to_have_url(link)
    expect(employer_page.get_by_role("heading", level=1)).to_have_text(f"Een kandidaat voor: {OPPORTUNITY}")
    expect(employer_page.locator("section[aria-labelledby=profile] h2")).to_have_text("Mariam Tesfaye")
    expect(employer_page.locator("#candidate-profile")).to_contain_text("Oostende")
    expect(employer_page.locator("#candidate-profile")).to_contain_text(MOTIVATION)
    width = employer_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the employer's page scrolls sideways on a phone (scrollWidth {width})"
    check_accessibility(employer_page)
    employer_page.get_by_role(
        "radio", name="Geïnteresseerd: we willen deze kandidaat graag ontmoeten", exact=True
    ).check()
    employer_page.get_by_role("button", name="Mijn antwoord versturen", exact=True).click()
    expect(employer_page.get_by_role("heading", level=1)).to_have_text("Dank u")
    expect(employer_page.locator("#link-done")).to_have_text(
        "Uw antwoord is doorgegeven aan de jobcoach, die contact met u opneemt."
    )
    check_accessibility(employer_page)

    # ------------------------------------------------------------------ Sofie plans the intake and records the start
    sofie.goto(base + placement_path)
    expect(sofie.locator("#placement-status")).to_have_text(re.compile("geïnteresseerd", re.IGNORECASE))
    intake_on, start_on = today + dt.timedelta(days=3), today + dt.timedelta(days=7)
    sofie.get_by_label("Kennismakingsgesprek op", exact=True).fill(intake_on.isoformat())
    sofie.get_by_label("Verwachte start", exact=True).fill(start_on.isoformat())
    sofie.get_by_role("button", name="Het kennismakingsgesprek plannen", exact=True).click()
    sofie.wait_for_url(base + placement_path)
    expect(sofie.locator("#employer-link")).to_be_visible()  # the confirm-start link for the employer
    expect(sofie.get_by_label("Startdatum", exact=True)).to_have_value(start_on.isoformat())
    sofie.get_by_role("button", name="De start registreren", exact=True).click()
    sofie.wait_for_url(base + placement_path)
    expect(sofie.get_by_role("status")).to_have_text(
        "De start is geregistreerd; de jobcoachingscontacten zijn gepland."
    )
    expect(sofie.locator("#placement-status")).to_have_text("Gestart")

    # Job coaching is planned at 1, 4 and 12 weeks after the start.
    expect(sofie.get_by_role("heading", name="Jobcoaching")).to_be_visible()
    coaching = sofie.locator("#coaching > li")
    expect(coaching).to_have_count(3)
    for item, weeks in zip(coaching.all(), (1, 4, 12), strict=True):
        planned = date_format(start_on + dt.timedelta(weeks=weeks), "j F Y")
        expect(item).to_contain_text(f"Week {weeks}: {planned}")

    # ------------------------------------------------------------------ Sofie closes the pathway: employed
    sofie.get_by_role("link", name="Het traject afsluiten: aan het werk", exact=True).click()
    sofie.wait_for_url(
        base + f"/trajecten/{pathway.pk}/afsluiten/?plaatsing={placement_path.strip('/').split('/')[-1]}"
    )
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Traject afsluiten")
    # Prefilled from the placement: the outcome art. 60 employment, in employment, closed today.
    expect(sofie.get_by_role("radio", name="Tewerkstelling art. 60", exact=True)).to_be_checked()
    expect(
        sofie.get_by_role("checkbox", name="Aan het werk (ook als zelfstandige) bij uitstroom", exact=True)
    ).to_be_checked()
    sofie.get_by_role("button", name="Traject afsluiten", exact=True).click()
    sofie.wait_for_url(base + f"/trajecten/{pathway.pk}/")
    expect(sofie.get_by_role("status")).to_have_text(
        "Het traject is afgesloten. Een opvolging is gepland binnen zes maanden."
    )
    expect(sofie.locator("#pathway-status")).to_have_text("Afgesloten")
    pathway.refresh_from_db()
    assert pathway.status == "closed"
    assert (pathway.closure.outcome, pathway.closure.employed, pathway.closure.closed_on) == ("art60", True, today)
