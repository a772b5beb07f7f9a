"""The call and candidacies: registration, drafts, deadline to the second, uniqueness, attachments, receipt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from apps.audit.models import AuditEntry
from apps.partnership import services_candidacies
from apps.partnership.models import Candidacy
from apps.partnership.tests.conftest import before_deadline, make_candidacy
from apps.regions.models import Challenge, InterventionType

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_public_call_page_shows_challenges_timeline_and_how_to_apply(oostende: Any, client: Browser) -> None:
    with mock.patch("django.utils.timezone.now", return_value=before_deadline(oostende)):
        html = client.get("/oproep/oostende/").content.decode()
    assert "Saled" in html and "Psychologische hulpverlening" in html  # persona and support sought
    assert "Laaggeschoold" in html  # obstacles
    assert "2 juni 2023, 23:59" in html  # the deadline in Brussels time
    assert "week van 5 juni 2023" in html and "week van 12 juni 2023" in html
    assert "wouter@wehelpengraag.be" in html
    assert 'name="enterprise_number"' in html  # open: the registration form


def test_a_second_regions_timeline_drives_its_own_call_page_and_deadline(westhoek: Any, client: Browser) -> None:
    deadline = westhoek.call.candidacy_deadline
    with mock.patch("django.utils.timezone.now", return_value=deadline - dt.timedelta(seconds=1)):
        html = client.get("/oproep/westhoek-test/").content.decode()
    assert "15 maart 2024, 12:00" in html and "week van 8 april 2024" in html
    assert "Nadia" in html and 'name="enterprise_number"' in html
    with mock.patch("django.utils.timezone.now", return_value=deadline + dt.timedelta(seconds=1)):
        html = client.get("/oproep/westhoek-test/").content.decode()
    assert 'name="enterprise_number"' not in html
    candidacy = make_candidacy(westhoek, challenges=("nadia",), types={"transport-solutions": 10}, submit=False)
    with pytest.raises(ValidationError):
        services_candidacies.candidacy_submit(candidacy=candidacy, now=deadline + dt.timedelta(seconds=1))
    assert services_candidacies.candidacy_submit(
        candidacy=candidacy, now=deadline - dt.timedelta(seconds=1)
    ).is_submitted


def test_an_unknown_region_has_no_call(db: Any, client: Browser) -> None:
    assert client.get("/oproep/nergens/").status_code == 404


def test_registration_gives_a_private_link_by_email_and_keeps_the_draft(
    oostende: Any, client: Browser, django_capture_on_commit_callbacks: Any
) -> None:
    with mock.patch("django.utils.timezone.now", return_value=before_deadline(oostende)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/oproep/oostende/",
                {
                    "applicant_name": "An Peeters",
                    "applicant_email": "an@example.org",
                    "organisation_name": "Open Deur vzw",
                    "enterprise_number": "0202.239.951",
                },
            )
        candidacy = Candidacy.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/oproep/kandidatuur/{candidacy.token}/"
        assert len(candidacy.token) >= 40 and "an@example.org" not in response["Location"]
        assert candidacy.enterprise_number == "0202239951" and candidacy.status == "draft"
        assert len(mail.outbox) == 1 and f"/oproep/kandidatuur/{candidacy.token}/" in mail.outbox[0].body
        region = oostende
        saled = Challenge.objects.get(region=region, code="saled")
        psy = InterventionType.objects.get(region=region, code="psychological-help")
        response = client.post(
            f"/oproep/kandidatuur/{candidacy.token}/",
            {
                "save": "1",
                "organisation_name": "Open Deur vzw",
                "enterprise_number": "0202239951",
                "challenges": [saled.pk],
                "capacity_psychological-help": "30",
                "expertise": "Ervaring",
            },
        )
        assert response.status_code == 302
        candidacy.refresh_from_db()
        assert candidacy.status == "draft" and list(candidacy.challenges.all()) == [saled]
        assert candidacy.offers.get().intervention_type == psy and candidacy.offers.get().yearly_capacity == 30
        page = client.get(f"/oproep/kandidatuur/{candidacy.token}/").content.decode()
        assert "Ervaring" in page
        # submitting an incomplete draft is refused with the missing fields pointed at
        response = client.post(
            f"/oproep/kandidatuur/{candidacy.token}/",
            {"submit": "1", "organisation_name": "Open Deur vzw", "enterprise_number": "0202239951"},
        )
        assert response.status_code == 200
        candidacy.refresh_from_db()
        assert candidacy.status == "draft"


def test_a_bad_token_is_404(db: Any, client: Browser) -> None:
    assert client.get("/oproep/kandidatuur/" + "x" * 43 + "/").status_code == 404
    assert client.get("/oproep/kandidatuur/kort/").status_code == 404


def test_submission_closes_exactly_at_the_deadline(personas: Any) -> None:
    region = personas.region
    deadline = region.call.candidacy_deadline
    assert deadline == dt.datetime(2023, 6, 2, 21, 59, tzinfo=dt.UTC)  # 23:59 in Brussels (summer time)
    late = make_candidacy(region, submit=False)
    with pytest.raises(ValidationError, match="deadline"):
        services_candidacies.candidacy_submit(candidacy=late, now=deadline + dt.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services_candidacies.candidacy_save_draft(candidacy=late, now=deadline + dt.timedelta(seconds=1), expertise="x")
    late.refresh_from_db()
    assert late.status == "draft"
    submitted = services_candidacies.candidacy_submit(candidacy=late, now=deadline - dt.timedelta(seconds=1))
    assert submitted.is_submitted and submitted.submitted_at == deadline - dt.timedelta(seconds=1)


def test_registration_after_the_deadline_is_refused(oostende: Any) -> None:
    with pytest.raises(ValidationError):
        services_candidacies.candidacy_start(
            region=oostende, applicant_name="A", applicant_email="a@example.org", organisation_name="X",
            enterprise_number="0202239951", site_url="http://x/", now=oostende.call.candidacy_deadline,
        )  # fmt: skip


def test_the_receipt_has_reference_time_and_summary(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        candidacy = make_candidacy(personas.region)
    assert candidacy.reference == "OOSTENDE-2023-0001"
    receipt = mail.outbox[-1]
    assert candidacy.reference in receipt.subject
    assert "OOSTENDE-2023-0001" in receipt.body and "2 juni 2023, 22:59:00" in receipt.body
    psy = InterventionType.objects.get(region=personas.region, code="psychological-help")
    assert f"{psy.label_nl} (40)" in receipt.body and "25000,00" in receipt.body
    assert set(receipt.to) == {candidacy.applicant_email}
    second = make_candidacy(personas.region, name="Tweede Huis", kbo="0403170701")
    assert second.reference == "OOSTENDE-2023-0002"
    assert AuditEntry.objects.filter(action="partnership.candidacy.submitted", object_id=str(candidacy.pk)).exists()
    with pytest.raises(ValidationError):
        services_candidacies.candidacy_save_draft(
            candidacy=candidacy, now=before_deadline(personas.region), expertise="later"
        )


@pytest.mark.parametrize(
    ("name", "kbo"),
    [("OPEN DEUR", "0403170701"), ("Open-Deur, v.z.w.", "0403170701"), ("Iets Anders", "0202.239.951")],
)
def test_one_candidacy_per_organisation_per_region(personas: Any, westhoek: Any, name: str, kbo: str) -> None:
    make_candidacy(personas.region)
    with pytest.raises(ValidationError, match="already has a candidacy|heeft al een kandidatuur"):
        services_candidacies.candidacy_start(
            region=personas.region, applicant_name="B", applicant_email="b@example.org", organisation_name=name,
            enterprise_number=kbo, site_url="http://x/", now=before_deadline(personas.region),
        )  # fmt: skip
    # the same organisation may apply in another region
    services_candidacies.candidacy_start(
        region=westhoek, applicant_name="B", applicant_email="b@example.org", organisation_name=name,
        enterprise_number=kbo, site_url="http://x/", now=before_deadline(westhoek),
    )  # fmt: skip


@pytest.mark.parametrize("kbo", ["0202239952", "12345", "BE0202239951x", ""])
def test_an_invalid_enterprise_number_is_refused(oostende: Any, kbo: str) -> None:
    with pytest.raises(ValidationError, match="enterprise number|ondernemingsnummer"):
        services_candidacies.candidacy_start(
            region=oostende, applicant_name="B", applicant_email="b@example.org", organisation_name="X",
            enterprise_number=kbo, site_url="http://x/", now=before_deadline(oostende),
        )  # fmt: skip


def test_normalised_names() -> None:
    assert (
        services_candidacies.normalise_name("Één Huis VZW")
        == services_candidacies.normalise_name("een  huis")
        == "eenhuis"
    )
    assert services_candidacies.normalise_enterprise_number("BE 0202.239.951") == "0202239951"
    assert services_candidacies.normalise_enterprise_number("202.239.951") == "0202239951"


def test_attachments_only_pdf_by_extension_and_magic_bytes(personas: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    candidacy = make_candidacy(personas.region, submit=False)
    now = before_deadline(personas.region)
    ok = services_candidacies.attachment_add(candidacy=candidacy, upload=SimpleUploadedFile("plan.pdf", PDF), now=now)
    assert ok.original_name == "plan.pdf" and ok.file.name.endswith(".pdf") and "plan" not in ok.file.name
    for upload in [
        SimpleUploadedFile("plan.docx", PDF),  # wrong extension
        SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"),  # wrong magic bytes
        SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024)),  # over 10 MB
    ]:
        with pytest.raises(ValidationError):
            services_candidacies.attachment_add(candidacy=candidacy, upload=upload, now=now)
    assert candidacy.attachments.count() == 1


def test_attachment_upload_through_the_page(personas: Any, settings: Any, tmp_path: Any, client: Browser) -> None:
    settings.MEDIA_ROOT = tmp_path
    candidacy = make_candidacy(personas.region, submit=False)
    url = f"/oproep/kandidatuur/{candidacy.token}/bijlage/"
    with mock.patch("django.utils.timezone.now", return_value=before_deadline(personas.region)):
        assert client.post(url, {"file": SimpleUploadedFile("plan.pdf", PDF)}).status_code == 302
        response = client.post(url, {"file": SimpleUploadedFile("plan.pdf", b"<html>")})
        assert response.status_code == 400
    assert candidacy.attachments.count() == 1


def test_draft_budget_and_capacity_are_validated(personas: Any) -> None:
    candidacy = make_candidacy(personas.region, submit=False)
    with pytest.raises(ValidationError):
        services_candidacies.candidacy_save_draft(
            candidacy=candidacy, now=before_deadline(personas.region), budget_requested=Decimal("-1")
        )
