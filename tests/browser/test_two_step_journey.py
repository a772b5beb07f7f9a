"""Two-step login in the browser: Wouter (coordinator) sets up an authenticator app and logs in with it.

The test plays the authenticator app: it reads the key shown for manual entry and computes the code
with django_otp.oath.totp, as the app on a phone would.
"""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, drift: int = 0) -> str:
    """What the authenticator app shows for ``secret`` (base32) now, or ``drift`` steps of 30 s later."""
    return f"{totp(base64.b32decode(secret), drift=drift):06d}"


def next_code(secret: str, user: Any) -> str:
    """A code the server takes at the next login: a time step after the one used at set-up (``last_t``; a step
    cannot be replayed) and inside the device's window (now plus its learnt drift, +/- its tolerance). If the set-up
    code crossed a 30 s boundary on its way, the device learnt a drift of -1, and "the app's next code" would fall
    outside that window: the step is computed from the device, not guessed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now = (int(time.time()) - device.t0) // device.step  # the current step by the device's clock
    step = max(device.last_t + 1, now + device.drift)
    assert step <= now + device.drift + device.tolerance, "no step left in the window"
    return f"{totp(base64.b32decode(secret), step=device.step, t0=device.t0, drift=step - now):06d}"


def log_in_with_password(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/account/login/?next=/")
    page.get_by_label("Gebruikersnaam").fill("wouter")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def test_wouter_sets_up_two_step_login_on_his_phone_and_logs_in_with_a_code(
    phone_page: Page, live_server: Any, personas: Any, settings: Any
) -> None:
    settings.OTP_REQUIRED_ROLES = frozenset({"coordinator", "administrator", "counsellor"})
    # django-otp makes a device wait 1 s after a wrong code (more after more): the journey does not sleep for it
    # (no timed tests); the wait itself is django-otp's, tested there
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page = phone_page

    # The password is not enough for a coordinator: he lands on the set-up page, whatever he asked for.
    log_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile(r"/account/two-step/set-up/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsaanmelding instellen")
    expect(page.get_by_role("img", name="QR-code om te scannen met uw authenticator-app")).to_be_visible()
    page.goto(live_server.url + "/hulpvragers/")
    expect(page).to_have_url(re.compile(r"/account/two-step/set-up/"))
    check_accessibility(page)

    secret = re.sub(r"\s", "", page.locator("#otp-secret").inner_text())
    page.get_by_label("Code", exact=True).fill(app_code(secret))
    page.get_by_role("button", name="Bevestigen en aanzetten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsaanmelding staat aan")
    expect(page.locator("#backup-codes li")).to_have_count(10)
    page.get_by_role("link", name="Ik heb mijn reservecodes bewaard").click()
    expect(page).to_have_url(live_server.url + "/hulpvragers/")  # where he last wanted to go

    # Next login: password, then a code from the app.
    page.context.clear_cookies()
    log_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile(r"/account/two-step/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsaanmelding")
    check_accessibility(page)
    code = next_code(secret, personas.wouter)
    page.get_by_label("Code", exact=True).fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Deze code klopt niet")
    check_accessibility(page)
    page.get_by_label("Code", exact=True).fill(code)  # the step used at set-up cannot be replayed
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(live_server.url + "/")
