"""Each role gets its own home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.clients.models import Client as Hulpvrager


def home(client: Client, user: Any) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def add_clients(personas: Any, n: int) -> None:
    gistel = personas.region.municipalities.get(code="gistel")
    Hulpvrager.objects.bulk_create(
        Hulpvrager(
            organisation=personas.lb,
            first_name="A",
            last_name=str(i),
            birth_date=dt.date(1990, 1, 1),
            gender="X",
            municipality=gistel,
            dutch_level="B1",
        )
        for i in range(n)
    )


def test_the_coordinator_sees_the_partnership(client: Client, personas: Any) -> None:
    add_clients(personas, 3)
    html = home(client, personas.wouter)
    assert 'id="partnership"' in html
    for org in ("Lokaal bestuur Oostende", "VDAB Oostende", "De Brug vzw", "Kompas vzw"):
        assert org in html
    assert "Lokaal bestuur Veurne" not in html
    assert 'id="call"' in html and 'id="challenges"' in html


def test_a_counsellor_sees_the_clients_of_their_organisation_and_the_challenges(client: Client, personas: Any) -> None:
    add_clients(personas, 3)
    html = home(client, personas.sofie)
    assert 'id="caseload"' in html and "Lokaal bestuur Oostende: 3" in html
    assert 'id="challenges"' in html and "Saled" in html
    assert 'id="partnership"' not in html and 'id="audit"' not in html


def test_a_partner_worker_sees_their_to_do_and_not_a_count_of_clients(client: Client, personas: Any) -> None:
    add_clients(personas, 2)
    html = home(client, personas.els)
    assert "Wat nu op jou wacht" in html and "Er wacht nu niets op jou." in html
    assert "De Brug vzw: 0" not in html and "Lokaal bestuur Oostende: 2" not in html
    assert 'id="partnership"' not in html


def test_a_jury_member_sees_the_call(client: Client, personas: Any) -> None:
    html = home(client, personas.ine)
    assert 'id="call"' in html
    assert 'id="caseload"' not in html and 'id="partnership"' not in html


def test_an_administrator_sees_the_audit_trail(client: Client, personas: Any) -> None:
    html = home(client, personas.glenn)
    assert 'id="audit"' in html and "Regiobestand geladen" in html and "regions.region.loaded" not in html


def test_the_home_page_has_a_fixed_number_of_queries(client: Client, personas: Any) -> None:
    client.force_login(personas.wouter)
    add_clients(personas, 2)
    client.get("/")  # the region's challenges are kept in the process from the first page on (region_memo)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    add_clients(personas, 50)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    # session, user with memberships; organisations with their clients, members and roles (one query), calls;
    # to-do lists (actions, follow-ups, ESF+ reminders, conferences, escalations, consents to renew),
    # notifications; menu counts
    assert len(few) == len(many) <= 12, [q["sql"][:90] for q in many]


def test_the_coordinators_partnership_counts_are_kept_two_minutes_then_counted_again(personas: Any) -> None:
    """New clients show in the partnership's counts at the latest two minutes later; the page says when counted."""
    from apps.workspace.selectors import home_for_user

    def lb_clients(panels: dict[str, Any]) -> int:
        return next(o.n_clients for o in panels["organisations"] if o.pk == personas.lb.pk)

    add_clients(personas, 2)
    start = timezone.now()
    panels = home_for_user(user=personas.wouter, now=start)
    assert lb_clients(panels) == 2 and panels["counted_at"] == start
    add_clients(personas, 3)
    panels = home_for_user(user=personas.wouter, now=start + dt.timedelta(seconds=119))
    assert lb_clients(panels) == 2 and panels["counted_at"] == start
    later = start + dt.timedelta(seconds=120)
    panels = home_for_user(user=personas.wouter, now=later)
    assert lb_clients(panels) == 5 and panels["counted_at"] == later


def test_the_coordinators_home_says_when_the_partnership_was_counted(client: Client, personas: Any) -> None:
    html = home(client, personas.wouter)
    assert f"De cijfers zijn geteld om {timezone.localtime().strftime('%H:')}" in html
    assert "geteld om" not in home(client, personas.sofie)


@pytest.mark.parametrize("who", ["wouter", "sofie", "yonas", "els"])
def test_the_home_page_takes_at_most_twelve_queries_for_every_role(
    client: Client, personas: Any, settings: Any, who: str
) -> None:
    """With the database cache (the default outside the tests): the coordinator's partnership costs one cache
    read when kept, its count and the cache's write once per two minutes."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "padwijzer_cache"},
    }
    call_command("createcachetable", verbosity=0)
    add_clients(personas, 2)
    client.force_login(getattr(personas, who))
    client.get("/")
    for more in (0, 40):
        add_clients(personas, more)
        with CaptureQueriesContext(connection) as page:
            assert client.get("/").status_code == 200
        real = [q["sql"] for q in page.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        assert len(real) <= 12, real
