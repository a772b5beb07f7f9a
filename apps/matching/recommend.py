"""Recommendation of offers for one client: eligibility, a transparent score, reasons in Dutch.

Pure functions over plain profiles (built by apps/matching/selectors.py), so one client against
2,000 offers takes milliseconds. The score (docs/decisions/0006-matching.md):

    score = 100 * need                       # share of the client's obstacles the offer addresses,
                                             # each weighted by the severity of its life domain
          + 20 * language                    # 1 shared language, 0.5 interpreter or basic Dutch, 0 none
          - travel_weight * travel           # travel = min(minutes, 90) / 90; 0 for outreach and online;
                                             # travel_weight 30 with a mobility obstacle, else 10
          - 10 * waiting                     # waiting = min(weeks, 12) / 12 when the offer is full
          + 10 * continuity                  # the organisation already works with the client
          + 25 * closeness * challenge       # the offer is of a kind the region seeks (support sought) for
                                             # the client's nearest regional challenge, weighted by how
                                             # close the client is to that persona (0..1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.matching.travel import Place, TravelModel

DUTCH_OK = {"B1", "B2", "C1", "C2"}
MOBILITY_DOMAIN = "mobility"
TRAVEL_CAP_MIN = 90.0


@dataclass(frozen=True)
class OfferProfile:
    id: int
    title: str
    organisation_id: int
    organisation_name: str
    obstacle_ids: frozenset[int]
    intervention_type_ids: frozenset[int]
    municipality_ids: frozenset[int]
    delivery_mode: str
    location_municipality: str
    latitude: float | None
    longitude: float | None
    languages: frozenset[str]
    interpreter: bool
    min_age: int | None
    max_age: int | None
    target_group_ids: frozenset[int]
    gender: str
    free_places: int
    waiting_weeks: int


@dataclass(frozen=True)
class ClientProfile:
    age: int
    gender: str
    municipality_id: int
    place: Place
    obstacle_weights: dict[int, float]  # obstacle id -> severity weight
    obstacle_labels: dict[int, str]
    mobility_limited: bool
    languages: frozenset[str]
    dutch_level: str
    target_group_ids: frozenset[int]
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    challenge_persona: str = ""
    challenge_intervention_ids: frozenset[int] = field(default_factory=frozenset)
    challenge_closeness: float = 0.0


@dataclass(frozen=True)
class Recommendation:
    offer: OfferProfile
    score: float
    covered: list[str]
    travel_minutes: float
    reasons: list[str]


def eligible(client: ClientProfile, offer: OfferProfile) -> bool:
    if offer.delivery_mode != "online" and client.municipality_id not in offer.municipality_ids:
        return False
    if offer.min_age is not None and client.age < offer.min_age:
        return False
    if offer.max_age is not None and client.age > offer.max_age:
        return False
    if offer.target_group_ids and not (offer.target_group_ids & client.target_group_ids):
        return False
    if offer.gender and offer.gender != client.gender:
        return False
    return bool(offer.obstacle_ids.intersection(client.obstacle_weights))


def language_fit(client: ClientProfile, offer: OfferProfile) -> float:
    spoken = offer.languages or frozenset({"nl"})
    if client.languages & spoken and (client.dutch_level in DUTCH_OK or (client.languages & spoken) - {"nl"}):
        return 1.0
    if offer.interpreter or ("nl" in spoken and client.dutch_level == "A2"):
        return 0.5
    return 0.0


def score_offer(
    client: ClientProfile, offer: OfferProfile, travel: TravelModel, explain: bool = True
) -> Recommendation:
    total = sum(client.obstacle_weights.values()) or 1.0
    covered_ids = offer.obstacle_ids.intersection(client.obstacle_weights)
    need = sum(client.obstacle_weights[o] for o in covered_ids) / total
    if offer.delivery_mode in {"outreach", "online"} or offer.latitude is None or offer.longitude is None:
        minutes = 0.0
    else:
        minutes = travel.minutes(client.place, offer.location_municipality, offer.latitude, offer.longitude)
    travel_weight = 30.0 if client.mobility_limited else 10.0
    travel_norm = min(minutes, TRAVEL_CAP_MIN) / TRAVEL_CAP_MIN
    language = language_fit(client, offer)
    waiting = 0.0 if offer.free_places > 0 else min(offer.waiting_weeks, 12) / 12
    continuity = 1.0 if offer.organisation_id in client.organisation_ids else 0.0
    challenge = 1.0 if offer.intervention_type_ids & client.challenge_intervention_ids else 0.0
    score = (
        100 * need
        + 20 * language
        - travel_weight * travel_norm
        - 10 * waiting
        + 10 * continuity
        + 25 * client.challenge_closeness * challenge
    )
    if not explain:  # ranking first; the reasons are written only for the offers shown
        return Recommendation(offer, round(score, 2), [], round(minutes, 1), [])

    covered = sorted(client.obstacle_labels[o] for o in covered_ids)
    reasons = [
        ngettext(
            "Addresses %(n)s of the client's %(total)s obstacles: %(list)s.",
            "Addresses %(n)s of the client's %(total)s obstacles: %(list)s.",
            len(covered),
        )
        % {"n": len(covered), "total": len(client.obstacle_weights), "list": ", ".join(covered)}
    ]
    if offer.delivery_mode == "outreach":
        reasons.append(_("Outreach: the worker comes to the client, no travel needed."))
    elif offer.delivery_mode == "online":
        reasons.append(_("Online: no travel needed."))
    else:
        text = _("About %(min)s minutes by public transport.") % {"min": round(minutes)}
        if client.mobility_limited:
            text += " " + _("Counted heavier: the client has limited mobility.")
        reasons.append(text)
    if language == 1.0:
        reasons.append(_("Speaks the client's language."))
    elif language == 0.5:
        reasons.append(
            _("An interpreter is available.")
            if offer.interpreter
            else _("Works in Dutch; the client speaks basic Dutch.")
        )
    else:
        reasons.append(_("No shared language and no interpreter."))
    if offer.free_places > 0:
        reasons.append(
            ngettext("%(n)s free place.", "%(n)s free places.", offer.free_places) % {"n": offer.free_places}
        )
    else:
        reasons.append(_("Full: waiting time about %(w)s weeks.") % {"w": offer.waiting_weeks})
    if continuity:
        reasons.append(_("This organisation already works with the client."))
    if challenge:
        reasons.append(
            _("The region seeks this kind of support for the persona %(persona)s, closest to this client.")
            % {"persona": client.challenge_persona}
        )
    return Recommendation(offer, round(score, 2), covered, round(minutes, 1), reasons)


def recommend(
    client: ClientProfile,
    offers: list[OfferProfile],
    travel: TravelModel,
    limit: int | None = None,
    explain: int | None = 20,
) -> list[Recommendation]:
    """Eligible offers, best first. The first ``explain`` (all when None) carry their reasons."""
    ranked = [score_offer(client, o, travel, explain=False) for o in offers if eligible(client, o)]
    ranked.sort(key=lambda r: (-r.score, r.travel_minutes, r.offer.id))
    if limit:
        ranked = ranked[:limit]
    count = len(ranked) if explain is None else min(explain, len(ranked))
    ranked[:count] = [score_offer(client, r.offer, travel) for r in ranked[:count]]
    return ranked


def suggest_package(client: ClientProfile, ranked: list[Recommendation]) -> list[Recommendation]:
    """The fewest offers covering as many of the client's obstacles as possible.

    Greedy set cover: repeatedly take the offer that covers the most still-uncovered obstacle
    weight (ties: the higher score). Within a factor ln(n) of the minimum, and exact in the
    usual case of a handful of obstacles where each offer covers a few.
    """
    uncovered = set(client.obstacle_weights)
    package: list[Recommendation] = []
    candidates = list(ranked)

    def gain(r: Recommendation, still_open: set[int]) -> tuple[float, float]:
        return (sum(client.obstacle_weights[o] for o in r.offer.obstacle_ids & still_open), r.score)

    while uncovered and candidates:
        best = max(candidates, key=lambda r: gain(r, uncovered))  # noqa: B023 - evaluated at once
        if gain(best, uncovered)[0] == 0:
            break
        package.append(best)
        uncovered -= best.offer.obstacle_ids
        candidates.remove(best)
    return package


def uncovered_obstacles(client: ClientProfile, package: list[Recommendation]) -> list[str]:
    """The client's obstacles that no offer of the package addresses (labels, sorted)."""
    covered = {o for r in package for o in r.offer.obstacle_ids}
    return sorted(client.obstacle_labels[o] for o in set(client.obstacle_weights) - covered)
