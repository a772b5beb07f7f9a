"""The package (apps/matching/package.py): a weighted set cover of the needs with CP-SAT under the client's
capacity, the offers' places and the travel limit, explained need by need.

Persona: Marlies, single mother in Gistel with an acute housing problem (level 1), debts (level 2), mental
health problems (level 2) and a small network (level 3); the social map is built by hand so each rule can fail.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.matching.package import OFFER_COST, _value, build_package, explain_line, fit, usable
from apps.matching.recommend import ClientProfile, Need, OfferProfile, Recommendation
from apps.matching.travel import Place

HOUSING, DEBTS, MENTAL, NETWORK = 1, 2, 3, 4  # obstacle ids
HOUSING_SUPPORT, DEBT_HELP, PSY_HELP, LEISURE = 11, 12, 13, 14  # intervention type ids

NEEDS = (
    Need(
        "obstacle:homeless", "Geen vaste woonplaats", "Huisvesting", 1, 3.0, frozenset({HOUSING}), {HOUSING_SUPPORT: 0}
    ),
    Need("obstacle:debts", "Schulden", "Financiën", 2, 2.0, frozenset({DEBTS}), {DEBT_HELP: 0}),
    Need("obstacle:mental", "Psychische problemen", "Psychisch welzijn", 2, 2.0, frozenset({MENTAL}), {PSY_HELP: 0}),
    Need("obstacle:network", "Klein sociaal netwerk", "Sociaal netwerk", 3, 1.0, frozenset({NETWORK}), {LEISURE: 0}),
)

MARLIES = ClientProfile(
    age=38,
    gender="F",
    municipality_id=1,
    place=Place("gistel", "gistel", 51.157, 2.972),
    obstacle_weights={n_id: n.weight for n_id, n in zip((1, 2, 3, 4), NEEDS, strict=True)},
    obstacle_labels={1: "Geen vaste woonplaats", 2: "Schulden", 3: "Psychische problemen", 4: "Klein sociaal netwerk"},
    mobility_limited=False,
    languages=frozenset({"nl"}),
    dutch_level="C2",
    target_group_ids=frozenset(),
    needs=NEEDS,
    need_obstacles=frozenset({1, 2, 3, 4}),
)


def _offer(i: int, title: str, obstacles: set[int], kinds: set[int], **extra: object) -> OfferProfile:
    values: dict[str, object] = {
        "id": i,
        "title": title,
        "organisation_id": 100 + i,
        "organisation_name": f"{title} vzw",
        "obstacle_ids": frozenset(obstacles),
        "intervention_type_ids": frozenset(kinds),
        "municipality_ids": frozenset({1}),
        "delivery_mode": "at_address",
        "location_municipality": "oostende",
        "latitude": 51.2,
        "longitude": 2.9,
        "languages": frozenset({"nl"}),
        "interpreter": False,
        "min_age": None,
        "max_age": None,
        "target_group_ids": frozenset(),
        "gender": "",
        "free_places": 2,
        "waiting_weeks": 0,
    }
    values.update(extra)
    return OfferProfile(**values)  # type: ignore[arg-type]


def _rec(offer: OfferProfile, minutes: float = 20.0, quality: float = 10.0) -> Recommendation:
    return Recommendation(offer, 0.0, [], minutes, [], quality=quality)


HAVEN = _rec(_offer(1, "Woonbegeleiding De Haven", {HOUSING}, {HOUSING_SUPPORT}, free_places=0, waiting_weeks=3), 12)
SCHULD = _rec(_offer(2, "Schuldhulp OCMW", {DEBTS}, {DEBT_HELP}), 25)
CGG = _rec(_offer(3, "CGG Kust", {MENTAL}, {PSY_HELP}, delivery_mode="outreach"), 0)
BUURT = _rec(_offer(4, "Buurtwerk", {NETWORK}, {LEISURE}), 15)


def test_every_need_gets_its_best_offer_and_the_explanation_names_offer_travel_and_waiting() -> None:
    package = build_package(MARLIES, [BUURT, CGG, SCHULD, HAVEN])
    assert package.optimal
    assert [line.recommendation.offer.id if line.recommendation else None for line in package.lines] == [1, 2, 3, 4]
    with translation.override("nl-be"):
        assert explain_line(NEEDS[0], HAVEN) == (
            "Huisvesting (Geen vaste woonplaats): Woonbegeleiding De Haven (Woonbegeleiding De Haven vzw), "
            "12 min met het openbaar vervoer, 3 weken wachten"
        )
        assert explain_line(NEEDS[2], CGG) == (
            "Psychisch welzijn (Psychische problemen): CGG Kust (CGG Kust vzw), aan huis (outreach), "
            "nu een vrije plaats"
        )
    with translation.override("en"):
        assert explain_line(NEEDS[1], SCHULD) == (
            "Financiën (Schulden): Schuldhulp OCMW (Schuldhulp OCMW vzw), 25 min by public transport, a free place now"
        )


def test_with_room_for_two_offers_the_two_most_severe_needs_are_covered() -> None:
    package = build_package(MARLIES, [BUURT, CGG, SCHULD, HAVEN], max_offers=2)
    covered = [line.need.key for line in package.lines if line.recommendation is not None]
    assert covered == ["obstacle:homeless", "obstacle:debts"]  # debts before mental health: same weight, listed first
    assert [n.key for n in package.uncovered] == ["obstacle:mental", "obstacle:network"]
    with translation.override("nl-be"):
        assert (
            package.lines[3].text
            == "Sociaal netwerk (Klein sociaal netwerk): geen aanbod binnen bereik voldoet aan deze nood."
        )


def test_a_better_fitting_offer_for_a_light_need_never_displaces_a_severe_need() -> None:
    great_leisure = _rec(_offer(5, "Sportclub", {NETWORK}, {LEISURE}), 5, quality=55.0)
    poor_housing = replace(HAVEN, quality=-40.0)
    package = build_package(MARLIES, [great_leisure, poor_housing], max_offers=1)
    assert [line.recommendation.offer.id for line in package.lines if line.recommendation] == [1]


def test_one_offer_meeting_two_needs_beats_two_offers() -> None:
    both = _rec(_offer(6, "Trajectbegeleiding", {DEBTS, MENTAL}, {DEBT_HELP, PSY_HELP}), 20, quality=8.0)
    package = build_package(MARLIES, [SCHULD, CGG, both])
    assert {line.need.key: line.recommendation.offer.id for line in package.lines[1:3] if line.recommendation} == {
        "obstacle:debts": 6,
        "obstacle:mental": 6,
    }
    assert [r.offer.id for r in package.offers].count(6) == 1


def test_an_offer_beyond_the_travel_limit_is_left_out_and_stricter_with_limited_mobility() -> None:
    far = _rec(_offer(7, "Woonwinkel Brugge", {HOUSING}, {HOUSING_SUPPORT}), 75, quality=30.0)
    middle = _rec(_offer(8, "Woonwinkel Oostende", {HOUSING}, {HOUSING_SUPPORT}), 50, quality=0.0)
    package = build_package(MARLIES, [far, middle])
    assert package.lines[0].recommendation is not None and package.lines[0].recommendation.offer.id == 8
    limited = replace(MARLIES, mobility_limited=True)
    assert build_package(limited, [far, middle]).lines[0].recommendation is None


def test_a_full_offer_with_a_long_waiting_list_is_left_out() -> None:
    full = _rec(_offer(9, "Sociaal verhuurkantoor", {HOUSING}, {HOUSING_SUPPORT}, free_places=0, waiting_weeks=30))
    assert build_package(MARLIES, [full]).lines[0].recommendation is None
    assert build_package(MARLIES, [full, HAVEN]).lines[0].recommendation == HAVEN


def test_an_offer_of_a_kind_the_region_does_not_give_for_the_need_does_not_meet_it() -> None:
    wrong_kind = _rec(_offer(10, "Taalcafé", {HOUSING}, {LEISURE}))
    assert build_package(MARLIES, [wrong_kind]).lines[0].recommendation is None


def test_a_client_without_needs_gets_an_empty_package() -> None:
    assert build_package(replace(MARLIES, needs=()), [HAVEN]).lines == []


def test_the_package_model_skips_or_tools_per_instance_camel_case_aliases() -> None:
    """The recommendations page builds one model per request; OR-Tools would set a CamelCase alias of every
    method on each (about half a millisecond). The lean model has none, and still solves."""
    from ortools.sat.python import cp_model

    from apps.matching.package import lean_model_class

    assert hasattr(cp_model.CpModel(), "NewBoolVar")
    model = lean_model_class()()
    assert not hasattr(model, "NewBoolVar")
    x = model.new_bool_var("x")
    model.maximize(x)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL and solver.value(x) == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(  # offers: which needs each meets (by obstacle), its quality, distance and places
        st.tuples(
            st.sets(st.sampled_from([HOUSING, DEBTS, MENTAL, NETWORK]), min_size=1, max_size=3),
            st.floats(min_value=-20, max_value=40, allow_nan=False),
            st.sampled_from([5.0, 30.0, 70.0]),
            st.integers(min_value=0, max_value=2),
        ),
        min_size=1,
        max_size=7,
    ),
    st.integers(min_value=1, max_value=4),
)
def test_the_package_is_as_good_as_the_best_subset_of_offers_found_by_trying_them_all(offers, room) -> None:
    """Whatever CP-SAT's settings, the package is optimal: no subset of at most ``room`` usable offers, each need
    taking its best offer in the subset, is worth more (the model in package.py's docstring)."""
    kinds = {HOUSING: HOUSING_SUPPORT, DEBTS: DEBT_HELP, MENTAL: PSY_HELP, NETWORK: LEISURE}
    ranked = [
        _rec(
            _offer(
                i + 1, f"Aanbod {i + 1}", obstacles, {kinds[o] for o in obstacles}, free_places=places, waiting_weeks=20
            ),
            minutes,
            quality,
        )
        for i, (obstacles, quality, minutes, places) in enumerate(offers)
    ]
    needs = list(MARLIES.needs)

    def worth(chosen: dict[int, Recommendation | None]) -> int:
        used = {r.offer.id for r in chosen.values() if r is not None}
        total = sum(
            _value(needs, i, f) for i, r in chosen.items() if r is not None and (f := fit(needs[i], r)) is not None
        )
        return total - OFFER_COST * len(used)

    package = build_package(MARLIES, ranked, max_offers=room)
    assert package.optimal
    got = worth({i: line.recommendation for i, line in enumerate(package.lines)})
    candidates = [r for r in ranked if usable(MARLIES, r)]
    best = 0
    for size in range(1, room + 1):
        for subset in itertools.combinations(candidates, size):
            chosen: dict[int, Recommendation | None] = {}
            for i, need in enumerate(needs):
                fits = [(f, r) for r in subset if (f := fit(need, r)) is not None]
                chosen[i] = max(fits, key=lambda pair: _value(needs, i, pair[0]))[1] if fits else None
            best = max(best, worth(chosen))
    assert got == best
