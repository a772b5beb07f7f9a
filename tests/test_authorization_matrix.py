"""The permanent authorization matrix (issue 14, item 8; docs/decisions/0014-access-matrix.md).

Every route of the URLconf (generated, admin site included) x every identity of ``tests/authorization/world.py``
(the demo roles, anonymous, an outsider organisation, another region, a worker whose membership ended) x GET and
POST (with a valid CSRF token and an empty body), with ids of OTHER organisations' objects in the URL. The outcome
of each request must be the one written in ``tests/authorization/expected.py``; a route missing from that table
fails, and so does a row for a route that no longer exists. No response may show the other organisation's
client's name unless its cell says ``+name``. Every POST without a CSRF token is refused.

The data is built once for the module (in a transaction rolled back at the end); each route's requests run in
their own savepoint, so a POST that changes something is undone before the next route.

To see what the code does now (after adding a route): ``MATRIX_RECORD=/tmp/matrix.txt pytest
tests/test_authorization_matrix.py`` writes the observed rows in the table's format instead of asserting.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client as Browser
from django.test import override_settings
from django.utils.crypto import get_random_string

from tests.authorization.expected import EXPECTED, parse
from tests.authorization.routes import Route, all_routes, fill
from tests.authorization.world import ROLES, SECRET_NAMES, build

ROUTES = {route.key: route for route in all_routes()}
CSRF_SECRET = get_random_string(32)
RECORD = os.environ.get("MATRIX_RECORD", "")
# Views Django itself exempts from CSRF (none of ours): a POST without a token reaches them.
CSRF_EXEMPT: set[str] = set()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    media = tmp_path_factory.mktemp("media")
    # The sessions are made once; their last-seen stamps are rolled back with each route's savepoint, so on a slow
    # machine the idle timeout (30 minutes) would end them halfway: the module runs with a day.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, SESSION_IDLE_TIMEOUT=24 * 3600):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
            built.sessions = {}
            for role in ROLES:
                if role != "anonymous":
                    browser = Browser()
                    browser.force_login(built.people[role])
                    built.sessions[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def browser_as(world: Any, role: str, *, csrf: bool = True) -> Browser:
    """A fresh browser with only the role's session cookie (and a CSRF cookie): a logout or a language switch
    by an earlier request changes nothing for the next."""
    browser = Browser(enforce_csrf_checks=True, raise_request_exception=False)
    if role in world.sessions:
        browser.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if csrf:
        browser.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return browser


def outcome(response: Any) -> str:
    """``login`` / ``admin-login`` for a redirect to a login page, else the status code, with ``+name`` when the
    body shows the other organisation's client's name."""
    code = response.status_code
    if 300 <= code < 400:
        location = response.get("Location", "")
        if location.startswith("/account/login/"):
            return "login"
        if location.startswith("/beheer/login/"):
            return "staff"
        return str(code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="ignore")
    return f"{code}+name" if any(name in text for name in SECRET_NAMES) else str(code)


def request(world: Any, role: str, method: str, url: str) -> str:
    cache.clear()  # rate limits count per address: each cell is independent of the ones before it
    browser = browser_as(world, role)
    if method == "GET":
        return outcome(browser.get(url))
    return outcome(browser.post(url, {}, HTTP_X_CSRFTOKEN=CSRF_SECRET))


def test_the_route_list_is_generated_and_the_table_has_no_stale_rows() -> None:
    assert len(ROUTES) > 200  # the app's routes and the admin site's
    stale = sorted(set(EXPECTED) - set(ROUTES))
    assert not stale, f"rows for routes that no longer exist in tests/authorization/expected.py: {stale}"


def test_the_table_parses_into_one_outcome_per_role() -> None:
    for key, methods in EXPECTED.items():
        for method, cells in methods.items():
            assert len(cells) == len(ROLES), (key, method)
    assert parse("x GET login 200 +\n")["x"]["GET"] == ["login", "200"]


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_every_role_gets_the_written_outcome_with_other_organisations_ids(world: Any, db: Any, key: str) -> None:
    route: Route = ROUTES[key]
    url = fill(route, world)
    observed = {method: [request(world, role, method, url) for role in ROLES] for method in ("GET", "POST")}
    if RECORD:
        with Path(RECORD).open("a", encoding="utf-8") as out:
            for method, cells in observed.items():
                out.write(f"{key}  {method}  {'  '.join(cells)}  # {url}\n")
        return
    assert key in EXPECTED, f"route {key} ({url}) has no row in tests/authorization/expected.py"
    wrong = [
        f"{method} {url} as {role}: expected {want}, got {got}"
        for method in ("GET", "POST")
        for role, want, got in zip(ROLES, EXPECTED[key][method], observed[method], strict=True)
        if want != got
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_a_post_without_csrf_token_is_refused(world: Any, db: Any, key: str) -> None:
    url = fill(ROUTES[key], world)
    for role in ("anonymous", "counsellor"):
        response = browser_as(world, role, csrf=False).post(url, {})
        if key not in CSRF_EXEMPT:
            assert response.status_code in (403, 404), (role, url, response.status_code)
