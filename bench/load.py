#!/usr/bin/env python
"""Padwijzer load test: the production configuration under N concurrent keep-alive connections.

    .venv/bin/python bench/load.py [--connections 8] [--duration 20] [--clients 1000] [--db padwijzer_load]

1. (Re)creates the PostgreSQL database ``--db`` on 127.0.0.1 (never "postgres"), migrates, loads
   regions/oostende.json and runs ``seed_demo --clients N`` (``--reuse`` keeps a database that already
   holds N clients);
2. starts scripts/serve.sh (gunicorn, DEBUG=false, WEB_WORKERS x WEB_THREADS) on a free port under
   bench.load_settings, which adds one unlisted bare view (session + user, nothing else);
3. each of the N connections logs in the demo counsellor and coordinator through the login form;
4. phase "bare": every connection requests the bare view for ``--duration`` seconds;
   phase "mixed": every connection loops over SCRIPT (counsellor my work, client file, pathway,
   recommendations; coordinator home) for ``--duration`` seconds;
   with ``--each``, then one phase per page of SCRIPT (every connection requests only that page), so each
   page's rate is measured against the bare rate of the same run: "every page within 5x the session-and-user
   baseline" (issue 15) read under load, on the production server;
5. prints requests/s, p50/p95/p99 latency and errors per phase and per page, the ratio of the bare rate
   to the mixed rate (and to each page's with ``--each``), and writes bench/results/load-latest.json.

The client runs in this process (one thread and one http.client connection per connection), on the
same machine as the server: the figures are a lower bound of what the server alone can do.
It is a measuring tool: it asserts nothing and exits 1 only when the server does not start or a
login fails. See bench/README.md.
"""

# ruff: noqa: S603, S607, S608 - a local tool running fixed commands; --db is checked against DB_NAME

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
BARE_PATH = "/__bench__/bare/"  # bench/load_urls.py
LOGIN_PATH = "/account/login/"
DB_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
DEMO_PASSWORD = "padwijzer-demo"  # apps/demo/services.py DEMO_PASSWORD

# The mixed load, one step after the other, per connection: (label, demo user, path with placeholders).
SCRIPT: list[tuple[str, str, str]] = [
    ("mywork", "counsellor", "/trajecten/mijn-werk/"),
    ("client", "counsellor", "/hulpvragers/{client}/"),
    ("pathway", "counsellor", "/trajecten/{pathway}/"),
    ("recommend", "counsellor", "/matching/hulpvrager/{client}/"),
    ("home", "coordinator", "/"),
]
USERS = sorted({user for _label, user, _path in SCRIPT})


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the database -----------------------------------------------------------------------------


def resolve_placeholders() -> dict[str, Any]:
    """The demo counsellor's {client} and {pathway} (bench/run.py's rules) and the client count, in a
    process where Django is set up; ``missing`` names a record the database lacks."""
    import importlib.util

    from apps.accounts.models import User
    from apps.clients.models import Client

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    bench_run = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench_run  # its dataclasses look their module up
    spec.loader.exec_module(bench_run)
    out: dict[str, Any] = {"clients": Client.objects.count()}
    try:
        counsellor = User.objects.get(username="counsellor")
        out["client"] = bench_run.completed_client(counsellor)
        out["pathway"] = bench_run.open_pathway(counsellor)
    except (LookupError, User.DoesNotExist) as exc:
        out["missing"] = str(exc)
    return out


def resolve_child() -> None:
    """Child mode (``--resolve``): print the demo counsellor's {client} and {pathway} and the client count."""
    import django

    django.setup()
    print(json.dumps(resolve_placeholders()))


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(BIN / "padwijzer"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"load: padwijzer {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def resolve(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run([sys.executable, __file__, "--resolve"], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"load: looking up the pages' records failed:\n{result.stderr[-2000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def prepare_database(env: dict[str, str], db: str, clients: int, reuse: bool) -> dict[str, Any]:
    pg = {k: env[k] for k in ("PGHOST", "PGPORT", "PGUSER")}
    if reuse:
        exists = subprocess.run(
            ["psql", "-Atc", f"select 1 from pg_database where datname = '{db}'", "postgres"],
            env={**os.environ, **pg},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if exists:
            manage(env, "migrate", "--noinput", "-v0")
            found = resolve(env)
            if found.get("clients") == clients and "missing" not in found:
                log(f"reusing database {db} ({clients:,} clients)")
                return found
            log(f"database {db} holds {found.get('clients')} clients, not {clients}: rebuilding")
    started = time.perf_counter()
    subprocess.run(["dropdb", "--if-exists", db], env={**os.environ, **pg}, check=True)
    subprocess.run(["createdb", db], env={**os.environ, **pg}, check=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")  # the database cache (CACHE_URL default); the demo's allocation reads it
    manage(env, "load_region", "regions/oostende.json")
    manage(env, "seed_demo", "--clients", str(clients), "--seed", "1")
    found = resolve(env)
    if "missing" in found:
        raise SystemExit(f"load: the seeded database lacks a page's record: {found['missing']}")
    log(f"database {db} built with {clients:,} clients in {time.perf_counter() - started:.0f} s")
    return found


# --- one connection ---------------------------------------------------------------------------


class Session:
    """One keep-alive HTTP connection with its own cookie jar (one logged-in user)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None):
        all_headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # the server may close an idle keep-alive connection: reconnect once
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, data

    def login(self, username: str) -> None:
        status, html = self.request("GET", LOGIN_PATH)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or match is None:
            raise RuntimeError(f"login page answered {status}")
        from urllib.parse import urlencode

        body = urlencode(
            {"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": DEMO_PASSWORD}
        )
        status, _ = self.request(
            "POST",
            LOGIN_PATH,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1{LOGIN_PATH}"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"logging in {username} answered {status}")


@dataclass
class Samples:
    """Latencies (s) and error count of one label within one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def run_phase(
    sessions: list[dict[str, Session]], steps: list[tuple[str, str, str]], duration: float
) -> tuple[dict[str, Samples], float]:
    """Every connection loops over ``steps`` until ``duration`` s have passed; returns samples per label."""
    per_thread: list[dict[str, Samples]] = [{} for _ in sessions]
    start_gate = threading.Barrier(len(sessions) + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        mine = per_thread[index]
        step = index % len(steps)  # stagger the connections over the script
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            label, user, path = steps[step]
            step = (step + 1) % len(steps)
            samples = mine.setdefault(label, Samples())
            began = time.perf_counter()
            try:
                status, _ = sessions[index][user].request("GET", path)
            except (OSError, http.client.HTTPException):
                status = 0
            samples.latencies.append(time.perf_counter() - began)
            samples.statuses[status] = samples.statuses.get(status, 0) + 1
            if status != 200:
                samples.errors += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + duration
    began = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    merged: dict[str, Samples] = {}
    for mine in per_thread:
        for label, samples in mine.items():
            into = merged.setdefault(label, Samples())
            into.latencies += samples.latencies
            into.errors += samples.errors
            for status, count in samples.statuses.items():
                into.statuses[status] = into.statuses.get(status, 0) + count
    return merged, elapsed


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) in ms, nearest-rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank] * 1000


def summarise(samples: Samples, elapsed: float) -> dict[str, Any]:
    lat = samples.latencies
    return {
        "requests": len(lat),
        "rps": len(lat) / elapsed,
        "p50_ms": percentile(lat, 50),
        "p95_ms": percentile(lat, 95),
        "p99_ms": percentile(lat, 99),
        "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
        "errors": samples.errors,
        "statuses": {str(k): v for k, v in sorted(samples.statuses.items())},
    }


def phase_result(merged: dict[str, Samples], elapsed: float) -> dict[str, Any]:
    total = Samples()
    for samples in merged.values():
        total.latencies += samples.latencies
        total.errors += samples.errors
        for status, count in samples.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
    return {
        "seconds": elapsed,
        "all": summarise(total, elapsed),
        "pages": {label: summarise(s, elapsed) for label, s in merged.items()},
    }


def row(name: str, s: dict[str, Any]) -> str:
    return (
        f"{name:<12} {s['requests']:>8} {s['rps']:>8.1f} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
        f"{s['p99_ms']:>8.1f} {s['errors']:>7}"
    )


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="untimed seconds of mixed load first (default 3)")
    parser.add_argument("--clients", type=int, default=1000, help="demo clients to seed (default 1000)")
    parser.add_argument("--db", default="padwijzer_load", help="PostgreSQL database (dropped and re-created)")
    parser.add_argument("--reuse", action="store_true", help="keep the database when it already holds --clients")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn workers (WEB_WORKERS, default 2 x CPUs)",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (WEB_THREADS, default 1)")
    parser.add_argument(
        "--each", action="store_true", help="after the mixed phase, one phase of --duration seconds per page"
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "load-latest.json")
    parser.add_argument("--resolve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.resolve:
        resolve_child()
        return
    if not DB_NAME.fullmatch(args.db):
        raise SystemExit("load: --db must be lower-case letters, digits and underscores")
    if args.db == "postgres":
        raise SystemExit("load: refusing to use the database 'postgres'")
    if args.connections < 1 or args.duration <= 0:
        raise SystemExit("load: --connections must be 1 or more and --duration positive")

    port = free_port()
    pg = {
        "PGHOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PGPORT": os.environ.get("PGPORT", "5432"),
        "PGUSER": os.environ.get("PGUSER", "postgres"),
    }
    env = {
        **os.environ,
        **pg,
        "DATABASE_URL": f"postgres://{pg['PGUSER']}@{pg['PGHOST']}:{pg['PGPORT']}/{args.db}",
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "IDENTIFIER_KEY": os.environ.get("IDENTIFIER_KEY", "load-test-identifier-key-not-secret"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "OTP_REQUIRED_ROLES": "",  # the demo logins have no second factor; the load test measures pages
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": str(args.workers),
        "WEB_THREADS": str(args.threads),
        "RUN_WORKER": "0",
        "RUN_SCHEDULED": "0",
    }
    env.pop("PADWIJZER_TESTING", None)
    found = prepare_database(env, args.db, args.clients, args.reuse)
    script = [(label, user, path.format(**found)) for label, user, path in SCRIPT]

    RESULTS.mkdir(parents=True, exist_ok=True)
    server_log = RESULTS / "load-server.log"
    with server_log.open("w") as log_file:
        server = subprocess.Popen(
            [str(ROOT / "scripts" / "serve.sh")],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for _ in range(1200):  # collectstatic can take minutes on a busy machine
            if server.poll() is not None:
                raise SystemExit(f"load: the server stopped; see {server_log}")
            try:
                if Session(port).request("GET", LOGIN_PATH)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("load: the server did not answer within 600 s")
        log(f"gunicorn on port {port}: {args.workers} workers x {args.threads} threads, DEBUG=false")

        sessions: list[dict[str, Session]] = []
        for _ in range(args.connections):
            connection = {user: Session(port) for user in USERS}
            for user, session in connection.items():
                session.login(user)
            sessions.append(connection)
        log(f"{args.connections} connections x {len(USERS)} users logged in")

        if args.warmup > 0:
            run_phase(sessions, script, args.warmup)
        log(f"phase bare: {args.duration:.0f} s")
        bare = phase_result(*run_phase(sessions, [("bare", "counsellor", BARE_PATH)], args.duration))
        log(f"phase mixed: {args.duration:.0f} s")
        mixed = phase_result(*run_phase(sessions, script, args.duration))
        each: dict[str, dict[str, Any]] = {}
        if args.each:
            for step in script:
                log(f"phase {step[0]}: {args.duration:.0f} s")
                each[step[0]] = phase_result(*run_phase(sessions, [step], args.duration))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    header = f"{'phase/page':<12} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    print(
        f"\n{args.clients:,} clients, {args.connections} connections, {args.duration:.0f} s per phase, "
        f"gunicorn {args.workers}x{args.threads}, PostgreSQL, {os.cpu_count()} CPUs"
    )
    print(header)
    print(row("bare", bare["all"]))
    print(row("mixed", mixed["all"]))
    for label, _user, _path in SCRIPT:
        if label in mixed["pages"]:
            print(row("  " + label, mixed["pages"][label]))
    ratio = bare["all"]["rps"] / mixed["all"]["rps"] if mixed["all"]["rps"] else float("nan")
    print(f"\nbare / mixed rate: {ratio:.1f} (one mixed request costs about {ratio:.1f} bare requests)")
    ratios = {}
    if each:
        print(f"\none page at a time\n{header} {'bare/page':>9}")
        for label, result_of in each.items():
            rps = result_of["all"]["rps"]
            ratios[label] = bare["all"]["rps"] / rps if rps else float("nan")
            print(f"{row(label, result_of['all'])} {ratios[label]:9.1f}")
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "settings": {
            "clients": args.clients,
            "connections": args.connections,
            "duration_s": args.duration,
            "workers": args.workers,
            "threads": args.threads,
        },
        "script": [{"label": label, "user": user, "path": path} for label, user, path in script],
        "bare": bare,
        "mixed": mixed,
        "ratio_bare_over_mixed_rps": ratio,
        "each": each,
        "ratio_bare_over_page_rps": ratios,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(f"written {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


if __name__ == "__main__":
    main()
