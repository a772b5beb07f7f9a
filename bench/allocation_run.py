#!/usr/bin/env python
"""The allocation run end to end, against a database: 10,000 waiting clients x 2,000 offers by default.

    .venv/bin/python bench/allocation_run.py [--clients 10000] [--offers 2000] [--repeat 2] [--rebuild]

Builds (once, cached in bench/results/db/ for SQLite, or in the database of DATABASE_URL when set and empty)
the Oostende region with ``demo_seed(clients=N, seed=1)``, copies the demo offers until there are
``--offers`` active offers (each copy with a seeded capacity of 0-12 free places, some of its base
offer's obstacles and the same municipalities), and puts every client with a completed screening on the
general waiting list. Then runs ``apps.matching.services_allocation.allocation_execute`` (what the background task
runs) ``--repeat`` times, with an empty cache each time, and prints what the run itself recorded:
load (waiting list, profiles, offers, candidate pairs), the optimal solver alone, and the whole run
(load, solve, first-come-first-served comparison, writing the proposals), plus the number of queries.
The CPU time of the process is printed too: on a shared machine the wall times move with the load, the
CPU time is what the run costs on an idle core (the solver is single-threaded; SQLite runs in-process).
A measuring tool: it asserts no timing. Target (issue "production and scale"): the whole run under 10 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_file: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_file}")
    os.environ["PADWIJZER_TESTING"] = "1"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padwijzer.settings")
    import django

    django.setup()


def build(n_clients: int, n_offers: int) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.clients.models import Client
    from apps.demo.services import demo_seed
    from apps.offers.models import Offer, WaitingListEntry
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
    offers = Offer.objects.filter(organisation__region=region, is_active=True)
    rng = random.Random(7)
    with transaction.atomic():
        base = list(offers.order_by("pk").prefetch_related("obstacles", "municipalities", "intervention_types"))
        missing = n_offers - len(base)
        if missing > 0:
            copies = []
            for i in range(missing):
                b = base[i % len(base)]
                copies.append(
                    Offer(
                        organisation_id=b.organisation_id,
                        title=f"{b.title} ({i})",
                        description=b.description,
                        delivery_mode=b.delivery_mode,
                        location_municipality_id=b.location_municipality_id,
                        latitude=b.latitude,
                        longitude=b.longitude,
                        languages=b.languages,
                        interpreter_available=rng.random() < 0.3,
                        min_age=b.min_age,
                        max_age=b.max_age,
                        gender_specific=b.gender_specific,
                        capacity=rng.randint(0, 12),
                        waiting_weeks=rng.randint(0, 8),
                    )
                )
            Offer.objects.bulk_create(copies, batch_size=500)
            through = {f: getattr(Offer, f).through for f in ("obstacles", "municipalities", "intervention_types")}
            rows: dict[str, list] = {f: [] for f in through}
            for i, copy in enumerate(copies):
                b = base[i % len(base)]
                obstacles = [o.pk for o in b.obstacles.all()]
                k = max(1, rng.randint(len(obstacles) // 2, len(obstacles))) if obstacles else 0
                keep = rng.sample(obstacles, k=k)
                rows["obstacles"] += [through["obstacles"](offer_id=copy.pk, obstacle_id=o) for o in keep]
                rows["municipalities"] += [
                    through["municipalities"](offer_id=copy.pk, municipality_id=m.pk) for m in b.municipalities.all()
                ]
                rows["intervention_types"] += [
                    through["intervention_types"](offer_id=copy.pk, interventiontype_id=t.pk)
                    for t in b.intervention_types.all()
                ]
            for f, model in through.items():
                model.objects.bulk_create(rows[f], batch_size=2000)
            print(f"copied {missing:,} offers", flush=True)
        WaitingListEntry.objects.filter(client__organisation__region=region).delete()
        coordinator = User.objects.get(username="coordinator")
        clients = Client.objects.filter(organisation__region=region, screenings__status="completed").distinct()
        WaitingListEntry.objects.bulk_create(
            (
                WaitingListEntry(
                    client_id=pk,
                    since=timezone.localdate() - timezone.timedelta(days=rng.randint(0, 400)),
                    added_by=coordinator,
                )
                for pk in clients.values_list("pk", flat=True)
            ),
            batch_size=2000,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--offers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    db_dir = ROOT / "bench" / "results" / "db"
    db_dir.mkdir(parents=True, exist_ok=True)
    db_file = db_dir / f"allocation-{args.clients}x{args.offers}.sqlite3"
    if args.rebuild and db_file.exists():
        db_file.unlink()
    setup_django(db_file)
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User
    from apps.matching.models import AllocationProposal, AllocationRun
    from apps.offers.models import Offer, WaitingListEntry
    from apps.regions.models import Region

    build(args.clients, args.offers)
    region = Region.objects.get(code="oostende")
    coordinator = User.objects.get(username="coordinator")
    from apps.matching.services_allocation import allocation_execute

    print(
        f"{connection.vendor}, {WaitingListEntry.objects.filter(is_open=True).count():,} waiting, "
        f"{Offer.objects.filter(organisation__region=region, is_active=True).count():,} active offers; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    rows = []
    for i in range(args.repeat):
        cache.clear()
        AllocationProposal.objects.all().delete()
        run = AllocationRun.objects.create(region=region, started_by=coordinator)
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            run = allocation_execute(run=run)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows.append((run.load_seconds, run.solve_seconds, run.total_seconds, wall, cpu))
        print(
            f"run {i + 1}: {run.clients:,} clients x {run.offers:,} offers with a free place, "
            f"{run.candidate_pairs:,} pairs, {run.proposals.count():,} proposals; load {run.load_seconds:.2f} s, "
            f"solver {run.solve_seconds:.2f} s, whole run {run.total_seconds:.2f} s "
            f"(wall {wall:.2f} s, cpu of this process {cpu:.2f} s), {len(queries)} queries; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    load, solver, whole, cpu = (statistics.median(r[i] for r in rows) for i in (0, 1, 2, 4))
    ratio = statistics.median(r[2] / r[1] for r in rows)
    print(
        f"median: load {load:.2f} s, solver {solver:.2f} s, whole run {whole:.2f} s (cpu {cpu:.2f} s); "
        f"whole run / solver {ratio:.1f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
