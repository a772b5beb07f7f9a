#!/usr/bin/env python
"""ESF+ report benchmark: the report page against one hand-written SQL aggregate over the same table, same run.

    .venv/bin/python bench/esf.py [--participants 100000] [--repeat 5] [--keep]

Builds (or reuses with --keep) a SQLite database under bench/results/db/esf-<N>.sqlite3 (set DATABASE_URL to
measure PostgreSQL instead: the tables are emptied and refilled), loads regions/oostende.json, and inserts N
synthetic participations deterministically (random.Random(1)): entries spread over 2024-2025, every field of
the record varied, two thirds left with results, half of those followed up.

Then, interleaved, it times
- the page: GET /esf/oostende/?start=2025-01-01&end=2025-12-31 as the region's coordinator (django.test.Client),
  rendering the whole table; and its number of SQL queries;
- the baseline: one hand-written SQL SELECT over esf_participation computing the same report (every indicator
  and every distinct incomplete count, grouped by gender, SUM(CASE ...)); the bench first checks that both give
  the same totals.
It prints the medians and the ratio page / baseline (target: at most 1.5). It asserts no timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EU_CODES = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT"]
EU_CODES += ["LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "HU"]
EU = ",".join(f"'{c}'" for c in EU_CODES)
# The same report written by hand: every indicator and every distinct incomplete count, by gender, one SELECT.
# Placeholders: out = entry in the period, res = leaving in the period, lt = leaving six months before.
BASELINE_SQL = """
SELECT gender,
  SUM(CASE WHEN {out} THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND labour_status = 'unemployed' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND labour_status = 'unemployed' AND ((age_at_entry < 25 AND unemployed_months > 6)
      OR (age_at_entry >= 25 AND unemployed_months > 12)) THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND labour_status = 'inactive' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND labour_status = 'employed' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND age_at_entry < 18 THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND age_at_entry BETWEEN 18 AND 29 THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND age_at_entry >= 55 THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND isced_level BETWEEN 0 AND 2 THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND isced_level BETWEEN 3 AND 4 THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND isced_level BETWEEN 5 AND 8 THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND disability = 'yes' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND nationality <> '' AND nationality NOT IN ({eu}) THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND foreign_background = 'yes' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND minority = 'yes' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND housing IN ('roofless','houseless','insecure','inadequate') THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND municipality_id IN (SELECT id FROM regions_municipality WHERE degurba IN (3))
      THEN 1 ELSE 0 END),
  SUM(CASE WHEN {res} AND {win} AND job_searching AND labour_status = 'inactive' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {res} AND {win} AND in_education THEN 1 ELSE 0 END),
  SUM(CASE WHEN {res} AND {win} AND qualification THEN 1 ELSE 0 END),
  SUM(CASE WHEN {res} AND {win} AND employed_on_leaving AND labour_status <> 'employed' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {lt} AND employed_after THEN 1 ELSE 0 END),
  SUM(CASE WHEN {lt} AND labour_status = 'employed' AND better_situation_after THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND labour_status = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND (labour_status = '' OR (labour_status = 'unemployed' AND unemployed_months IS NULL))
      THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND isced_level IS NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND disability = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND nationality = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND foreign_background = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND minority = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND housing = '' THEN 1 ELSE 0 END),
  SUM(CASE WHEN {out} AND municipality_id IN (SELECT id FROM regions_municipality WHERE degurba IS NULL)
      THEN 1 ELSE 0 END),
  SUM(CASE WHEN {res} AND NOT ({win}) THEN 1 ELSE 0 END),
  SUM(CASE WHEN {lt} AND in_sample AND followed_up_on IS NULL THEN 1 ELSE 0 END)
FROM esf_participation
WHERE region_id = %(region)s AND ({out} OR {res} OR {lt})
GROUP BY gender
""".format(  # noqa: S608 - constants only; the values are query parameters
    out="(entry_date >= %(start)s AND entry_date <= %(end)s)",
    res="(leaving_date >= %(start)s AND leaving_date <= %(end)s)",
    lt="(leaving_date >= %(start6)s AND leaving_date <= %(end6)s)",
    win="(results_delay_days IS NOT NULL AND results_delay_days <= 28)",
    eu=EU,
)
CODES = [
    "EECO01", "EECO02", "EECO03", "EECO04", "EECO05", "EECO06", "EECO07", "EECO08", "EECO09", "EECO10", "EECO11",
    "EECO12", "EECO13", "EECO14", "EECO15", "EECO16", "EECO17", "EECR01", "EECR02", "EECR03", "EECR04", "EECR05",
    "EECR06",
]  # fmt: skip


def setup(n: int, keep: bool) -> None:
    if not os.environ.get("DATABASE_URL"):
        db = ROOT / "bench" / "results" / "db" / f"esf-{n}.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        if db.exists() and not keep:
            db.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padwijzer.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()


def seed(n: int) -> None:
    from django.core.management import call_command

    from apps.accounts.models import Membership, Organisation, Role, User
    from apps.clients.models import Client
    from apps.esf.models import Participation
    from apps.regions.models import Region
    from apps.regions.services import region_load_text

    call_command("migrate", verbosity=0)
    if Participation.objects.count() == n:
        return
    Participation.objects.all().delete()
    region = Region.objects.filter(code="oostende").first()
    if region is None:
        path = ROOT / "regions" / "oostende.json"
        region = region_load_text(text=path.read_text(encoding="utf-8"), source=path.name).region
    org, _ = Organisation.objects.get_or_create(
        region=region, code="bench-lb", defaults={"name": "Bench", "kind": Organisation.Kind.LOCAL_GOVERNMENT}
    )
    user = User.objects.filter(username="bench-coordinator").first() or User.objects.create_user(
        username="bench-coordinator", password="x"
    )
    Membership.objects.get_or_create(user=user, organisation=org, role=Role.COORDINATOR)
    Client.objects.filter(organisation=org).delete()
    municipalities = list(region.municipalities.all())
    rng = random.Random(1)
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        clients = Client.objects.bulk_create(
            Client(
                organisation=org, first_name=f"B{start + i}", last_name="Bench",
                birth_date=dt.date(1960 + rng.randint(0, 48), rng.randint(1, 12), rng.randint(1, 28)),
                gender=rng.choice("FMX"), municipality=rng.choice(municipalities), dutch_level="B1",
            )
            for i in range(size)
        )  # fmt: skip
        rows = []
        for c in clients:
            entry = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 729))
            status = rng.choice(["employed", "unemployed", "inactive", ""])
            left = entry + dt.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.66 else None
            followed = left is not None and rng.random() < 0.5
            delay = rng.randint(0, 40)
            rows.append(
                Participation(
                    region=region, client=c, organisation=org, municipality=c.municipality, entry_date=entry,
                    gender={"F": "woman", "M": "man", "X": "non_binary"}[c.gender],
                    age_at_entry=c.age_on(entry), labour_status=status,
                    unemployed_months=rng.randint(0, 40) if status == "unemployed" else None,
                    isced_level=rng.choice([None, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
                    nationality=rng.choice(["BE", "BE", "NL", "SY", "AF", "ER", "PL", ""]),
                    housing=rng.choice(["housed", "housed", "roofless", "insecure", ""]),
                    disability=rng.choice(["yes", "no", "refused", ""]), disability_source="self_declared",
                    foreign_background=rng.choice(["yes", "no", ""]), foreign_background_source="self_declared",
                    minority=rng.choice(["yes", "no", "refused", ""]), minority_source="self_declared",
                    leaving_date=left,
                    results_recorded_on=left + dt.timedelta(days=delay) if left else None,
                    results_delay_days=delay if left else None,
                    job_searching=rng.random() < 0.3 if left else None,
                    in_education=rng.random() < 0.2 if left else None,
                    qualification=rng.random() < 0.2 if left else None,
                    employed_on_leaving=rng.random() < 0.3 if left else None,
                    follow_up_due=left + dt.timedelta(days=182) if left else None,
                    followed_up_on=left + dt.timedelta(days=185) if followed and left else None,
                    employed_after=rng.random() < 0.4 if followed else None,
                    better_situation_after=rng.random() < 0.2 if followed else None,
                )
            )  # fmt: skip
        Participation.objects.bulk_create(rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[1])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the SQLite database of an earlier run")
    args = parser.parse_args()
    setup(args.participants, args.keep)
    t0 = time.perf_counter()
    seed(args.participants)
    print(f"seeded {args.participants} participations in {time.perf_counter() - t0:.1f} s")

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User
    from apps.regions.models import Region

    region = Region.objects.get(code="oostende")
    web = Client()
    web.force_login(User.objects.get(username="bench-coordinator"))
    url = "/esf/oostende/?start=2025-01-01&end=2025-12-31"

    def page() -> None:
        response = web.get(url)
        assert response.status_code == 200, response.status_code

    params = {"region": region.pk, "start": "2025-01-01", "end": "2025-12-31", "start6": "2024-07-01",
              "end6": "2025-06-30"}  # fmt: skip

    def baseline() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, params)
            return list(cursor.fetchall())

    page(), baseline()  # warm up
    # the two compute the same numbers (a check of the bench, not of timings)
    from apps.esf.indicators import compute

    engine = compute(region_id=region.pk, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)).totals()
    hand = dict(zip(CODES, [sum(int(r[i + 1] or 0) for r in baseline()) for i in range(len(CODES))], strict=True))
    if engine != hand:
        sys.exit(f"the engine and the hand-written SQL disagree: {engine} != {hand}")
    with CaptureQueriesContext(connection) as ctx:
        page()
    queries = len(ctx)
    reset_queries()
    times: dict[str, list[float]] = {"page": [], "baseline": []}
    for _ in range(args.repeat):
        for name, fn in (("page", page), ("baseline", baseline)):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    p, b = statistics.median(times["page"]), statistics.median(times["baseline"])
    print(f"database: {connection.vendor}; participations: {args.participants}; repeat: {args.repeat}")
    print(f"report page: {p * 1000:.1f} ms median, {queries} queries")
    print(f"hand-written SQL aggregate: {b * 1000:.1f} ms median")
    print(f"ratio page / SQL: {p / b:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
