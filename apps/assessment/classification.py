"""Classification of a client: target groups (by the region's rules) and the nearest regional challenges.

Closeness to a challenge is the Jaccard similarity of the client's obstacles and the persona's
obstacles, each obstacle weighted by how severe the client's level is in its life domain
(apps.regions.severity, defined once for recommendations and closeness alike). Related obstacles
(one ``family`` in the region file, e.g. debts and money management) count as partly shared: a
client obstacle and a persona obstacle of one family form a pair that weighs once in the union and
RELATED (0.5) in the overlap, once at least one obstacle is shared exactly (families alone make
no resemblance: an under-employed newcomer is not Mariam). Then the persona's profile (format
1.3) weighs in when both sides are known: an age outside the persona's range lowers the
closeness by AGE_STEP per year (at most AGE_MAX), a different single-parent status by
HOUSEHOLD_PENALTY. Ties go to the more prevalent challenge. Pure functions: the region's data
comes in, no query is made here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from apps.regions.severity import severity_weight
from apps.regions.target_group_rules import Facts, evaluate


@dataclass(frozen=True)
class ChallengeMatch:
    challenge: Any
    score: float
    shared: list[str]
    only_persona: list[str]
    only_client: list[str]
    explanation: str


@dataclass(frozen=True)
class Classification:
    target_groups: list[Any]
    challenges: list[ChallengeMatch]


def screening_facts(*, client: Any, screening: Any | None, obstacle_codes: set[str], on: dt.date) -> Facts:
    """What the rules may test, as on the screening's date (the ESF+ entry date), else on ``on``.

    A target group is decided at intake: a client screened at 25 stays in a 16-25 group for that
    screening after turning 26 (docs/region-format.md, "Rules"). Household: ``household_adults``,
    ``single_parent`` and the children's birth years (``Facts.children_birth_years``).
    """

    def answer(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value or "")

    facts: dict[str, Any] = {}
    if screening is not None:
        facts = {
            "employment_status": screening.employment_status or None,
            "in_education": screening.in_education,
            "foreign_background": answer(screening.foreign_background),
            "third_country_national": answer(screening.third_country_national),
            "disability": answer(screening.disability),
            "isced_level": screening.isced_level,
            "housing_situation": screening.housing_situation or None,
            "household_adults": screening.household_adults,
            "single_parent": screening.single_parent,
        }
        on = screening.screened_on
    children: tuple[int, ...] | None = None  # unknown until the household is recorded
    if screening is not None and (screening.household_adults is not None or screening.household_children):
        children = tuple(screening.household_children or ())
    return Facts(age=client.age_on(on), obstacles=frozenset(obstacle_codes), facts=facts, on=on, children=children)


RELATED = 0.5  # a related obstacle (same family) counts half as shared
AGE_STEP = 0.03  # closeness lost per year outside the persona's age range
AGE_MAX = 0.3
HOUSEHOLD_PENALTY = 0.15  # single parent against not (both known)


def _related_pairs(mine: AbstractSet[Any], theirs: AbstractSet[Any]) -> list[tuple[Any, Any]]:
    """One-to-one pairs (client obstacle, persona obstacle) of one family, neither shared exactly."""
    pairs = []
    left = sorted(theirs - mine, key=lambda o: (o.position, o.code))
    for o in sorted(mine - theirs, key=lambda o: (o.position, o.code)):
        family = getattr(o, "family", "")
        match = next((p for p in left if family and getattr(p, "family", "") == family), None)
        if match is not None:
            pairs.append((o, match))
            left.remove(match)
    return pairs


def _profile_fit(challenge: Any, facts: Facts, explain: bool = True) -> tuple[float, list[str]]:
    """(factor 0.55..1, explanation parts) from the persona's age range and household, when known; no parts
    (and no translation) with ``explain=False``."""
    factor, parts = 1.0, []
    low, high = getattr(challenge, "persona_age_min", None), getattr(challenge, "persona_age_max", None)
    if facts.age is not None and (low is not None or high is not None):
        outside = max((low or 0) - facts.age, facts.age - (high if high is not None else 200), 0)
        span = f"{low if low is not None else ''}–{high if high is not None else ''}"
        if outside:
            factor -= min(AGE_MAX, AGE_STEP * outside)
        if explain and outside:
            parts.append(_("Age %(age)s is outside the persona's %(span)s.") % {"age": facts.age, "span": span})
        elif explain:
            parts.append(_("Age %(age)s fits the persona's %(span)s.") % {"age": facts.age, "span": span})
    persona_single = getattr(challenge, "persona_single_parent", None)
    single = facts.facts.get("single_parent")
    if persona_single is not None and single is not None:
        if bool(single) != persona_single:
            factor -= HOUSEHOLD_PENALTY
        if explain and bool(single) == persona_single:
            parts.append(
                _("Single parent, like the persona.") if single else _("Not a single parent, like the persona.")
            )
        elif explain:
            parts.append(
                _("Single parent, unlike the persona.") if single else _("Not a single parent, unlike the persona.")
            )
    return factor, parts


def _weight(obstacle: Any, levels: dict[int, int]) -> float:
    return severity_weight(levels.get(obstacle.life_domain_id))


def challenge_closeness(
    *,
    challenge: Any,
    mine: AbstractSet[Any],
    theirs: AbstractSet[Any],
    levels: dict[int, int],
    facts: Facts,
    explain: bool = True,
) -> tuple[float, list[tuple[Any, Any]], list[str]]:
    """How close a client is to a challenge's persona: ``(score 0..1 rounded to 3 decimals, related pairs,
    explanation parts about age and household)``; the one rule for classify and the allocation's bulk profiles.

    ``mine``/``theirs``: the client's and the persona's obstacles (objects with ``pk``, ``life_domain_id``,
    ``family``, ``position``, ``code``); ``levels``: life domain id → level 1-5. A weighted Jaccard similarity
    (weights: apps.regions.severity) where an obstacle of the same family counts RELATED as shared (only when
    at least one obstacle is shared exactly), times the fit of the persona's age range and household.
    ``explain=False`` skips the translated explanation (bulk use).
    """
    union = mine | theirs
    shared = mine & theirs
    # related obstacles add to a resemblance; on their own (nothing shared exactly) they make none
    pairs = _related_pairs(mine, theirs) if shared else []
    # a related pair weighs once in the union (the heavier of the two) and RELATED in the overlap
    weight = {o: _weight(o, levels) for o in union}
    total = sum(weight.values()) - sum(min(weight[a], weight[b]) for a, b in pairs)
    overlap = sum(weight[o] for o in shared) + RELATED * sum(max(weight[a], weight[b]) for a, b in pairs)
    fit, profile_parts = _profile_fit(challenge, facts, explain=explain)
    return round((overlap / total if total else 0.0) * fit, 3), pairs, profile_parts


def _labels(obstacles: list[Any]) -> list[str]:
    return [o.label for o in sorted(obstacles, key=lambda o: (o.position, o.code))]


def classify(
    *,
    facts: Facts,
    target_groups: list[Any],
    challenges: list[tuple[Any, list[Any]]],
    obstacles_by_code: dict[str, Any],
    levels: dict[int, int],
) -> Classification:
    """``challenges`` pairs each challenge with its obstacles; ``levels`` maps life domain id to level."""
    groups = [g for g in target_groups if evaluate(g.rule, facts)]
    mine = {obstacles_by_code[c] for c in facts.obstacles if c in obstacles_by_code}
    matches = []
    for challenge, persona_obstacles in challenges:
        theirs = set(persona_obstacles)
        shared = mine & theirs
        score, pairs, profile_parts = challenge_closeness(
            challenge=challenge, mine=mine, theirs=theirs, levels=levels, facts=facts
        )
        paired_mine = {a for a, _b in pairs}
        paired_theirs = {b for _a, b in pairs}
        shared_l, persona_l, client_l = (
            _labels(list(shared)),
            _labels(list(theirs - mine - paired_theirs)),
            _labels(list(mine - theirs - paired_mine)),
        )
        parts = [
            _("%(n)s of the persona's %(total)s obstacles are shared") % {"n": len(shared), "total": len(theirs)}
            + (": " + ", ".join(shared_l) if shared_l else "")
            + "."
        ]
        if pairs:
            parts.append(
                _("Related, counted as partly shared: %(list)s.")
                % {"list": ", ".join(f"{a.label} ~ {b.label}" for a, b in pairs)}
            )
        if persona_l:
            parts.append(_("Not (yet) seen with this client: %(list)s.") % {"list": ", ".join(persona_l)})
        if client_l:
            parts.append(_("Only with this client: %(list)s.") % {"list": ", ".join(client_l)})
        parts.extend(profile_parts)
        matches.append(ChallengeMatch(challenge, score, shared_l, persona_l, client_l, " ".join(parts)))
    matches.sort(key=lambda m: (-m.score, m.challenge.rank))
    return Classification(target_groups=groups, challenges=matches)
