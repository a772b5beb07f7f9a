"""Writes on screenings: start (a later screening starts from the latest), one service per step, complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.assessment.models import DomainScore, Screening, ScreeningObstacle
from apps.audit.services import audit_log
from apps.core.chronology import Dated, Event, check_dates
from apps.core.concurrency import remember_submission, submitted_before, versioned_update
from apps.core.states import transition
from apps.regions.models import LifeDomain, Obstacle

ENTRY_FIELDS = (
    "employment_status", "unemployed_months", "in_education", "isced_level", "housing_situation",
    "foreign_background", "third_country_national", "disability",
    "household_adults", "household_children", "single_parent",
)  # fmt: skip


def _editable(screening: Screening) -> None:
    if screening.status != Screening.Status.DRAFT:
        raise ValidationError(_("A completed screening can no longer be changed; start a new one."))


def _advance(screening: Screening, expected_version: int | None) -> None:
    """Move the screening's version on before a step writes (optimistic lock, ``apps.core.concurrency``).

    ``expected_version``: the version the step's form showed; a stale one raises ``EditConflict`` and nothing
    is written. ``None`` (no form version): the save still moves the version on, so an open form becomes
    stale. The UPDATE holds the row lock until the step's transaction commits; the status is read again
    under that lock, so a screening completed meanwhile is refused.
    """
    if expected_version is not None:
        screening.version = versioned_update(Screening, pk=screening.pk, expected_version=expected_version)
    else:
        Screening.objects.filter(pk=screening.pk).update(version=F("version") + 1)
    screening.version, screening.status = Screening.objects.values_list("version", "status").get(pk=screening.pk)
    _editable(screening)


class _SameSubmission(Exception):
    def __init__(self, screening_id: int):
        self.screening_id = screening_id


def screening_start(
    *, client: Any, actor: Any, organisation: Any, screened_on: dt.date, submission_key: str = ""
) -> Screening:
    """Start a draft screening of ``client`` on ``screened_on`` (copying the last completed one); writes
    ``assessment.screening.started``. ``submission_key``: the one-time key of the "New screening" button; the
    same press sent twice starts one screening and returns it (``apps.core.concurrency``). Raises
    ``ValidationError`` for a date out of order (``apps.core.chronology``)."""
    earlier = submitted_before(submission_key, "assessment.screening.start")
    if earlier is not None:
        return Screening.objects.get(pk=earlier)
    try:
        return _screening_start(
            client=client, actor=actor, organisation=organisation, screened_on=screened_on, key=submission_key
        )
    except _SameSubmission as same:
        return Screening.objects.get(pk=same.screening_id)


@transaction.atomic
def _screening_start(*, client: Any, actor: Any, organisation: Any, screened_on: dt.date, key: str) -> Screening:
    previous = client.screenings.filter(status=Screening.Status.COMPLETED).order_by("-screened_on", "-id").first()
    check_dates({Event.SCREENING: Dated("screened_on", screened_on), Event.BIRTH: Dated(None, client.birth_date)})
    screening = Screening(client=client, organisation=organisation, recorded_by=actor, screened_on=screened_on)
    if previous is not None:
        for name in (*ENTRY_FIELDS, "ladder_current", "ladder_attainable", "other_obstacles"):
            setattr(screening, name, getattr(previous, name))
    screening.full_clean()
    screening.save()
    first = remember_submission(key, "assessment.screening.start", screening.pk)
    if first is not None:  # a concurrent press of the same button won: roll this one back
        raise _SameSubmission(first)
    if previous is not None:
        DomainScore.objects.bulk_create(
            DomainScore(
                screening=screening,
                life_domain_id=s.life_domain_id,
                level=s.level,
                note=s.note,
                client_level=s.client_level,
            )
            for s in previous.scores.all()
        )
        ScreeningObstacle.objects.bulk_create(
            ScreeningObstacle(screening=screening, obstacle_id=o.obstacle_id)
            for o in ScreeningObstacle.objects.filter(screening=previous)
        )
    audit_log(
        actor=actor,
        action="assessment.screening.started",
        obj=screening,
        changes={"client": client.pk, "from": previous.pk if previous else None},
    )
    return screening


@transaction.atomic
def screening_save_domains(
    *,
    screening: Screening,
    actor: Any,
    levels: dict[int, tuple[int | None, str]],
    client_levels: dict[int, int | None] | None = None,
    expected_version: int | None = None,
) -> Screening:
    """``levels`` maps a life domain id to (level 1-5 or ``None`` for "not known / not discussed", short note);
    domains left out keep what was saved before (a step can be saved half-filled). ``client_levels`` holds the
    client's own view of each domain (optional), kept beside the worker's. ``expected_version``: the version
    the step showed; a stale one raises ``EditConflict`` (nothing written), as in every step below."""
    _editable(screening)
    _advance(screening, expected_version)
    region_id = screening.client.organisation.region_id
    domains = set(LifeDomain.objects.filter(region_id=region_id).values_list("pk", flat=True))
    errors = {}
    for domain_id, (level, _note) in levels.items():
        if domain_id not in domains:
            errors[f"domain_{domain_id}"] = [_("This life domain is not part of the region.")]
        elif level is not None and level not in range(1, 6):
            errors[f"domain_{domain_id}"] = [_("Choose a level from 1 to 5.")]
    if errors:
        raise ValidationError(errors)
    existing = {s.life_domain_id: s for s in screening.scores.all()}
    for domain_id, (level, note) in levels.items():
        score = existing.get(domain_id) or DomainScore(screening=screening, life_domain_id=domain_id)
        score.level, score.note = level, note[:300]
        if client_levels is not None:
            own = client_levels.get(domain_id)
            if own is not None and own not in range(1, 6):
                raise ValidationError({f"client_{domain_id}": [_("Choose a level from 1 to 5.")]})
            score.client_level = own
        score.save()
    audit_log(
        actor=actor,
        action="assessment.screening.domains_saved",
        obj=screening,
        changes={"levels": {str(k): v[0] for k, v in sorted(levels.items())}},
    )
    return screening


@transaction.atomic
def screening_save_obstacles(
    *, screening: Screening, actor: Any, obstacle_ids: list[int], other: str = "", expected_version: int | None = None
) -> Screening:
    """Set the obstacles (ids of the region's obstacles) and the free-text other obstacles; writes
    ``assessment.screening.obstacles_saved``. Raises ``ValidationError`` for an obstacle of another region."""
    _editable(screening)
    _advance(screening, expected_version)
    region_id = screening.client.organisation.region_id
    valid = set(Obstacle.objects.filter(region_id=region_id, pk__in=obstacle_ids).values_list("pk", flat=True))
    if valid != set(obstacle_ids):
        raise ValidationError({"obstacles": [_("Some of these obstacles are not part of the region.")]})
    ScreeningObstacle.objects.filter(screening=screening).exclude(obstacle_id__in=valid).delete()
    have = set(ScreeningObstacle.objects.filter(screening=screening).values_list("obstacle_id", flat=True))
    ScreeningObstacle.objects.bulk_create(ScreeningObstacle(screening=screening, obstacle_id=o) for o in valid - have)
    screening.other_obstacles = other.strip()
    screening.save(update_fields=["other_obstacles", "updated_at"])
    audit_log(
        actor=actor,
        action="assessment.screening.obstacles_saved",
        obj=screening,
        changes={"obstacles": sorted(valid), "other": bool(screening.other_obstacles)},
    )
    return screening


@transaction.atomic
def screening_save_ladder(
    *, screening: Screening, actor: Any, current: int, attainable: int, expected_version: int | None = None
) -> Screening:
    """Set the participation ladder: current and attainable rung (1-6, attainable >= current)."""
    _editable(screening)
    _advance(screening, expected_version)
    errors = {}
    if current not in range(1, 7):
        errors["ladder_current"] = [_("Choose a rung from 1 to 6.")]
    if attainable not in range(1, 7):
        errors["ladder_attainable"] = [_("Choose a rung from 1 to 6.")]
    elif current in range(1, 7) and attainable < current:
        errors["ladder_attainable"] = [_("The attainable rung cannot be below the current rung.")]
    if errors:
        raise ValidationError(errors)
    screening.ladder_current, screening.ladder_attainable = current, attainable
    screening.save(update_fields=["ladder_current", "ladder_attainable", "updated_at"])
    audit_log(
        actor=actor,
        action="assessment.screening.ladder_saved",
        obj=screening,
        changes={"current": current, "attainable": attainable},
    )
    return screening


@transaction.atomic
def screening_save_entry_data(
    *, screening: Screening, actor: Any, expected_version: int | None = None, **data: Any
) -> Screening:
    """ESF+ data at entry. Special categories accept 'prefers not to say'."""
    _editable(screening)
    _advance(screening, expected_version)
    unknown = set(data) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for key, value in data.items():
        setattr(screening, key, value)
    if screening.employment_status != "unemployed":
        screening.unemployed_months = None
    screening.full_clean()
    screening.save()
    audit_log(
        actor=actor, action="assessment.screening.entry_data_saved", obj=screening, changes={"fields": sorted(data)}
    )
    return screening


@transaction.atomic
def screening_complete(*, screening: Screening, actor: Any, expected_version: int | None = None) -> Screening:
    """Finish a draft screening (every life domain, the current rung and the employment status given); moves
    the version on, so a step form still open elsewhere becomes stale. Raises ``ValidationError`` listing
    what is missing, ``EditConflict`` for a stale ``expected_version``."""
    _editable(screening)
    _advance(screening, expected_version)
    region_id = screening.client.organisation.region_id
    domains = set(LifeDomain.objects.filter(region_id=region_id).values_list("pk", flat=True))
    scored = set(screening.scores.values_list("life_domain_id", flat=True))
    errors: dict[str, list[str]] = {}
    if domains - scored:
        errors["domains"] = [_("Give a level for every life domain (%(n)s missing).") % {"n": len(domains - scored)}]
    if screening.ladder_current is None:
        errors["ladder_current"] = [_("Choose the current rung of the participation ladder.")]
    if not screening.employment_status:
        errors["employment_status"] = [_("Choose the employment status.")]
    if errors:
        raise ValidationError(errors)
    transition(screening, Screening.Status.COMPLETED)
    screening.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor, action="assessment.screening.completed", obj=screening, changes={"client": screening.client_id}
    )
    return screening
