"""Idle session timeout and the second-factor gate (docs/decisions/0011-login-security.md)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.second_factor import SESSION_KEY, State, second_factor_state

LAST_SEEN_KEY = "pw_last_seen"
# The last-seen stamp is written at most once a minute, so most requests do not save the session.
LAST_SEEN_RESOLUTION_SECONDS = 60


class IdleSessionMiddleware:
    """Logs out a user whose previous request is older than ``SESSION_IDLE_TIMEOUT`` seconds.

    Each request refreshes a last-seen stamp in the session (at most once a minute, which also
    extends the session cookie); after the idle time the next request logs out and goes to the login
    page with a translated message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were logged out after a period without activity. Please log in again."))
                return HttpResponseRedirect(
                    f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()}, safe='/')}"
                )
            if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


@cache
def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:otp_verify"),
        reverse("accounts:otp_enrol"),
        reverse("accounts:logout"),
        reverse("set_language"),
        reverse("javascript-catalog"),
    )


class SecondFactorMiddleware:
    """A logged-in user who has a confirmed device but has not yet entered a code goes to the verify
    page; a user whose role requires a second factor (``OTP_REQUIRED_ROLES``) and who has no device
    goes to the enrolment page. Until then no other page (nor the API: 403) is reachable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return self.get_response(request)
        state = request.session.get(SESSION_KEY)
        if state not in State.values:
            state = second_factor_state(user)
            request.session[SESSION_KEY] = state
        if state == State.OK or request.path in _exempt_paths() or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Complete the two-step login first.")}, status=403)
        target = "accounts:otp_verify" if state == State.VERIFY else "accounts:otp_enrol"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()}, safe='/')}")
