"""Browser-test harness: a real Chromium driven by Playwright (sync API).

Fixtures
- ``browser``: one headless Debian Chromium (/usr/bin/chromium) for the whole session.
- ``open_page``: factory ``open_page(**context_options) -> Page``. Every context it makes
  * uses the ``nl-BE`` locale unless told otherwise;
  * lets through only requests to 127.0.0.1/localhost and aborts (and records) all others,
    so a forgotten CDN link or web font fails the test;
  * records console errors and uncaught page errors.
  At teardown the test fails if anything was blocked or any unexpected error was logged.
- ``page``: a desktop page (1280x800) made by ``open_page``.
- ``phone_page``: a 360x740 touch phone page made by ``open_page`` (see ``PHONE``).
- ``browser_log``: what the guards recorded; ``browser_log.expect_console_error(regex)``
  declares a console error the test deliberately provokes (e.g. a 404 response).

Helpers
- ``check_accessibility(page)``: axe-core with the WCAG 2.1 A/AA rules; fails with a readable list.
- ``log_in(page, live_server, user)``: a logged-in session without the login form (fast set-up).

Tests here use pytest-django's ``live_server`` and therefore a transactional database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, WebError, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = 10_000
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# ---------------------------------------------------------------------------- guards


@dataclass
class BrowserLog:
    """Everything the network and console guards saw during one test."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    expected: list[re.Pattern[str]] = field(default_factory=list)

    def expect_console_error(self, pattern: str) -> None:
        """Console errors matching ``pattern`` (a regex) are part of the test, not a failure."""
        self.expected.append(re.compile(pattern))

    def unexpected_console_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(p.search(e) for p in self.expected)]

    def problems(self) -> list[str]:
        lines = [f"blocked non-local request: {url}" for url in self.blocked]
        lines += [f"console error: {text}" for text in self.unexpected_console_errors()]
        lines += [f"uncaught page error: {text}" for text in self.page_errors]
        return lines


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def guard(context: BrowserContext, log: BrowserLog) -> None:
    """Allow only local requests; record blocked URLs, console errors and page errors."""

    def route(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            log.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def web_error(error: WebError) -> None:
        log.page_errors.append(str(error.error))

    context.route("**/*", route)
    context.on("console", console)
    context.on("weberror", web_error)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def open_page(browser: Browser, browser_log: BrowserLog) -> Iterator[Callable[..., Page]]:
    contexts: list[BrowserContext] = []

    def factory(**context_options: Any) -> Page:
        options = {"locale": "nl-BE", **DESKTOP, **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        guard(context, browser_log)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()
    problems = browser_log.problems()
    if problems:
        pytest.fail("The browser saw problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    return open_page()


@pytest.fixture
def phone_page(open_page: Callable[..., Page]) -> Page:
    return open_page(**PHONE)


def new_phone_context(browser: Browser, log: BrowserLog, **context_options: Any) -> BrowserContext:
    """A guarded 360x740 touch context, for tests that manage contexts themselves (caller closes it)."""
    context = browser.new_context(**{"locale": "nl-BE", **PHONE, **context_options})
    context.set_default_timeout(TIMEOUT_MS)
    guard(context, log)
    return context


# ---------------------------------------------------------------------------- helpers


def log_in(page: Page, live_server: Any, user: Any) -> None:
    """Give the page's context a logged-in session for ``user`` (no login form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


PHONE_WIDTH = 360


def fits_the_phone(page: Page) -> None:
    """No sideways scrolling on a 360 px phone once the layout has settled: an htmx swap's new content may lay out
    a frame later, so the width is polled from here for up to 3 s (the pages' CSP forbids the string evaluation
    ``wait_for_function`` would inject)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    for _ in range(30):
        if width <= PHONE_WIDTH:
            break
        page.wait_for_timeout(100)
        width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a {PHONE_WIDTH} px phone (scrollWidth {width})"


def check_accessibility(page: Page, *, context: str | None = None) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; fail with a readable report."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA_TAGS}, "resultTypes": ["violations"]}
    # contrast is judged on the styled page: on a busy machine axe could run before a click's new page had
    # applied its stylesheets (white behind the light menu links); wait for the load event first
    page.wait_for_load_state("load")
    results = Axe().run(page, context=context, options=options)
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  [{v['helpUrl']}]")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node.get('html', '')[:200]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    pytest.fail("\n".join(lines), pytrace=False)
