#!/usr/bin/env python
"""CPU time per page of the load test's mix, in one process, against the load test's database.

    .venv/bin/python bench/load.py --duration 1          # builds padwijzer_load once (1,000 demo clients)
    .venv/bin/python bench/pages_cpu.py [--db padwijzer_load] [--repeat 30] [--profile mywork]

Renders each page of bench/load.py's SCRIPT (and the bare session-and-user view) ``--repeat`` times with
Django's test client under the production settings (DEBUG off, cached templates) and prints, per page, the
median CPU time of this process in ms (``time.process_time``: the Python side only, the database's own CPU
is not in it), its ratio to the bare view and the number of SQL statements. CPU time moves far less with
the machine's load than wall time, so it is the figure to compare before and after a change.
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
        times = []
        for _ in range(args.repeat):
            started = time.process_time()
            browser.get(path)
            times.append((time.process_time() - started) * 1000)
        rows.append((label, statistics.median(times), queries))
        if label == args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                browser.get(path)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(str(ROOT / "apps"), 40)
            stats.sort_stats("tottime").print_stats(30)
    bare = rows[0][1]
    print(f"{'page':10} {'CPU ms':>8} {'x bare':>7} {'queries':>8}")
    for label, cpu, queries in rows:
        print(f"{label:10} {cpu:8.1f} {cpu / bare:7.1f} {queries:8d}")
    mixed = statistics.mean(cpu for label, cpu, _q in rows if label != "bare")
    print(f"{'mix mean':10} {mixed:8.1f} {mixed / bare:7.1f}")


if __name__ == "__main__":
    main()
