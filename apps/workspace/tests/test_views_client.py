"""The client file and the client merge (apps.workspace): merge and undo by the coordinator only; the file page
in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.clients.models import ClientMerge
from conftest import complete_screening, register_client
from tests.factories import give_consent


def test_the_coordinator_merges_and_undoes(personas: Any, client: Browser) -> None:
    survivor = register_client(personas)
    duplicate = register_client(personas, organisation=personas.vdab, actor=personas.sofie)
    screening = complete_screening(duplicate, personas.sofie, obstacles=["debts"])
    all_categories = ["identity", "life_domains", "health", "addiction", "justice", "finances", "work_education"]
    give_consent(personas, duplicate, to=personas.lb, categories=all_categories)  # across organisations
    client.force_login(personas.wouter)
    response = client.post("/hulpvragers/samenvoegen/", {"survivor": survivor.pk, "duplicate": duplicate.pk})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.client == survivor
    merge = ClientMerge.objects.get()
    assert client.get(f"/hulpvragers/{duplicate.pk}/").status_code == 404
    client.post(f"/hulpvragers/samenvoegen/{merge.pk}/ongedaan/")
    screening.refresh_from_db()
    assert screening.client == duplicate
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"clients.client.merged", "clients.client.merge_undone"} <= actions


def test_only_coordinators_merge(personas: Any, client: Browser) -> None:
    for who in (personas.sofie, personas.olaf, personas.ine):
        client.force_login(who)
        assert client.get("/hulpvragers/samenvoegen/").status_code == 404
    a, b = register_client(personas), register_client(personas)
    client.force_login(personas.nadia)  # coordinator of another region
    response = client.post("/hulpvragers/samenvoegen/", {"survivor": a.pk, "duplicate": b.pk})
    assert response.status_code == 404 or not ClientMerge.objects.exists()


def test_the_client_file_has_a_fixed_number_of_queries(personas: Any, client: Browser) -> None:
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=["debts"], on=dt.date(2026, 1, 1))
    client.force_login(personas.sofie)
    client.get(f"/hulpvragers/{hulpvrager.pk}/")
    with CaptureQueriesContext(connection) as short:
        client.get(f"/hulpvragers/{hulpvrager.pk}/")
    for month in range(2, 8):
        complete_screening(hulpvrager, personas.sofie, obstacles=["debts", "limited-dutch"], on=dt.date(2026, month, 1))
    with CaptureQueriesContext(connection) as long:
        response = client.get(f"/hulpvragers/{hulpvrager.pk}/")
    assert response.status_code == 200
    # session, user with memberships, client, screenings with their scores and obstacles (one query), consents
    # with their organisations (one query), the timeline (one query), the open pathway, menu counts, and the
    # record of the read (the chain head, with the lock on PostgreSQL; the insert); region data kept in the process
    assert len(long) == len(short) <= 10, [q["sql"] for q in long]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's planner")
def test_the_timeline_of_a_client_file_reads_its_objects_index_not_the_whole_log(
    personas: Any, client: Browser
) -> None:
    """Issue 15 (history-proof pages): with a long log of other objects and of reads of this file, the timeline
    query starts from audit_object_timeline_idx; walking the log backwards by created_at took 0.5 s at 3 million
    entries (bench/audit_timeline.py)."""
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=["debts"], on=dt.date(2026, 1, 1))
    with connection.cursor() as cursor:  # outside the chain: negative sequences, as the bench does
        cursor.execute(
            "INSERT INTO audit_auditentry (created_at, action, object_type, object_id, changes, sequence,"
            " previous_hash, hash) SELECT now() - g * interval '1 second', CASE WHEN g %% 3 = 0 THEN"
            " 'clients.client.viewed' ELSE 'bench.updated' END, (ARRAY['clients.client', 'assessment.screening',"
            " 'pathways.pathway'])[g %% 3 + 1], (g %% 5000 + 100000)::text, '{}'::jsonb, -g, repeat('0', 64),"
            " repeat('0', 64) FROM generate_series(1, %s) AS g",
            [60000],
        )
        cursor.execute("ANALYZE audit_auditentry")
    client.force_login(personas.sofie)
    client.get(f"/hulpvragers/{hulpvrager.pk}/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/hulpvragers/{hulpvrager.pk}/").content.decode()
    timeline = next(
        q["sql"] for q in queries.captured_queries if "audit_auditentry" in q["sql"] and "ORDER BY" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + timeline)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "audit_object_timeline_idx" in plan and "created_at" not in plan.split("Sort Key")[0], plan
    assert "Index Scan Backward" not in plan, plan
    assert "client.registered" in html or "Geregistreerd" in html or hulpvrager.first_name in html
    # Prepared on its connection (settings.postgresql_binding), PostgreSQL may switch to a generic plan, which sees
    # parameters instead of values: the partial index's predicate must stand in the SQL itself (SqlConstant)
    caught: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        caught.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        client.get(f"/hulpvragers/{hulpvrager.pk}/")
    sql, params = next((sql, params) for sql, params in caught if "audit_auditentry" in sql and "ORDER BY" in sql)
    numbered = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%s|%%", lambda m: f"${next(numbered)}" if m.group() == "%s" else "%", sql)
    values = connection.ops.compose_sql(  # type: ignore[attr-defined]  # PostgreSQL's operations
        ", ".join(["%s"] * len(params)), list(params)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE timeline_probe AS {prepared}")
        cursor.execute(f"EXPLAIN EXECUTE timeline_probe({values})")
        generic = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute("DEALLOCATE timeline_probe")
        cursor.execute("RESET plan_cache_mode")
    assert "$1" in generic and "audit_object_timeline_idx" in generic, generic
