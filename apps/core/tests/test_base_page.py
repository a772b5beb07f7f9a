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


def menu(html: str) -> str:
    return html.split('id="main-nav">', 1)[1].split('<form method="post" action="/account/logout/"', 1)[0]


def test_the_menu_is_kept_per_process_and_follows_every_change_of_what_it_shows(personas: Any, client: Client) -> None:
    """The rendered menu is kept (cache "menu", key: user, names, roles, organisations, regions, language, page,
    badges): a new role, a new badge, another page or language shows at once; the log-out form (with its CSRF
    token) is never kept."""
    from django.core.cache import caches

    from apps.accounts.models import Membership, Role
    from apps.notifications.services import notify

    client.force_login(personas.sofie)
    first = client.get("/").content.decode()
    assert len(caches["menu"]._cache) == 1  # type: ignore[attr-defined]
    again = client.get("/").content.decode()
    assert menu(again) == menu(first) and "Dashboard" not in menu(first)
    assert len(caches["menu"]._cache) == 1  # type: ignore[attr-defined]
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[0] for html in (first, again)]
    assert tokens[0] != tokens[1]  # a fresh masked token in each response: the form is outside the kept part

    Membership.objects.create(user=personas.sofie, organisation=personas.lb, role=Role.COORDINATOR)
    assert "Dashboard" in menu(client.get("/").content.decode())

    notify(users=[personas.sofie], message="Een antwoord", url="/")
    assert '1<span class="visually-hidden"> ongelezen' in menu(client.get("/").content.decode())

    mine = menu(client.get("/trajecten/mijn-werk/").content.decode())
    assert 'aria-current="page" href="/trajecten/mijn-werk/"' in mine

    personas.sofie.first_name = "Sofie-Anne"
    personas.sofie.save()
    assert "Sofie-Anne" in menu(client.get("/").content.decode())

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log out" in client.get("/").content.decode() and "My work" in menu(client.get("/").content.decode())
