"""The optional DEGURBA class of a municipality in the region file (EECO17, docs/region-format.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apps.regions.services import RegionLoadError, region_load_text
from conftest import OOSTENDE_FILE


def with_degurba(value: Any) -> str:
    document = json.loads(OOSTENDE_FILE.read_text(encoding="utf-8"))
    for municipality in document["municipalities"]:
        if municipality["code"] == "ichtegem":
            municipality["degurba"] = value
    return json.dumps(document)


@pytest.mark.django_db
def test_a_region_file_may_give_a_municipality_its_degurba_class() -> None:
    region = region_load_text(text=with_degurba(3), source="test").region
    assert region.municipalities.get(code="ichtegem").degurba == 3
    assert region.municipalities.get(code="oostende").degurba is None  # absent = unknown


@pytest.mark.django_db
def test_a_degurba_class_outside_1_to_3_is_refused() -> None:
    with pytest.raises(RegionLoadError):
        region_load_text(text=with_degurba(4), source="test")
