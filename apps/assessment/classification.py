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


def _weight(obstacle: Any, levels: dict[int, int]) -> float:
    return severity_weight(levels.get(obstacle.life_domain_id))


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
        union = mine | theirs
        shared = mine & theirs
        total = sum(_weight(o, levels) for o in union)
        score = sum(_weight(o, levels) for o in shared) / total if total else 0.0
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
        matches.append(ChallengeMatch(challenge, round(score, 3), shared_l, persona_l, client_l, " ".join(parts)))
    matches.sort(key=lambda m: (-m.score, m.challenge.rank))
    return Classification(target_groups=groups, challenges=matches)
