"""A broken region file gets every error listed at its location; the database stays unchanged."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from apps.regions.models import Obstacle, Region
from apps.regions.validation import parse_region_text, validate_region

ROOT = Path(__file__).resolve().parents[3]
OOSTENDE = json.loads((ROOT / "regions" / "oostende.json").read_text(encoding="utf-8"))


def broken() -> dict[str, Any]:
    doc = copy.deepcopy(OOSTENDE)
    doc["challenges"][2]["obstacles"][0]["obstacles"] = ["does-not-exist"]  # unknown obstacle code
    doc["municipalities"][1]["nis_code"] = "3501"  # bad NIS code
    doc["obstacles"][3]["code"] = doc["obstacles"][0]["code"]  # duplicate code
    doc["call"]["candidacy_deadline"] = "vrijdag 2 juni om 23u59"  # not a date-time
    return doc


def test_the_oostende_file_is_valid() -> None:
    assert validate_region(OOSTENDE) == []


def test_it_lists_every_error_of_a_broken_file_with_its_location() -> None:
    errors = [str(e) for e in validate_region(broken())]
    joined = "\n".join(errors)
    assert "challenges[2] (thierry).obstacles[0].obstacles[0]: unknown obstacle 'does-not-exist'" in joined
    assert (
        "municipalities[1] (middelkerke).nis_code: '3501' is not valid: a NIS code has 5 digits, e.g. 35013" in errors
    )
    dup = OOSTENDE["obstacles"][0]["code"]
    assert any(e.startswith("obstacles[3]") and f"'{dup}' is used more than once" in e for e in errors)
    assert any(e.startswith("call.candidacy_deadline:") for e in errors)
    assert len(errors) >= 4


@pytest.mark.parametrize(
    ("change", "location", "fragment"),
    [
        (lambda d: d["obstacles"][0].update(life_domain="nowhere"), "obstacles[0]", "unknown life domain"),
        (
            lambda d: d["challenges"][0]["support"][0].update(intervention_types=["x"]),
            "challenges[0] (saled).support[0]",
            "unknown intervention type",
        ),
        (
            lambda d: d["target_groups"][0].update(rule={"fact": {"name": "shoe_size", "equals": 42}}),
            "target_groups[0]",
            "unknown fact",
        ),
        (
            lambda d: d["target_groups"][0].update(rule={"obstacles_any": ["ghost"]}),
            "target_groups[0]",
            "unknown obstacle",
        ),
        (lambda d: d["call"].update(decision_by="2023-02-30"), "call.decision_by", "not a valid date"),
        (lambda d: d["call"].update(rebuttal_by="2023-01-01"), "call", "comes before"),
        (
            lambda d: d["municipalities"][0]["deelgemeenten"][0].update(postal_code="9000"),
            "municipalities[0] (oostende).deelgemeenten[0]",
            "not one of the municipality's postal codes",
        ),
        (lambda d: d["municipalities"][1].update(postal_codes=["8400"]), "municipalities[1]", "already belongs"),
        (lambda d: d.pop("challenges"), "$", "required field 'challenges' is missing"),
        (lambda d: d.update(colour="blue"), "$", "unknown field"),
        (lambda d: d["challenges"][1].update(rank=1), "challenges[1]", "used more than once"),
        (lambda d: d["enrichment"][0].update(challenge="nobody"), "enrichment[0]", "unknown challenge"),
    ],
)
def test_it_points_at_the_problem(change: Any, location: str, fragment: str) -> None:
    doc = copy.deepcopy(OOSTENDE)
    change(doc)
    errors = [str(e) for e in validate_region(doc)]
    assert any(e.startswith(location) and fragment in e for e in errors), errors


def test_it_reports_a_syntax_error_with_line_and_column() -> None:
    document, errors = parse_region_text('{\n  "code": "x",\n  oops\n}')
    assert document is None
    assert str(errors[0]).startswith("line 3, column 3")


def test_it_refuses_an_unknown_major_version() -> None:
    doc = copy.deepcopy(OOSTENDE)
    doc["format_version"] = "2.0"
    assert "not supported" in str(validate_region(doc)[0])


def test_the_command_exits_non_zero_and_changes_nothing(oostende: Region, tmp_path: Path, capsys: Any) -> None:
    before = list(Obstacle.objects.order_by("pk").values_list("pk", "code", "label_nl"))
    doc = broken()
    doc["obstacles"][0]["label"]["nl"] = "Gewijzigd"  # a valid change that must not be written either
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_region", str(path))
    err = capsys.readouterr().err
    assert "unknown obstacle 'does-not-exist'" in err
    assert "nis_code" in err and "candidacy_deadline" in err and "used more than once" in err
    assert list(Obstacle.objects.order_by("pk").values_list("pk", "code", "label_nl")) == before


def test_check_mode_writes_nothing(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(OOSTENDE), encoding="utf-8")
    call_command("load_region", str(path), "--check")
    assert not Region.objects.exists()


def test_errors_speak_dutch_by_default() -> None:
    from django.utils import translation

    with translation.override("nl-be"):
        errors = [str(e) for e in validate_region(broken())]
    assert "challenges[2] (thierry).obstacles[0].obstacles[0]: onbekend(e) drempel 'does-not-exist'" in errors
    assert (
        "municipalities[1] (middelkerke).nis_code: '3501' is ongeldig: een NIS-code heeft 5 cijfers, bv. 35013"
        in errors
    )
