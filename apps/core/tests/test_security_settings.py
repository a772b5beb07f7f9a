"""Production settings pass Django's deployment check; errors and e-mail are safe (docs/decisions/0011)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import path

from padwijzer import urls as main_urls

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Vq2!pZ9@xR4$wL8^nB3&mT6*cY1(hJ5)dF0_gS-eU+aQ=iO~oP",
    "IDENTIFIER_KEY": "a-separate-identifier-key-of-at-least-32-characters",
    "ALLOWED_HOSTS": "padwijzer.example.be",
    "CSRF_TRUSTED_ORIGINS": "https://padwijzer.example.be",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "USE_X_FORWARDED_HOST": "true",
    "EMAIL_HOST": "smtp.example.be",
}


def manage(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PADWIJZER_", "DJANGO_", "EMAIL_", "SECURE_"))}
    env |= PRODUCTION_ENV | extra_env
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deployment_check_passes_with_production_settings(tmp_path: Path) -> None:
    # collected static files are part of a production set-up (make serve runs collectstatic); a manifest
    # stands for them here, so that the check of padwijzer.W001 below is the only difference
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}', encoding="utf-8")
    result = manage("check", "--deploy", "--fail-level", "WARNING", STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deployment_check_warns_when_static_files_were_not_collected(tmp_path: Path) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", STATIC_ROOT=str(tmp_path / "empty"))
    assert result.returncode != 0 and "padwijzer.W001" in result.stderr + result.stdout


def test_production_refuses_the_console_mail_backend_that_would_log_reset_links() -> None:
    result = manage("check", EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert result.returncode != 0 and "EMAIL_BACKEND" in result.stderr


def test_production_defaults_to_smtp_and_requires_two_step_login_for_case_roles() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, sorted(s.OTP_REQUIRED_ROLES), s.SECURE_PROXY_SSL_HEADER, s.SESSION_IDLE_TIMEOUT)"
    )
    result = manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-9:] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "['administrator',",
        "'coordinator',",
        "'counsellor',",
        "'partner_worker',",
        "'peer_companion']",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "1800",
    ]


def boom(request: Any) -> Any:
    raise RuntimeError("deliberate failure")


urlpatterns = [path("boom/", boom), *main_urls.urlpatterns]


@pytest.mark.urls("apps.core.tests.test_security_settings")
def test_an_unexpected_error_shows_the_translated_500_page(db: Any) -> None:
    browser = Client(raise_request_exception=False)
    response = browser.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500 and "Er ging iets mis" in html and "deliberate" not in html
    assert "<script" not in html


def test_a_missing_page_shows_the_translated_404_page(db: Any, client: Client) -> None:
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.content.decode()
