"""Employer matching reads public transport per village (region format 1.4): a candidate in a village without a
bus reaches fewer workplaces within the longest acceptable journey than a neighbour on the bus line."""

from __future__ import annotations

from typing import Any

from apps.employers.matching import CandidateProfile, OpportunityProfile, eligible, opportunities_for
from apps.matching.selectors import travel_model
from apps.matching.travel import Place
from conftest import ROOT, load

PACKER = OpportunityProfile(
    id=1,
    title="Orderpicker",
    employer_name="Hoeve Alveringem",
    kind="job",
    rung=4,
    isco_code="9321",
    municipality="alveringem",
    latitude=51.012,
    longitude=2.711,
    dutch_rank=2,
    driving_licence=False,
    supports=frozenset(),
    hours=30,
    shifts=frozenset(),
)


def _candidate(place: Place) -> CandidateProfile:
    return CandidateProfile(
        client_id=1,
        current_rung=3,
        attainable_rung=4,
        place=place,
        dutch_rank=4,
        driving_licence=False,
        domains=frozenset(),
        max_travel_minutes=60,
    )


def test_a_jobseeker_in_houtem_without_a_bus_does_not_reach_the_job_that_bulskamp_reaches(db: Any) -> None:
    region = load(ROOT / "regions" / "examples" / "westhoek-dorpen.json")
    travel = travel_model(region_id=region.pk)
    bulskamp = _candidate(Place("bulskamp", "veurne", 51.0435, 2.648))
    houtem = _candidate(Place("houtem", "veurne", 51.0167, 2.596))
    assert eligible(bulskamp, PACKER, travel)
    assert not eligible(houtem, PACKER, travel)
    assert [m.opportunity.id for m in opportunities_for(bulskamp, [PACKER], travel)] == [1]
    assert opportunities_for(houtem, [PACKER], travel) == []
