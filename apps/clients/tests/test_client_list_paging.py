"""Issue 15, item 4: the client list and search page by keyset, so the last page costs what the first does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.clients import views
from tests.factories import register_client

pytestmark = pytest.mark.django_db
NAMES = ["Aerts", "Baert", "Claes", "Claes", "Dewulf", "Goossens", "Janssens", "Maes"]


@pytest.fixture
def sofies_clients(personas: Any, monkeypatch: Any) -> list[Any]:
    """Eight clients of Sofie's organisation (two Claes: the id decides), pages of three."""
    monkeypatch.setattr(views, "CLIENTS_PER_PAGE", 3)
    return [register_client(personas, first_name="An", last_name=name) for name in NAMES]


def shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/hulpvragers/(\d+)/" class="fw-semibold"', html)]


def listed_ids() -> list[int]:
    entry = AuditEntry.objects.filter(action="clients.list.viewed").order_by("-sequence").first()
    return entry.changes["clients"] if entry else []


def test_sofie_pages_through_the_list_forward_and_back(personas: Any, sofies_clients: Any, client: Browser) -> None:
    client.force_login(personas.sofie)
    expected = [c.pk for c in sorted(sofies_clients, key=lambda c: (c.last_name, c.first_name, c.pk))]
    first = client.get("/hulpvragers/")
    assert shown(first.content.decode()) == expected[:3] and 'id="keyset-nav"' in first.content.decode()
    assert sorted(listed_ids()) == sorted(expected[:3])  # only the rows shown are recorded as read
    second = client.post("/hulpvragers/", {"q": "", "cursor": first.context["page"].next_cursor})
    third = client.post("/hulpvragers/", {"q": "", "cursor": second.context["page"].next_cursor})
    assert shown(second.content.decode()) == expected[3:6] and shown(third.content.decode()) == expected[6:]
    assert not third.context["page"].has_next and sorted(listed_ids()) == sorted(expected[6:])
    back = client.post("/hulpvragers/", {"q": "", "cursor": third.context["page"].previous_cursor})
    assert shown(back.content.decode()) == expected[3:6]
    # the cursor is in the form, never in the address: it holds the boundary row's name
    assert "cursor=" not in first.content.decode()


def test_a_search_pages_the_same_way(personas: Any, sofies_clients: Any, client: Browser, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "CLIENTS_PER_PAGE", 1)
    client.force_login(personas.sofie)
    first = client.post("/hulpvragers/", {"q": "claes"})
    claes = sorted(c.pk for c in sofies_clients if c.last_name == "Claes")
    assert shown(first.content.decode()) == claes[:1]
    second = client.post("/hulpvragers/", {"q": "claes", "cursor": first.context["page"].next_cursor})
    assert shown(second.content.decode()) == claes[1:] and not second.context["page"].has_next


def test_the_last_page_costs_the_queries_of_the_second_and_no_offset(
    personas: Any, sofies_clients: Any, client: Browser
) -> None:
    client.force_login(personas.sofie)
    first = client.get("/hulpvragers/")
    second_cursor = first.context["page"].next_cursor
    with CaptureQueriesContext(connection) as second_queries:
        second = client.post("/hulpvragers/", {"q": "", "cursor": second_cursor})
    with CaptureQueriesContext(connection) as last_queries:
        last = client.post("/hulpvragers/", {"q": "", "cursor": second.context["page"].next_cursor})
    assert not last.context["page"].has_next
    assert len(last_queries) == len(second_queries)
    for query in (*second_queries.captured_queries, *last_queries.captured_queries):
        assert not re.search(r"\bOFFSET\b", query["sql"], re.I), query["sql"]


def test_a_junk_cursor_is_a_404_not_a_500(personas: Any, sofies_clients: Any, client: Browser) -> None:
    client.force_login(personas.sofie)
    cursor = client.get("/hulpvragers/").context["page"].next_cursor
    for junk in ("2", "abc", cursor + "x", "é" * 10, "a" * 5000):
        assert client.post("/hulpvragers/", {"q": "", "cursor": junk}).status_code == 404, junk
    assert client.get("/hulpvragers/?cursor=abc").status_code == 404
