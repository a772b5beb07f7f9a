"""Retention and erasure: the daily job anonymises what is due and nothing else, erasure on request is refused
while the law requires keeping the file, the ESF+ report keeps its totals and the audit chain stays valid."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.audit.services import audit_verify
from apps.clients.models import Client
from apps.esf.indicators import compute
from apps.esf.tests.factories import worked_example
from apps.pathways.models import ContactLog
from apps.pathways.services import contact_log_add
from apps.referrals.services import pathway_close_with_referrals
from apps.workspace.services_retention import (
    apply_retention,
    client_anonymise,
    client_erase_on_request,
    clients_due,
    retention_for,
)
from tests.factories import give_consent, register_client, start_pathway


def closed_case(personas: Any, **client_data: Any) -> Any:
    """Mariam: a pathway with a contact, closed today; a signed consent."""
    mariam = register_client(personas, phone="0470 12 34 56", email="mariam@example.org", **client_data)
    pathway = start_pathway(personas, mariam)
    contact_log_add(
        pathway=pathway, actor=personas.sofie, organisation=personas.lb, happened_on=timezone.localdate(),
        place="phone", summary="Mariam vertelt over haar schulden.", present="", next_step="",
    )  # fmt: skip
    give_consent(personas, mariam, signed_form=SimpleUploadedFile("f.pdf", b"%PDF-1.4 signed"))
    pathway_close_with_referrals(
        pathway=pathway, actor=personas.sofie, closed_on=timezone.localdate(), outcome="training"
    )
    return mariam


def in_years(years: int, days: int = 1) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year + years) + dt.timedelta(days=days)


def test_a_closed_file_is_anonymised_by_the_daily_job_once_its_retention_ended(
    personas: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RETENTION_CASE_YEARS = 2
    mariam = closed_case(personas)
    form = Path(mariam.consents.get().signed_form.path)
    assert retention_for(mariam).until == in_years(2, 0)
    assert clients_due(in_years(2, 0)) == []  # the last day is still kept
    with django_capture_on_commit_callbacks(execute=True):  # the signed form is deleted after commit
        assert apply_retention(today=in_years(2)) == [mariam.pk]

    mariam.refresh_from_db()
    assert (mariam.first_name, mariam.last_name, mariam.phone, mariam.email) == ("—", f"#{mariam.pk}", "", "")
    assert mariam.birth_date == dt.date(1998, 1, 1) and mariam.anonymised_at is not None
    assert mariam.search_key == ""  # a search for her name finds nothing any more
    assert ContactLog.objects.get().summary == "—"
    assert not mariam.consents.get().signed_form and not form.exists()
    entry = AuditEntry.objects.get(action="clients.client.anonymised", object_id=str(mariam.pk))
    assert entry.changes["reason"] == "case" and "Mariam" not in str(entry.changes)
    assert AuditEntry.objects.filter(action="clients.retention.run").exists()
    assert audit_verify() == []  # the chain is untouched
    assert apply_retention(today=in_years(2)) == []  # idempotent


def test_an_open_pathway_keeps_a_file_whatever_its_age(personas: Any) -> None:
    mariam = register_client(personas)
    start_pathway(personas, mariam)
    assert retention_for(mariam).until is None
    assert clients_due(in_years(30)) == []


def test_a_file_without_a_pathway_is_anonymised_after_the_unused_period(personas: Any, settings: Any) -> None:
    settings.RETENTION_UNUSED_YEARS = 3
    mariam = register_client(personas)
    assert clients_due(in_years(3, 0)) == []
    assert clients_due(in_years(3)) == [(mariam.pk, "unused")]


def test_run_scheduled_daily_includes_the_retention_job(personas: Any) -> None:
    out = StringIO()
    call_command("run_scheduled", "daily", stdout=out)
    assert "daily job apply_retention done." in out.getvalue()


def test_erasure_on_request_is_refused_while_the_esf_evidence_period_runs_and_the_report_keeps_its_totals(
    personas: Any, settings: Any
) -> None:
    settings.RETENTION_ESF_YEARS = 5
    participants = worked_example(personas)
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    before = compute(region_id=personas.region.pk, start=start, end=end)

    first = participants[0].client
    for p in participants:  # close their pathways so only the ESF+ rule holds them
        if p.pathway is not None and p.pathway.status != "closed":
            pathway_close_with_referrals(
                pathway=p.pathway, actor=personas.sofie, closed_on=timezone.localdate(), outcome="training"
            )
    result = client_erase_on_request(client=first, actor=personas.sofie)
    esf_until = dt.date(2025 + 5, 12, 31)  # they left in 2025
    assert not result.erased and result.until == esf_until and "Europees Sociaal Fonds" in result.reason
    first.refresh_from_db()
    assert first.anonymised_at is None and first.first_name != "—"
    refused = AuditEntry.objects.get(action="clients.erasure.refused", object_id=str(first.pk))
    assert refused.changes == {"reason": "esf", "until": esf_until.isoformat()}

    for p in participants:  # the evidence period ends: every file is anonymised ...
        client_anonymise(client=p.client, actor=None, reason="esf")
    assert not Client.objects.filter(pk__in=[p.client_id for p in participants], anonymised_at__isnull=True).exists()
    after = compute(region_id=personas.region.pk, start=start, end=end)
    assert dataclasses.asdict(after) == dataclasses.asdict(before)  # ... and the ESF+ report is the same
    assert audit_verify() == []


def test_erasure_on_request_of_a_file_without_esf_anonymises_at_once(personas: Any, client: HttpClient) -> None:
    mariam = closed_case(personas)
    client.force_login(personas.els)
    assert client.post(f"/hulpvragers/{mariam.pk}/wissen/").status_code == 404
    client.force_login(personas.sofie)
    page = client.get(f"/hulpvragers/{mariam.pk}/wissen/").content.decode()
    assert "Het dossier nu wissen" in page
    assert client.post(f"/hulpvragers/{mariam.pk}/wissen/").status_code == 302
    mariam.refresh_from_db()
    assert mariam.anonymised_at is not None and mariam.first_name == "—"
    assert AuditEntry.objects.get(action="clients.client.anonymised").changes["reason"] == "request"


def test_erasure_is_refused_while_a_pathway_is_open(personas: Any) -> None:
    mariam = register_client(personas)
    start_pathway(personas, mariam)
    result = client_erase_on_request(client=mariam, actor=personas.sofie)
    assert not result.erased and "open" in result.reason
    mariam.refresh_from_db()
    assert mariam.anonymised_at is None
