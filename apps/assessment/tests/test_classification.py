"""Each seed persona, entered as a screening with the obstacles the seed gives, gets its own challenge first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from apps.assessment.selectors import classification_for, completed_screenings, region_classification_data
from apps.regions.target_group_rules import Facts, evaluate
from conftest import complete_screening, register_client

PERSONAS = ["Saled", "Marlies", "Thierry", "Roy", "John", "Mariam"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_its_own_challenge_first(personas: Any, persona: str) -> None:
    challenge = personas.region.challenges.get(persona_name=persona)
    codes = sorted({o.code for line in challenge.obstacle_lines.all() for o in line.obstacles.all()})
    # the persona entered as the addendum draws it: its obstacles, and its age when the file gives one
    low, high = challenge.persona_age_min, challenge.persona_age_max
    age = (low + high) // 2 if low is not None and high is not None else 27
    client = register_client(personas, first_name=persona, birth_date=dt.date(2026 - age - 1, 5, 4))
    complete_screening(client, personas.sofie, obstacles=codes)
    latest = completed_screenings(client=client)[-1]
    with translation.override("nl-be"):
        result = classification_for(
            client=client, screening=latest, region_data=region_classification_data(region_id=personas.region.pk)
        )
    first, second = result.challenges[0], result.challenges[1]
    assert first.challenge.persona_name == persona
    assert first.score == 1.0 and second.score < 1.0
    assert f"{len(codes)} van de {len(codes)} drempels van de persona zijn gedeeld" in first.explanation
    assert "Enkel bij deze hulpvrager" not in first.explanation


def test_the_explanation_names_what_overlaps_and_what_differs(personas: Any) -> None:
    client = register_client(personas)
    complete_screening(client, personas.sofie, obstacles=["limited-dutch", "no-network", "debts"])
    latest = completed_screenings(client=client)[-1]
    with translation.override("nl-be"):
        result = classification_for(
            client=client, screening=latest, region_data=region_classification_data(region_id=personas.region.pk)
        )
    top = result.challenges[0]
    assert top.challenge.persona_name == "Mariam"
    assert "Beperkte/geen kennis van Nederlandse taal" in top.explanation or "Nederlands" in top.explanation
    assert "Enkel bij deze hulpvrager:" in top.explanation
    assert "(Nog) niet gezien bij deze hulpvrager:" in top.explanation


def test_target_groups_follow_the_region_rules(personas: Any) -> None:
    young = register_client(personas, first_name="Roy", birth_date=dt.date(2004, 2, 1))
    complete_screening(
        young,
        personas.sofie,
        obstacles=["addiction", "low-education"],
        employment_status="inactive",
        in_education=False,
    )
    result = classification_for(
        client=young,
        screening=completed_screenings(client=young)[-1],
        region_data=region_classification_data(region_id=personas.region.pk),
        on=dt.date(2026, 3, 1),
    )
    assert {g.code for g in result.target_groups} >= {"neet-youth", "psychosocial"}
    assert "migration-background" not in {g.code for g in result.target_groups}


def test_rules_evaluate_all_any_not_age_and_facts() -> None:
    facts = Facts(age=22, obstacles=frozenset({"a", "b"}), facts={"employment_status": "unemployed"})
    assert evaluate({"all": [{"age": {"min": 18, "max": 29}}, {"obstacles_any": ["b", "z"]}]}, facts)
    assert not evaluate({"not": {"obstacles_at_least": {"count": 2, "of": ["a", "b", "c"]}}}, facts)
    assert evaluate({"fact": {"name": "employment_status", "in": ["unemployed", "inactive"]}}, facts)
    assert not evaluate({"fact": {"name": "disability", "equals": True}}, facts)  # unknown is not true
    assert not evaluate({"age": {"min": 30}}, facts)


def test_a_45_year_old_single_mother_in_debt_is_nearest_to_marlies_not_john(personas: Any) -> None:
    """Issue 13, item 5. Debts, a threatened eviction (housing: threatened homelessness), hoarding (mental
    health) and her children placed (a difficult home situation): Marlies by meaning, not John (23)."""
    mother = register_client(personas, first_name="Moeder", birth_date=dt.date(1980, 6, 1), gender="F")
    complete_screening(
        mother,
        personas.sofie,
        obstacles=["debts", "youth-threatened-homelessness", "mental-health-problems", "difficult-home-situation"],
        household_adults=1,
        household_children=[],
        single_parent=True,
    )
    latest = completed_screenings(client=mother)[-1]
    data = region_classification_data(region_id=personas.region.pk)
    with translation.override("nl-be"):
        result = classification_for(client=mother, screening=latest, region_data=data)
    ranked = [m.challenge.persona_name for m in result.challenges]
    assert ranked[0] == "Marlies", [(m.challenge.persona_name, m.score) for m in result.challenges]
    assert ranked.index("Marlies") < ranked.index("John")
    marlies, john = result.challenges[0], next(m for m in result.challenges if m.challenge.persona_name == "John")
    assert (
        "Verwant, deels gedeeld" in marlies.explanation
        and "Alleenstaande ouder, zoals de persona" in marlies.explanation
    )
    assert "buiten" in john.explanation  # 45 is outside John's 20-26
