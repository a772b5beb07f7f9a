"""Plan editing on a phone (issue 11 item 5): Sofie writes two goals in one save on a 360 px screen.

Set-up through the services: Mariam registered and screened (limited Dutch, trauma) with a pathway. Sofie
opens the plan on a phone: the obstacles of Mariam's screening come first, the others are folded away; she
asks for more goals (her text stays), fills two goals and saves once; the pathway shows both. The plan page
fits the phone and passes axe (WCAG 2.1 A/AA), before and after "More goals".
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from apps.pathways.models import Goal
from tests.browser.conftest import check_accessibility, fits_the_phone, log_in
from tests.factories import register_client, start_pathway

pytestmark = pytest.mark.browser


def test_sofie_writes_two_goals_in_one_save_on_a_phone(phone_page: Page, live_server: Any, personas: Any) -> None:
    client = register_client(personas)
    pathway = start_pathway(personas, client, obstacles=["limited-dutch", "trauma-ptsd"])
    page = phone_page
    log_in(page, live_server, personas.sofie)
    page.goto(f"{live_server.url}/trajecten/{pathway.pk}/plan/")
    first = page.locator("fieldset.border").first
    expect(first.get_by_text("Uit de screening van deze hulpvrager")).to_be_visible()
    expect(first.get_by_label("Beperkte of geen kennis van het Nederlands")).to_be_visible()
    expect(first.get_by_label("Laaggeschoold")).to_be_hidden()  # the others are folded away
    fits_the_phone(page)
    check_accessibility(page)

    first.get_by_label("Levensdomein", exact=True).select_option(label="Taal")
    first.get_by_label("Doel", exact=True).fill("Nederlands A2 halen")
    first.get_by_label("Beperkte of geen kennis van het Nederlands").check()
    page.get_by_role("button", name="Meer doelen").click()
    expect(page.locator("fieldset.border")).to_have_count(4)
    expect(page.locator("fieldset.border").first.get_by_label("Doel", exact=True)).to_have_value("Nederlands A2 halen")
    fits_the_phone(page)
    check_accessibility(page)

    second = page.locator("fieldset.border").nth(1)
    second.get_by_label("Levensdomein", exact=True).select_option(label="Huisvesting")
    second.get_by_label("Doel", exact=True).fill("Een woning vinden")
    page.get_by_role("button", name="Plan bewaren").click()
    page.wait_for_url(f"**/trajecten/{pathway.pk}/")
    expect(page.get_by_text("Nederlands A2 halen")).to_be_visible()
    expect(page.get_by_text("Een woning vinden")).to_be_visible()
    assert set(Goal.objects.filter(pathway=pathway).values_list("description", flat=True)) == {
        "Nederlands A2 halen",
        "Een woning vinden",
    }
