"""The coordinator's dashboard (issue 11, item 3) and the employer overview (issue 16, item 6) in Chromium:
the charts draw (a canvas per figure, no console error), axe finds no WCAG 2.1 AA violation, and at 360 px
nothing scrolls sideways; a figure's link opens the list behind it.

Set-up through the services: one client waiting 40 days for an offer and referred to it (the referral
escalated), one pathway closed with a regular job, and an employer with a started placement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, check_accessibility, fits_the_phone, log_in

pytestmark = pytest.mark.browser


def set_up(personas: Any) -> None:
    from apps.offers.services import offer_create, waiting_list_add
    from apps.pathways.services import pathway_close, pathway_start
    from apps.referrals.services import referral_send, referrals_escalate
    from apps.regions.models import InterventionType, Obstacle
    from tests.factories import register_client

    region = personas.region
    offer = offer_create(
        organisation=personas.lb, actor=personas.sofie, title="Taalcafé", description="x", delivery_mode="outreach",
        capacity=1, languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
        municipalities=list(region.municipalities.all()),
    )  # fmt: skip
    amal = register_client(personas, first_name="Amal", last_name="Wacht")
    pathway = pathway_start(client=amal, actor=personas.sofie, organisation=personas.lb)
    waiting_list_add(client=amal, actor=personas.sofie, offer=offer, since=timezone.localdate() - dt.timedelta(40))
    referral_send(pathway=pathway, offer=offer, actor=personas.sofie)
    referrals_escalate(now=timezone.now() + dt.timedelta(days=30))
    carla = register_client(personas, first_name="Carla", last_name="Werkt")
    closed = pathway_start(client=carla, actor=personas.sofie, organisation=personas.lb)
    pathway_close(
        pathway=closed, actor=personas.sofie, closed_on=timezone.localdate(), outcome="regular_job", employed=True
    )
    from apps.employers.tests.conftest import make_employer, make_opportunity

    make_opportunity(personas, make_employer(personas), kind="vacancy")


@pytest.mark.django_db(transaction=True)
def test_wouters_dashboard_and_employer_overview_draw_pass_axe_and_fit_a_phone(
    page: Page, open_page: Callable[..., Page], live_server: Any, personas: Any
) -> None:
    set_up(personas)
    page.set_default_timeout(60_000)  # a busy shared machine: the first request of the live server is slow
    log_in(page, live_server, personas.wouter)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Open het dashboard coördinatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard coördinatie")
    region = personas.region.pk
    expect(page.locator(f"#chart-{region}-waiting")).to_be_visible()
    # Chart.js drew on the canvas (it sets the canvas's pixel size)
    assert page.evaluate(f"document.getElementById('chart-{region}-waiting').width") > 0
    check_accessibility(page)
    page.locator(f"#table-{region}-escalated").get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geëscaleerde doorverwijzingen (geen tijdig antwoord)")
    expect(page.get_by_role("link", name="Amal Wacht")).to_be_visible()
    check_accessibility(page)
    page.goto(live_server.url + "/werkgevers/overzicht/")
    expect(page.locator("#chart-rung")).to_be_visible()
    check_accessibility(page)
    page.locator("#table-rung").get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trede 6")
    check_accessibility(page)

    phone = open_page(**PHONE)
    phone.set_default_timeout(60_000)
    log_in(phone, live_server, personas.wouter)
    for path in (
        "/coordinatie/",
        f"/coordinatie/lijst/?region={region}&figure=escalated",
        "/werkgevers/overzicht/",
        "/werkgevers/kansen/?rung=6",
        "/werkgevers/plaatsingen/",
    ):
        phone.goto(live_server.url + path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        fits_the_phone(phone)
        check_accessibility(phone)


@pytest.mark.django_db(transaction=True)
def test_on_wouters_phone_every_chart_label_fits_its_axis_instead_of_being_cut_off(
    open_page: Callable[..., Page], live_server: Any, personas: Any
) -> None:
    # An offer's name ("Psychologische hulpverlening – Oostende (De Brug vzw ...)") or a challenge's is wider
    # than a 360 px chart; Chart.js then cut it off at both edges of the canvas. It is now shortened with an
    # ellipsis (whole in the tooltip and in the table under the chart).
    from apps.offers.services import offer_create, waiting_list_add
    from apps.regions.models import InterventionType, Obstacle
    from tests.factories import register_client

    set_up(personas)
    long_offer = offer_create(
        organisation=personas.lb, actor=personas.sofie, description="x", delivery_mode="outreach", capacity=1,
        title="Psychologische hulpverlening voor volwassenen met trauma en verslaving, individueel en in groep",
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=personas.region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=personas.region, code="limited-dutch")),
        municipalities=list(personas.region.municipalities.all()),
    )  # fmt: skip
    waiting_list_add(client=register_client(personas, first_name="Bart", last_name="Lang"), actor=personas.sofie,
                     offer=long_offer, since=timezone.localdate() - dt.timedelta(3))  # fmt: skip
    phone = open_page(**PHONE)
    phone.set_default_timeout(60_000)
    log_in(phone, live_server, personas.wouter)
    phone.goto(live_server.url + "/coordinatie/")
    expect(phone.locator(f"#chart-{personas.region.pk}-waiting")).to_be_visible()
    too_wide = phone.evaluate(
        """() => Array.from(document.querySelectorAll('canvas')).flatMap(canvas => {
            const chart = Chart.getChart(canvas);
            const axis = chart.options.indexAxis === 'y' ? chart.scales.y : chart.scales.x;
            const room = axis.axis === 'y' ? axis.width : chart.width / chart.data.labels.length;
            const widest = axis._labelSizes.widest.width;
            return widest > room ? [`${canvas.id}: ${Math.round(widest)} px label in ${Math.round(room)} px`] : [];
        })"""
    )
    assert too_wide == [], too_wide
    chart = f"Chart.getChart('chart-{personas.region.pk}-waiting')"
    labels = phone.evaluate(f"{chart}.scales[{chart}.options.indexAxis === 'y' ? 'y' : 'x'].ticks.map(t => t.label)")
    assert any(label.endswith("\u2026") for label in labels), labels
