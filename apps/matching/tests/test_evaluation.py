"""The evaluation set (tests/data/evaluation.json): do the top 5 hold the kinds of help a social worker expects?

Coverage = expected kinds found in the top 5 / expected kinds, over all profiles. The floor is set
from the first honest measurement and raised as the ranking improves (never lowered to pass).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from apps.assessment.services import (
    screening_complete,
    screening_save_domains,
    screening_save_entry_data,
    screening_save_ladder,
    screening_save_obstacles,
    screening_start,
)
from apps.demo.services import demo_seed
from apps.matching.recommend import recommend
from apps.matching.selectors import client_profile, offer_profiles, travel_model
from apps.regions.models import InterventionType, LifeDomain, Obstacle
from conftest import register_client

DATA = json.loads((Path(__file__).parent / "data" / "evaluation.json").read_text(encoding="utf-8"))
COVERAGE_FLOOR = 0.94  # first honest measurement 0.590; needs-first ranking and the region answer order: 0.940


def _birth_date(age: int, on: dt.date) -> dt.date:
    """Born the day after ``on`` minus age+1 years: ``age`` on ``on`` (birthday still to come)."""
    return on.replace(year=on.year - age - 1) + dt.timedelta(days=1)


def intake(personas: Any, case: dict[str, Any], on: dt.date) -> Any:
    """Register the profile's client and complete its screening through the real services."""
    region = personas.region
    client = register_client(
        personas,
        first_name=case["name"],
        birth_date=_birth_date(case["age"], on),
        gender=case["gender"],
        languages=case["languages"],
        dutch_level=case["dutch_level"],
        interpreter_needed=case["dutch_level"] in {"A0", "A1"},
    )
    screening = screening_start(client=client, actor=personas.sofie, organisation=client.organisation, screened_on=on)
    domains = {d.code: d for d in LifeDomain.objects.filter(region=region)}
    screening_save_domains(
        screening=screening,
        actor=personas.sofie,
        levels={d.pk: (case["levels"].get(code, 4), "") for code, d in domains.items()},
    )
    known = list(Obstacle.objects.filter(region=region, code__in=case["obstacles"]).values_list("pk", flat=True))
    screening_save_obstacles(screening=screening, actor=personas.sofie, obstacle_ids=known)
    screening_save_ladder(screening=screening, actor=personas.sofie, current=2, attainable=4)
    entry = {
        "employment_status": case.get("employment_status", "unemployed"),
        "in_education": case.get("in_education", False),
    }
    household = case.get("household")
    if household:  # recorded at intake since format 1.3 (issue 13, item 4)
        entry |= {
            "household_adults": household["adults"],
            "household_children": household["children"],
            "single_parent": household["single_parent"],
        }
    screening_save_entry_data(screening=screening, actor=personas.sofie, **entry)
    screening_complete(screening=screening, actor=personas.sofie)
    return client


def evaluate_set(personas: Any) -> tuple[float, list[str]]:
    """(coverage, one line per profile with what was missed)."""
    region = personas.region
    demo_seed(region=region, clients=0, seed=1)
    on = dt.date.fromisoformat(DATA["screened_on"])
    kinds = {t.pk: t.code for t in InterventionType.objects.filter(region=region)}
    offers, travel = offer_profiles(region_id=region.pk), travel_model(region_id=region.pk)
    found = expected = 0
    lines = []
    for case in DATA["profiles"]:
        profile = client_profile(client=intake(personas, case, on))
        assert profile is not None
        top = recommend(profile, offers, travel, limit=5, explain=0)
        shown = {kinds[t] for r in top for t in r.offer.intervention_type_ids}
        missed = [k for k in case["expected_kinds"] if not set(k.split("|")) & shown]
        found += len(case["expected_kinds"]) - len(missed)
        expected += len(case["expected_kinds"])
        lines.append(f"{case['name']}: missed {missed}")
    return found / expected, lines


@pytest.mark.django_db
def test_the_top_5_holds_the_kinds_of_help_a_social_worker_expects(personas: Any) -> None:
    coverage, lines = evaluate_set(personas)
    print(f"\ncoverage {coverage:.3f}\n" + "\n".join(lines))
    assert coverage >= COVERAGE_FLOOR, "\n".join(lines)
