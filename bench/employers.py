#!/usr/bin/env python
"""Employer matching speed: one client against N opportunities, as a ratio to a bare eligibility pass
measured in the same run.

    .venv/bin/python bench/employers.py [--opportunities 5000] [--repeat 50]

Builds a throwaway SQLite database, loads the Oostende region, creates N synthetic opportunities
(every kind, so rungs 3-6; random municipality, Dutch level, support, hours, shifts, ISCO unit group)
and one client per seed persona with a completed screening (rung 2, attainable 4). It then times, per
client, ``opportunities_for()`` over all opportunities (eligibility with travel, score, sort, reasons
for the 20 shown) against the baseline of a bare eligibility pass (rung, Dutch, licence, hours; no
travel, no score) over the same opportunities, and loading the profiles from the database once.
Prints medians and ratios; never asserts timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opportunities", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pw-bench-")
    os.environ.update({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "PADWIJZER_TESTING": "1", "DEBUG": "false"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padwijzer.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from types import SimpleNamespace

    import conftest
    from apps.accounts.models import Organisation, Role
    from apps.employers import isco
    from apps.employers.matching import eligible_without_travel, opportunities_for
    from apps.employers.models import KIND_RUNG, Employer, Opportunity
    from apps.employers.selectors import candidate_profile, opportunity_profiles
    from apps.matching.selectors import travel_model
    from apps.regions.models import Municipality

    region = conftest.load(conftest.OOSTENDE_FILE)
    org = Organisation.objects.create(region=region, code="bench", name="Bench", kind="partner")
    user = conftest.make_user("bench", "Bench", [(org, Role.COUNSELLOR)])
    rng = random.Random(1)
    municipalities = list(Municipality.objects.filter(region=region))
    employer = Employer.objects.create(
        region=region, name="Bench", enterprise_number="0202239951", sector="I",
        municipality=municipalities[0], size="small", holder=org, created_by=user,
    )  # fmt: skip
    units = [c for c, _t in isco.unit_choices()]
    kinds = list(KIND_RUNG)
    Opportunity.objects.bulk_create(
        Opportunity(
            employer=employer, title=f"Kans {i}", kind=(k := rng.choice(kinds)), rung=KIND_RUNG[k],
            isco_code=rng.choice(units), hours_per_week=rng.choice([19, 24, 30, 38]),
            shifts=rng.sample(["day", "evening", "night", "weekend"], k=rng.randint(1, 2)),
            municipality=rng.choice(municipalities), dutch_level=rng.choice(["A0", "A1", "A2", "B1", "B2"]),
            driving_licence=rng.random() < 0.2,
            supports=rng.sample(["job_coach", "adapted_tasks", "language"], k=rng.randint(0, 3)),
            places=rng.randint(1, 5), starts_on=dt.date(2026, 1, 1), created_by=user,
        )
        for i in range(args.opportunities)
    )  # fmt: skip
    personas = SimpleNamespace(region=region, lb=org, sofie=user)
    profiles = []
    for challenge in region.challenges.all():
        codes = sorted({ob.code for line in challenge.obstacle_lines.all() for ob in line.obstacles.all()})
        client = conftest.register_client(
            personas, first_name=challenge.persona_name, municipality=rng.choice(municipalities), actor=user,
            dutch_level=rng.choice(["A1", "A2", "B1"]),
        )  # fmt: skip
        conftest.complete_screening(client, user, obstacles=codes)
        profile = candidate_profile(client=client)
        assert profile is not None
        profiles.append(profile)

    started = time.perf_counter()
    loaded = opportunity_profiles(region_id=region.pk)
    load_ms = (time.perf_counter() - started) * 1000
    travel = travel_model(region_id=region.pk)

    match_times, base_times, counts = [], [], []
    for _ in range(args.repeat):
        for profile in profiles:
            t0 = time.perf_counter()
            counts.append(sum(1 for o in loaded if eligible_without_travel(profile, o)))
            t1 = time.perf_counter()
            opportunities_for(profile, loaded, travel)
            t2 = time.perf_counter()
            base_times.append(t1 - t0)
            match_times.append(t2 - t1)
    match, base = statistics.median(match_times) * 1000, statistics.median(base_times) * 1000
    print(f"opportunities: {len(loaded)}  clients: {len(profiles)}  repeats: {args.repeat}")
    print(f"eligible without travel per client (median): {statistics.median(counts):.0f}")
    print(f"baseline, bare eligibility pass : {base:8.2f} ms")
    print(f"opportunities_for (all + reasons): {match:8.2f} ms   ratio {match / base:5.1f}x baseline")
    print(f"p95 opportunities_for            : {sorted(match_times)[int(len(match_times) * 0.95)] * 1000:8.2f} ms")
    print(f"loading {len(loaded)} opportunity profiles from the database (once): {load_ms:8.1f} ms")


if __name__ == "__main__":
    main()
