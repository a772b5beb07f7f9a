"""Classification of a client: target groups (by the region's rules) and the nearest regional challenges.

Closeness to a challenge is the Jaccard similarity of the client's obstacles and the persona's
obstacles, each obstacle weighted by how severe the client's level is in its life domain
(apps.regions.severity, defined once for recommendations and closeness alike). Ties go to the more prevalent
challenge. Pure functions: the region's data comes in, no query is made here.
"""

from __future__ import annotations

import datetime as dt
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
        }
    return Facts(age=client.age_on(on), obstacles=frozenset(obstacle_codes), facts=facts)


def persona_closeness(*, mine: dict[int, int], theirs: dict[int, int], levels: dict[int, int]) -> float:
    """Closeness of a client to a persona, 0..1 rounded to 3 decimals: the weighted Jaccard similarity of
    their obstacles, each weighted by the severity of the client's level in its life domain.

    ``mine`` and ``theirs`` map obstacle id → life domain id; ``levels`` maps life domain id → level 1-5.
    Weights: apps.regions.severity (one definition for closeness and recommendations).
    """
    union = {**theirs, **mine}
    total = sum(severity_weight(levels.get(domain)) for domain in union.values())
    shared = sum(severity_weight(levels.get(mine[pk])) for pk in mine.keys() & theirs.keys())
    return round(shared / total, 3) if total else 0.0


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
        score = persona_closeness(
            mine={o.pk: o.life_domain_id for o in mine}, theirs={o.pk: o.life_domain_id for o in theirs}, levels=levels
        )
        shared_l, persona_l, client_l = (
            _labels(list(shared)),
            _labels(list(theirs - mine)),
            _labels(list(mine - theirs)),
        )
        parts = [
            _("%(n)s of the persona's %(total)s obstacles are shared") % {"n": len(shared), "total": len(theirs)}
            + (": " + ", ".join(shared_l) if shared_l else "")
            + "."
        ]
        if persona_l:
            parts.append(_("Not (yet) seen with this client: %(list)s.") % {"list": ", ".join(persona_l)})
        if client_l:
            parts.append(_("Only with this client: %(list)s.") % {"list": ", ".join(client_l)})
        matches.append(ChallengeMatch(challenge, score, shared_l, persona_l, client_l, " ".join(parts)))
    matches.sort(key=lambda m: (-m.score, m.challenge.rank))
    return Classification(target_groups=groups, challenges=matches)
