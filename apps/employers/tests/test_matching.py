from __future__ import annotations

from typing import Any

import pytest

from apps.employers.matching import candidates_for, eligible, opportunities_for
from apps.employers.selectors import candidate_profile, opportunity_profiles
from apps.employers.services import work_wish_save
from apps.employers.tests.conftest import make_opportunity
from apps.matching.selectors import travel_model

pytestmark = pytest.mark.django_db


def test_mariam_at_rung_2_reaching_4_finds_the_rung_4_place_with_its_reasons(personas: Any, world: Any) -> None:
    profile = candidate_profile(client=world.client)
    assert profile is not None and sorted(profile.rungs) == [3, 4]
    travel = travel_model(region_id=personas.region.pk)
    matches = opportunities_for(profile, opportunity_profiles(region_id=personas.region.pk), travel)
    assert [m.opportunity.id for m in matches] == [world.opportunity.pk]
    reasons = " ".join(matches[0].reasons)
    assert "Trede 4" in reasons
    assert "minuten met het openbaar vervoer" in reasons
    # Mariam speaks A0, the place asks A1: one level below, and the employer offers language support
    assert "taalondersteuning op de werkvloer" in reasons


def test_dutch_two_levels_short_or_without_language_support_is_not_a_fit(personas: Any, world: Any) -> None:
    make_opportunity(personas, world.employer, title="Receptie", dutch_level="A2")
    make_opportunity(personas, world.employer, title="Zonder taalsteun", supports=["job_coach"])
    profile = candidate_profile(client=world.client)
    assert profile is not None
    travel = travel_model(region_id=personas.region.pk)
    titles = [
        m.opportunity.title
        for m in opportunities_for(profile, opportunity_profiles(region_id=personas.region.pk), travel)
    ]
    assert titles == ["Werkervaring keukenhulp"]


def test_a_place_beyond_the_longest_acceptable_journey_is_left_out(personas: Any, world: Any) -> None:
    far = make_opportunity(
        personas, world.employer, title="Bredene", municipality=personas.region.municipalities.get(code="bredene")
    )
    travel = travel_model(region_id=personas.region.pk)
    profile = candidate_profile(client=world.client)
    assert profile is not None
    far_profile = opportunity_profiles(region_id=personas.region.pk, pk=far.pk)[0]
    minutes = travel.minutes(profile.place, far_profile.municipality, far_profile.latitude, far_profile.longitude)
    assert 20 < minutes < 60
    assert eligible(profile, far_profile, travel)
    work_wish_save(
        actor=personas.sofie,
        client=world.client,
        occupations=["94"],
        max_travel_minutes=20,
        max_hours_per_week=38,
        shifts=[],
        driving_licence=False,
    )
    profile = candidate_profile(client=world.client)
    assert profile is not None
    assert not eligible(profile, far_profile, travel)
    near = opportunities_for(profile, opportunity_profiles(region_id=personas.region.pk), travel)
    assert [m.opportunity.title for m in near] == ["Werkervaring keukenhulp"]
    assert any("wens" in r for r in near[0].reasons)  # 9412 falls under the wished sub-major group 94


def test_other_rungs_and_a_driving_licence_exclude(personas: Any, world: Any) -> None:
    make_opportunity(personas, world.employer, title="Vacature", kind="vacancy")
    make_opportunity(personas, world.employer, title="Met rijbewijs", driving_licence=True)
    profile = candidate_profile(client=world.client)
    assert profile is not None
    travel = travel_model(region_id=personas.region.pk)
    titles = [
        m.opportunity.title
        for m in opportunities_for(profile, opportunity_profiles(region_id=personas.region.pk), travel)
    ]
    assert titles == ["Werkervaring keukenhulp"]


def test_the_opportunity_finds_mariam_back(personas: Any, world: Any) -> None:
    profile = candidate_profile(client=world.client)
    assert profile is not None
    o = opportunity_profiles(region_id=personas.region.pk, pk=world.opportunity.pk)[0]
    found = candidates_for(o, [profile], travel_model(region_id=personas.region.pk))
    assert [m.candidate.client_id for m in found] == [world.client.pk]
