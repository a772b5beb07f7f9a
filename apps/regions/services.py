"""Writes on region data. Loading a region file is the only way region data changes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.regions.models import (
    CallTimeline,
    Challenge,
    Deelgemeente,
    EnrichmentLine,
    InterventionType,
    LifeDomain,
    Municipality,
    Obstacle,
    ObstacleLine,
    Region,
    SupportLine,
    TargetGroup,
    TransitLink,
)
from apps.regions.validation import RegionError, parse_deadline, parse_region_text


class RegionLoadError(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, errors: list[RegionError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


@dataclass
class LoadReport:
    region: Region
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": dict(self.created), "updated": dict(self.updated), "deleted": dict(self.deleted)}


def _text(value: dict[str, str] | None, lang: str) -> str:
    return (value or {}).get(lang, "")


class _Loader:
    def __init__(self, region: Region, report: LoadReport):
        self.region = region
        self.report = report
        self.errors: list[RegionError] = []

    def upsert(
        self,
        model: type[models.Model],
        existing: dict[Any, Any],
        key: Any,
        values: dict[str, Any],
        **create_kwargs: Any,
    ) -> Any:
        name = model._meta.model_name or ""
        obj = existing.get(key)
        if obj is None:
            obj = model(**create_kwargs, **values)
            # the related objects were just created or read by this loader: checking that they exist would
            # cost a query per foreign key (ForeignKey.validate); every other field is validated
            relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
            obj.full_clean(exclude=relations, validate_constraints=False, validate_unique=False)
            obj.save()
            obj._pw_created = True  # type: ignore[attr-defined]
            self.report.created[name] += 1
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=changed)
            self.report.updated[name] += 1
        return obj

    def set_m2m(self, obj: models.Model, attr: str, targets: list[Any]) -> None:
        manager = getattr(obj, attr)
        if getattr(obj, "_pw_created", False):  # a new row has no links yet: one insert, no reads
            through, source, target = manager.through, manager.source_field_name, manager.target_field_name
            through.objects.bulk_create(
                [through(**{f"{source}_id": obj.pk, f"{target}_id": t.pk}) for t in {t.pk: t for t in targets}.values()]
            )
            return
        current = {o.pk for o in manager.all()}
        wanted = {o.pk for o in targets}
        if current != wanted:
            manager.set(targets)
            if not getattr(obj, "_pw_created", False):
                self.report.updated[f"{obj._meta.model_name}.{attr}"] += 1

    def remove_stale(self, queryset: models.QuerySet[Any], location: str) -> None:
        """Delete what the file no longer holds, unless other records still use it."""
        stale = list(queryset)
        if not stale:
            return
        name = queryset.model._meta.model_name or ""
        try:
            with transaction.atomic():
                queryset.delete()
        except (ProtectedError, RestrictedError) as exc:
            blocked = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            owners = {(o._meta.label, o.pk): o for o in (_owner(b, queryset.model) for b in blocked)}
            users = Counter(str(o._meta.verbose_name_plural) for o in owners.values())
            examples = ", ".join(f"{o._meta.verbose_name} #{o.pk}" for o in list(owners.values())[:5])
            for obj in stale:
                self.errors.append(
                    RegionError(
                        location,
                        _("'%(code)s' was removed from the file but is still used by %(users)s (%(examples)s)")
                        % {
                            "code": getattr(obj, "code", obj.pk),
                            "users": ", ".join(f"{n} {what}" for what, n in sorted(users.items())),
                            "examples": examples,
                        },
                    )
                )
            return
        self.report.deleted[name] += len(stale)


def _owner(obj: models.Model, removed: type[models.Model]) -> models.Model:
    """For a link row (such as a client's obstacle), name the record it belongs to (the client)."""
    fks = [f for f in obj._meta.concrete_fields if f.is_relation and f.many_to_one]
    others = [f for f in fks if f.related_model is not removed]
    if len(fks) == 2 and len(others) == 1:
        return getattr(obj, others[0].name)
    return obj


@transaction.atomic
def region_load(*, document: dict[str, Any], actor: Any = None, source: str = "") -> LoadReport:
    """Load a validated region document: create, update in place, remove what is gone.

    Refuses (raising RegionLoadError, nothing written) when something removed is still in use.
    Older 1.x files are upgraded first (``upgrade_document``).
    """
    document = upgrade_document(document)
    region_values = {
        "name_nl": document["name"]["nl"],
        "name_en": document["name"]["en"],
        "format_version": document["format_version"],
        "description_nl": _text(document.get("description"), "nl"),
        "description_en": _text(document.get("description"), "en"),
        "source": document.get("source", ""),
    }
    report = LoadReport(region=Region())
    loader = _Loader(Region(), report)
    existing_region = Region.objects.select_for_update().filter(code=document["code"]).first()
    region = loader.upsert(
        Region,
        {document["code"]: existing_region} if existing_region else {},
        document["code"],
        region_values,
        code=document["code"],
    )
    report.region = loader.region = region

    def labelled(item: dict[str, Any], position: int) -> dict[str, Any]:
        return {"label_nl": item["label"]["nl"], "label_en": item["label"]["en"], "position": position}

    # life domains, intervention types
    domains_by_code = {o.code: o for o in LifeDomain.objects.filter(region=region)}
    domains = {
        item["code"]: loader.upsert(
            LifeDomain,
            domains_by_code,
            item["code"],
            labelled(item, i)
            | {
                "special_category": item.get("special_category", False),
                "data_category": item.get("data_category", "life_domains"),
                "mobility": item.get("mobility", False),
                "level_descriptions": item.get("levels", {}),
            },
            region=region,
            code=item["code"],
        )
        for i, item in enumerate(document["life_domains"])
    }
    interventions_by_code = {o.code: o for o in InterventionType.objects.filter(region=region)}
    interventions = {
        item["code"]: loader.upsert(
            InterventionType, interventions_by_code, item["code"], labelled(item, i), region=region, code=item["code"]
        )
        for i, item in enumerate(document["intervention_types"])
    }

    # obstacles
    obstacles_by_code = {
        o.code: o for o in Obstacle.objects.filter(region=region).prefetch_related("intervention_types")
    }
    obstacles: dict[str, Obstacle] = {}
    for i, item in enumerate(document["obstacles"]):
        values = labelled(item, i) | {
            "life_domain": domains[item["life_domain"]],
            "source": item.get("source", Obstacle.Source.CHALLENGE),
            "intervention_order": list(item.get("intervention_types", [])),
            "family": item.get("family", ""),
        }
        obstacle = loader.upsert(Obstacle, obstacles_by_code, item["code"], values, region=region, code=item["code"])
        loader.set_m2m(obstacle, "intervention_types", [interventions[c] for c in item.get("intervention_types", [])])
        obstacles[item["code"]] = obstacle

    # target groups
    groups_by_code = {o.code: o for o in TargetGroup.objects.filter(region=region)}
    groups = {}
    for i, item in enumerate(document["target_groups"]):
        values = labelled(item, i) | {
            "description_nl": _text(item.get("description"), "nl"),
            "description_en": _text(item.get("description"), "en"),
            "rule": item["rule"],
        }
        groups[item["code"]] = loader.upsert(
            TargetGroup, groups_by_code, item["code"], values, region=region, code=item["code"]
        )

    # challenges with their obstacle lines and support lines
    challenges_by_code = {o.code: o for o in Challenge.objects.filter(region=region)}
    # ranks must stay unique while they are being rewritten: park changed ranks first
    wanted_rank = {item["code"]: item["rank"] for item in document["challenges"]}
    parked = [c for c in challenges_by_code.values() if c.code in wanted_rank and c.rank != wanted_rank[c.code]]
    stale_ranked = [c for c in challenges_by_code.values() if c.code not in wanted_rank]
    for offset, challenge in enumerate(parked + stale_ranked, start=1):
        Challenge.objects.filter(pk=challenge.pk).update(rank=100000 + offset)
        challenge.rank = 100000 + offset
    challenges: dict[str, Challenge] = {}
    for i, item in enumerate(document["challenges"]):
        values = {
            "rank": item["rank"],
            "persona_name": item["persona"],
            "persona_age_min": item.get("persona_age", {}).get("min"),
            "persona_age_max": item.get("persona_age", {}).get("max"),
            "persona_single_parent": item.get("persona_household", {}).get("single_parent"),
            "persona_children": item.get("persona_household", {}).get("children"),
            "title_nl": item["title"]["nl"],
            "title_en": item["title"]["en"],
            "description_nl": item["description"]["nl"],
            "description_en": item["description"]["en"],
            "position": i,
        }
        challenge = loader.upsert(Challenge, challenges_by_code, item["code"], values, region=region, code=item["code"])
        loader.set_m2m(challenge, "target_groups", [groups[c] for c in item.get("target_groups", [])])
        challenges[item["code"]] = challenge

        lines_by_position = {o.position: o for o in ObstacleLine.objects.filter(challenge=challenge)}
        for j, line in enumerate(item["obstacles"]):
            values = {"label_nl": line["text"]["nl"], "label_en": line["text"]["en"]}
            obj = loader.upsert(ObstacleLine, lines_by_position, j, values, challenge=challenge, position=j)
            loader.set_m2m(obj, "obstacles", [obstacles[c] for c in line["obstacles"]])
        loader.remove_stale(
            ObstacleLine.objects.filter(challenge=challenge, position__gte=len(item["obstacles"])),
            f"challenges[{i}] ({item['code']}).obstacles",
        )
        support_by_code = {o.code: o for o in SupportLine.objects.filter(challenge=challenge)}
        for j, line in enumerate(item["support"]):
            values = {"label_nl": line["text"]["nl"], "label_en": line["text"]["en"], "position": j}
            obj = loader.upsert(
                SupportLine, support_by_code, line["code"], values, challenge=challenge, code=line["code"]
            )
            loader.set_m2m(obj, "intervention_types", [interventions[c] for c in line["intervention_types"]])
        loader.remove_stale(
            SupportLine.objects.filter(challenge=challenge).exclude(code__in=[s["code"] for s in item["support"]]),
            f"challenges[{i}] ({item['code']}).support",
        )

    # enrichment
    enrichment_by_code = {o.code: o for o in EnrichmentLine.objects.filter(region=region)}
    for i, item in enumerate(document["enrichment"]):
        values = {
            "label_nl": item["text"]["nl"],
            "label_en": item["text"]["en"],
            "position": i,
            "kind": item["kind"],
            "challenge": challenges.get(item["challenge"]) if item.get("challenge") else None,
        }
        line = loader.upsert(EnrichmentLine, enrichment_by_code, item["code"], values, region=region, code=item["code"])
        loader.set_m2m(line, "obstacles", [obstacles[c] for c in item.get("obstacles", [])])
        loader.set_m2m(line, "intervention_types", [interventions[c] for c in item.get("intervention_types", [])])

    # municipalities and deelgemeenten
    municipalities_by_code = {o.code: o for o in Municipality.objects.filter(region=region)}
    deel_by_key = {
        (d.municipality.code, d.code): d
        for d in Deelgemeente.objects.filter(municipality__region=region).select_related("municipality")
    }
    kept_deel: list[int] = []
    villages_by_code: dict[str, Deelgemeente] = {}
    municipalities_by_code_new: dict[str, Municipality] = {}
    for i, item in enumerate(document["municipalities"]):
        values = {
            "nis_code": item["nis_code"],
            "name": item["name"],
            "postal_codes": item["postal_codes"],
            "latitude": item["latitude"],
            "longitude": item["longitude"],
            "population": item.get("population"),
            "degurba": item.get("degurba"),
            "position": i,
        }
        municipality = loader.upsert(
            Municipality, municipalities_by_code, item["code"], values, region=region, code=item["code"]
        )
        municipalities_by_code_new[item["code"]] = municipality
        for j, deel in enumerate(item["deelgemeenten"]):
            values = {
                "name": deel["name"],
                "postal_code": deel["postal_code"],
                "latitude": deel.get("latitude"),
                "longitude": deel.get("longitude"),
                "position": j,
                "public_transport": deel.get("public_transport", "municipality"),
            }
            obj = loader.upsert(
                Deelgemeente,
                deel_by_key,
                (item["code"], deel["code"]),
                values,
                municipality=municipality,
                code=deel["code"],
            )
            kept_deel.append(obj.pk)
            villages_by_code[deel["code"]] = obj

    # public-transport links between municipalities (optional)
    links_by_code = {o.code: o for o in TransitLink.objects.filter(region=region)}
    link_codes = []
    for i, item in enumerate(document.get("transit_links", [])):
        link = loader.upsert(
            TransitLink,
            links_by_code,
            item["code"],
            {"name": item["name"], "mode": item["mode"], "position": i},
            region=region,
            code=item["code"],
        )
        loader.set_m2m(link, "municipalities", [municipalities_by_code_new[c] for c in item["municipalities"]])
        loader.set_m2m(link, "deelgemeenten", [villages_by_code[c] for c in item.get("deelgemeenten", [])])
        link_codes.append(item["code"])

    # the call timeline
    call = document["call"]
    deadline = parse_deadline(call["candidacy_deadline"])
    call_values = {
        "launch_date": _date(call["launch"]),
        "candidacy_deadline": deadline,
        "written_round_start": _date(call["written_round"]["start"]) if "start" in call["written_round"] else None,
        "written_round_end": _date(call["written_round"]["end"]),
        "pitch_weeks": call["pitch_weeks"],
        "decision_by": _date(call["decision_by"]),
        "rebuttal_by": _date(call["rebuttal_by"]),
        "contact_name": call["contact"]["name"],
        "contact_email": call["contact"]["email"],
        "contact_phone": call["contact"].get("phone", ""),
    }
    existing_call = {0: region.call} if CallTimeline.objects.filter(region=region).exists() else {}
    loader.upsert(CallTimeline, existing_call, 0, call_values, region=region)

    # remove what the file no longer holds, most dependent first
    def gone(model: type[models.Model], codes: dict[str, Any], key: str) -> None:
        loader.remove_stale(model._default_manager.filter(region=region).exclude(code__in=list(codes)), key)

    gone(TransitLink, {c: c for c in link_codes}, "transit_links")
    gone(Challenge, challenges, "challenges")
    gone(EnrichmentLine, {i["code"]: i for i in document["enrichment"]}, "enrichment")
    gone(TargetGroup, groups, "target_groups")
    gone(Obstacle, obstacles, "obstacles")
    gone(InterventionType, interventions, "intervention_types")
    gone(LifeDomain, domains, "life_domains")
    loader.remove_stale(
        Deelgemeente.objects.filter(municipality__region=region).exclude(pk__in=kept_deel),
        "municipalities[].deelgemeenten",
    )
    gone(Municipality, {i["code"]: i for i in document["municipalities"]}, "municipalities")

    if loader.errors:
        raise RegionLoadError(loader.errors)

    Region.objects.filter(pk=region.pk).update(loaded_at=timezone.now())
    audit_log(actor=actor, action="regions.region.loaded", obj=region, changes={"source": source, **report.as_dict()})
    return report


CURRENT_FORMAT_VERSION = "1.4"


def upgrade_document(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a 1.0-1.3 region document in format 1.4 (docs/region-format.md, "Versions").

    1.2 declares which life domain means mobility (``mobility: true``); before, the code did
    that by the domain code ``mobility``, so the upgrade of a 1.0/1.1 file marks that domain.
    1.3 only adds optional things (household rules, persona age and household, an optional
    written round); 1.4 only adds optional things too (public transport per deelgemeente, level
    descriptions per life domain): a 1.2 or 1.3 file keeps its meaning (every village reached by
    its municipality's links, no level descriptions) and only its version changes. Files of the
    current version come back unchanged.
    """
    version = tuple(int(p) for p in str(document.get("format_version", "1.0")).split(".")[:2] if p.isdigit())
    if version >= (1, 4):
        return document
    upgraded = dict(document, format_version=CURRENT_FORMAT_VERSION)
    if version < (1, 2):
        upgraded["life_domains"] = [
            dict(d, mobility=True) if d.get("code") == "mobility" and "mobility" not in d else d
            for d in document.get("life_domains", [])
        ]
    return upgraded


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def region_load_text(*, text: str, actor: Any = None, source: str = "") -> LoadReport:
    """Validate a region file's text, then load it; RegionLoadError lists every problem."""
    document, errors = parse_region_text(text)
    if errors or document is None:
        raise RegionLoadError(errors)
    return region_load(document=document, actor=actor, source=source)
