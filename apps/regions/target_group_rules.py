"""Evaluate a target group's rule (docs/region-format.md, "Rules") against a client's facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Facts:
    """What the intake knows: age, obstacle codes, and named facts (None = unknown or not said).

    ``on``: the date the facts hold on (the screening's date); ``children``: birth years of the
    children in the household (None = household not recorded, () = no children).
    """

    age: int | None
    obstacles: frozenset[str]
    facts: dict[str, Any] = field(default_factory=dict)
    on: dt.date | None = None
    children: tuple[int, ...] | None = None


def child_age(birth_year: int, on: dt.date) -> int:
    """Age of a child known by birth year only, on ``on``: the age reached in that calendar year.

    A rule on children is about the household's load of care, which a birth year answers; the
    convention is stated in docs/region-format.md ("Rules": ``children_under``).
    """
    return on.year - birth_year


def evaluate(rule: dict[str, Any], facts: Facts) -> bool:
    """True when ``facts`` satisfy ``rule`` (one key, docs/region-format.md "Rules"); unknown facts count as false.

    Raises ValueError for an unknown rule key (the loader refuses such files before).
    """
    ((key, value),) = rule.items()
    if key == "all":
        return all(evaluate(sub, facts) for sub in value)
    if key == "any":
        return any(evaluate(sub, facts) for sub in value)
    if key == "not":
        return not evaluate(value, facts)
    if key == "obstacles_any":
        return bool(facts.obstacles.intersection(value))
    if key == "obstacles_at_least":
        return len(facts.obstacles.intersection(value["of"])) >= value["count"]
    if key == "age":
        if facts.age is None:
            return False
        return value.get("min", 0) <= facts.age <= value.get("max", 200)
    if key == "children_under":
        # at least one child younger than ``value`` years on the screening date
        if facts.children is None:
            return False
        on = facts.on or dt.date.today()
        return any(child_age(year, on) < value for year in facts.children)
    if key == "single_parent":
        known = facts.facts.get("single_parent")
        return known is not None and bool(known) == bool(value)
    if key == "fact":
        known = facts.facts.get(value["name"])
        if known is None:
            return False
        if "equals" in value:
            return bool(known == value["equals"])
        return known in value["in"]
    raise ValueError(f"unknown rule {key!r}")
