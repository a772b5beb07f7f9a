"""ISCO-08 occupations (International Labour Organization), shipped as ``data/isco08.csv``.

``occupations()`` returns every group keyed by code (1-4 digits, leading zeros kept); opportunities
name a unit group (4 digits). Titles: Dutch where the file has one (major and sub-major groups),
else the ILO's English title.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from apps.core.models import pick_language

DATA_FILE = Path(__file__).resolve().parent / "data" / "isco08.csv"


@dataclass(frozen=True)
class Occupation:
    code: str
    level: str  # major | sub_major | minor | unit
    parent: str
    title_en: str
    title_nl: str

    @property
    def title(self) -> str:
        return pick_language(self.title_nl or self.title_en, self.title_en)


@lru_cache(maxsize=1)
def occupations() -> dict[str, Occupation]:
    """All ISCO-08 groups by code, read once per process."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: Occupation(**row) for row in csv.DictReader(handle)}


def unit_choices() -> list[tuple[str, str]]:
    """(code, "code title") for every unit group, for a select."""
    return [(o.code, f"{o.code} {o.title}") for o in occupations().values() if o.level == "unit"]


def is_unit(code: str) -> bool:
    found = occupations().get(code)
    return found is not None and found.level == "unit"


def label(code: str) -> str:
    """``"5120 Cooks"``; the code alone when unknown."""
    found = occupations().get(code)
    return f"{code} {found.title}" if found else code


def major_of(code: str) -> Occupation | None:
    return occupations().get(code[:1]) if code else None
