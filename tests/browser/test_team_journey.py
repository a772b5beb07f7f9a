"""The case team in a real browser, on a 360 px phone: Sofie (counsellor, who holds the direction of Mariam's
pathway) tries to give Yonas (peer companion) the counsellor's seat. The form comes back with the reason at the role,
the error summary takes the focus (a screen reader starts there) and its line is a link that puts her on the role;
nothing is saved; with his own role he joins, and each remove button names its member. The page passes axe (WCAG 2.1
A/AA) and fits the phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import Membership, Organisation, Role
from apps.pathways.models import TeamMember
from apps.pathways.services import team_add
from conftest import make_user
from tests.browser.conftest import PHONE_WIDTH, check_accessibility, log_in
from tests.factories import complete_screening, register_client, start_pathway

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_MS = 60_000  # a navigation on a busy machine (see test_privacy_journey)


def the_team_page_fits_the_phone(page: Page) -> None:
    """Nothing of the team page scrolls sideways on a 360 px phone: not the page, not a select of the form that adds a
    member, no element of that form."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    form = page.locator("main form").filter(has=page.locator("#id_membership"))
    selects = form.locator("select").all()
    assert selects, "the form that adds a member has its selects"
    for select in selects:
        box = select.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box
    beyond = form.evaluate(
        "form => [form, ...form.querySelectorAll('*')]"
        ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)"
        ".map(e => e.tagName + '#' + e.id)"
    )
    assert beyond == [], f"beyond the right edge of the phone: {beyond}"


def test_sofie_cannot_hand_yonas_the_direction_but_can_add_him_as_peer_companion(
    phone_page: Page, live_server: Any, personas: Any
) -> None:
    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=[])
    pathway = start_pathway(personas, mariam)
    yonas_at_lb = Membership.objects.get(user=personas.yonas, organisation=personas.lb)
    phone_page.set_default_navigation_timeout(PAGE_MS)
    log_in(phone_page, live_server, personas.sofie)
    phone_page.goto(f"{live_server.url}/trajecten/{pathway.pk}/team/")

    phone_page.locator("#id_membership").select_option(str(yonas_at_lb.pk))
    phone_page.get_by_label("Trajectbegeleider (houdt de regie)").check()
    phone_page.get_by_role("button", name="Bewaren").click()
    summary = phone_page.locator("#form-errors")
    expect(summary).to_be_focused(timeout=PAGE_MS)
    expect(phone_page.locator("#id_role-error")).to_have_text(
        "Alleen een trajectbegeleider van Lokaal bestuur Oostende kan de regie houden."
    )
    # the summary's line is a link to the role: from the summary, Tab reaches it and Enter puts her on the role
    phone_page.keyboard.press("Tab")
    link = summary.get_by_role("link", name="Rol in het team: Alleen een trajectbegeleider", exact=False)
    expect(link).to_be_focused()
    assert link.get_attribute("href") == "#id_role_0"
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator("#id_role_0")).to_be_focused()
    expect(phone_page.locator("legend", has_text="Rol in het team")).to_be_in_viewport()
    assert not TeamMember.objects.filter(pathway=pathway, user=personas.yonas).exists()
    the_team_page_fits_the_phone(phone_page)
    check_accessibility(phone_page)

    phone_page.get_by_label("Ervaringsdeskundige trajectgezel").check()
    phone_page.get_by_role("button", name="Bewaren").click()
    expect(phone_page.get_by_role("button", name=f"{personas.yonas} uit het team halen")).to_be_visible(timeout=PAGE_MS)
    expect(phone_page.get_by_role("button", name=f"{personas.sofie} uit het team halen")).to_be_visible()
    assert TeamMember.objects.get(pathway=pathway, user=personas.yonas).role == "peer_companion"


def test_the_team_page_fits_a_360_px_phone_whatever_the_length_of_the_names(
    phone_page: Page, live_server: Any, personas: Any
) -> None:
    """A name without a space (an account known by its e-mail address) on the team and a long organisation name in
    the select: the line of the member wraps inside its card, the form that adds a member stays on the phone."""
    welzijn = Organisation.objects.create(
        region=personas.region,
        code="caw-nwvl",
        name="Centrum Algemeen Welzijnswerk Noord-West-Vlaanderen vzw, afdeling Trajectbegeleiding",
        kind=Organisation.Kind.PARTNER,
    )
    make_user("maximiliaan.vandenbroucke-dewilde@centrumalgemeenwelzijnswerk.be", "", [(welzijn, Role.PARTNER_WORKER)])
    long_named = make_user(
        "jeanbaptiste.vandenabeelevanhoutteghem@lokaalbestuuroostende.be", "", [(personas.lb, Role.PEER_COMPANION)]
    )
    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=[])
    pathway = start_pathway(personas, mariam)
    team_add(pathway=pathway, actor=personas.sofie, user=long_named, organisation=personas.lb, role="peer_companion")
    phone_page.set_default_navigation_timeout(PAGE_MS)
    log_in(phone_page, live_server, personas.sofie)
    phone_page.goto(f"{live_server.url}/trajecten/{pathway.pk}/team/")

    expect(phone_page.get_by_role("button", name=f"{long_named} uit het team halen")).to_be_visible()
    the_team_page_fits_the_phone(phone_page)
    phone_page.get_by_role("button", name="Bewaren").click()  # nothing chosen: the form comes back with its errors
    expect(phone_page.locator("#form-errors")).to_be_focused(timeout=PAGE_MS)
    the_team_page_fits_the_phone(phone_page)
