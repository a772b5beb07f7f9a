"""Every link works for every role: after the demo is seeded, each demo login follows every menu and page link
(one page per URL shape, so a list of 1,000 clients costs one visit) and never meets a 404 or a 500."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any

from django.test import Client as Browser

from apps.accounts.models import User
from apps.demo.services import demo_seed

SKIP = ("/beheer/", "/api/", "/static/", "/jsi18n/", "/i18n/", "/account/logout", "/media/")
MAX_PAGES_PER_ROLE = 250


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.hrefs.append(href.split("#")[0])


def shape(url: str) -> str:
    """One visit per URL shape: numbers and query values collapse (``/trajecten/12/`` ~ ``/trajecten/3/``)."""
    path, _, query = url.partition("?")
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


def crawl(browser: Browser) -> tuple[int, list[str]]:
    seen: set[str] = set()
    queue = deque(["/"])
    visited, broken = 0, []
    while queue and visited < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        if shape(url) in seen or url.startswith(SKIP):
            continue
        seen.add(shape(url))
        response = browser.get(url)
        visited += 1
        if response.status_code not in (200, 302):
            broken.append(f"{response.status_code} {url}")
            continue
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            parser = Links()
            parser.feed(response.content.decode())
            queue.extend(h for h in parser.hrefs if h and shape(h) not in seen)
    return visited, broken


def test_every_menu_and_page_link_works_for_every_demo_role(oostende: Any, client: Browser) -> None:
    report = demo_seed(region=oostende, clients=200, seed=1)
    failures: dict[str, list[str]] = {}
    for login in report.logins:
        client.force_login(User.objects.get(username=login.username))
        visited, broken = crawl(client)
        assert visited > 3, login.username
        if broken:
            failures[f"{login.username} ({login.role})"] = broken
        client.logout()
    assert not failures, failures
