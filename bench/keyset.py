#!/usr/bin/env python
"""Deep pages of the client list: numbered pages (OFFSET) against keyset pages (apps/core/keyset.py).

    .venv/bin/python bench/keyset.py [--clients 100000] [--repeat 15] [--rebuild]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_keyset .venv/bin/python bench/keyset.py

Builds (once, cached in bench/results/db/ for SQLite, or in the database of DATABASE_URL when it holds another
number of clients) the Oostende region with ``demo_seed(clients=N, seed=1)``. Then, for the demo coordinator
(who sees every client of the region, the list's largest case), times the client list's query
(``clients_for_user``, 25 rows sorted by name) four ways, each the median of ``--repeat`` runs after a warm-up:

* the first and the last page by number (Django's ``Paginator``: a count, then ``LIMIT 25 OFFSET n``), what
  the list did before;
* the first and the last page by keyset (``keyset_page(by_pk=True)``: ``WHERE (last_name, first_name, id) >
  (the boundary client's values, read by id in subqueries) LIMIT 26``), what it does now; the last page's
  cursor is made once from the row before it;

and the whole page (``POST /hulpvragers/`` through the middleware, session and template) first and last by
keyset; then the API's pathway list of the demo counsellor (``/api/v1/pathways/?page_size=100``), first and last
page. It prints each time, the ratio last / first, the queries per page and, on PostgreSQL, the plan of the
keyset query of the last page. A measuring tool: it asserts no timing. Target (issue 15, item 4): the last
page within a small constant of the first (ratio near 1) at 100,000 clients, where OFFSET grows linearly.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_file: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_file}")
    os.environ["PADWIJZER_TESTING"] = "1"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padwijzer.settings")
    import django

    django.setup()


def build(n_clients: int) -> None:
    from django.core.management import call_command

    from apps.clients.models import Client
    from apps.demo.services import demo_seed
    from apps.regions.models import Region

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Region.objects.filter(code="oostende").exists():
        call_command("load_region", str(ROOT / "regions" / "oostende.json"), verbosity=0)
    region = Region.objects.get(code="oostende")
    if Client.objects.filter(organisation__region=region).count() != n_clients:
        started = time.perf_counter()
        demo_seed(region=region, clients=n_clients, seed=1, replace=True)
        print(f"seeded {n_clients:,} clients in {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would gather them in production
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    db_dir = ROOT / "bench" / "results" / "db"
    db_dir.mkdir(parents=True, exist_ok=True)
    db_file = db_dir / f"keyset-{args.clients}.sqlite3"
    if args.rebuild and db_file.exists() and "DATABASE_URL" not in os.environ:
        db_file.unlink()
    setup_django(db_file)
    build(args.clients)

    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User
    from apps.audit import reads
    from apps.clients import views
    from apps.clients.selectors import clients_for_user
    from apps.core.keyset import encode_cursor, keyset_page

    user = User.objects.get(username="coordinator")
    size = views.CLIENTS_PER_PAGE
    ordering = ("last_name", "first_name", "pk")
    token = reads.start()  # the record of reads, as in a request (nothing is written outside the middleware)
    qs = clients_for_user(user=user).unrecorded()
    total = qs.count()
    last_number = (total - 1) // size + 1
    before_last = qs.order_by(*ordering).values_list(*ordering)[(last_number - 1) * size - 1]  # setup only
    last_cursor = encode_cursor("n", [before_last[-1]], salt="clients")  # the id only, as the page's cursor

    def offset_page(number: int) -> Callable[[], Any]:
        return lambda: list(Paginator(qs.order_by(*ordering), size).page(number).object_list)

    def keyset(cursor: str | None) -> Callable[[], Any]:
        return lambda: (
            keyset_page(qs, ordering=ordering, cursor=cursor, size=size, salt="clients", by_pk=True).object_list
        )

    rows = {
        "numbered (OFFSET)": (median_ms(offset_page(1), args.repeat), median_ms(offset_page(last_number), args.repeat)),
        "keyset": (median_ms(keyset(None), args.repeat), median_ms(keyset(last_cursor), args.repeat)),
    }
    last = keyset_page(qs, ordering=ordering, cursor=last_cursor, size=size, salt="clients", by_pk=True)
    assert not last.has_next and 1 <= len(last) <= size, "the cursor must lead to the last page"
    reads.stop(token)

    browser = Browser()
    browser.force_login(user)
    first_page = median_ms(lambda: browser.post("/hulpvragers/", {"q": ""}), args.repeat)
    last_page = median_ms(lambda: browser.post("/hulpvragers/", {"q": "", "cursor": last_cursor}), args.repeat)
    with CaptureQueriesContext(connection) as q_first:
        browser.post("/hulpvragers/", {"q": ""})
    with CaptureQueriesContext(connection) as q_last:
        response = browser.post("/hulpvragers/", {"q": "", "cursor": last_cursor})
    assert response.status_code == 200
    offsets = [q["sql"] for q in q_last.captured_queries if " OFFSET " in q["sql"].upper()]

    print(f"{connection.vendor}, {total:,} clients visible to the coordinator, pages of {size}, "
          f"last page = page {last_number:,}; median of {args.repeat} (ms)")  # fmt: skip
    print(f"{'query':<22} {'first':>9} {'last':>9} {'last/first':>11}")
    for name, (first, last_ms) in rows.items():
        print(f"{name:<22} {first:>9.2f} {last_ms:>9.2f} {last_ms / first:>10.1f}x")
    print(f"{'page, keyset':<22} {first_page:>9.2f} {last_page:>9.2f} {last_page / first_page:>10.1f}x   "
          f"queries first/last: {len(q_first)}/{len(q_last)}, OFFSET in the last page: {len(offsets)}")  # fmt: skip
    # the API's pathway list of the demo counsellor: keyset pages over the pathways she may open
    counsellor = User.objects.get(username="counsellor")
    api = Browser()
    api.force_login(counsellor)
    url, pages = "/api/v1/pathways/?page_size=100", 0
    while True:
        answer = api.get(url).json()
        pages += 1
        if not answer["next"]:
            break
        url = answer["next"]
    api_first = median_ms(lambda: api.get("/api/v1/pathways/?page_size=100"), args.repeat)
    api_last = median_ms(lambda: api.get(url), args.repeat)
    size_first = len(api.get("/api/v1/pathways/").content)
    print(f"{'api pathways, keyset':<22} {api_first:>9.2f} {api_last:>9.2f} {api_last / api_first:>10.1f}x   "
          f"{pages} pages of 100 for the counsellor; the default page (25) is {size_first:,} bytes")  # fmt: skip
    if connection.vendor == "postgresql":
        plan_qs = qs.order_by(*ordering)
        from django.db.models import F, Subquery
        from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

        from apps.clients.models import Client

        boundary = Client._base_manager.filter(pk=before_last[-1]).order_by()
        bounds = tuple(Subquery(boundary.values(n)[:1]) for n in ordering)
        plan_qs = plan_qs.filter(TupleGreaterThan(Tuple(*(F(n) for n in ordering)), bounds))[: size + 1]
        print("plan of the last keyset page:")
        print(plan_qs.explain(analyze=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
