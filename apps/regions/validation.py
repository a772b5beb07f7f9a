"""Validation of a region file: JSON syntax, the JSON Schema, then the meaning.

Every problem is reported with its location in the file (a path such as
``challenges[2] (thierry).obstacles[0]``, or line and column for syntax errors),
all at once, so an editor can fix a file in one go.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
from django.utils.translation import gettext as _

SCHEMA_PATH = Path(__file__).parent / "schema" / "region-1.schema.json"
SUPPORTED_MAJOR = "1"
BRUSSELS = ZoneInfo("Europe/Brussels")

# Facts a target-group rule may test; the intake records them (docs/region-format.md, "Rules").
KNOWN_FACTS: dict[str, set[Any]] = {
    "employment_status": {"employed", "self_employed", "unemployed", "inactive"},
    "in_education": {True, False},
    "foreign_background": {True, False},
    "third_country_national": {True, False},
    "disability": {True, False},
    "isced_level": set(range(0, 9)),
    "housing_situation": {"own_home", "rented", "with_family", "homeless", "institution"},
    "household_adults": set(range(0, 21)),
    "single_parent": {True, False},
}


@dataclass(frozen=True)
class RegionError:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@cache
def region_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def parse_region_text(text: str) -> tuple[dict[str, Any] | None, list[RegionError]]:
    """Parse and validate a region file's text. Returns the document (if valid) and all errors."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        location = _("line %(line)s, column %(col)s") % {"line": exc.lineno, "col": exc.colno}
        return None, [RegionError(location, _("not valid JSON: %(msg)s") % {"msg": exc.msg})]
    errors = validate_region(document)
    return (None if errors else document), errors


def validate_region(document: Any) -> list[RegionError]:
    if not isinstance(document, dict):
        return [RegionError("$", _("a region file must be a JSON object"))]
    version = str(document.get("format_version", ""))
    if version and not version.startswith(SUPPORTED_MAJOR + "."):
        return [
            RegionError(
                "format_version",
                _("format version %(v)s is not supported; this Padwijzer reads version 1.x") % {"v": version},
            )
        ]
    errors = list(_schema_errors(document))
    flagged = {e.location for e in errors}
    errors.extend(e for e in _meaning_errors(document) if e.location not in flagged)
    # one message per location and text, in file order
    unique = list(dict.fromkeys(errors))
    return unique


# --- locations -------------------------------------------------------------------------


def _location(document: Any, path: Iterable[Any]) -> str:
    parts: list[str] = []
    node = document
    for step in path:
        if isinstance(step, int):
            label = f"[{step}]"
            try:
                node = node[step]
            except (IndexError, KeyError, TypeError):
                node = None
            if isinstance(node, dict) and isinstance(node.get("code"), str):
                label += f" ({node['code']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "$"


# --- schema ------------------------------------------------------------------------------


def _schema_message(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return _("required field '%(field)s' is missing") % {"field": missing}
    if kind == "additionalProperties":
        return _("unknown field(s): %(detail)s") % {"detail": error.message.split("(")[-1].rstrip(")")}
    if kind == "pattern":
        field = next((str(p) for p in reversed(error.absolute_path) if isinstance(p, str)), "")
        hints = {
            "nis_code": _("a NIS code has 5 digits, e.g. 35013"),
            "postal_code": _("a postal code has 4 digits, e.g. 8400"),
            "postal_codes": _("a postal code has 4 digits, e.g. 8400"),
            "candidacy_deadline": _("expected a date and time such as 2023-06-02T23:59:00+02:00"),
            "email": _("expected an e-mail address"),
        }
        if field in hints:
            hint = hints[field]
        elif str(error.validator_value).startswith("^[0-9]{4}-"):
            hint = _("expected a date such as 2023-06-02")
        elif "[a-z0-9]" in str(error.validator_value):
            hint = _("a code uses lowercase letters, digits and hyphens")
        else:
            hint = _("it does not have the expected form")
        return _("%(value)r is not valid: %(hint)s") % {"value": error.instance, "hint": hint}
    if kind == "type":
        return _("%(value)r should be of type %(type)s") % {"value": error.instance, "type": error.validator_value}
    if kind in {"enum", "const"}:
        allowed: list[Any] = list(error.validator_value) if kind == "enum" else [error.validator_value]  # type: ignore[arg-type]
        return _("%(value)r is not allowed; expected one of %(allowed)s") % {
            "value": error.instance,
            "allowed": ", ".join(map(str, allowed)),
        }
    if kind == "minItems":
        return _("the list needs at least %(n)s item(s)") % {"n": error.validator_value}
    if kind == "minLength":
        return _("this text may not be empty")
    if kind in {"minimum", "maximum"}:
        return _("%(value)r is out of range") % {"value": error.instance}
    if kind == "uniqueItems":
        return _("the list contains the same value twice")
    return error.message


def _schema_errors(document: dict[str, Any]) -> Iterator[RegionError]:
    validator = jsonschema.Draft202012Validator(region_schema())
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        leaves = [error]
        if error.context:  # anyOf/oneOf/allOf: report the most specific causes
            leaves = [e for e in error.context if not e.context]
        for leaf in leaves:
            yield RegionError(_location(document, leaf.absolute_path), _schema_message(leaf))


# --- meaning ---------------------------------------------------------------------------


def _items(document: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = document.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _codes(document: dict[str, Any], key: str) -> set[str]:
    return {item["code"] for _i, item in _items(document, key) if isinstance(item.get("code"), str)}


def _duplicates(document: dict[str, Any], key: str, field: str = "code") -> Iterator[RegionError]:
    counts = Counter(item.get(field) for _i, item in _items(document, key) if isinstance(item.get(field), str | int))
    seen: set[Any] = set()
    for i, item in _items(document, key):
        value = item.get(field)
        if isinstance(value, str | int) and counts[value] > 1:
            if value in seen:
                yield RegionError(
                    _location(document, [key, i, field]),
                    _("%(field)s '%(value)s' is used more than once") % {"field": field, "value": value},
                )
            seen.add(value)


def _unknown(
    document: dict[str, Any], path: list[Any], values: Any, known: set[str], what: str
) -> Iterator[RegionError]:
    single = isinstance(values, str)
    if single:
        values = [values]
    if not isinstance(values, list):
        return
    for j, value in enumerate(values):
        if isinstance(value, str) and value not in known:
            loc = path if single else path + [j]
            yield RegionError(
                _location(document, loc),
                _("unknown %(what)s '%(code)s'") % {"what": what, "code": value},
            )


def _parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def parse_deadline(value: Any) -> dt.datetime | None:
    """An ISO date-time; without an offset it is read as Europe/Brussels time."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=BRUSSELS)


def _rule_errors(document: dict[str, Any], rule: Any, path: list[Any], obstacles: set[str]) -> Iterator[RegionError]:
    if not isinstance(rule, dict):
        return
    for key, value in rule.items():
        here = path + [key]
        if key in {"all", "any"} and isinstance(value, list):
            for i, sub in enumerate(value):
                yield from _rule_errors(document, sub, here + [i], obstacles)
        elif key == "not":
            yield from _rule_errors(document, value, here, obstacles)
        elif key == "obstacles_any":
            yield from _unknown(document, here, value, obstacles, _("obstacle"))
        elif key == "obstacles_at_least" and isinstance(value, dict):
            yield from _unknown(document, here + ["of"], value.get("of"), obstacles, _("obstacle"))
            of, count = value.get("of"), value.get("count")
            if isinstance(of, list) and isinstance(count, int) and count > len(of):
                yield RegionError(_location(document, here), _("count is larger than the list"))
        elif key == "age" and isinstance(value, dict):
            low, high = value.get("min"), value.get("max")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                yield RegionError(_location(document, here), _("minimum age is above maximum age"))
        elif key == "fact" and isinstance(value, dict):
            name = value.get("name")
            if name not in KNOWN_FACTS:
                yield RegionError(
                    _location(document, here + ["name"]),
                    _("unknown fact '%(name)s'; known facts: %(known)s")
                    % {"name": name, "known": ", ".join(sorted(KNOWN_FACTS))},
                )
                continue
            allowed = KNOWN_FACTS[name]
            wanted = value.get("in", []) + ([value["equals"]] if "equals" in value else [])
            for w in wanted:
                if w not in allowed:
                    yield RegionError(
                        _location(document, here),
                        _("%(value)r is not a possible value of '%(name)s'") % {"value": w, "name": name},
                    )
            if "in" not in value and "equals" not in value:
                yield RegionError(_location(document, here), _("a fact needs 'equals' or 'in'"))


def _meaning_errors(document: dict[str, Any]) -> Iterator[RegionError]:
    for key in (
        "municipalities",
        "life_domains",
        "intervention_types",
        "obstacles",
        "target_groups",
        "challenges",
        "enrichment",
    ):
        yield from _duplicates(document, key)
    yield from _duplicates(document, "municipalities", "nis_code")
    yield from _duplicates(document, "challenges", "rank")

    domains = _codes(document, "life_domains")
    interventions = _codes(document, "intervention_types")
    obstacles = _codes(document, "obstacles")
    groups = _codes(document, "target_groups")
    challenges = _codes(document, "challenges")

    # municipalities: deelgemeente codes unique in the region, postal codes owned by one municipality
    postal_owner: dict[str, str] = {}
    deelgemeente_codes: Counter[str] = Counter()
    for i, mun in _items(document, "municipalities"):
        raw_codes = mun.get("postal_codes")
        postal_codes: list[Any] = raw_codes if isinstance(raw_codes, list) else []
        for j, code in enumerate(postal_codes):
            owner = postal_owner.setdefault(code, str(mun.get("code")))
            if owner != mun.get("code"):
                yield RegionError(
                    _location(document, ["municipalities", i, "postal_codes", j]),
                    _("postal code %(pc)s already belongs to '%(owner)s'") % {"pc": code, "owner": owner},
                )
        for j, deel in enumerate(mun.get("deelgemeenten") or []):
            if not isinstance(deel, dict):
                continue
            if isinstance(deel.get("code"), str):
                deelgemeente_codes[deel["code"]] += 1
                if deelgemeente_codes[deel["code"]] == 2:
                    yield RegionError(
                        _location(document, ["municipalities", i, "deelgemeenten", j, "code"]),
                        _("code '%(value)s' is used more than once") % {"value": deel["code"]},
                    )
            if postal_codes and deel.get("postal_code") not in postal_codes:
                yield RegionError(
                    _location(document, ["municipalities", i, "deelgemeenten", j, "postal_code"]),
                    _("postal code %(pc)s is not one of the municipality's postal codes")
                    % {"pc": deel.get("postal_code")},
                )

    for i, obstacle in _items(document, "obstacles"):
        yield from _unknown(
            document, ["obstacles", i, "life_domain"], obstacle.get("life_domain"), domains, _("life domain")
        )
        yield from _unknown(
            document,
            ["obstacles", i, "intervention_types"],
            obstacle.get("intervention_types"),
            interventions,
            _("intervention type"),
        )

    for i, group in _items(document, "target_groups"):
        yield from _rule_errors(document, group.get("rule"), ["target_groups", i, "rule"], obstacles)

    for i, challenge in _items(document, "challenges"):
        base: list[Any] = ["challenges", i]
        yield from _unknown(
            document, base + ["target_groups"], challenge.get("target_groups"), groups, _("target group")
        )
        for j, line in enumerate(challenge.get("obstacles") or []):
            if isinstance(line, dict):
                yield from _unknown(
                    document, base + ["obstacles", j, "obstacles"], line.get("obstacles"), obstacles, _("obstacle")
                )
        support = challenge.get("support") or []
        support_codes = Counter(s.get("code") for s in support if isinstance(s, dict))
        for j, line in enumerate(support):
            if isinstance(line, dict):
                yield from _unknown(
                    document,
                    base + ["support", j, "intervention_types"],
                    line.get("intervention_types"),
                    interventions,
                    _("intervention type"),
                )
                if support_codes[line.get("code")] > 1 and isinstance(line.get("code"), str):
                    yield RegionError(
                        _location(document, base + ["support", j, "code"]),
                        _("code '%(value)s' is used more than once") % {"value": line["code"]},
                    )

    for i, line in _items(document, "enrichment"):
        base = ["enrichment", i]
        yield from _unknown(document, base + ["obstacles"], line.get("obstacles"), obstacles, _("obstacle"))
        yield from _unknown(
            document,
            base + ["intervention_types"],
            line.get("intervention_types"),
            interventions,
            _("intervention type"),
        )
        if "challenge" in line:
            yield from _unknown(document, base + ["challenge"], line.get("challenge"), challenges, _("challenge"))

    municipalities = _codes(document, "municipalities")
    yield from _duplicates(document, "transit_links")
    for i, link in _items(document, "transit_links"):
        yield from _unknown(
            document,
            ["transit_links", i, "municipalities"],
            link.get("municipalities"),
            municipalities,
            _("municipality"),
        )
    yield from _transit_village_errors(document)

    yield from _call_errors(document)


def _transit_village_errors(document: dict[str, Any]) -> Iterator[RegionError]:
    """Format 1.4: the villages a link names exist; a village without public transport is named by no link;
    every link joins at least two places (municipalities and villages together)."""
    access: dict[str, str] = {}
    for _i, mun in _items(document, "municipalities"):
        for deel in mun.get("deelgemeenten") or []:
            if isinstance(deel, dict) and isinstance(deel.get("code"), str):
                access[deel["code"]] = str(deel.get("public_transport", "municipality"))
    for i, link in _items(document, "transit_links"):
        raw_villages, raw_towns = link.get("deelgemeenten"), link.get("municipalities")
        villages: list[Any] = raw_villages if isinstance(raw_villages, list) else []
        towns: list[Any] = raw_towns if isinstance(raw_towns, list) else []
        yield from _unknown(document, ["transit_links", i, "deelgemeenten"], villages, set(access), _("deelgemeente"))
        for j, code in enumerate(villages):
            if access.get(code) == "none":
                yield RegionError(
                    _location(document, ["transit_links", i, "deelgemeenten", j]),
                    _("'%(code)s' is marked as having no public transport (public_transport: none)") % {"code": code},
                )
        if len(towns) + len(villages) < 2:
            yield RegionError(
                _location(document, ["transit_links", i]),
                _("a link joins at least two places (municipalities and deelgemeenten together)"),
            )


def _call_errors(document: dict[str, Any]) -> Iterator[RegionError]:
    call = document.get("call")
    if not isinstance(call, dict):
        return
    not_date = _("%(value)r is not a valid date (YYYY-MM-DD)")
    dates: dict[str, dt.date] = {}
    for key in ("launch", "decision_by", "rebuttal_by"):
        if key in call:
            parsed = _parse_date(call[key])
            if parsed is None:
                yield RegionError(_location(document, ["call", key]), not_date % {"value": call[key]})
            else:
                dates[key] = parsed
    raw_written = call.get("written_round")
    written: dict[str, Any] = raw_written if isinstance(raw_written, dict) else {}
    for key in ("start", "end"):
        if key in written:
            parsed = _parse_date(written[key])
            if parsed is None:
                yield RegionError(
                    _location(document, ["call", "written_round", key]), not_date % {"value": written[key]}
                )
            else:
                dates[f"written_{key}"] = parsed
    for j, week in enumerate(call.get("pitch_weeks") or []):
        if _parse_date(week) is None:
            yield RegionError(_location(document, ["call", "pitch_weeks", j]), not_date % {"value": week})
    deadline = parse_deadline(call.get("candidacy_deadline"))
    if "candidacy_deadline" in call and deadline is None:
        yield RegionError(
            _location(document, ["call", "candidacy_deadline"]),
            _("%(value)r is not a valid date and time (YYYY-MM-DDTHH:MM, optionally with an offset)")
            % {"value": call["candidacy_deadline"]},
        )
    if deadline is not None:
        dates["candidacy_deadline"] = deadline.astimezone(BRUSSELS).date()
    order = ["launch", "candidacy_deadline", "written_start", "written_end", "decision_by", "rebuttal_by"]
    present = [k for k in order if k in dates]
    for earlier, later in zip(present, present[1:], strict=False):
        if dates[later] < dates[earlier]:
            yield RegionError(
                _location(document, ["call"]),
                _("%(later)s (%(b)s) comes before %(earlier)s (%(a)s)")
                % {"later": later, "b": dates[later], "earlier": earlier, "a": dates[earlier]},
            )
