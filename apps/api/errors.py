"""The 404 of an address that matches no route: JSON under /api/ (as every API answer), the page elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's ``handler404``: under ``/api/`` the body is ``{"detail": "Niet gevonden."}`` (DRF's sentence, as
    the API's own 404s and as the OpenAPI schema documents it, apps/api/schema.py), e.g. for
    ``/api/v1/clients/abc/``; every other address gets the 404 page (templates/404.html)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)
