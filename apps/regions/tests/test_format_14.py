"""Region format 1.4: public transport per deelgemeente and level descriptions per life domain; errors by path;
the example region file (household rules, a village without a bus) loads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from apps.regions.models import Deelgemeente, LifeDomain, TransitLink
from apps.regions.services import region_load_text, upgrade_document
from apps.regions.validation import validate_region

ROOT = Path(__file__).resolve().parents[3]
OOSTENDE = json.loads((ROOT / "regions" / "oostende.json").read_text(encoding="utf-8"))
EXAMPLE_FILE = ROOT / "regions" / "examples" / "westhoek-dorpen.json"
EXAMPLE = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))


def _errors(doc: dict[str, Any]) -> str:
    return "\n".join(str(e) for e in validate_region(doc))


def test_both_shipped_files_are_14_and_valid() -> None:
    assert OOSTENDE["format_version"] == EXAMPLE["format_version"] == "1.4"
    assert validate_region(OOSTENDE) == [] and validate_region(EXAMPLE) == []


def test_a_link_naming_an_unknown_village_is_pointed_at() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["transit_links"][1]["deelgemeenten"] = ["hoogstade", "atlantis"]
    assert "transit_links[1] (belbus-hoogstade).deelgemeenten[1]: unknown deelgemeente 'atlantis'" in _errors(doc)


def test_a_village_without_public_transport_named_by_a_link_is_refused() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["transit_links"][0]["deelgemeenten"] = ["houtem"]
    assert "transit_links[0] (bus-veurne-alveringem).deelgemeenten[0]" in _errors(doc)
    assert "public_transport: none" in _errors(doc)


def test_a_link_joins_at_least_two_places() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["transit_links"][1]["municipalities"] = []
    assert "transit_links[1] (belbus-hoogstade): a link joins at least two places" in _errors(doc)


def test_a_wrong_access_value_or_level_is_pointed_at() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["municipalities"][0]["deelgemeenten"][2]["public_transport"] = "sometimes"
    doc["life_domains"][0]["levels"]["6"] = {"nl": "x", "en": "x"}
    doc["life_domains"][1]["levels"]["1"] = {"nl": "enkel Nederlands"}
    errors = _errors(doc)
    assert "municipalities[0] (veurne).deelgemeenten[2] (houtem).public_transport" in errors
    assert "life_domains[0] (employment).levels" in errors
    assert "life_domains[1] (transport).levels.1" in errors


def test_a_13_file_is_read_as_14_with_every_village_reached_by_its_municipality() -> None:
    old = copy.deepcopy(OOSTENDE)
    old["format_version"] = "1.3"
    for domain in old["life_domains"]:
        domain.pop("levels")
    for town in old["municipalities"]:
        for village in town["deelgemeenten"]:
            village.pop("public_transport", None)
    for link in old["transit_links"]:
        link.pop("deelgemeenten", None)
    upgraded = upgrade_document(old)
    assert upgraded["format_version"] == "1.4"
    assert validate_region(upgraded) == []


@pytest.mark.django_db
def test_the_example_region_loads_with_its_villages_links_and_level_texts() -> None:
    region = region_load_text(text=EXAMPLE_FILE.read_text(encoding="utf-8"), source=EXAMPLE_FILE.name).region
    assert region.format_version == "1.4"
    access = dict(Deelgemeente.objects.filter(municipality__region=region).values_list("code", "public_transport"))
    assert access == {
        "veurne": "municipality",
        "bulskamp": "municipality",
        "houtem": "none",
        "alveringem": "municipality",
        "hoogstade": "listed",
    }
    belbus = TransitLink.objects.get(region=region, code="belbus-hoogstade")
    assert [d.code for d in belbus.deelgemeenten.all()] == ["hoogstade"]
    transport = LifeDomain.objects.get(region=region, code="transport")
    from django.utils import translation

    with translation.override("nl-be"):
        assert transport.level_description(2) == "Geen vervoer en geen bus in het dorp"
    with translation.override("en"):
        assert transport.level_description(2) == "No transport and no bus in the village"
    assert transport.level_description(6) == ""


@pytest.mark.django_db
def test_the_oostende_file_gives_every_domain_five_level_texts_and_bekegem_its_flexbus() -> None:
    for domain in OOSTENDE["life_domains"]:
        assert sorted(domain["levels"]) == ["1", "2", "3", "4", "5"], domain["code"]
    region = region_load_text(text=(ROOT / "regions" / "oostende.json").read_text(encoding="utf-8")).region
    bekegem = Deelgemeente.objects.get(municipality__region=region, code="bekegem")
    assert bekegem.public_transport == "listed"
    assert [link.code for link in bekegem.transit_links.all()] == ["flexbus-bekegem"]
