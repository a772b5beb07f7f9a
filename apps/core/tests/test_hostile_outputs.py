"""What outsiders typed stays text in every output (issue 10 item 9): spreadsheets, ICS, PDF letters, e-mails.

An applicant controls their organisation's name, the contact person and most of a candidacy; a partner
controls an offer's title. Each output is fed the same hostile texts and read back as its reader would.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from apps.core.outputs import ResourceRefused, header_text, html_to_pdf, refusing_fetcher

FORMULA = '=HYPERLINK("http://evil.example/x","klik")'
SCRIPT = '<script>alert("x")</script><img src="file:///etc/passwd">'
ICS_BREAKER = "Zaal 1, verdieping 2; achteraan\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:vals"
HEADER_BREAKER = "Welkom\r\nBcc: evil@example.org\r\nX-Evil: 1"


def test_every_module_that_writes_a_spreadsheet_escapes_its_cells() -> None:
    """A new export cannot forget apps/core/cells.py: each module writing xlsx or csv imports it (the
    example import file, made of fixed text only, is the one exception)."""
    writers = []
    for path in Path(settings.BASE_DIR, "apps").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"csv\.writer\(|Workbook\(", text):
            writers.append(path)
            if path.name != "imports.py":
                assert "apps.core.cells" in text, f"{path} writes a spreadsheet without apps/core/cells.py"
    assert len(writers) >= 4


def test_an_e_mail_subject_is_always_one_line() -> None:
    assert header_text(HEADER_BREAKER) == "Welkom Bcc: evil@example.org X-Evil: 1"
    assert len(header_text("a" * 500)) == 150 and header_text("a" * 500).endswith("…")


@pytest.mark.django_db
def test_a_notification_with_line_breaks_sends_one_message_without_added_headers(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from apps.notifications.services import notify

    personas.els.email = "els@debrug.be"
    personas.els.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[personas.els], message=HEADER_BREAKER + " " + SCRIPT, url="/x/")
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == [] and "X-Evil" not in message.message().as_string().split("\n\n", 1)[0]
    assert message.recipients() == ["els@debrug.be"]


@pytest.mark.django_db
def test_the_pitch_invitation_keeps_a_hostile_location_in_its_one_event(
    personas: Any, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import icalendar

    from apps.partnership import services_jury, services_pitches
    from apps.partnership.tests.conftest import make_candidacy
    from apps.partnership.timeline import BRUSSELS

    settings.MEDIA_ROOT = tmp_path
    candidacy = make_candidacy(personas.region, name=FORMULA[:60])
    services_jury.shortlist_set(candidacy=candidacy, actor=personas.wouter, shortlisted=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services_pitches.pitch_schedule(candidacy=candidacy, actor=personas.wouter, location=ICS_BREAKER,
                                        starts_at=dt.datetime(2023, 6, 13, 14, 30, tzinfo=BRUSSELS))  # fmt: skip
    (message,) = mail.outbox
    assert "\n" not in message.subject
    content = message.attachments[0][1]
    content = content if isinstance(content, bytes) else content.encode()
    events = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert len(events) == 1  # the typed END:VEVENT stayed text
    assert str(events[0]["location"]) == ICS_BREAKER.replace("\r\n", "\n")  # escaped line breaks, as text
    assert b"\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:vals" not in content
    assert "vals" not in str(events[0]["summary"])


@pytest.mark.django_db
def test_the_decision_letter_shows_hostile_names_as_text_and_fetches_nothing(
    personas: Any, settings: Any, tmp_path: Any
) -> None:
    from apps.partnership import services_decisions
    from apps.partnership.letters import decision_letter_html, decision_letter_pdf
    from apps.partnership.tests.conftest import make_candidacy
    from apps.partnership.timeline import BRUSSELS

    settings.MEDIA_ROOT = tmp_path
    candidacy = make_candidacy(personas.region, name="Vzw " + SCRIPT[:150])
    decided = dt.datetime(2023, 6, 28, 12, tzinfo=BRUSSELS)
    services_decisions.decision_record(candidacy=candidacy, actor=personas.wouter, decision="not_selected",
                                       motivation=SCRIPT + "\n" + FORMULA, now=decided)  # fmt: skip
    candidacy.refresh_from_db()
    html = decision_letter_html(candidacy)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert decision_letter_pdf(candidacy).startswith(b"%PDF")


def test_a_pdf_never_loads_a_resource() -> None:
    with pytest.raises(ResourceRefused):
        refusing_fetcher()("file:///etc/passwd")
    pdf = html_to_pdf('<p>x</p><img src="file:///etc/passwd"><link rel="stylesheet" href="http://evil.example/a.css">')
    assert pdf.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_candidacy_e_mails_keep_hostile_names_out_of_the_headers(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from apps.partnership import services_candidacies as services
    from apps.partnership.tests.conftest import before_deadline

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.candidacy_start(region=personas.region, applicant_name="An\r\nBcc: evil@example.org",
                                 applicant_email="an@example.org", organisation_name="<b>Vzw</b> " + FORMULA,
                                 enterprise_number="0202239951", site_url="http://testserver/",
                                 now=before_deadline(personas.region))  # fmt: skip
    (message,) = mail.outbox
    assert message.bcc == [] and message.recipients() == ["an@example.org"]
    assert "\n" not in message.subject
    assert "<b>Vzw</b>" in message.body  # plain text: shown as typed, not as HTML entities
    head = message.message().as_string().split("\n\n", 1)[0]
    assert "evil@example.org" not in head


def test_the_candidacies_workbook_shows_formulas_as_text() -> None:
    from openpyxl import Workbook, load_workbook

    from apps.core.cells import safe_workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([FORMULA, "+32 470", "-5", "@SUM(A1)", "\tx", 12])
    out = io.BytesIO()
    safe_workbook(wb).save(out)
    row = [c.value for c in load_workbook(io.BytesIO(out.getvalue())).active[1]]
    assert row[:5] == ["'" + FORMULA, "'+32 470", "'-5", "'@SUM(A1)", "'\tx"] and row[5] == 12
