#!/usr/bin/env python
"""CPU time per page of the load test's mix, in one process, against the load test's database.

    .venv/bin/python bench/load.py --duration 1          # builds padwijzer_load once (1,000 demo clients)
    .venv/bin/python bench/pages_cpu.py [--db padwijzer_load] [--repeat 30] [--profile mywork]

Renders each page of bench/load.py's SCRIPT (and the bare session-and-user view) ``--repeat`` times with
Django's test client under the production settings (DEBUG off, cached templates) and prints, per page, the
median CPU time of this process in ms (``time.process_time``: the Python side), the mean CPU time of the
connection's PostgreSQL backend per render ("db CPU ms", read from /proc: the server must run on this
machine), their sum and its ratio to the bare view's sum, the median wall time and the number of SQL
statements. CPU time moves far less with the machine's load than wall time, so the sum is the figure to
compare before and after a change: moving work from Python into SQL lowers the first column only.
``--profile LABEL`` prints a cProfile of that page (cumulative, Padwijzer's code first, then by own time).
It asserts nothing; it exits 1 when a page does not answer 200.
"""

# ruff: noqa: T201 - a command-line measuring tool prints its figures

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="padwijzer_load", help="PostgreSQL database built by bench/load.py")
    parser.add_argument("--repeat", type=int, default=30, help="renders per page (default 30)")
    parser.add_argument("--profile", default="", help="print a cProfile of this page (a label of the table)")
    args = parser.parse_args()
    if not DB_NAME.fullmatch(args.db):
        raise SystemExit("pages_cpu: --db must be lower-case letters, digits and underscores")
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://{os.environ.get('PGUSER', 'postgres')}@"
            f"{os.environ.get('PGHOST', '127.0.0.1')}:{os.environ.get('PGPORT', '5432')}/{args.db}",
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "false",
            "SECRET_KEY": "pages-cpu-bench-not-secret-" + "x" * 30,
            "IDENTIFIER_KEY": os.environ.get("IDENTIFIER_KEY", "load-test-identifier-key-not-secret"),
            "ALLOWED_HOSTS": "testserver",
            "OTP_REQUIRED_ROLES": "",
        }
    )
    os.environ.pop("PADWIJZER_TESTING", None)
    import logging

    logging.disable(logging.WARNING)  # the missing-manifest notices of an un-collected static folder
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    sys.path.insert(0, str(ROOT / "bench"))
    import load  # bench/load.py: the mix and how its placeholders are found

    from apps.accounts.models import User

    found = dict(load.resolve_placeholders())
    pages = [("bare", "counsellor", load.BARE_PATH)] + [
        (label, user, path.format(**found)) for label, user, path in load.SCRIPT
    ]
    browsers = {}
    for username in {user for _label, user, _path in pages}:
        browser = Client()
        browser.force_login(User.objects.get(username=username))
        browsers[username] = browser

    statements = [0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def server_cpu_ms() -> float:
        """CPU time so far of this connection's PostgreSQL backend (same machine: /proc), in ms."""
        fields = backend.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / ticks  # utime, stime (fields 14 and 15 of stat)

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements[0] += 1
        return execute(sql, params, many, context)

    rows = []
    for label, username, path in pages:
        browser = browsers[username]
        for _ in range(3):  # warm: templates, region memo, caches
            response = browser.get(path)
            if response.status_code != 200:
                raise SystemExit(f"pages_cpu: {label} {path} answered {response.status_code}")
        statements[0] = 0
        with connection.execute_wrapper(count):
            browser.get(path)
        queries = statements[0]
        times, walls = [], []
        server = server_cpu_ms()
        for _ in range(args.repeat):
            started, wall = time.process_time(), time.perf_counter()
            browser.get(path)
            times.append((time.process_time() - started) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        server = (server_cpu_ms() - server) / args.repeat
        rows.append((label, statistics.median(times), server, statistics.median(walls), queries))
        if label == args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                browser.get(path)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(str(ROOT / "apps"), 40)
            stats.sort_stats("tottime").print_stats(30)
    bare = rows[0][1] + rows[0][2]
    print(f"{'page':10} {'CPU ms':>8} {'db CPU ms':>10} {'both ms':>8} {'x bare':>7} {'wall ms':>8} {'queries':>8}")
    for label, cpu, server, wall, queries in rows:
        both = cpu + server
        print(f"{label:10} {cpu:8.1f} {server:10.1f} {both:8.1f} {both / bare:7.1f} {wall:8.1f} {queries:8d}")
    pages = [(cpu, server) for label, cpu, server, _w, _q in rows if label != "bare"]
    mixed = statistics.mean(cpu + server for cpu, server in pages)
    print(
        f"{'mix mean':10} {statistics.mean(c for c, _s in pages):8.1f} {statistics.mean(s for _c, s in pages):10.1f}"
        f" {mixed:8.1f} {mixed / bare:7.1f}"
    )


if __name__ == "__main__":
    main()
