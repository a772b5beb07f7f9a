"""Bad parameters are 404 or 400, never 500: every route of the URLconf, with junk path arguments and junk
values for every GET/POST parameter name its view module reads, as a logged-in coordinator, counsellor and
partner worker. The routes and parameter names are generated, so a new route or parameter is covered."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver

from apps.core.confirm import CONFIRM_FIELD, REASON_FIELD
from apps.core.ids import parse_id
from tests.factories import complete_screening, register_client, start_pathway

HUGE = str(2**70)
JUNK = ["abc", HUGE, "-1", "1.5", "", "\x00", "<b>x</b>"]
CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
READS = re.compile(r"request\.(?:GET|POST)(?:\.get|\.getlist)?[(\[]\s*[\"']([\w-]+)[\"']")
TESTS_FOR = re.compile(r"[\"']([\w-]+)[\"']\s+(?:not\s+)?in\s+request\.(?:GET|POST)")
# Read for every view by the shared helpers: the search box, the page number and the confirmation step
# (apps/core/confirm.py: ``confirmed``, ``confirm_reason``).
SHARED = {"page", "q", CONFIRM_FIELD, REASON_FIELD}
# Logging out ends the session the loop relies on; its junk handling is Django's own.
SKIP = {"logout/"}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def routes() -> list[tuple[str, Any]]:
    """(route template, view callback) for every plain ``path()`` route (regex routes are Django's own)."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(("^", "admin/")) or "(?P" in route or route in SKIP:
            continue
        found.append((route, pattern.callback))
    return found


@cache
def _module_reads(module_name: str) -> tuple[str, ...]:
    import sys

    try:
        source = inspect.getsource(sys.modules[module_name])
    except (OSError, TypeError, KeyError):
        return ()
    return tuple(sorted(set(READS.findall(source)) | set(TESTS_FOR.findall(source))))


def param_names(callback: Any) -> tuple[str, ...]:
    """The GET/POST parameter names read anywhere in the view's module (plus ``SHARED``: what the shared
    helpers read for every view)."""
    func = getattr(callback, "view_class", None) or callback
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return tuple(sorted({*_module_reads(func.__module__), *SHARED}))


def fill(route: str, number: str) -> str:
    def one(match: re.Match[str]) -> str:
        conv = match.group("conv") or "str"
        if conv == "int":
            return number
        if conv == "uuid":
            return "00000000-0000-0000-0000-000000000000"
        return "junk"

    return "/" + CONVERTER.sub(one, route)


def test_the_route_list_is_generated_and_the_parameter_scan_finds_known_names() -> None:
    found = dict(routes())
    assert len(found) > 100
    plan = next(cb for r, cb in found.items() if r.endswith("plan/") and "trajecten" in r)
    assert "casusoverleg" in param_names(plan)
    team = next(cb for r, cb in found.items() if r.endswith("team/") and "trajecten" in r)
    assert "remove" in param_names(team) and "confirmed" in param_names(team)
    assert "more_goals" in param_names(plan)


def test_the_safe_id_reader_refuses_junk() -> None:
    assert [parse_id(v) for v in JUNK] == [None] * len(JUNK)
    assert parse_id(" 42 ") == 42 and parse_id(2**63 - 1) == 2**63 - 1 and parse_id(2**63) is None
    assert parse_id(True) is None and parse_id("٣") is None  # booleans and non-ASCII digits


@pytest.mark.parametrize("who", ["wouter", "sofie", "els"])
def test_junk_in_every_parameter_of_every_route_is_never_a_server_error(personas: Any, who: str) -> None:
    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=["debts"])
    pathway = start_pathway(personas, mariam)
    user = getattr(personas, who)
    browser = Browser(raise_request_exception=False)
    failures = []
    numbers = sorted({str(pathway.pk), str(mariam.pk)}) + [HUGE]
    for route, callback in routes():
        names = param_names(callback)
        for index, number in enumerate(numbers):
            if number != HUGE and "<int:" not in route and index:
                continue  # without an int argument one real-number pass is enough
            url = fill(route, number)
            junk = JUNK[index % len(JUNK)] if number != HUGE else HUGE
            params = dict.fromkeys(names, junk)
            browser.force_login(user)
            for method in ("get", "post"):
                if method == "post" and number == HUGE:
                    continue
                response = getattr(browser, method)(url, params)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {params} -> {response.status_code}")
    assert not failures, "\n".join(failures)
