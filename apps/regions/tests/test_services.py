"""Loading is idempotent, updates in place, and refuses to remove what is still in use."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from apps.assessment.models import Screening, ScreeningObstacle
from apps.audit.models import AuditEntry
from apps.clients.models import Client
from apps.regions.models import Challenge, Municipality, Obstacle, ObstacleLine, Region, SupportLine
from apps.regions.services import RegionLoadError, region_load

ROOT = Path(__file__).resolve().parents[3]
OOSTENDE = json.loads((ROOT / "regions" / "oostende.json").read_text(encoding="utf-8"))


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count() for m in (Region, Municipality, Obstacle, Challenge, ObstacleLine, SupportLine)
    }


def test_it_loads_the_whole_region(db: Any) -> None:
    report = region_load(document=OOSTENDE, source="oostende.json")
    region = report.region
    assert region.challenges.count() == 6
    assert [c.persona_name for c in region.challenges.order_by("rank")] == [
        "Saled",
        "Marlies",
        "Thierry",
        "Roy",
        "John",
        "Mariam",
    ]
    assert region.municipalities.count() == 7
    assert region.call.candidacy_deadline == dt.datetime(2023, 6, 2, 21, 59, tzinfo=dt.UTC)
    assert AuditEntry.objects.filter(action="regions.region.loaded", object_id=str(region.pk)).count() == 1


def test_loading_twice_changes_nothing(db: Any) -> None:
    region_load(document=OOSTENDE)
    before = counts()
    pks = list(Obstacle.objects.order_by("code").values_list("pk", flat=True))
    report = region_load(document=OOSTENDE)
    assert report.as_dict() == {"created": {}, "updated": {}, "deleted": {}}
    assert counts() == before
    assert list(Obstacle.objects.order_by("code").values_list("pk", flat=True)) == pks


def test_an_edited_file_updates_in_place(db: Any) -> None:
    region_load(document=OOSTENDE)
    obstacle = Obstacle.objects.get(code="limited-mobility")
    doc = copy.deepcopy(OOSTENDE)
    for item in doc["obstacles"]:
        if item["code"] == "limited-mobility":
            item["label"]["nl"] = "Beperkte mobiliteit (geen rijbewijs, geen OV)"
    doc["challenges"][0]["rank"], doc["challenges"][1]["rank"] = 2, 1  # swap ranks
    report = region_load(document=doc)
    obstacle.refresh_from_db()
    assert obstacle.label_nl == "Beperkte mobiliteit (geen rijbewijs, geen OV)"
    assert report.updated["obstacle"] == 1
    assert Challenge.objects.get(code=doc["challenges"][0]["code"]).rank == 2
    assert Obstacle.objects.filter(code="limited-mobility").count() == 1


def test_removing_an_unused_item_deletes_it(db: Any) -> None:
    region_load(document=OOSTENDE)
    doc = copy.deepcopy(OOSTENDE)
    doc["enrichment"] = doc["enrichment"][1:]
    removed = OOSTENDE["enrichment"][0]["code"]
    report = region_load(document=doc)
    assert report.deleted["enrichmentline"] == 1
    assert not Region.objects.get().enrichment_lines.filter(code=removed).exists()


def test_removing_an_obstacle_still_used_by_clients_is_refused(personas: Any) -> None:
    region = personas.region
    obstacle = Obstacle.objects.get(region=region, code="electronic-monitoring")
    client = Client.objects.create(
        organisation=personas.lb,
        first_name="M",
        last_name="V",
        birth_date=dt.date(1990, 1, 1),
        gender="F",
        municipality=region.municipalities.get(code="gistel"),
        dutch_level="C2",
    )
    screening = Screening.objects.create(
        client=client, organisation=personas.lb, recorded_by=personas.sofie, screened_on=dt.date(2026, 1, 1)
    )
    ScreeningObstacle.objects.create(screening=screening, obstacle=obstacle)
    doc = copy.deepcopy(OOSTENDE)
    doc["obstacles"] = [o for o in doc["obstacles"] if o["code"] != "electronic-monitoring"]
    for challenge in doc["challenges"]:
        challenge["obstacles"] = [
            line for line in challenge["obstacles"] if "electronic-monitoring" not in line["obstacles"]
        ]
    for rule_holder in doc["target_groups"]:
        rule_holder["rule"] = json.loads(json.dumps(rule_holder["rule"]).replace('"electronic-monitoring", ', ""))
        rule_holder["rule"] = json.loads(json.dumps(rule_holder["rule"]).replace(', "electronic-monitoring"', ""))
    for line in doc["enrichment"]:
        if "obstacles" in line:
            line["obstacles"] = [c for c in line["obstacles"] if c != "electronic-monitoring"]
    before = counts()
    with pytest.raises(RegionLoadError) as info:
        region_load(document=doc)
    message = str(info.value)
    assert "'electronic-monitoring' was removed from the file but is still used by" in message
    assert f"screening #{screening.pk}" in message
    assert counts() == before
    assert Obstacle.objects.filter(pk=obstacle.pk).exists()


def test_removing_a_municipality_used_by_an_organisation_is_refused(personas: Any) -> None:
    doc = copy.deepcopy(OOSTENDE)
    doc["municipalities"] = [m for m in doc["municipalities"] if m["code"] != "oostende"]
    for link in doc["transit_links"]:
        link["municipalities"] = [c for c in link["municipalities"] if c != "oostende"]
    doc["transit_links"] = [link for link in doc["transit_links"] if len(link["municipalities"]) >= 2]
    with pytest.raises(RegionLoadError, match="'oostende' was removed from the file but is still used by"):
        region_load(document=doc)
    assert Municipality.objects.filter(code="oostende").exists()


def test_a_second_region_loads_beside_the_first(oostende: Region, westhoek: Region) -> None:
    assert Region.objects.count() == 2
    assert westhoek.challenges.count() == 2
    assert {c.persona_name for c in westhoek.challenges.all()} == {"Nadia", "Koen"}
    assert oostende.challenges.count() == 6


def test_a_call_that_gives_only_the_end_of_the_written_round_loads_and_says_until(db: Any) -> None:
    from django.template.loader import render_to_string

    document = copy.deepcopy(OOSTENDE)
    del document["call"]["written_round"]["start"]
    region = region_load(document=document, source="oostende.json").region
    region.refresh_from_db()
    assert region.call.written_round_start is None
    assert region.call.written_round_end == dt.date.fromisoformat(document["call"]["written_round"]["end"])
    with translation.override("nl"):
        html = render_to_string("partnership/call.html", {"call": region.call, "region": region})
    assert "tot " in html
