"""Issue 10 item 3 through the Django admin: unticking "active" on a membership or an organisation ends it
through the lifecycle services (team places, offers), not only the flag. Glenn's colleague Ada is a superuser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as Browser

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEntry
from apps.pathways.models import TeamMember, TeamRole
from apps.pathways.services import team_add
from apps.referrals.tests.conftest import open_pathway

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The values an admin change form would send as it stands (inputs, checked boxes, selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._select: str | None = None
        self._multiple = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in a
            if not self._multiple:
                self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            if self._multiple:
                self.data.setdefault(self._select, []).append(a.get("value") or "")
            else:
                self.data[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _form_of(browser: Browser, url: str) -> dict[str, Any]:
    response = browser.get(url)
    assert response.status_code == 200, response.status_code
    parser = _Form()
    parser.feed(response.content.decode())
    return parser.data


@pytest.fixture
def ada(personas: Any) -> Browser:
    User.objects.create_superuser(username="ada", email="ada@example.org", password="correct-horse-battery-9")
    browser = Browser()
    browser.force_login(User.objects.get(username="ada"))
    return browser


def test_unticking_yonas_membership_in_the_admin_ends_his_team_places(personas: Any, ada: Browser) -> None:
    p = personas
    pathway = open_pathway(p)
    team_add(pathway=pathway, actor=p.sofie, user=p.yonas, organisation=p.lb, role=TeamRole.PEER_COMPANION)
    url = f"/beheer/accounts/user/{p.yonas.pk}/change/"
    data = _form_of(ada, url)
    active = next(k for k in data if k.startswith("memberships-") and k.endswith("-is_active"))
    del data[active]
    response = ada.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^<]*<li>[^<]*", response.content.decode())
    assert not Membership.objects.get(user=p.yonas).is_active
    assert not TeamMember.objects.filter(user=p.yonas, is_active=True).exists()
    entry = AuditEntry.objects.get(action="accounts.membership.deactivated")
    assert entry.changes["team_places_ended"] == [pathway.pk]


def test_unticking_de_brug_in_the_admin_ends_its_memberships(personas: Any, ada: Browser) -> None:
    p = personas
    url = f"/beheer/accounts/organisation/{p.brug.pk}/change/"
    data = _form_of(ada, url)
    data.pop("is_active", None)
    data["name"] = "De Brug vzw (gestopt)"
    response = ada.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^<]*<li>[^<]*", response.content.decode())
    p.brug.refresh_from_db()
    assert (p.brug.is_active, p.brug.name) == (False, "De Brug vzw (gestopt)")
    assert not Membership.objects.filter(organisation=p.brug, is_active=True).exists()
    assert AuditEntry.objects.filter(action="accounts.organisation.deactivated").exists()


def test_the_admin_offers_no_deleting_of_memberships(personas: Any, ada: Browser) -> None:
    data = _form_of(ada, f"/beheer/accounts/user/{personas.yonas.pk}/change/")
    assert not any(k.endswith("-DELETE") for k in data)
