"""Root urlconf of the load test: the bare view, then every Padwijzer URL (same middleware for both).

The bare view reads the session and the user (``request.user.pk``), so its rate is the baseline of a
logged-in request that does no page work. It is reachable only under bench.load_settings.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

BARE_PATH = "/__bench__/bare/"


def bare(request: HttpRequest) -> HttpResponse:
    """200 "ok <user pk>" for a logged-in user, 403 otherwise (so a lost session counts as an error)."""
    if not request.user.is_authenticated:
        return HttpResponse("anonymous", status=403)
    return HttpResponse(f"ok {request.user.pk}")


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare, name="bench-bare"),
    path("", include("padwijzer.urls")),
]
