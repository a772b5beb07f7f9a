"""Login security (docs/decisions/0011-login-security.md): lockout, rate limits, two-step login, idle timeout."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.services import totp_device_confirm, totp_device_start
from apps.audit.models import AuditEntry
from conftest import PASSWORD

LOGIN = "/account/login/"
VERIFY = "/account/two-step/"
ENROL = "/account/two-step/set-up/"
REQUIRED = frozenset({"coordinator", "administrator", "counsellor", "peer_companion", "partner_worker"})


def code_now(device: TOTPDevice, drift: int = 0) -> str:
    """The 6-digit code the authenticator app shows now (or ``drift`` steps of 30 s later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device has not accepted yet (a used time step is refused: replay protection)."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    # the step after the last one used, or the window's centre (now plus the learnt drift), within its
    # tolerance: a code that crossed a 30 s boundary teaches the device a drift of -1
    step = max(device.last_t + 1, now_step + device.drift)
    return code_now(device, drift=step - now_step)


def enrolled(user: Any) -> tuple[TOTPDevice, list[str]]:
    device = totp_device_start(actor=user)
    codes = totp_device_confirm(actor=user, device=device, token=code_now(device))
    return device, codes


# --- lockout ------------------------------------------------------------------------------


def test_thirty_wrong_passwords_lock_sofie_out_and_the_right_one_then_does_not_log_in(
    client: Client, personas: Any
) -> None:
    for _ in range(30):
        response = client.post(LOGIN, {"username": "sofie", "password": "wrong-guess-123"})
    assert response.status_code == 429
    response = client.post(LOGIN, {"username": "sofie", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "Aanmelden tijdelijk geblokkeerd" in html and "15 minuten" in html
    assert client.get("/hulpvragers/").status_code == 302  # still anonymous: to the login page


def test_the_lockout_is_per_username_and_ip_so_wouter_still_logs_in(client: Client, personas: Any) -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": "sofie", "password": "wrong-guess-123"})
    assert client.post(LOGIN, {"username": "sofie", "password": PASSWORD}).status_code == 429
    response = client.post(LOGIN, {"username": "wouter", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(personas.wouter.pk)


def test_four_failures_then_the_right_password_logs_in_and_resets_the_count(client: Client, personas: Any) -> None:
    for _ in range(4):
        assert client.post(LOGIN, {"username": "sofie", "password": "wrong-guess-123"}).status_code == 200
    assert client.post(LOGIN, {"username": "sofie", "password": PASSWORD}).status_code == 302


def test_password_reset_requests_are_limited_and_send_no_more_mail(
    client: Client, personas: Any, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "3/3600"}
    statuses = [client.post("/account/password-reset/", {"email": "sofie@example.org"}).status_code for _ in range(6)]
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert len(mail.outbox) == 3
    response = client.post("/account/password-reset/", {"email": "sofie@example.org"})
    assert "Te veel aanvragen" in response.content.decode()


# --- two-step login -----------------------------------------------------------------------


@pytest.fixture
def otp_required(settings: Any) -> None:
    """The production list of roles that must use two-step login (tests default to none)."""
    settings.OTP_REQUIRED_ROLES = REQUIRED


def log_in(client: Client, username: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def test_wouter_without_a_device_is_sent_to_enrolment_and_reaches_no_other_page(
    client: Client, personas: Any, otp_required: None
) -> None:
    log_in(client, "wouter")
    response = client.get("/hulpvragers/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    assert client.get("/").status_code == 302
    api = client.get("/api/v1/clients/")
    assert api.status_code == 403 and "tweestapsaanmelding" in api.json()["detail"]
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Sleutel om zelf in te typen" in html


def test_wouter_enrols_with_a_code_from_the_app_sees_backup_codes_once_and_gets_in(
    client: Client, personas: Any, otp_required: None
) -> None:
    log_in(client, "wouter")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=personas.wouter, confirmed=False)
    secret = re.search(r'id="otp-secret"[^>]*>(.*?)</p>', client.get(ENROL).content.decode(), re.S)
    assert secret is not None
    device = TOTPDevice.objects.get(user=personas.wouter, confirmed=False)  # a fresh secret per visit
    assert re.sub(r"<[^>]+>|\s", "", secret.group(1)) == base64.b32encode(device.bin_key).decode()
    wrong = client.post(ENROL, {"token": "000000" if code_now(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Deze code klopt niet" in wrong.content.decode()
    response = client.post(ENROL, {"token": code_now(device), "next": "/hulpvragers/"})
    html = response.content.decode()
    codes = StaticDevice.objects.get(user=personas.wouter).token_set.values_list("token", flat=True)
    assert response.status_code == 200 and len(codes) == 10 and all(c in html for c in codes)
    assert response["Cache-Control"].count("no-store") == 1
    assert client.get("/hulpvragers/").status_code == 200
    assert AuditEntry.objects.filter(action="accounts.totp_device.confirmed", actor=personas.wouter).exists()
    assert "Tweestapsaanmelding is ingesteld" in client.get(ENROL).content.decode()  # codes are not shown again


def test_after_enrolment_the_next_login_asks_a_code_and_a_backup_code_works_once(
    client: Client, personas: Any, settings: Any
) -> None:
    # django-otp otherwise makes each device wait 1 s, 2 s, 4 s... after a wrong code (tested below)
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    device, codes = enrolled(personas.sofie)  # optional roles too: whoever has a device must use it
    log_in(client, "sofie")
    response = client.get("/hulpvragers/")
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=/hulpvragers/"
    assert client.post(VERIFY, {"token": "123456"}).status_code == 200
    response = client.post(VERIFY, {"token": codes[0], "next": "/hulpvragers/"})
    assert response.status_code == 302 and response["Location"] == "/hulpvragers/"
    assert client.get("/hulpvragers/").status_code == 200
    client.post("/account/logout/")
    log_in(client, "sofie")
    again = client.post(VERIFY, {"token": codes[0]})
    assert again.status_code == 200 and "Deze code klopt niet" in again.content.decode()
    assert client.post(VERIFY, {"token": fresh_code(device)}).status_code == 302


def test_django_otp_slows_down_guessing_after_a_wrong_code(client: Client, personas: Any) -> None:
    device, _codes = enrolled(personas.sofie)
    log_in(client, "sofie")
    code = fresh_code(device)
    client.post(VERIFY, {"token": "000000" if code != "000000" else "111111"})
    assert client.post(VERIFY, {"token": code}).status_code == 200  # refused: within the 1 s delay


def test_a_password_alone_cannot_add_a_second_device(client: Client, personas: Any) -> None:
    enrolled(personas.sofie)
    log_in(client, "sofie")
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=personas.sofie).count() == 1


def test_the_verify_step_is_limited_per_account(client: Client, personas: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "otp_verify": "3/900"}
    enrolled(personas.sofie)
    log_in(client, "sofie")
    statuses = [client.post(VERIFY, {"token": "123456"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_ine_the_jury_member_needs_no_second_factor(client: Client, personas: Any, otp_required: None) -> None:
    log_in(client, "ine")
    assert client.get("/").status_code == 200


def test_an_outsider_cannot_open_the_two_step_pages_without_logging_in(client: Client, personas: Any) -> None:
    assert client.get(VERIFY)["Location"].startswith(LOGIN)
    assert client.get(ENROL)["Location"].startswith(LOGIN)


def test_the_two_step_pages_have_a_fixed_number_of_queries(
    client: Client, personas: Any, otp_required: None, django_assert_max_num_queries: Any
) -> None:
    log_in(client, "wouter")
    # the set-up page writes one audit entry: 1 query for its place in the hash chain (on PostgreSQL with the
    # advisory lock in the same round trip; docs/decisions/0010-audit-trail.md)
    chain = 1
    # session, user, confirmed devices (one union), the service's check, delete and insert, the menu's counts
    with django_assert_max_num_queries(9 + chain + 2) as shown:  # + the savepoint of the service's transaction
        assert client.get(ENROL).status_code == 200
    with django_assert_max_num_queries(len(shown.captured_queries)):  # a second show costs the same
        assert client.get(ENROL).status_code == 200
    client.post("/account/logout/")
    enrolled(personas.sofie)
    log_in(client, "sofie")
    with django_assert_max_num_queries(8):
        assert client.get(VERIFY).status_code == 200


# --- sessions and headers -----------------------------------------------------------------


def test_sofie_is_logged_out_after_the_idle_time(client: Client, personas: Any, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 1800
    log_in(client, "sofie")
    assert client.get("/hulpvragers/").status_code == 200
    session = client.session
    session["pw_last_seen"] = int(time.time()) - 1801
    session.save()
    response = client.get("/hulpvragers/", follow=True)
    assert response.redirect_chain[0][0] == "/account/login/?next=/hulpvragers/"
    assert "_auth_user_id" not in client.session
    assert "afgemeld na een periode zonder activiteit" in response.content.decode()


def test_pages_of_logged_in_users_are_never_cached_and_carry_a_strict_csp(client: Client, personas: Any) -> None:
    anonymous = client.get(LOGIN)
    assert "no-store" not in anonymous.get("Cache-Control", "") or anonymous.status_code == 200
    client.force_login(personas.sofie)
    for url in ["/", "/hulpvragers/", "/api/v1/clients/"]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url


def test_no_template_has_inline_script_or_event_handlers() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("apps/*/templates/**/*.html")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(str(path.relative_to(root)))
        if re.search(r'\sstyle="', text):
            offenders.append(f"{path.relative_to(root)} (style attribute)")
    assert offenders == []
