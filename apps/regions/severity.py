"""How heavily a need weighs, by the level of its life domain in the screening: defined once.

Levels are those of the screening (apps.assessment.models.Level): 1 acute problems, 2 not
self-reliant, 3 limited self-reliance, 4 sufficiently, 5 fully self-reliant. An acute domain
weighs clearly more than a limited one (3.0 against 1.0: a social worker deals with the acute
first); an unknown level counts as limited. Used by the recommendations (needs first) and by the
nearest regional challenge (closeness weights shared obstacles by severity).
"""

from __future__ import annotations

LEVEL_WEIGHT: dict[int, float] = {1: 3.0, 2: 2.0, 3: 1.0, 4: 0.5, 5: 0.25}
UNKNOWN_WEIGHT = 1.0
NEED_LEVELS = frozenset({1, 2})  # a life domain at these levels is a need even without a recorded obstacle


def severity_weight(level: int | None) -> float:
    """Weight of a need whose life domain is at ``level`` (1-5, None unknown): 3.0 acute ... 0.25 fully."""
    return UNKNOWN_WEIGHT if level is None else LEVEL_WEIGHT.get(level, UNKNOWN_WEIGHT)
