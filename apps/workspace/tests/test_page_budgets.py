"""The client file and the pathway page stay within their query budget for every role that may open them, and
the budget does not grow with the case: more goals, actions, contacts, referrals, group sessions, consents and
screenings cost no query more (issue 15: at most 12 per page, the test's SAVEPOINT and RELEASE included).
What each role sees stays what it may see, and every open is recorded as a read."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.clients.services import client_seal_open
from apps.consent.services import consent_withdraw
from apps.groups.models import GroupActivity, GroupSession
from apps.groups.tests.test_groups import make_offer  # a group offer (format 'group')
from apps.pathways.models import TeamMember
from apps.pathways.services import action_add, contact_log_add, plan_save, team_add
from apps.pathways.tests.test_pathways import goal
from apps.referrals.services import referral_send
from tests.factories import complete_screening, give_consent, register_client, start_pathway

ALL_CATEGORIES = ["identity", "life_domains", "health", "addiction", "justice", "finances", "work_education"]


@pytest.fixture
def case(personas: Any) -> SimpleNamespace:
    """Mariam's pathway at Lokaal bestuur with Yonas (peer companion) and Els (De Brug, with consent to life
    domains for guidance and referral) on the team, one goal, action, contact, referral and group session."""
    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=["debts"], on=dt.date(2026, 1, 10))
    pathway = start_pathway(personas, mariam)
    consent = give_consent(personas, mariam, categories=["identity", "life_domains"], purposes=["guidance", "referral"])
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion"
    )
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug, role="partner_worker"
    )
    case = SimpleNamespace(p=personas, client=mariam, pathway=pathway, consent=consent, rounds=0)
    case.activity = GroupActivity.objects.create(
        offer=make_offer(personas, personas.brug, personas.els, "Taalcafé"), title="Taalcafé"
    )
    grow(case)
    return case


def grow(case: Any) -> None:
    """One more of everything the two pages list."""
    p, pathway, n = case.p, case.pathway, case.rounds
    pathway.refresh_from_db()
    goals = [goal(p, text=f"doel {i}") for i in range(n + 1)] + [goal(p, code="physical-health", text="gezond")]
    plan_save(pathway=pathway, actor=p.sofie, expected_version=pathway.plan_version, client_words="ik", goals=goals)
    for who, organisation in ((p.sofie, p.lb), (p.els, p.brug)):
        action_add(
            pathway=pathway,
            actor=p.sofie,
            description=f"actie {n} {who.username}",
            owner=who,
            owner_organisation=organisation,
            due_on=dt.date(2026, 5, 1),
        )
        contact_log_add(
            pathway=pathway,
            actor=who,
            organisation=organisation,
            happened_on=dt.date(2026, 3, 1),
            place="home",
            summary=f"contact {n} {who.username}",
            confidential=who == p.sofie,
        )
    referral_send(pathway=pathway, offer=make_offer(p, p.brug, p.els, f"Aanbod {n}"), actor=p.sofie)
    session = GroupSession.objects.create(activity=case.activity, held_on=dt.date(2026, 2, 1 + n))
    session.attendees.add(pathway)
    give_consent(p, case.client, to=p.kompas, categories=["identity"])
    complete_screening(case.client, p.sofie, obstacles=["debts", "limited-dutch"], on=dt.date(2026, 4, 1 + n))
    case.rounds += 1


def counted(browser: Browser, url: str) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"][:120] for q in queries]


ROLES = ["sofie", "wouter", "yonas", "els"]  # counsellor, coordinator, peer companion, partner worker
# The client file's queries: session, user with memberships, the client (for a peer companion with the team check
# and the seals opened), the consents covering a partner, screenings with scores and obstacles, consents shown,
# the timeline and the open pathway (the registering organisation's), menu counts, the read record (2).
CLIENT_FILE = {"sofie": 10, "wouter": 10, "yonas": 8, "els": 9}


@pytest.mark.parametrize("who", ROLES)
def test_the_pathway_page_stays_within_its_budget_for_every_role(
    case: Any, client: Browser, who: str, django_assert_max_num_queries: Any
) -> None:
    client.force_login(getattr(case.p, who))
    url = f"/trajecten/{case.pathway.pk}/"
    client.get(url)  # the region data, once per process
    _response, short = counted(client, url)
    for _ in range(3):
        grow(case)
    with django_assert_max_num_queries(12):
        response, long = counted(client, url)
    assert len(long) == len(short), long
    html = response.content.decode()
    assert "doel 3" in html and "Aanbod 3" in html and "Taalcafé" in html
    assert html.count('class="border rounded p-2 mb-2"') == (8 if who != "els" else 4)  # Sofie's are confidential
    # health: sealed for the peer companion until opened, not in the consent to De Brug
    assert ("gezond" in html) == (who in {"sofie", "wouter"})
    assert AuditEntry.objects.filter(action="clients.client.viewed", actor=getattr(case.p, who)).count() == 3


@pytest.mark.parametrize("who", ROLES)
def test_the_client_file_stays_within_its_budget_for_every_role(
    case: Any, client: Browser, who: str, django_assert_max_num_queries: Any
) -> None:
    client.force_login(getattr(case.p, who))
    url = f"/hulpvragers/{case.client.pk}/"
    client.get(url)
    _response, short = counted(client, url)
    for _ in range(3):
        grow(case)
    with django_assert_max_num_queries(CLIENT_FILE[who]):
        response, long = counted(client, url)
    assert len(long) == len(short), long
    html = response.content.decode()
    assert "Mariam" in html
    assert ("Kompas vzw" in html) == (who in {"sofie", "wouter"})  # others see only the consents to their own
    assert AuditEntry.objects.filter(action="clients.client.viewed", actor=getattr(case.p, who)).count() == 3


def test_the_peer_companion_rule_read_with_the_client_still_follows_the_team_and_the_seals(
    case: Any, client: Browser
) -> None:
    """The client file reads Yonas's place on the team and his opened seals with the client: the health goal's
    domain shows once opened, and leaving the team makes the file a 404 at once."""
    url = f"/hulpvragers/{case.client.pk}/"
    client.force_login(case.p.yonas)
    html = client.get(url).content.decode()
    assert 'id="open-sealed"' in html
    client_seal_open(
        client=case.client, actor=case.p.yonas, categories=["health", "addiction", "justice"],
        reason="Gesprek over de zorg.", sealed=frozenset({"health", "addiction", "justice"}),
    )  # fmt: skip
    assert 'id="open-sealed"' not in client.get(url).content.decode()
    TeamMember.objects.filter(pathway=case.pathway, user=case.p.yonas).update(is_active=False)
    assert client.get(url).status_code == 404


def test_the_access_rule_read_with_the_team_still_follows_seals_and_consents(case: Any, client: Browser) -> None:
    """The pathway page reads Yonas's opened seals and Els's consents with the team's rows: opening the health
    data shows Yonas the health goal; a withdrawn consent makes the page a 404 for Els at once."""
    url = f"/trajecten/{case.pathway.pk}/"
    client.force_login(case.p.yonas)
    assert "gezond" not in client.get(url).content.decode()
    client_seal_open(
        client=case.client, actor=case.p.yonas, categories=["health"], reason="Gesprek over de zorg.",
        sealed=frozenset({"health", "addiction", "justice"}),
    )  # fmt: skip
    assert "gezond" in client.get(url).content.decode()
    client.force_login(case.p.els)
    assert client.get(url).status_code == 200
    consent_withdraw(consent=case.consent, actor=case.p.sofie)
    assert client.get(url).status_code == 404
    client.force_login(case.p.olaf)  # Kompas: a consent to the identity, but not on the team
    assert client.get(url).status_code == 404
