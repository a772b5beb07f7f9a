"""The anonymous call form is rate-limited per IP (docs/decisions/0011-login-security.md)."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.core import mail
from django.test import Client as Browser

from apps.partnership.models import Candidacy
from apps.partnership.tests.conftest import before_deadline


def enterprise_number(i: int) -> str:
    """A valid Belgian enterprise number (check digits: 97 - first eight digits mod 97)."""
    base = 2_000_000 + i
    return f"0{base:07d}{97 - base % 97:02d}"


def test_twenty_candidacies_in_one_second_are_refused_after_the_limit_and_send_no_mail(
    oostende: Any, client: Browser, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "candidacy": "5/3600"}
    statuses = []
    with (
        mock.patch("django.utils.timezone.now", return_value=before_deadline(oostende)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for i in range(20):
            response = client.post(
                "/oproep/oostende/",
                {
                    "applicant_name": "An Peeters",
                    "applicant_email": f"an{i}@example.org",
                    "organisation_name": f"Open Deur {i} vzw",
                    "enterprise_number": enterprise_number(i),
                },
            )
            statuses.append(response.status_code)
    assert statuses == [302] * 5 + [429] * 15
    assert Candidacy.objects.count() == 5 and len(mail.outbox) == 5
    assert "Te veel aanvragen" in response.content.decode() and "Er is niets bewaard of verzonden" in (
        response.content.decode()
    )
    assert client.get("/oproep/oostende/").status_code == 200  # reading the call stays possible


def test_behind_the_tls_proxy_the_private_candidacy_link_is_mailed_as_https(
    oostende: Any, client: Browser, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    with (
        mock.patch("django.utils.timezone.now", return_value=before_deadline(oostende)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/oproep/oostende/",
            {
                "applicant_name": "An Peeters",
                "applicant_email": "an@example.org",
                "organisation_name": "Open Deur vzw",
                "enterprise_number": enterprise_number(1),
            },
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_HOST="testserver",  # a proxy passes the Host header on (without it Django adds the port, :80)
        )
    assert response.status_code == 302
    token = Candidacy.objects.get().token
    body = mail.outbox[0].body
    assert f"https://testserver/oproep/kandidatuur/{token}/" in body and "http://testserver" not in body
