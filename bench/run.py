#!/usr/bin/env python
"""Padwijzer page benchmark: how much slower than a bare Django view is each page?

    .venv/bin/python bench/run.py [--sizes 1000,100000] [--repeat N] [--pages home,region]

For every size N (number of demo clients) a child process builds or reuses its own SQLite
database under bench/results/db/, then times a bare view (``HttpResponse("ok")``) and each
page in PAGES through django.test.Client, interleaved, and counts the SQL queries of each
page. The parent prints a table per size and writes bench/results/latest.json.

This is a measuring tool: it never asserts timings. It only stops when a page does not
answer 200, because then there is nothing meaningful to measure. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
import platform
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Page:
    path: str  # may hold placeholders such as {client}, resolved at run time (see PLACEHOLDERS)
    username: str  # a demo login created by demo_seed (apps/demo/services.py)
    label: str  # what --pages selects on; several rows may share a label


# The pages measured, one line each. `--pages home,region` selects rows by label.
PAGES: list[Page] = [
    Page("/", "coordinator", "home"),
    Page("/", "counsellor", "home"),
    Page("/werkingsgebied/oostende/", "counsellor", "region"),
    Page("/hulpvragers/{client}/", "counsellor", "client"),
    Page("/matching/hulpvrager/{client}/", "counsellor", "recommend"),
    Page("/aanbod/", "counsellor", "socialmap"),
    Page("/trajecten/{pathway}/", "counsellor", "pathway"),
    Page("/trajecten/mijn-werk/", "counsellor", "mywork"),
    Page("/coordinatie/", "coordinator", "dashboard"),
    Page("/werkgevers/overzicht/", "coordinator", "employers"),
]


# --- placeholders in page paths -------------------------------------------------------------


def completed_client(user: Any) -> int:
    """{client}: the lowest pk among the clients of the user's organisations with a completed screening."""
    from apps.assessment.models import Screening
    from apps.clients.models import Client

    pk = (
        Client.objects.filter(
            organisation__memberships__user=user,
            merged_into__isnull=True,
            screenings__status=Screening.Status.COMPLETED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise LookupError(f"no client with a completed screening in the organisations of {user.username}")
    return pk


def open_pathway(user: Any) -> int:
    """{pathway}: the lowest pk among the open pathways the user is on the team of."""
    from apps.pathways.models import Pathway

    pk = (
        Pathway.objects.filter(team__user=user, team__is_active=True)
        .exclude(status="closed")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise LookupError(f"no open pathway with {user.username} on the team")
    return pk


# Each placeholder a page path may hold, and how to find its value for the page's user.
PLACEHOLDERS: dict[str, Callable[[Any], Any]] = {"client": completed_client, "pathway": open_pathway}


def placeholders_in(path: str) -> list[str]:
    return [name for _text, name, _spec, _conversion in string.Formatter().parse(path) if name is not None]


def resolve(page: Page, user: Any) -> str:
    """The page's path with its placeholders filled in for ``user`` (LookupError if one cannot be)."""
    names = placeholders_in(page.path)
    return page.path.format(**{name: PLACEHOLDERS[name](user) for name in names})


ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DB_DIR = RESULTS_DIR / "db"
REGION_FILE = ROOT / "regions" / "oostende.json"
SEEDER_FILE = ROOT / "apps" / "demo" / "services.py"
SEED = 1
BARE_PATH = "/__bench__/bare/"
BARE_URLCONF = "padwijzer_bench_urls"
LOGIN_BACKEND = "apps.accounts.backends.ModelBackend"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the database cache -------------------------------------------------------------------


def data_hash() -> str:
    """Hash of what shapes the seeded database: project migrations, the region file, the seeder."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("apps/*/migrations/*.py")) + [REGION_FILE, SEEDER_FILE]
    for file in files:
        digest.update(str(file.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def db_path(db_dir: Path, size: int) -> Path:
    return db_dir / f"bench-{size}-{data_hash()}.sqlite3"


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def prune_stale(db_dir: Path, size: int, keep: Path) -> None:
    """Drop cached databases of the same size built from older migrations or region files."""
    for old in db_dir.glob(f"bench-{size}-*.sqlite3"):
        if old != keep:
            log(f"  removing stale cache {old.name}")
            remove_db(old)


def cached_db_is_usable(size: int, region_code: str, pages: list[Page]) -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from apps.accounts.models import User
    from apps.clients.models import Client

    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            log("  cached database misses migrations: rebuilding")
            return False
        clients = Client.objects.filter(organisation__region__code=region_code).count()
        users = set(User.objects.filter(username__in={p.username for p in PAGES}).values_list("username", flat=True))
    except Exception as exc:  # noqa: BLE001 - any failure means: rebuild
        log(f"  cached database unreadable ({exc.__class__.__name__}): rebuilding")
        return False
    if clients != size:
        log(f"  cached database has {clients} clients, not {size}: rebuilding")
        return False
    missing = {p.username for p in PAGES} - users
    if missing:
        log(f"  cached database lacks users {sorted(missing)}: rebuilding")
        return False
    for page in pages:  # only the pages to measure: a size-0 database has no {client}, and needs none for "home"
        try:
            resolve(page, User.objects.get(username=page.username))
        except LookupError as exc:
            log(f"  cached database cannot fill in {page.path} ({exc}): rebuilding")
            return False
    return True


def build_db(size: int) -> str:
    from django.core.management import call_command

    from apps.demo.services import demo_seed
    from apps.regions.services import region_load_text

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    region = region_load_text(text=REGION_FILE.read_text(encoding="utf-8"), source=REGION_FILE.name).region
    log(f"  migrated and loaded {REGION_FILE.name} in {time.perf_counter() - started:.1f} s; seeding {size:,} clients")
    seeded = time.perf_counter()
    demo_seed(region=region, clients=size, seed=SEED)
    log(f"  seeded in {time.perf_counter() - seeded:.1f} s")
    return region.code


# --- the measuring child ------------------------------------------------------------------


def install_bench_urlconf() -> None:
    """Root urlconf = the bare view + padwijzer.urls, so every request runs the same middleware."""
    import types

    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.urls import clear_url_caches, include, path

    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    module = types.ModuleType(BARE_URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(BARE_PATH.strip("/") + "/", bare, name="bench-bare"),
        path("", include("padwijzer.urls")),
    ]
    sys.modules[BARE_URLCONF] = module
    settings.ROOT_URLCONF = BARE_URLCONF
    clear_url_caches()


class QueryTimer:
    """An execute_wrapper noting each query's SQL and duration (ms)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, (time.perf_counter() - started) * 1000))


def get(client: Any, path: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(path)
    return time.perf_counter() - started, response


def check(response: Any, page: str, user: str) -> None:
    if response.status_code != 200:
        location = response.get("Location", "")
        raise SystemExit(f"{page} as {user} answered {response.status_code} {location}: nothing to measure")


def summary(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=4) if len(ms) > 1 else [ms[0]] * 3
    return {"median_ms": statistics.median(ms), "p25_ms": q[0], "p75_ms": q[2], "min_ms": ms[0], "max_ms": ms[-1]}


def worker(args: argparse.Namespace) -> None:
    size: int = args.size
    path = db_path(Path(args.db_dir), size)
    path.parent.mkdir(parents=True, exist_ok=True)
    region_code = json.loads(REGION_FILE.read_text(encoding="utf-8"))["code"]

    os.environ["DJANGO_SETTINGS_MODULE"] = "padwijzer.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["PADWIJZER_TESTING"] = "1"
    os.environ["DEBUG"] = "false"  # DEBUG would record every query and slow pages down
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User

    log(f"\nN = {size:,}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    reused = (
        path.exists()
        and not args.rebuild
        and cached_db_is_usable(size, region_code, [p for p in PAGES if p.label in set(args.pages)])
    )
    build_seconds = 0.0
    if reused:
        log("  reusing cached database")
    else:
        connection.close()
        remove_db(path)
        started = time.perf_counter()
        try:
            build_db(size)
        except BaseException:
            connection.close()
            remove_db(path)  # never leave a half-built database behind
            raise
        build_seconds = time.perf_counter() - started
    prune_stale(path.parent, size, path)  # only once this one is good

    install_bench_urlconf()
    pages = [p for p in PAGES if p.label in set(args.pages)]
    clients: dict[str, Any] = {}
    users: dict[str, Any] = {}
    for username in sorted({p.username for p in pages}):
        users[username] = User.objects.get(username=username)
        client = Client()
        client.force_login(users[username], backend=LOGIN_BACKEND)
        clients[username] = client
    urls: dict[Page, str] = {}
    for page in pages:
        try:
            urls[page] = resolve(page, users[page.username])
        except LookupError as exc:
            raise SystemExit(f"{page.path} as {page.username}: {exc}: nothing to measure") from exc

    _, response = get(next(iter(clients.values())), BARE_PATH)
    check(response, BARE_PATH, "-")
    bare_queries = None
    rows = []
    all_bare: list[float] = []
    for page in pages:
        client = clients[page.username]
        url = urls[page]
        for _ in range(args.warmup):
            get(client, BARE_PATH)
            _, response = get(client, url)
            check(response, url, page.username)
        bare_samples: list[float] = []
        page_samples: list[float] = []
        gc.collect()
        gc.disable()
        try:
            for i in range(args.repeat):  # alternate the order too, so neither side always goes first
                if i % 2 == 0:
                    bare_samples.append(get(client, BARE_PATH)[0])
                    page_samples.append(get(client, url)[0])
                else:
                    page_samples.append(get(client, url)[0])
                    bare_samples.append(get(client, BARE_PATH)[0])
        finally:
            gc.enable()
        # queries are counted (and timed one by one) outside the timed loop: capturing costs time
        timer = QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            response = client.get(url)
        check(response, url, page.username)
        if bare_queries is None:
            with CaptureQueriesContext(connection) as bare_captured:
                client.get(BARE_PATH)
            bare_queries = len(bare_captured.captured_queries)
        all_bare += bare_samples
        page_stats = summary(page_samples)
        bare_stats = summary(bare_samples)
        rows.append(
            {
                "label": page.label,
                "path": page.path,  # as in PAGES (placeholders kept): the key across sizes
                "url": url,  # the path requested
                "user": page.username,
                **page_stats,
                "bare_median_ms": bare_stats["median_ms"],
                "ratio": page_stats["median_ms"] / bare_stats["median_ms"],
                "queries": len(captured.captured_queries),
                "db_ms": sum(ms for _sql, ms in timer.queries),
                "bytes": len(response.content),
                "sql": [{"ms": round(ms, 3), "sql": sql} for sql, ms in timer.queries],
            }
        )
        log(f"  {page.label:<8} {url:<28} {page.username:<12} {page_stats['median_ms']:8.2f} ms")

    result = {
        "size": size,
        "db": str(path),
        "db_reused": reused,
        "build_seconds": round(build_seconds, 1),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "bare": {"path": BARE_PATH, **summary(all_bare), "queries": bare_queries},
        "pages": rows,
    }
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")


# --- the orchestrating parent -------------------------------------------------------------


def print_table(result: dict[str, Any]) -> None:
    origin = "reused" if result["db_reused"] else f"built in {result['build_seconds']:.0f} s"
    print(f"\nN = {result['size']:,} clients (database {origin}; median of {result['repeat']} requests)")
    header = (
        f"{'page':<36} {'user':<12} {'median ms':>9} {'p25-p75 ms':>13} {'x bare':>7} {'queries':>7} "
        f"{'db ms':>6} {'kB':>6}"
    )
    print(header)
    print("-" * len(header))
    bare = result["bare"]
    spread = f"{bare['p25_ms']:.2f}-{bare['p75_ms']:.2f}"
    print(
        f"{'bare view ' + bare['path']:<36} {'-':<12} {bare['median_ms']:9.2f} {spread:>13} {1.0:7.2f} "
        f"{bare['queries']:7d} {'':>6} {'':>6}"
    )
    for row in result["pages"]:
        spread = f"{row['p25_ms']:.2f}-{row['p75_ms']:.2f}"
        print(
            f"{row['label'] + ' ' + row['path']:<36} {row['user']:<12} {row['median_ms']:9.2f} {spread:>13} "
            f"{row['ratio']:7.2f} {row['queries']:7d} {row['db_ms']:6.1f} {row['bytes'] / 1024:6.1f}"
        )
    sys.stdout.flush()


def query_growth(results: list[dict[str, Any]]) -> list[str]:
    """Pages whose query count differs between sizes: a query per row somewhere (a bug)."""
    counts: dict[tuple[str, str, str], dict[int, int]] = {}
    for result in results:
        for row in result["pages"]:
            counts.setdefault((row["label"], row["path"], row["user"]), {})[result["size"]] = row["queries"]
    return [
        f"{label} {path} as {user}: " + ", ".join(f"N={n:,}: {q} queries" for n, q in sorted(by_size.items()))
        for (label, path, user), by_size in counts.items()
        if len(set(by_size.values())) > 1
    ]


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"sizes must be comma-separated integers, not {text!r}") from exc
    if not sizes or any(s < 0 for s in sizes):
        raise argparse.ArgumentTypeError("sizes must be 0 or more")
    return sizes


def parse_pages(text: str) -> list[str]:
    labels = [s.strip() for s in text.split(",") if s.strip()]
    known = {p.label for p in PAGES}
    unknown = [label for label in labels if label not in known]
    if unknown or not labels:
        raise argparse.ArgumentTypeError(f"unknown page(s) {unknown}; known: {', '.join(sorted(known))}")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 100000], help="client counts (default 1000,100000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page and for the bare view")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument(
        "--pages",
        type=parse_pages,
        default=sorted({p.label for p in PAGES}),
        help="page labels to measure (default all: %(default)s)",
    )
    parser.add_argument("--db-dir", default=str(DB_DIR), help="where the cached databases live")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the databases even if cached")
    parser.add_argument("--output", default=str(RESULTS_DIR / "latest.json"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be 1 or more, --warmup 0 or more")
    unknown = sorted({name for p in PAGES for name in placeholders_in(p.path)} - PLACEHOLDERS.keys())
    if unknown:
        parser.error(f"PAGES uses unknown placeholder(s) {unknown}; known: {', '.join(sorted(PLACEHOLDERS))}")
    if args.worker:
        worker(args)
        return

    # one child process per size: its own DATABASE_URL before django.setup(), a clean heap
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            out = Path(tmp) / f"{size}.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "--size",
                str(size),
                "--repeat",
                str(args.repeat),
                "--warmup",
                str(args.warmup),
                "--pages",
                ",".join(args.pages),
                "--db-dir",
                args.db_dir,
                "--out",
                str(out),
            ] + (["--rebuild"] if args.rebuild else [])
            completed = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 - our own script
            if completed.returncode != 0:
                raise SystemExit(f"benchmark for N={size} failed (exit {completed.returncode})")
            result = json.loads(out.read_text(encoding="utf-8"))
            print_table(result)
            results.append(result)

    growth = query_growth(results)
    for line in growth:
        print(f"\nWARNING query count changes with N (a query per row?): {line}")

    import django

    report = {
        "date": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": f"{platform.system()} {platform.machine()} ({os.cpu_count()} CPUs)",
        "repeat": args.repeat,
        "warmup": args.warmup,
        "query_growth": growth,
        "sizes": results,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwritten {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


if __name__ == "__main__":
    main()
