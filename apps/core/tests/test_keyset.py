"""Keyset paging (apps/core/keyset.py): every page in one query without OFFSET, cursors that cannot be forged."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import signing
from django.db import connection
from django.http import Http404
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.keyset import encode_cursor, keyset_page
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db
ORDER = ("-created_at", "-pk")


@pytest.fixture
def sofies_notifications(personas: Any) -> list[Notification]:
    """65 notifications of Sofie: groups of five share one moment, so the key's id decides ties."""
    start = timezone.now() - dt.timedelta(days=30)
    rows = [Notification(user=personas.sofie, message=f"Bericht {i}", url="/", created_at=start) for i in range(65)]
    made = Notification.objects.bulk_create(rows)
    for i, n in enumerate(made):  # bulk_create leaves auto_now_add alone only on update: set the moments
        Notification.objects.filter(pk=n.pk).update(created_at=start + dt.timedelta(minutes=i // 5))
    return list(Notification.objects.filter(user=personas.sofie).order_by("-created_at", "-id"))


def page(qs: Any, cursor: str | None = None, size: int = 30) -> Any:
    return keyset_page(qs, ordering=ORDER, cursor=cursor, size=size, salt="test")


def test_paging_forward_and_back_shows_every_row_once_in_order(personas: Any, sofies_notifications: Any) -> None:
    qs = Notification.objects.filter(user=personas.sofie)
    first = page(qs)
    assert first.is_first and not first.has_previous and first.has_next
    second = page(qs, first.next_cursor)
    third = page(qs, second.next_cursor)
    assert [len(first), len(second), len(third)] == [30, 30, 5] and not third.has_next and third.has_previous
    assert [n.pk for n in (*first, *second, *third)] == [n.pk for n in sofies_notifications]
    back = page(qs, third.previous_cursor)
    assert [n.pk for n in back] == [n.pk for n in second] and back.has_previous and back.has_next
    assert not back.is_first
    start = page(qs, back.previous_cursor)
    assert [n.pk for n in start] == [n.pk for n in first] and not start.has_previous
    assert start.is_first and start.start == 1  # back at the start: no "first page" link


def test_a_deep_page_is_one_query_without_offset(personas: Any, sofies_notifications: Any) -> None:
    qs = Notification.objects.filter(user=personas.sofie)
    cursor = page(qs, page(qs, size=10).next_cursor, size=10).next_cursor
    pages = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            current = page(qs, cursor, size=10)
        pages.append(len(queries))
        assert not any(re.search(r"\bOFFSET\b", q["sql"], re.I) for q in queries.captured_queries)
        cursor = current.next_cursor
    assert pages == [1] * 5 and not current.has_next  # pages 3 to 7 of 7: one query each


@pytest.mark.parametrize(
    "junk",
    ["abc", "1", "", "x" * 3000, "n:1", "%00", signing.Signer(salt="keyset:test").sign_object(["n", [1]])],
)
def test_a_junk_cursor_is_a_404(personas: Any, sofies_notifications: Any, junk: str) -> None:
    qs = Notification.objects.filter(user=personas.sofie)
    if not junk.strip():
        assert page(qs, junk or None).is_first  # no cursor: the first page
        return
    with pytest.raises(Http404):
        page(qs, junk)


def test_a_cursor_of_another_list_or_with_values_of_the_wrong_type_is_refused(
    personas: Any, sofies_notifications: Any
) -> None:
    qs = Notification.objects.filter(user=personas.sofie)
    other = keyset_page(qs, ordering=ORDER, cursor=None, size=5, salt="another list").next_cursor
    with pytest.raises(Http404):
        page(qs, other)
    for values in (["gisteren", 5], [timezone.now().isoformat(), "vijf"], [None, 5], ["2026-01-01T00:00:00", 5, 6]):
        with pytest.raises(Http404):
            page(qs, encode_cursor("n", values, salt="test"))
    with pytest.raises(Http404):
        page(qs, encode_cursor("x", [timezone.now(), 5], salt="test"))


def test_an_ordering_it_cannot_page_is_a_programming_error(personas: Any) -> None:
    qs = Notification.objects.all()
    for ordering in (("-created_at", "pk"), ("created_at",), (), ("message_nope", "pk")):
        with pytest.raises(ValueError):
            keyset_page(qs, ordering=ordering, cursor=None, size=5, salt="test")


def test_sofie_pages_through_her_notifications_and_junk_in_the_address_is_a_404(
    personas: Any, sofies_notifications: Any, client: Browser
) -> None:
    client.force_login(personas.sofie)
    first = client.get("/meldingen/")
    html = first.content.decode()
    assert html.count("Bericht ") == 30 and 'rel="next"' in html and 'rel="prev"' not in html
    cursor = first.context["page"].next_cursor
    client.get(f"/meldingen/?cursor={cursor}")  # warm
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(f"/meldingen/?cursor={cursor}")
    last_cursor = second.context["page"].next_cursor
    with CaptureQueriesContext(connection) as last_queries:
        last = client.get(f"/meldingen/?cursor={last_cursor}")
    assert last.content.decode().count("Bericht ") == 5 and 'rel="next"' not in last.content.decode()
    assert len(last_queries) == len(second_queries)
    assert not any(re.search(r"\bOFFSET\b", q["sql"], re.I) for q in last_queries.captured_queries)
    for junk in ("abc", cursor[:-2] + "xx", "n" * 5000):
        assert client.get(f"/meldingen/?cursor={junk}").status_code == 404
    client.force_login(personas.wouter)  # a cursor leads only within one's own list
    assert client.get(f"/meldingen/?cursor={cursor}").content.decode().count("Bericht ") == 0


def test_a_cursor_by_primary_key_holds_no_sort_values_and_pages_alike(personas: Any, sofies_notifications: Any) -> None:
    qs = Notification.objects.filter(user=personas.sofie)
    seen, cursor = [], None
    while True:
        current = keyset_page(qs, ordering=ORDER, cursor=cursor, size=20, salt="test", by_pk=True)
        seen += [n.pk for n in current]
        if not current.has_next:
            break
        payload = signing.Signer(salt="keyset:test").unsign_object(current.next_cursor)
        assert payload == ["n", [current.object_list[-1].pk], current.end]  # the id and position: no time, no name
        with CaptureQueriesContext(connection) as queries:
            keyset_page(qs, ordering=ORDER, cursor=current.next_cursor, size=20, salt="test", by_pk=True)
        assert len(queries) == 1 and "OFFSET" not in queries[0]["sql"].upper()
        cursor = current.next_cursor
    assert seen == [n.pk for n in sofies_notifications]
    back = keyset_page(qs, ordering=ORDER, cursor=current.previous_cursor, size=20, salt="test", by_pk=True)
    assert [n.pk for n in back] == seen[40:60]
    gone = encode_cursor("n", [10**12], salt="test")  # a boundary row deleted meanwhile: an empty page
    assert keyset_page(qs, ordering=ORDER, cursor=gone, size=20, salt="test", by_pk=True).object_list == []


def test_each_page_knows_the_positions_of_its_rows_forward_and_back(personas: Any, sofies_notifications: Any) -> None:
    qs = Notification.objects.filter(user=personas.sofie)
    first = page(qs)
    second = page(qs, first.next_cursor)
    third = page(qs, second.next_cursor)
    assert (first.start, first.end, second.start, second.end, third.start, third.end) == (1, 30, 31, 60, 61, 65)
    back = page(qs, third.previous_cursor)
    assert (back.start, back.end) == (31, 60)
    assert (page(qs, back.previous_cursor).start, page(qs, back.previous_cursor).end) == (1, 30)
    forged = signing.Signer(salt="keyset:test").sign_object(["n", [], -3])  # signed, but a junk position
    with pytest.raises(Http404):
        page(qs, forged)


def test_a_list_sorted_by_a_related_column_pages_by_id_only(personas: Any, sofies_notifications: Any) -> None:
    qs = Notification.objects.filter(user=personas.sofie)
    order = ("user__username", "pk")
    seen, cursor = [], None
    while True:
        current = keyset_page(qs, ordering=order, cursor=cursor, size=20, salt="test", by_pk=True)
        seen += [n.pk for n in current]
        if not current.has_next:
            break
        cursor = current.next_cursor
    assert seen == sorted(n.pk for n in sofies_notifications)
    with pytest.raises(ValueError):  # values in the cursor must be the model's own columns
        keyset_page(qs, ordering=order, cursor=None, size=20, salt="test")
