"""The Oostende region file against its seed (the Lokaal Addendum Oostende) and the region schema.

No database needed. The seed text is parsed here, independently of the region file: every
obstacle and support line of the six regio-uitdagingen, the enrichment obstacles and the
extra client profiles must appear in ``regions/oostende.json`` with the seed's Dutch wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SCHEMA_PATH = REPO_ROOT / "apps" / "regions" / "schema" / "region-1.schema.json"
OOSTENDE_PATH = REPO_ROOT / "regions" / "oostende.json"
WESTHOEK_PATH = Path(__file__).resolve().parent / "data" / "westhoek.json"
REGION_FILES = [OOSTENDE_PATH, WESTHOEK_PATH]

EXPECTED_NIS = {
    "35013": "Oostende",
    "35011": "Middelkerke",
    "35002": "Bredene",
    "35029": "De Haan",
    "35014": "Oudenburg",
    "35005": "Gistel",
    "35006": "Ichtegem",
}

# Facts the rule language may test, with their allowed values (None: boolean; range: integer).
ALLOWED_FACTS: dict[str, Any] = {
    "employment_status": {"employed", "self_employed", "unemployed", "inactive"},
    "in_education": None,
    "foreign_background": None,
    "third_country_national": None,
    "disability": None,
    "isced_level": range(0, 9),
    "housing_situation": {"own_home", "rented", "with_family", "homeless", "institution"},
}

DUTCH_ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6}

# Page furniture of the PDF the seed was extracted from.
PAGE_FURNITURE = {"capacity building lokale partnerschappen"}


# The seed, kept in the repository (see regions/sources/README.md for its origin).
SEED_PATH = REPO_ROOT / "regions" / "sources" / "oostende-addendum.txt"


# --------------------------------------------------------------------------- seed parser


def normalise(text: str) -> str:
    """Collapse whitespace, drop a trailing ';' and compare case-insensitively."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*;$", "", text)
    return text.casefold()


def bullets(block: str) -> list[str]:
    """The '- ' bullet items of a block, with wrapped continuation lines joined by single spaces.

    Text before the first bullet is ignored; a line starting with '●' (a new section) ends the block.
    """
    items: list[list[str]] = []
    for raw in block.splitlines():
        line = raw.strip()
        if not line or line.casefold() in PAGE_FURNITURE:
            continue
        if line.startswith("●"):
            break
        if line.startswith("-"):
            items.append([line[1:].strip()])
        elif items:
            items[-1].append(line)
    return [re.sub(r"\s+", " ", " ".join(parts)).strip() for parts in items]


def _between(text: str, start: str, end: str | None) -> str:
    """The text after the regex ``start`` up to the regex ``end`` (or the end of ``text``)."""
    m = re.search(start, text, flags=re.S)
    assert m, f"seed: marker {start!r} not found"
    rest = text[m.end() :]
    if end is None:
        return rest
    e = re.search(end, rest, flags=re.S)
    assert e, f"seed: end marker {end!r} not found after {start!r}"
    return rest[: e.start()]


@cache
def seed_text() -> str:
    assert SEED_PATH.is_file(), f"seed document not found at {SEED_PATH}"
    return SEED_PATH.read_text(encoding="utf-8")


HEADER_RE = re.compile(r"^[ \t]*●?[ \t]*Regio-uitdaging (\d+) gebaseerd op persona (\S+)", re.M)


@cache
def seed_challenges() -> list[dict[str, Any]]:
    """Each regio-uitdaging of the seed: rank, persona, obstacle lines and support lines."""
    text = seed_text()
    end_of_challenges = text.index("Lokale Analyse")
    headers = list(HEADER_RE.finditer(text, 0, end_of_challenges))
    sections = []
    for i, m in enumerate(headers):
        stop = headers[i + 1].start() if i + 1 < len(headers) else end_of_challenges
        body = text[m.end() : stop]
        obstacle_block = _between(body, r"De obstakels\s+zijn\s*:", r"Waardoor|We kunnen hen")
        support_block = _between(body, r"door het volgende aan te bieden\s*:", None)
        sections.append(
            {
                "rank": int(m.group(1)),
                "persona": m.group(2),
                "obstacles": bullets(obstacle_block),
                "support": bullets(support_block),
            }
        )
    return sections


@cache
def seed_enrichment() -> dict[str, Any]:
    text = seed_text()
    section = _between(text, r"●\s*Resultaten verrijking-sessies", r"●\s*Arena-analyse")
    extra_obstacles = bullets(_between(section, r"Aanvullende obstakels.*?regio-uitdagingen\s*:", r"Daarnaast werd"))
    profiles_intro = re.search(r"bijkomende klantprofielen.*?\((.*?)\)\s*:", section, flags=re.S)
    assert profiles_intro, "seed: intro of the extra client profiles not found"
    ordinal = re.search(r"\b(\w+)\s+regio-\s*uitdaging", profiles_intro.group(1))
    assert ordinal, "seed: the challenge that absorbs the client profiles is not named"
    profiles = bullets(section[profiles_intro.end() :])
    arena = bullets(_between(text, r"●\s*Arena-analyse", r"●\s*Persona"))
    return {
        "obstacles": extra_obstacles,
        "profiles": profiles,
        "profiles_challenge_rank": DUTCH_ORDINALS[ordinal.group(1).casefold()],
        "arena": arena,
    }


@cache
def seed_target_groups() -> list[str]:
    return bullets(_between(seed_text(), r"afgebakende doelgroepen\s*:", r"De doelgroepen die"))


# --------------------------------------------------------------------------- helpers


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def oostende() -> dict[str, Any]:
    return load(OOSTENDE_PATH)


def rule_nodes(rule: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in rule.items():
        yield key, value
        if key in ("all", "any"):
            for sub in value:
                yield from rule_nodes(sub)
        elif key == "not":
            yield from rule_nodes(value)


def by_code(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    codes = [item["code"] for item in items]
    dupes = {c for c in codes if codes.count(c) > 1}
    assert not dupes, f"duplicate codes: {sorted(dupes)}"
    return {item["code"]: item for item in items}


# --------------------------------------------------------------------------- (a) schema


@pytest.mark.parametrize("path", REGION_FILES, ids=lambda p: p.name)
def test_region_file_validates_against_schema(path: Path) -> None:
    schema = load(SCHEMA_PATH)
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(load(path)), key=lambda e: list(e.absolute_path)
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_files_are_distinct_regions() -> None:
    assert load(OOSTENDE_PATH)["code"] == "oostende"
    assert load(WESTHOEK_PATH)["code"] != "oostende"


# --------------------------------------------------------------------------- (b) challenges vs seed


def test_seed_parser_finds_six_challenges() -> None:
    sections = seed_challenges()
    assert [s["rank"] for s in sections] == [1, 2, 3, 4, 5, 6]
    for s in sections:
        assert s["obstacles"], f"no obstacle lines parsed for persona {s['persona']}"
        assert s["support"], f"no support lines parsed for persona {s['persona']}"


def _challenge_for(region: dict[str, Any], rank: int, persona: str) -> dict[str, Any]:
    matches = [c for c in region["challenges"] if c["rank"] == rank]
    assert len(matches) == 1, f"expected exactly one challenge with rank {rank}"
    challenge = matches[0]
    assert challenge["persona"].casefold() == persona.casefold()
    return challenge


@pytest.mark.parametrize("part", ["obstacles", "support"])
def test_challenge_lines_match_seed(oostende: dict[str, Any], part: str) -> None:
    assert len(oostende["challenges"]) == len(seed_challenges())
    for section in seed_challenges():
        challenge = _challenge_for(oostende, section["rank"], section["persona"])
        seed_lines = [normalise(line) for line in section[part]]
        file_lines = [normalise(entry["text"]["nl"]) for entry in challenge[part]]
        for line in seed_lines:
            assert line in file_lines, f"{section['persona']}: seed {part} line missing: {line!r}"
        assert len(file_lines) == len(seed_lines), (
            f"{section['persona']}: {len(file_lines)} {part} lines in the file, {len(seed_lines)} in the seed"
        )
        assert file_lines == seed_lines, f"{section['persona']}: {part} lines not in the seed's order"


def test_challenge_descriptions_come_from_seed(oostende: dict[str, Any]) -> None:
    seed = normalise(seed_text())
    for challenge in oostende["challenges"]:
        description = normalise(challenge["description"]["nl"])
        assert description.startswith("we weten dat er in deze regio een veel voorkomende doelgroep is")
        assert description in seed, f"{challenge['code']}: description is not the seed's persona sentence"


# --------------------------------------------------------------------------- (c) enrichment vs seed


def _enrichment_texts(region: dict[str, Any], kind: str) -> list[str]:
    return [normalise(line["text"]["nl"]) for line in region["enrichment"] if line["kind"] == kind]


def test_enrichment_obstacle_lines_match_seed(oostende: dict[str, Any]) -> None:
    seed_lines = [normalise(line) for line in seed_enrichment()["obstacles"]]
    assert len(seed_lines) == 10
    assert _enrichment_texts(oostende, "obstacle") == seed_lines


def test_enrichment_client_profiles_match_seed(oostende: dict[str, Any]) -> None:
    enrichment = seed_enrichment()
    seed_lines = [normalise(line) for line in enrichment["profiles"]]
    assert len(seed_lines) == 6
    assert _enrichment_texts(oostende, "client_profile") == seed_lines
    absorbing = [c["code"] for c in oostende["challenges"] if c["rank"] == enrichment["profiles_challenge_rank"]]
    for line in oostende["enrichment"]:
        if line["kind"] == "client_profile":
            assert [line.get("challenge")] == absorbing, f"{line['code']} should point at {absorbing}"


def test_arena_line_is_an_outreach_remark(oostende: dict[str, Any]) -> None:
    arena = seed_enrichment()["arena"]
    assert arena
    remarks = {normalise(line["text"]["nl"]): line for line in oostende["enrichment"] if line["kind"] == "remark"}
    for text in arena:
        assert normalise(text) in remarks, f"arena line missing: {text!r}"
        assert "outreach-guidance" in remarks[normalise(text)].get("intervention_types", [])


def test_enrichment_texts_are_from_seed(oostende: dict[str, Any]) -> None:
    seed = normalise(seed_text())
    for line in oostende["enrichment"]:
        assert normalise(line["text"]["nl"]) in seed, f"{line['code']}: Dutch text not found in the seed"


def test_no_sexual_orientation_obstacle(oostende: dict[str, Any]) -> None:
    """LGBTQ+ is a point of attention, never a recorded obstacle (GDPR art. 9 data)."""
    for obstacle in oostende["obstacles"]:
        assert not re.search(r"lgbt|sexual|seksu|gender", obstacle["code"] + obstacle["label"]["nl"], re.I)
    for line in oostende["enrichment"]:
        if "lgbtq" in line["text"]["nl"].casefold():
            assert not line.get("obstacles")


# ------------------------------------------------------------------ (d) municipalities, target groups


def test_municipalities(oostende: dict[str, Any]) -> None:
    municipalities = {m["nis_code"]: m for m in oostende["municipalities"]}
    assert {nis: m["name"] for nis, m in municipalities.items()} == EXPECTED_NIS
    seed_area = re.search(r"Lokaal werkingsgebied:(.*)", seed_text())
    assert seed_area
    assert {n.strip() for n in seed_area.group(1).split(",")} == set(EXPECTED_NIS.values())
    for m in oostende["municipalities"]:
        assert 50.9 < m["latitude"] < 51.4 and 2.6 < m["longitude"] < 3.2, m["name"]
        names = [d["name"] for d in m["deelgemeenten"]]
        assert m["name"] in names, f"{m['name']}: its main section is not a deelgemeente"
        for d in m["deelgemeenten"]:
            assert d["postal_code"] in m["postal_codes"], f"{d['name']}: postal code outside {m['name']}"
        assert {d["postal_code"] for d in m["deelgemeenten"]} == set(m["postal_codes"])
    postal_owner: dict[str, str] = {}
    for m in oostende["municipalities"]:
        for pc in m["postal_codes"]:
            assert postal_owner.setdefault(pc, m["name"]) == m["name"], f"postal code {pc} in two municipalities"


def test_target_groups(oostende: dict[str, Any]) -> None:
    groups = by_code(oostende["target_groups"])
    assert set(groups) == {"psychosocial", "migration-background", "neet-youth"}
    seed_labels = [normalise(label) for label in seed_target_groups()]
    assert sorted(seed_labels) == sorted(normalise(g["label"]["nl"]) for g in groups.values())
    neet = list(rule_nodes(groups["neet-youth"]["rule"]))
    assert ("age", {"min": 15, "max": 29}) in neet
    # addendum: "ongekwalificeerde uitstroom in het onderwijs/ drop-out 16-18 jaar"
    assert ("age", {"min": 16, "max": 18}) in neet and ("obstacles_any", ["early-school-leaving"]) in neet


# --------------------------------------------------------------------------- (e) references


@pytest.mark.parametrize("path", REGION_FILES, ids=lambda p: p.name)
def test_references_resolve(path: Path) -> None:
    region = load(path)
    by_code(region["municipalities"])
    for m in region["municipalities"]:
        by_code(m["deelgemeenten"])
    domains = by_code(region["life_domains"])
    interventions = by_code(region["intervention_types"])
    obstacles = by_code(region["obstacles"])
    groups = by_code(region["target_groups"])
    challenges = by_code(region["challenges"])
    by_code(region["enrichment"])
    assert sorted(c["rank"] for c in challenges.values()) == list(range(1, len(challenges) + 1))

    used_obstacles: set[str] = set()
    used_interventions: set[str] = set()
    for o in obstacles.values():
        assert o["life_domain"] in domains, f"obstacle {o['code']}: unknown life domain"
        assert set(o.get("intervention_types", [])) <= set(interventions), f"obstacle {o['code']}"
    for g in groups.values():
        for key, value in rule_nodes(g["rule"]):
            if key == "obstacles_any":
                used_obstacles.update(value)
            elif key == "obstacles_at_least":
                used_obstacles.update(value["of"])
            elif key == "fact":
                assert value["name"] in ALLOWED_FACTS, f"target group {g['code']}: unknown fact {value['name']}"
                allowed = ALLOWED_FACTS[value["name"]]
                for v in [value["equals"]] if "equals" in value else value.get("in", []):
                    if allowed is None:
                        assert isinstance(v, bool), f"{g['code']}: {value['name']} is boolean"
                    else:
                        assert v in allowed, f"{g['code']}: {v!r} not allowed for {value['name']}"
    for c in challenges.values():
        assert set(c.get("target_groups", [])) <= set(groups), f"challenge {c['code']}: unknown target group"
        by_code(c["support"])
        for line in c["obstacles"]:
            used_obstacles.update(line["obstacles"])
        for line in c["support"]:
            used_interventions.update(line["intervention_types"])
    for line in region["enrichment"]:
        used_obstacles.update(line.get("obstacles", []))
        used_interventions.update(line.get("intervention_types", []))
        if "challenge" in line:
            assert line["challenge"] in challenges, f"enrichment {line['code']}: unknown challenge"

    assert used_obstacles <= set(obstacles), f"undefined obstacles: {sorted(used_obstacles - set(obstacles))}"
    assert used_interventions <= set(interventions), (
        f"undefined intervention types: {sorted(used_interventions - set(interventions))}"
    )
    assert set(interventions) <= used_interventions, (
        f"intervention types never asked for: {sorted(set(interventions) - used_interventions)}"
    )


def test_special_categories(oostende: dict[str, Any]) -> None:
    special = {d["code"] for d in oostende["life_domains"] if d.get("special_category")}
    assert special == {"mental-health", "physical-health", "addiction", "justice"}


def test_challenge_obstacles_are_marked_by_source(oostende: dict[str, Any]) -> None:
    in_challenges = {code for c in oostende["challenges"] for line in c["obstacles"] for code in line["obstacles"]}
    for o in oostende["obstacles"]:
        if o.get("source", "challenge") == "challenge":
            assert o["code"] in in_challenges, f"{o['code']} is marked 'challenge' but no challenge names it"
        else:
            assert o["code"] not in in_challenges, f"{o['code']} is named by a challenge but marked enrichment"


# --------------------------------------------------------------------------- call timeline


def test_call_contact_matches_seed(oostende: dict[str, Any]) -> None:
    text = seed_text()
    contact = oostende["call"]["contact"]
    m = re.search(r"contact op met ([^,]+),\s*(\S+@\S+?),\s*([0-9 ]+?)\.", text)
    assert m, "seed: contact sentence not found"
    assert (contact["name"], contact["email"], contact.get("phone")) == (m.group(1), m.group(2), m.group(3))


def test_call_dates_match_seed(oostende: dict[str, Any]) -> None:
    text = re.sub(r"\s+", " ", seed_text())
    call = oostende["call"]
    months = {"april": 4, "mei": 5, "juni": 6, "juli": 7}
    launch = re.search(r"Lancering addendum \w+ (\d+) (\w+)", text)
    deadline = re.search(r"Deadline kandidaturen \w+ (\d+) (\w+) om (\d+)u(\d+)", text)
    decision = re.search(r"beslissing Voor (\d\d)/(\d\d)/(\d{4})", text)
    rebuttal = re.search(r"weerwoord (\d\d)/(\d\d)/(\d{4})", text)
    assert launch and deadline and decision and rebuttal
    assert call["launch"][5:] == f"{months[launch.group(2)]:02d}-{int(launch.group(1)):02d}"
    assert call["candidacy_deadline"][5:16] == (
        f"{months[deadline.group(2)]:02d}-{int(deadline.group(1)):02d}T{deadline.group(3)}:{deadline.group(4)}"
    )
    assert call["decision_by"] < f"{decision.group(3)}-{decision.group(2)}-{decision.group(1)}"
    assert call["rebuttal_by"] == f"{rebuttal.group(3)}-{rebuttal.group(2)}-{rebuttal.group(1)}"
    assert call["launch"] < call["candidacy_deadline"][:10] < call["written_round"]["start"]
    assert call["written_round"]["start"] <= call["written_round"]["end"] < call["decision_by"]
