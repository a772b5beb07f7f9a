#!/usr/bin/env python
"""Recommendation speed: one client against N offers, as a ratio to a baseline measured in the same run.

    .venv/bin/python bench/recommend.py [--offers 2000] [--repeat 50]

Builds a throwaway SQLite database, loads the Oostende region, creates N synthetic offers
(random intervention types, the obstacles the region maps to them, 1-3 municipalities,
a third of them outreach) and one client per seed persona with a completed screening. It
then times, per client, ``recommend()`` over the offers indexed once by obstacle and intervention
type (candidates, eligibility, score, top 5, reasons, sort)
against the baseline of a bare eligibility pass over the same offers, and loading the offer
profiles from the database once; then, as a separate step, the package (``build_package``: the CP-SAT
set cover of the needs over the ranked offers). Prints medians and ratios; never asserts timings.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pw-bench-")
    os.environ.update({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "PADWIJZER_TESTING": "1", "DEBUG": "false"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padwijzer.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import conftest
    from apps.accounts.models import Organisation, Role
    from apps.matching.package import build_package
    from apps.matching.recommend import eligible, index_offers, recommend
    from apps.matching.selectors import client_profile, offer_profiles, travel_model
    from apps.offers.models import Offer
    from apps.regions.models import InterventionType, Municipality, Obstacle

    region = conftest.load(conftest.OOSTENDE_FILE)
    org = Organisation.objects.create(region=region, code="bench", name="Bench", kind="partner")
    user = conftest.make_user("bench", "Bench", [(org, Role.COUNSELLOR)])
    rng = random.Random(1)
    types = list(InterventionType.objects.filter(region=region).prefetch_related("obstacles"))
    municipalities = list(Municipality.objects.filter(region=region))
    offers = Offer.objects.bulk_create(
        Offer(
            organisation=org,
            title=f"Aanbod {i}",
            description="-",
            delivery_mode=rng.choice(["at_address", "at_address", "outreach"]),
            location_municipality=rng.choice(municipalities),
            capacity=(capacity := rng.randint(1, 30)),
            occupancy=rng.randint(0, capacity),  # at most the capacity (constraint offer_occupancy_within_capacity)
            waiting_weeks=rng.randint(0, 12),
            languages=["nl"] + ([rng.choice(["ar", "ti", "prs"])] if rng.random() < 0.3 else []),
            interpreter_available=rng.random() < 0.3,
        )
        for i in range(args.offers)
    )
    for o in offers:
        if o.delivery_mode == "at_address":
            o.latitude, o.longitude = o.location_municipality.latitude, o.location_municipality.longitude
    Offer.objects.bulk_update(offers, ["latitude", "longitude"])
    Through = Offer.intervention_types.through
    ObstacleThrough = Offer.obstacles.through
    MuniThrough = Offer.municipalities.through
    t_rows, o_rows, m_rows = [], [], []
    for o in offers:
        chosen = rng.sample(types, k=rng.randint(1, 2))
        t_rows += [Through(offer_id=o.pk, interventiontype_id=t.pk) for t in chosen]
        obstacle_ids = {ob.pk for t in chosen for ob in t.obstacles.all()}
        o_rows += [ObstacleThrough(offer_id=o.pk, obstacle_id=x) for x in obstacle_ids]
        m_rows += [
            MuniThrough(offer_id=o.pk, municipality_id=m.pk) for m in rng.sample(municipalities, k=rng.randint(1, 3))
        ]
    Through.objects.bulk_create(t_rows)
    ObstacleThrough.objects.bulk_create(o_rows)
    MuniThrough.objects.bulk_create(m_rows)

    from types import SimpleNamespace

    personas = SimpleNamespace(region=region, lb=org, sofie=user)
    profiles = []
    for challenge in region.challenges.all():
        codes = sorted({ob.code for line in challenge.obstacle_lines.all() for ob in line.obstacles.all()})
        client = conftest.register_client(
            personas, first_name=challenge.persona_name, municipality=rng.choice(municipalities), actor=user
        )
        conftest.complete_screening(client, user, obstacles=codes)
        profiles.append(client_profile(client=client))
    assert Obstacle.objects.filter(region=region).exists()

    started = time.perf_counter()
    loaded = offer_profiles(region_id=region.pk)
    load_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    index = index_offers(loaded)  # once per version of the offers (selectors.offer_index keeps it)
    index_ms = (time.perf_counter() - started) * 1000
    travel = travel_model(region_id=region.pk)

    rec_times, base_times, counts, package_times, optimal, cpu_times = [], [], [], [], [], []
    for _ in range(args.repeat):
        for profile in profiles:
            t0 = time.perf_counter()
            sum(1 for o in loaded if eligible(profile, o))
            t1 = time.perf_counter()
            c1 = time.process_time()
            ranked = recommend(profile, index, travel)
            cpu_times.append(time.process_time() - c1)
            t2 = time.perf_counter()
            package = build_package(profile, ranked)
            t3 = time.perf_counter()
            package_times.append(t3 - t2)
            optimal.append(package.optimal)
            base_times.append(t1 - t0)
            rec_times.append(t2 - t1)
            counts.append(len(ranked))
    rec, base = statistics.median(rec_times) * 1000, statistics.median(base_times) * 1000
    print(f"offers: {len(loaded)}  clients: {len(profiles)}  repeats: {args.repeat}")
    print(f"eligible offers per client (median): {statistics.median(counts):.0f}")
    print(f"baseline, eligibility pass   : {base:8.2f} ms")
    print(f"recommend (score+reasons+sort): {rec:8.2f} ms   ratio {rec / base:5.1f}x baseline")
    print(f"p95 recommend                 : {sorted(rec_times)[int(len(rec_times) * 0.95)] * 1000:8.2f} ms")
    # CPU time of this process: what one recommendation costs, whatever else the machine runs (wall time
    # above grows with the load of a shared machine; see bench/README.md)
    print(f"recommend, CPU time (median)   : {statistics.median(cpu_times) * 1000:8.2f} ms")
    print(f"machine load (1-min average)   : {os.getloadavg()[0]:8.2f}")
    pkg = statistics.median(package_times) * 1000
    print(
        f"package (CP-SAT set cover)    : {pkg:8.2f} ms   p95 "
        f"{sorted(package_times)[int(len(package_times) * 0.95)] * 1000:.2f} ms, "
        f"optimal {sum(optimal)}/{len(optimal)}"
    )
    print(f"loading {len(loaded)} offer profiles from the database (once): {load_ms:8.1f} ms")
    print(f"indexing them by obstacle and intervention type (once): {index_ms:8.1f} ms")


if __name__ == "__main__":
    main()
