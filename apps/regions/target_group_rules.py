"""Evaluate a target group's rule (docs/region-format.md, "Rules") against a client's facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Facts:
    """What the intake knows: age, obstacle codes, and named facts (None = unknown or not said)."""

    age: int | None
    obstacles: frozenset[str]
    facts: dict[str, Any] = field(default_factory=dict)


def evaluate(rule: dict[str, Any], facts: Facts) -> bool:
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
    if key == "fact":
        known = facts.facts.get(value["name"])
        if known is None:
            return False
        if "equals" in value:
            return bool(known == value["equals"])
        return known in value["in"]
    raise ValueError(f"unknown rule {key!r}")
