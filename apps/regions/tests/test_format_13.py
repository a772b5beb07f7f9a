"""Region format 1.3: household rules are checked like every rule; older files are upgraded on load."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from apps.regions.services import CURRENT_FORMAT_VERSION, upgrade_document
from apps.regions.validation import validate_region

ROOT = Path(__file__).resolve().parents[3]
OOSTENDE = json.loads((ROOT / "regions" / "oostende.json").read_text(encoding="utf-8"))


def _with_group(rule: object) -> dict:
    doc = copy.deepcopy(OOSTENDE)
    doc["target_groups"].append(
        {"code": "single-parents", "label": {"nl": "Alleenstaande ouders", "en": "x"}, "rule": rule}
    )
    return doc


def test_a_household_rule_is_valid() -> None:
    rule = {
        "all": [{"single_parent": True}, {"children_under": 3}, {"fact": {"name": "household_adults", "equals": 1}}]
    }
    assert validate_region(_with_group(rule)) == []


def test_a_wrong_household_rule_is_pointed_at() -> None:
    errors = " ".join(str(e) for e in validate_region(_with_group({"children_under": 0})))
    assert "target_groups" in errors
    assert validate_region(_with_group({"single_parent": "ja"}))
    assert validate_region(_with_group({"fact": {"name": "household_adults", "equals": 40}}))


def test_older_files_are_upgraded_to_14_without_changing_their_meaning() -> None:
    old = copy.deepcopy(OOSTENDE)
    old["format_version"] = "1.3"
    upgraded = upgrade_document(old)
    assert upgraded["format_version"] == CURRENT_FORMAT_VERSION == "1.4"
    assert {k: v for k, v in upgraded.items() if k != "format_version"} == {
        k: v for k, v in old.items() if k != "format_version"
    }
    older = copy.deepcopy(OOSTENDE)
    older["format_version"] = "1.1"
    for d in older["life_domains"]:
        d.pop("mobility", None)
    marked = [d["code"] for d in upgrade_document(older)["life_domains"] if d.get("mobility")]
    assert marked == ["mobility"]
    assert upgrade_document(upgraded) is upgraded
