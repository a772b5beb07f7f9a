"""The recommendation score of every offer for many clients at once (numpy), for the allocation run.

``OfferMatrix(offers, travel).scores(profile)`` returns, for one client, the same eligibility and score as
``recommend.eligible`` and ``recommend.score_offer(..., explain=False).score`` for every offer (the rule is in
apps/matching/recommend.py and docs/decisions/0006-matching.md), as arrays instead of a Python loop: the
parts that depend on a few client attributes (place, languages, gender, target groups, challenge) are
computed once per distinct value and reused, so 10,000 clients x 2,000 offers take about a second instead of
40. Scores may differ from ``score_offer`` by the last rounding step (0.01) because sums are taken in
another order; the tests compare both.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from apps.matching.recommend import TRAVEL_CAP_MIN, ClientProfile, OfferProfile, language_fit
from apps.matching.travel import TravelModel


class OfferMatrix:
    """Offers as arrays; ``scores(profile)`` -> ``(eligible: bool[n], score: float[n])`` for one client."""

    def __init__(self, offers: list[OfferProfile], travel: TravelModel) -> None:
        self.offers = offers
        self.travel = travel
        n = len(offers)
        obstacle_ids = sorted({o for offer in offers for o in offer.obstacle_ids})
        self.obstacle_index = {o: i for i, o in enumerate(obstacle_ids)}
        self.obstacles = np.zeros((n, len(obstacle_ids)), dtype=np.float64)
        for j, offer in enumerate(offers):
            for o in offer.obstacle_ids:
                self.obstacles[j, self.obstacle_index[o]] = 1.0
        self.online = np.array([o.delivery_mode == "online" for o in offers], dtype=bool)
        self.min_age = np.array([-1 if o.min_age is None else o.min_age for o in offers], dtype=np.int64)
        self.max_age = np.array([10**6 if o.max_age is None else o.max_age for o in offers], dtype=np.int64)
        self.no_travel = np.array(
            [o.delivery_mode in {"outreach", "online"} or o.latitude is None or o.longitude is None for o in offers],
            dtype=bool,
        )
        self.waiting = np.array(
            [0.0 if o.free_places > 0 else min(o.waiting_weeks, 12) / 12 for o in offers], dtype=np.float64
        )
        self.organisation = np.array([o.organisation_id for o in offers], dtype=np.int64)
        self.ids = np.array([o.id for o in offers], dtype=np.int64)
        self._cache: dict[Hashable, np.ndarray] = {}

    def _memo(self, key: Hashable, build: Any) -> np.ndarray:
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = build()
        return value

    def scores(self, client: ClientProfile) -> tuple[np.ndarray, np.ndarray]:
        """Eligibility and score of every offer for ``client``, in the order of ``offers``."""
        offers = self.offers
        columns = self.obstacle_index
        challenge = self._memo(
            ("challenge", client.challenge_intervention_ids),
            lambda: np.array([bool(o.intervention_type_ids & client.challenge_intervention_ids) for o in offers], bool),
        )
        # An offer qualifies when it meets one of the client's needs or is a kind sought for the nearest
        # challenge (recommend.eligible); its need score is the weight of the needs it meets (score_offer).
        wanted = np.zeros(self.obstacles.shape[1], dtype=np.float64)
        for o in client.need_obstacles or client.obstacle_weights.keys():
            if o in columns:
                wanted[columns[o]] = 1.0
        meets = (self.obstacles @ wanted) > 0
        if client.needs:
            need = np.zeros(len(offers), dtype=np.float64)
            for n in client.needs:
                cols = [columns[o] for o in n.obstacle_ids if o in columns]
                if cols:
                    need += n.weight * (self.obstacles[:, cols].sum(axis=1) > 0)
            need /= sum(n.weight for n in client.needs) or 1.0
        else:
            weights = np.zeros(self.obstacles.shape[1], dtype=np.float64)
            for o, w in client.obstacle_weights.items():
                if o in columns:
                    weights[columns[o]] = w
            need = (self.obstacles @ weights) / (sum(client.obstacle_weights.values()) or 1.0)
        eligible = (
            (meets | challenge)
            & (self.min_age <= client.age)
            & (self.max_age >= client.age)
            & self._memo(
                ("muni", client.municipality_id),
                lambda: self.online | np.array([client.municipality_id in o.municipality_ids for o in offers], bool),
            )
            & self._memo(
                ("groups", client.target_group_ids),
                lambda: np.array(
                    [not o.target_group_ids or bool(o.target_group_ids & client.target_group_ids) for o in offers],
                    bool,
                ),
            )
            & self._memo(
                ("gender", client.gender),
                lambda: np.array([not o.gender or o.gender == client.gender for o in offers], bool),
            )
        )
        minutes = self._memo(
            ("place", client.place),
            lambda: np.array(
                [
                    0.0
                    if self.no_travel[j]
                    else self.travel.minutes(
                        client.place, o.location_municipality, o.latitude or 0.0, o.longitude or 0.0
                    )
                    for j, o in enumerate(offers)
                ],
                dtype=np.float64,
            ),
        )
        language = self._memo(
            ("language", client.languages, client.dutch_level),
            lambda: np.array([language_fit(client, o) for o in offers], dtype=np.float64),
        )
        continuity = self._memo(
            ("organisations", client.organisation_ids),
            lambda: np.isin(self.organisation, np.fromiter(client.organisation_ids, dtype=np.int64)),
        )
        travel_weight = 30.0 if client.mobility_limited else 10.0
        score = (
            100 * need
            + 20 * language
            - travel_weight * (np.minimum(minutes, TRAVEL_CAP_MIN) / TRAVEL_CAP_MIN)
            - 10 * self.waiting
            + 10 * continuity
            + 25 * client.challenge_closeness * challenge
        )
        return eligible, np.round(score, 2)

    def shortlist(
        self, client: ClientProfile, k: int, only_offer_id: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The client's ``k`` best eligible offers: ``(offer indexes: int64[<=k], max(score, 0): float[<=k])``.

        Best first, in the order of ``heapq.nlargest(k, [(score, index), ...])``: higher score, then the
        higher index. ``only_offer_id`` keeps only that offer (a waiting-list entry for one offer).
        """
        eligible, score = self.scores(client)
        if only_offer_id is not None:
            eligible = eligible & (self.ids == only_offer_id)
        index = np.flatnonzero(eligible)
        clipped = np.maximum(score[index], 0.0)
        if index.size > k:  # keep the k best (with every tie at the k-th score), then order those
            cut = np.partition(clipped, index.size - k)[index.size - k]
            keep = clipped >= cut
            index, clipped = index[keep], clipped[keep]
        order = np.lexsort((-index, -clipped))[:k]
        return index[order], clipped[order]
