"""The offer index (obstacle -> offers, type -> offers, municipality -> offers) changes no recommendation.

``recommend`` over an index looks only at the offers meeting a need or of a sought kind and stops a
need's search early; these tests hold it to the plain scan (score_offer on every eligible offer,
select_top without index) on random social maps.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.matching.recommend import (
    ClientProfile,
    Need,
    OfferProfile,
    eligible,
    index_offers,
    recommend,
    score_offer,
    select_top,
)
from apps.matching.travel import Place, TravelModel

PLACES = {1: ("oostende", 51.215, 2.927), 2: ("bredene", 51.236, 2.975), 3: ("ichtegem", 51.093, 3.014)}


def _offers(rng: random.Random, n: int) -> list[OfferProfile]:
    offers = []
    for i in range(1, n + 1):
        muni = rng.choice(list(PLACES))
        code, lat, lon = PLACES[muni]
        offers.append(
            OfferProfile(
                id=i,
                title=f"Aanbod {i}",
                organisation_id=rng.randint(1, 4),
                organisation_name="Org",
                obstacle_ids=frozenset(rng.sample(range(1, 9), k=rng.randint(0, 3))),
                intervention_type_ids=frozenset(rng.sample(range(1, 7), k=rng.randint(1, 2))),
                municipality_ids=frozenset(rng.sample(list(PLACES), k=rng.randint(1, 3))),
                delivery_mode=rng.choice(["at_address", "at_address", "outreach", "online"]),
                location_municipality=code,
                latitude=lat,
                longitude=lon,
                languages=frozenset(rng.choice([["nl"], ["nl", "ar"], ["fr"]])),
                interpreter=rng.random() < 0.3,
                min_age=rng.choice([None, None, 18]),
                max_age=rng.choice([None, None, 25, 30]),
                target_group_ids=frozenset(rng.choice([[], [], [1], [2]])),
                gender=rng.choice(["", "", "", "F", "M"]),
                free_places=rng.choice([0, 0, 1, 3]),
                waiting_weeks=rng.randint(0, 14),
            )
        )
    return offers


def _client(rng: random.Random) -> ClientProfile:
    obstacles = rng.sample(range(1, 9), k=rng.randint(0, 4))
    weights = {o: rng.choice([3.0, 2.0, 1.0]) for o in obstacles}
    needs = [
        Need(
            key=f"obstacle:{o}",
            label=f"O{o}",
            domain="d",
            level=2,
            weight=w,
            obstacle_ids=frozenset({o}),
            kinds={k: rng.randint(0, 2) for k in rng.sample(range(1, 7), k=3)},
        )
        for o, w in weights.items()
    ]
    if rng.random() < 0.5:  # a low life domain without a recorded obstacle
        members = frozenset(rng.sample(range(1, 9), k=2))
        needs.append(Need("domain:x", "X", "x", 1, 3.0, members, {rng.randint(1, 6): 0}, from_domain=True))
    needs.sort(key=lambda n: -n.weight)
    code, lat, lon = PLACES[1]
    return ClientProfile(
        age=rng.choice([19, 24, 40]),
        gender=rng.choice(["F", "M"]),
        municipality_id=rng.choice(list(PLACES)),
        place=Place(code=code, municipality=code, latitude=lat, longitude=lon),
        obstacle_weights=weights,
        obstacle_labels={o: f"O{o}" for o in weights},
        mobility_limited=rng.random() < 0.5,
        languages=frozenset(rng.choice([["nl"], ["ar"], ["prs"]])),
        dutch_level=rng.choice(["A0", "A2", "B1"]),
        target_group_ids=frozenset(rng.choice([[], [1], [1, 2]])),
        organisation_ids=frozenset({1}),
        challenge_persona="Saled",
        challenge_intervention_ids=frozenset(rng.sample(range(1, 7), k=rng.randint(0, 2))),
        challenge_closeness=rng.random(),
        needs=tuple(needs),
        need_obstacles=frozenset(o for n in needs for o in n.obstacle_ids),
    )


def _scan(client: ClientProfile, offers: list[OfferProfile], travel: TravelModel) -> list[tuple[int, float, str, bool]]:
    """The plain way: every offer through eligible() and score_offer(), select_top over the list."""
    ranked = [score_offer(client, o, travel, explain=False) for o in offers if eligible(client, o)]
    ranked.sort(key=lambda r: (-r.score, r.travel_minutes, r.offer.id))
    top = select_top(client, ranked)
    ids = {r.offer.id for r in top}
    return [(r.offer.id, r.score, r.need, r.sought) for r in top + [r for r in ranked if r.offer.id not in ids]]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6), n=st.integers(min_value=0, max_value=60))
def test_the_indexed_recommendation_equals_the_plain_scan(seed: int, n: int) -> None:
    rng = random.Random(seed)
    offers, client = _offers(rng, n), _client(rng)
    travel = TravelModel.from_links([("bus", ["oostende", "bredene"])])
    got = recommend(client, index_offers(offers), travel, explain=0)
    assert [(r.offer.id, r.score, r.need, r.sought) for r in got] == _scan(client, offers, travel)


def test_the_index_finds_offers_by_obstacle_kind_and_place() -> None:
    offers = _offers(random.Random(7), 40)
    index = index_offers(offers)
    assert index.meeting({3}) == {o.id for o in offers if 3 in o.obstacle_ids}
    assert index.of_kinds({2, 5}) == {o.id for o in offers if o.intervention_type_ids & {2, 5}}
    assert index.serving(3) == {o.id for o in offers if 3 in o.municipality_ids or o.delivery_mode == "online"}
