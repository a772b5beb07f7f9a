"""Response headers that apply to every page (docs/decisions/0011-login-security.md)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreForAuthenticatedMiddleware:
    """Every response to a logged-in user gets ``Cache-Control: no-store, private``.

    Pages of logged-in users may show client data (files, pathways, referrals, assessments,
    consents, API answers); no browser or proxy cache may keep them (back button on a shared PC).
    Static files are served before this middleware (WhiteNoise) and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
        return response
