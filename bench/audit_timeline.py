#!/usr/bin/env python
"""The client file with a long audit history: an empty audit log against 3 million entries (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/padwijzer_bench .venv/bin/python bench/audit_timeline.py \
        [--rows 3000000] [--repeat 20] [--client-views 20000]

Uses the database of DATABASE_URL (PostgreSQL only; it is changed: run it on a database of its own).
Migrates it, loads the Oostende region and 500 demo clients when it holds none, then:

1. empties the audit table and times the client file page (``/hulpvragers/<pk>/``, the demo counsellor's
   first client with a completed screening): median of ``--repeat`` requests after 3 warm-up requests,
   with Django's test client (in-process, no network);
2. fills the audit table by one ``INSERT ... SELECT generate_series`` with ``--rows`` entries spread over
   200,000 objects of four types (a third of them records of reads), plus ``--client-views`` records of
   reads of that client's own file (a file opened very often), then ``ANALYZE``;
3. times the page again, prints the ratio (target: within 2x) and the plan of the timeline query
   (``EXPLAIN ANALYZE``), which should use ``audit_object_timeline_idx``.

The INSERT names the audit columns of apps/audit/migrations/0001 and 0002; a later migration adding a
NOT NULL column needs it listed there. The filler entries take negative sequence numbers and dummy hashes:
they stand outside the hash chain (whose head is the highest sequence), so the pages keep appending to it;
``verify_audit`` reports them as broken links, which is why this runs on a database of its own.
A measuring tool: it asserts no timing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--client-views", type=int, default=20_000)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("set DATABASE_URL to a PostgreSQL database of its own")
    os.environ["PADWIJZER_TESTING"] = "1"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padwijzer.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import Membership, User
    from apps.audit.models import AuditEntry
    from apps.clients.models import Client
    from apps.demo.services import demo_seed
    from apps.regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="oostende").exists():
        call_command("load_region", str(ROOT / "regions" / "oostende.json"), verbosity=0)
    region = Region.objects.get(code="oostende")
    if not Client.objects.filter(organisation__region=region).exists():
        demo_seed(region=region, clients=500, seed=1)
    counsellor = User.objects.get(username="counsellor")
    orgs = Membership.objects.filter(user=counsellor).values("organisation_id")
    client = (
        Client.objects.filter(organisation__in=orgs, screenings__status="completed", merged_into__isnull=True)
        .order_by("pk")
        .first()
    )
    assert client is not None
    browser = Browser()
    browser.force_login(counsellor)
    url = f"/hulpvragers/{client.pk}/"

    def measure() -> tuple[float, str]:
        for _ in range(3):
            assert browser.get(url).status_code == 200
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = browser.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            browser.get(url)
        timeline = next(
            q["sql"] for q in queries.captured_queries if "audit_auditentry" in q["sql"] and "ORDER BY" in q["sql"]
        )
        return statistics.median(times) * 1000, timeline

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")
    empty_ms, _sql = measure()
    print(f"empty audit log: client file median {empty_ms:.1f} ms ({args.repeat} requests)", flush=True)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_auditentry (created_at, actor_id, action, object_type, object_id, changes,
                                          sequence, previous_hash, hash)
            SELECT now() - g * interval '7 seconds', NULL,
                   CASE WHEN g %% 3 = 0 THEN 'clients.client.viewed' ELSE 'bench.updated' END,
                   (ARRAY['clients.client', 'assessment.screening', 'consent.consent', 'pathways.pathway'])[g %% 4 + 1],
                   (g %% 200000)::text, '{}'::jsonb, -g, repeat('0', 64), repeat('0', 64)
            FROM generate_series(1, %s) AS g
            """,
            [args.rows],
        )
        cursor.execute(
            """
            INSERT INTO audit_auditentry (created_at, actor_id, action, object_type, object_id, changes,
                                          sequence, previous_hash, hash)
            SELECT now() - g * interval '1 minute', NULL, 'clients.client.viewed', 'clients.client', %s, '{}'::jsonb,
                   -(%s + g), repeat('0', 64), repeat('0', 64)
            FROM generate_series(1, %s) AS g
            """,
            [str(client.pk), args.rows, args.client_views],
        )
        cursor.execute("ANALYZE audit_auditentry")
    total = AuditEntry.objects.count()
    print(f"filled the audit log to {total:,} entries in {time.perf_counter() - started:.1f} s", flush=True)
    full_ms, sql = measure()
    print(
        f"{total:,} audit entries: client file median {full_ms:.1f} ms; ratio {full_ms / empty_ms:.2f}x (target <= 2x)"
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql)
        print("plan of the timeline query:")
        for (line,) in cursor.fetchall():
            print("   ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
