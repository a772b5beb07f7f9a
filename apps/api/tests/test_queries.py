"""The client file endpoints make a fixed number of queries, whatever the number of screenings."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.api.tests.conftest import give_consent, register, screen

ENDPOINTS = ("/", "/screenings/", "/classification/", "/consents/")
# session, user, memberships, client, (consents covering the user's organisations), the read's record, then:
# screenings: life domains + screenings + scores + obstacles; classification: 3 for the screenings + 6 for the
# region's target groups, challenges (with their obstacle lines and obstacles), obstacles and life domains.
# Each read writes an access record, whose audit entry reads the chain head first (decision 0010).
MAX_QUERIES = {"/": 7, "/screenings/": 11, "/classification/": 15, "/consents/": 9}
# ... and on PostgreSQL takes the chain's advisory lock in that same round trip (apps/audit/services.py).
CHAIN_LOCK = 0


def counts(http: Any, base: str) -> dict[str, int]:
    found = {}
    for path in ENDPOINTS:
        with CaptureQueriesContext(connection) as queries:
            response = http.get(f"{base}{path}")
        assert response.status_code == 200, path
        found[path] = len(queries)
    return found


def test_query_counts_do_not_grow_with_the_screenings(
    personas: SimpleNamespace, api: Any, django_assert_max_num_queries: Any
) -> None:
    client = register(personas)
    give_consent(personas, client, ["identity", "life_domains", "health", "addiction", "justice", "work_education"])
    screen(personas, client, dt.date(2025, 1, 10))
    base = f"/api/v1/clients/{client.pk}"
    owner, partner = api(personas.sofie), api(personas.els)
    one = {"owner": counts(owner, base), "partner": counts(partner, base)}
    for month in range(2, 6):
        screen(personas, client, dt.date(2025, month, 10), level=month)
    five = {"owner": counts(owner, base), "partner": counts(partner, base)}
    assert one == five, (one, five)
    for who in five.values():
        for path, number in who.items():
            assert number <= MAX_QUERIES[path] + CHAIN_LOCK, (path, number)
    assert owner.get(f"{base}/screenings/").json()["count"] == 5
    with django_assert_max_num_queries(MAX_QUERIES["/screenings/"] + CHAIN_LOCK):
        partner.get(f"{base}/screenings/")
