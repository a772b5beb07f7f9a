"""The call for partners, end to end in a real browser.

An organisation applies on the public call page (no login: a private link), uploads its plan as a
PDF and submits; two jury members declare no conflict of interest and score round 1; the
coordinator records the consensus, shortlists and schedules a pitch (invitation with .ics);
round 2 is scored; the coordinator decides and the decision letter is a PDF; the organisation
submits a rebuttal through its private link and the coordinator records how it was handled.

The region's call timeline is moved around today's date first (the Oostende call of 2023 is long
closed); the pages read everything from the timeline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.partnership import services_jury
from apps.partnership.models import Candidacy, Score
from apps.regions.models import InterventionType
from tests.browser.conftest import check_accessibility, log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def move_the_call_to_now(region: Any) -> dt.date:
    """Deadline in a week, the pitch week next week, the rebuttal date in a month; returns a pitch day."""
    call = region.call
    today = timezone.localdate()
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    call.launch_date = today - dt.timedelta(days=30)
    call.candidacy_deadline = timezone.now() + dt.timedelta(days=7)
    call.written_round_start, call.written_round_end = today, today + dt.timedelta(days=14)
    call.pitch_weeks = [next_monday.isoformat()]
    call.decision_by = today + dt.timedelta(days=20)
    call.rebuttal_by = today + dt.timedelta(days=30)
    call.save()
    return next_monday + dt.timedelta(days=2)  # a Wednesday in the pitch week


def score_round(page: Page, rnd: int, criteria: list[Any], values: list[int]) -> None:
    form = page.locator(f"#score-form-{rnd}")
    for criterion, value in zip(criteria, values, strict=True):
        form.locator(f'input[name="r{rnd}-score_{criterion.pk}"][value="{value}"]').check()
        form.locator(f'textarea[name="r{rnd}-motivation_{criterion.pk}"]').fill(f"Ronde {rnd}: {value}")
    form.locator('button[type="submit"]').click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_an_organisation_applies_and_the_jury_decides(
    live_server: Any, personas: Any, open_page: Callable[..., Page], tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    region = personas.region
    pitch_day = move_the_call_to_now(region)
    criteria = [
        services_jury.criterion_save(region=region, actor=personas.wouter, name="Aansluiting", weight=3),
        services_jury.criterion_save(region=region, actor=personas.wouter, name="Haalbaarheid", weight=1),
    ]
    jan = services_jury.jury_member_add(
        region=region, organisation=personas.lb, email="jan@example.org", first_name="Jan", last_name="Jury",
        actor=personas.wouter,
    ).user  # fmt: skip

    # --- the organisation applies (no login)
    applicant = open_page()
    applicant.goto(f"{live_server.url}/oproep/oostende/")
    expect(applicant.locator("h1")).to_contain_text("Oostende")
    expect(applicant.get_by_text("Saled").first).to_be_visible()
    check_accessibility(applicant)
    applicant.locator('[name="applicant_name"]').fill("An Peeters")
    applicant.locator('[name="applicant_email"]').fill("an@opendeur.be")
    applicant.locator('[name="organisation_name"]').fill("Open Deur vzw")
    applicant.locator('[name="enterprise_number"]').fill("0202.239.951")
    applicant.locator('form[aria-label] button[type="submit"]').click()
    expect(applicant).to_have_url(f"{live_server.url}/oproep/kandidatuur/{Candidacy.objects.get().token}/")
    assert any("/oproep/kandidatuur/" in m.body for m in mail.outbox)
    private_url = applicant.url

    pdf = tmp_path / "projectplan.pdf"
    pdf.write_bytes(PDF)
    applicant.locator("#id_file").set_input_files(str(pdf))
    applicant.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    expect(applicant.get_by_text("projectplan.pdf")).to_be_visible()

    form = applicant.locator("#candidacy-form")
    form.locator('[name="address"]').fill("Kerkstraat 1")
    form.locator('[name="municipality"]').select_option(label="Oostende")
    form.locator('input[name="challenges"]').first.check()  # challenge 1: Saled
    form.locator('input[name="municipalities"]').first.check()
    form.locator('input[name="outreach"]').check()
    form.locator('[name="outreach_text"]').fill("We gaan op huisbezoek.")
    form.locator('[name="capacity_psychological-help"]').fill("40")
    form.locator('[name="capacity_mobility-support"]').fill("15")
    form.locator('[name="expertise"]').fill("Twintig jaar ervaring met nieuwkomers.")
    form.locator('[name="budget_requested"]').fill("25000")
    check_accessibility(applicant)
    form.locator('button[name="submit"]').click()
    expect(applicant.locator("#reference")).to_have_text(
        "OOSTENDE-" + str(region.call.candidacy_deadline.year) + "-0001"
    )
    candidacy = Candidacy.objects.get()
    assert candidacy.is_submitted and candidacy.attachments.count() == 1
    assert (
        candidacy.offers.get(
            intervention_type=InterventionType.objects.get(region=region, code="psychological-help")
        ).yearly_capacity
        == 40
    )
    assert any(candidacy.reference in m.subject for m in mail.outbox)

    # --- round 1: two jury members declare no conflict and score
    jury_url = f"{live_server.url}/oproep/oostende/jury/{candidacy.pk}/"
    for member, values in ((personas.ine, [4, 3]), (jan, [5, 4])):
        page = open_page()
        log_in(page, live_server, member)
        page.goto(f"{live_server.url}/oproep/oostende/jury/")
        page.locator(f"#row-{candidacy.pk} a").click()
        page.locator('input[name="has_conflict"][value="no"]').check()
        page.locator(f'form[action$="/{candidacy.pk}/belangenconflict/"] button').click()
        score_round(page, 1, criteria, values)
        check_accessibility(page)
    assert Score.objects.filter(round=1).count() == 4

    # --- the coordinator: consensus, shortlist, pitch
    coordinator = open_page()
    log_in(coordinator, live_server, personas.wouter)
    coordinator.goto(jury_url)
    # weighted (3:1): ine (4*3 + 3) / 4 = 3.75, jan (5*3 + 4) / 4 = 4.75; the jury mean is 4.25
    expect(coordinator.locator("#summary")).to_contain_text(re.compile(r"4[.,]25"))
    coordinator.locator('#consensus-form [name="score"]').fill("4.5")
    coordinator.locator('#consensus-form [name="motivation"]').fill("Sterk voorstel, na overleg.")
    coordinator.locator("#consensus-form button").click()
    coordinator.locator('form[action$="/shortlist/"] button').click()
    expect(coordinator.locator("#pitch-form")).to_be_visible()
    mail.outbox.clear()
    coordinator.locator('#pitch-form [name="starts_at"]').fill(f"{pitch_day.isoformat()}T14:00")
    coordinator.locator('#pitch-form [name="location"]').fill("Stadhuis Oostende")
    coordinator.locator("#pitch-form button").click()
    expect(coordinator.locator("#pitch-slot")).to_contain_text("Stadhuis Oostende")
    invitation = mail.outbox[-1]
    name, ics, _mimetype = invitation.attachments[0]
    assert name == "pitch.ics" and "BEGIN:VEVENT" in (ics.decode() if isinstance(ics, bytes) else ics)
    # only <main>: the shared navbar overflows at 1280 px for a coordinator (all of issue 5's links)
    check_accessibility(coordinator, context="#main")

    # --- round 2
    juror = open_page()
    log_in(juror, live_server, personas.ine)
    juror.goto(jury_url)
    score_round(juror, 2, criteria, [5, 5])
    candidacy.refresh_from_db()
    assert Score.objects.filter(round=2).count() == 2

    # --- the decision and its letter
    coordinator.goto(jury_url)
    coordinator.locator('#decision-form input[name="decision"][value="not_selected"]').check()
    coordinator.locator('#decision-form [name="motivation"]').fill("Het budget past niet in de oproep.")
    coordinator.locator("#decision-form button").click()
    letter_url = coordinator.locator("#letter-link").get_attribute("href")
    response = coordinator.request.get(f"{live_server.url}{letter_url}")
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF")
    assert mail.outbox[-1].attachments[0][2] == "application/pdf"

    # --- the rebuttal through the private link, handled by the coordinator
    applicant.goto(private_url)
    expect(applicant.locator("#decision-value")).to_be_visible()
    applicant.locator('[name="text"]').fill("Ons budget is lager dan de jury denkt.")
    applicant.locator('form[action$="/weerwoord/"] button').click()
    expect(applicant.get_by_text("Ons budget is lager dan de jury denkt.")).to_be_visible()
    check_accessibility(applicant)

    coordinator.goto(jury_url)
    coordinator.locator('#rebuttal-form [name="handling"]').fill("Herberekend in de jury: het budget klopt niet.")
    coordinator.locator('#rebuttal-form input[name="outcome"][value="rejected"]').check()
    coordinator.locator("#rebuttal-form button").click()
    expect(coordinator.locator(".alert-success")).to_be_visible()
    candidacy.refresh_from_db()
    assert candidacy.rebuttal.outcome == "rejected"
    applicant.goto(private_url)
    expect(applicant.locator("#rebuttal-outcome")).not_to_have_text("")
