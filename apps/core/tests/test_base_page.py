"""The frame every page shares."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.staticfiles import finders
from django.test import Client


def test_every_page_names_its_icon_so_the_browser_never_asks_for_a_missing_favicon(client: Client, db: Any) -> None:
    # Tried as a new user in Chromium: the first page of every session logged "Failed to load resource: 404"
    # for /favicon.ico, because no page named an icon.
    html = client.get("/account/login/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert icon, "the page names no icon"
    assert finders.find(icon.group(1)), f"the icon {icon.group(1)} is not a static file"
