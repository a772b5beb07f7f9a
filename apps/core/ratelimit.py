"""A small cache-based rate limiter and the client IP as the lockout and the limits see it.

Limits are named in ``settings.RATE_LIMITS`` as ``"count/seconds"`` (e.g. ``"5/3600"``: five
requests an hour). Keys hold a digest of the IP (or other key), never the raw value, so the cache
holds no personal data. The counter is a fixed window in the default cache: with a per-process
cache (LocMemCache) each worker counts on its own, with a shared cache (Redis, database) all
workers share the count. Source of the rule: docs/decisions/0011-login-security.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` = n > 0 the n-th address
    from the right of X-Forwarded-For (the one the outermost trusted proxy saw). Never raises; "" if unknown.
    """
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", "") or "")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/3600"`` -> ``(5, 3600)``: (requests allowed, window in seconds). Raises ImproperlyConfigured."""
    try:
        count, seconds = (int(part) for part in rate.split("/", 1))
    except ValueError as exc:
        raise ImproperlyConfigured(f"A rate limit must look like '5/3600', not {rate!r}") from exc
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"A rate limit needs a positive count and window, not {rate!r}")
    return count, seconds


def hit(name: str, key: str) -> bool:
    """Count one request for limit ``name`` and ``key``; True while within the limit, False beyond it.

    ``name`` is a key of ``settings.RATE_LIMITS`` (KeyError otherwise).
    """
    count, seconds = parse_rate(str(settings.RATE_LIMITS[name]))
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{key}".encode()).hexdigest()[:32]
    cache_key = f"pw:rl:{name}:{digest}"
    if cache.add(cache_key, 1, timeout=seconds):
        return True
    try:
        current = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=seconds)
        return True
    return current <= count


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """The translated 429 page (templates/429.html)."""
    return HttpResponse(render_to_string("429.html", request=request), status=429)


def rate_limited(name: str, *, methods: tuple[str, ...] = ("POST",)) -> Callable[[Any], Any]:
    """View decorator: requests of ``methods`` beyond limit ``name`` per client IP get the 429 page
    before the view runs (so nothing is saved or sent)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and not hit(name, client_ip(request)):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
