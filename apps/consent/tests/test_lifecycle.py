"""Consent has a lifecycle: given, refused, expired, withdrawn. Only a consent in force shares anything, and an
expired one stops sharing exactly like a withdrawn one, through every selector that reads consents. A signed form
(scan or PDF) is checked by content, stored privately and served only to the registering organisation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from apps.api.selectors import consents_for
from apps.audit.models import AuditEntry
from apps.clients.permissions import ClientAccess, client_access
from apps.clients.selectors import clients_for_user
from apps.consent.models import Consent, ConsentStatus
from apps.consent.selectors import covered_categories
from apps.consent.services import consent_attach_form, consent_withdraw
from apps.referrals.selectors import identity_shared
from tests.factories import give_consent, register_client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def sharing_seen_by_els(personas: Any, client: Any) -> dict[str, Any]:
    """What every consent selector says De Brug (Els) may see of ``client``, today."""
    access = client_access(personas.els, client)
    return {
        "covered": covered_categories(client_id=client.pk, organisation_ids={personas.brug.pk}, purpose="guidance"),
        "listed": list(clients_for_user(user=personas.els).values_list("pk", flat=True)),
        "identity_shared": identity_shared({client.pk}, {personas.brug.pk}),
        "file": access is not None,
    }


def test_an_expired_consent_stops_sharing_exactly_like_a_withdrawn_one(personas: Any) -> None:
    today = timezone.localdate()
    mariam = register_client(personas)
    ahmed = register_client(personas, first_name="Ahmed", last_name="Benali")
    expired = give_consent(
        personas, mariam, given_on=today - dt.timedelta(days=60), valid_until=today - dt.timedelta(days=1)
    )
    withdrawn = give_consent(personas, ahmed, given_on=today - dt.timedelta(days=60))
    consent_withdraw(consent=withdrawn, actor=personas.sofie)

    assert expired.status == ConsentStatus.EXPIRED and withdrawn.status == ConsentStatus.WITHDRAWN
    nothing = {"covered": set(), "listed": [], "identity_shared": set(), "file": False}
    assert sharing_seen_by_els(personas, mariam) == nothing
    assert sharing_seen_by_els(personas, ahmed) == nothing
    # the API's consent list for De Brug (as it would be were the file open to it) shows neither
    for person in (mariam, ahmed):
        as_brug = ClientAccess(
            client=person, categories=frozenset({"identity"}), organisation_ids=frozenset({personas.brug.pk})
        )
        assert consents_for(access=as_brug) == []


def test_a_consent_holds_on_its_last_day_and_not_the_day_after(personas: Any) -> None:
    today = timezone.localdate()
    mariam = register_client(personas)
    consent = give_consent(personas, mariam, given_on=today - dt.timedelta(days=10), valid_until=today)
    assert consent.status == ConsentStatus.GIVEN
    assert sharing_seen_by_els(personas, mariam)["covered"] == {"identity"}
    assert list(Consent.objects.in_force(today + dt.timedelta(days=1))) == []
    assert consent.status_on(today + dt.timedelta(days=1)) == ConsentStatus.EXPIRED


def test_a_refusal_is_recorded_shares_nothing_and_cannot_be_withdrawn(personas: Any) -> None:
    mariam = register_client(personas)
    refusal = give_consent(personas, mariam, categories=["identity", "health"], decision="refused")
    assert refusal.status == ConsentStatus.REFUSED
    assert sharing_seen_by_els(personas, mariam)["covered"] == set()
    assert AuditEntry.objects.filter(action="consent.consent.refused", object_id=str(refusal.pk)).exists()
    with pytest.raises(ValidationError):
        consent_withdraw(consent=refusal, actor=personas.sofie)


def test_an_end_date_before_the_date_given_is_refused_and_nothing_is_saved(personas: Any) -> None:
    mariam = register_client(personas)
    with pytest.raises(ValidationError) as error:
        give_consent(personas, mariam, given_on=dt.date(2026, 3, 1), valid_until=dt.date(2026, 2, 28))
    assert "valid_until" in error.value.message_dict
    assert not Consent.objects.exists()


def test_a_signed_pdf_is_stored_privately_and_only_the_registering_organisation_downloads_it(
    personas: Any, client: HttpClient
) -> None:
    mariam = register_client(personas)
    consent = give_consent(personas, mariam, signed_form=SimpleUploadedFile("handtekening Mariam.pdf", PDF))
    stored = Path(consent.signed_form.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT)) and stored.read_bytes() == PDF
    assert "Mariam" not in consent.signed_form.name and consent.signed_form.name.endswith(".pdf")
    url = f"/hulpvragers/{mariam.pk}/toestemming/{consent.pk}/getekend/"

    client.force_login(personas.sofie)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="toestemming-{consent.pk}.pdf"'
    assert AuditEntry.objects.filter(
        action="clients.client.viewed", object_id=str(mariam.pk), actor=personas.sofie,
        changes__page="clients:consent_signed_form",
    ).exists()  # fmt: skip

    for outsider in (personas.els, personas.yonas, personas.glenn, personas.nadia):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider.username


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("form.pdf", b"MZ\x90\x00 this is a program", "PDF, JPEG of PNG"),
        ("form.docx", b"PK\x03\x04 word", "PDF, JPEG of PNG"),
        ("leeg.pdf", b"", "leeg"),
    ],
)
def test_a_signed_form_that_is_no_scan_or_pdf_is_refused_with_a_clear_message(
    personas: Any, name: str, content: bytes, message: str
) -> None:
    mariam = register_client(personas)
    consent = give_consent(personas, mariam)
    with pytest.raises(ValidationError) as error:
        consent_attach_form(consent=consent, upload=SimpleUploadedFile(name, content), actor=personas.sofie)
    assert message in " ".join(error.value.message_dict["signed_form"])
    consent.refresh_from_db()
    assert not consent.signed_form


def test_a_form_larger_than_the_limit_is_refused(personas: Any, settings: Any) -> None:
    settings.CONSENT_FORM_MAX_BYTES = 1024
    mariam = register_client(personas)
    consent = give_consent(personas, mariam)
    with pytest.raises(ValidationError) as error:
        consent_attach_form(
            consent=consent, upload=SimpleUploadedFile("a.png", PNG + b"\x00" * 2000), actor=personas.sofie
        )
    assert "te groot" in error.value.message_dict["signed_form"][0]


def test_sofie_attaches_a_scan_through_the_page(personas: Any, client: HttpClient) -> None:
    mariam = register_client(personas)
    consent = give_consent(personas, mariam)
    client.force_login(personas.sofie)
    url = f"/hulpvragers/{mariam.pk}/toestemming/{consent.pk}/getekend/toevoegen/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"signed_form": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert bad.status_code == 400 and "PDF, JPEG of PNG" in bad.content.decode()
    response = client.post(url, {"signed_form": SimpleUploadedFile("scan.png", PNG)})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.signed_form.name.endswith(".png")
    client.force_login(personas.els)
    assert client.get(url).status_code == 404


def test_withdrawing_asks_for_confirmation_first_and_then_takes_effect_at_once(
    personas: Any, client: HttpClient
) -> None:
    mariam = register_client(personas)
    consent = give_consent(personas, mariam)
    url = f"/hulpvragers/{mariam.pk}/toestemming/{consent.pk}/intrekken/"
    client.force_login(personas.sofie)
    question = client.post(url)  # the first press asks (apps/core/confirm.py) and names the consequence
    assert question.status_code == 200 and "De Brug" in question.content.decode()
    consent.refresh_from_db()
    assert consent.is_active  # asking changed nothing

    els = HttpClient()
    els.force_login(personas.els)
    assert els.get(f"/hulpvragers/{mariam.pk}/").status_code == 200
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert els.get(f"/hulpvragers/{mariam.pk}/").status_code == 404  # the very next request
    assert client.post(url).status_code == 404  # nothing left to withdraw


def test_sofie_is_reminded_to_renew_a_consent_that_ends_soon_until_a_new_one_is_recorded(
    personas: Any, client: HttpClient
) -> None:
    today = timezone.localdate()
    mariam = register_client(personas)
    give_consent(personas, mariam, given_on=today - dt.timedelta(days=300), valid_until=today + dt.timedelta(days=10))
    ahmed = register_client(personas, first_name="Ahmed", last_name="Benali")
    give_consent(personas, ahmed, given_on=today - dt.timedelta(days=10), valid_until=today + dt.timedelta(days=200))
    client.force_login(personas.sofie)
    home = client.get("/").content.decode()
    assert "Toestemmingen te vernieuwen" in home and "Mariam Tesfaye" in home and "Ahmed" not in home
    client.force_login(personas.els)  # not the registering organisation
    assert "Toestemmingen te vernieuwen" not in client.get("/").content.decode()

    give_consent(personas, mariam, given_on=today, valid_until=today + dt.timedelta(days=365))
    client.force_login(personas.sofie)
    assert "Toestemmingen te vernieuwen" not in client.get("/").content.decode()


class ConsentLifecycle(RuleBasedStateMachine):
    """Whatever happens to one consent (days pass, it is withdrawn, renewed), sharing equals 'in force'."""

    personas: Any = None

    @initialize(days=st.integers(min_value=0, max_value=40), ends_in=st.none() | st.integers(min_value=0, max_value=40))
    def record(self, days: int, ends_in: int | None) -> None:
        self.today = timezone.localdate()
        self.client = register_client(self.personas)
        given_on = self.today - dt.timedelta(days=days)
        self.consent = give_consent(
            self.personas, self.client, given_on=given_on,
            valid_until=None if ends_in is None else given_on + dt.timedelta(days=ends_in),
        )  # fmt: skip
        self.day = self.today

    @rule(days=st.integers(min_value=1, max_value=30))
    def time_passes(self, days: int) -> None:
        self.day += dt.timedelta(days=days)

    @rule()
    def withdraw(self) -> None:
        self.consent.refresh_from_db()
        if self.consent.withdrawn_on is None:
            consent_withdraw(consent=self.consent, actor=self.personas.sofie, on=self.today)
        else:
            with pytest.raises(ValidationError):
                consent_withdraw(consent=self.consent, actor=self.personas.sofie)

    @invariant()
    def sharing_follows_the_status(self) -> None:
        if not hasattr(self, "consent"):
            return
        self.consent.refresh_from_db()
        in_force = Consent.objects.in_force(self.day).filter(pk=self.consent.pk).exists()
        status = self.consent.status_on(self.day)
        assert in_force == (status == ConsentStatus.GIVEN)
        ended = self.consent.valid_until is not None and self.consent.valid_until < self.day
        assert (status == ConsentStatus.EXPIRED) == (ended and self.consent.withdrawn_on is None)


def test_the_consent_lifecycle_holds_whatever_happens(personas: Any) -> None:
    ConsentLifecycle.personas = personas
    run_state_machine_as_test(
        ConsentLifecycle,
        settings=hypothesis_settings(
            max_examples=15, stateful_step_count=6, deadline=None, database=None, derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )  # fmt: skip
