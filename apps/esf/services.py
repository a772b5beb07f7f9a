"""Writes on the ESF+ participant record: enter (or re-enter), entry data, leaving results, six-month follow-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.assessment.models import Screening
from apps.audit.services import audit_log
from apps.esf.indicators import add_months
from apps.esf.models import EsfGender, LabourStatus, Participation, Tri

CLIENT_GENDER = {"F": EsfGender.WOMAN, "M": EsfGender.MAN, "X": EsfGender.NON_BINARY}
ENTRY_FIELDS = (
    "gender", "labour_status", "unemployed_months", "isced_level", "nationality", "housing",
    "disability", "disability_source", "foreign_background", "foreign_background_source",
    "minority", "minority_source", "challenge", "target_group", "municipality",
)  # fmt: skip
SENSITIVE = ("disability", "foreign_background", "minority")


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years on ``day`` (a person born on 29 February turns a year older on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _clean_entry(p: Participation) -> None:
    errors: dict[str, list[str]] = {}
    if p.labour_status != LabourStatus.UNEMPLOYED:
        p.unemployed_months = None
    elif p.unemployed_months is None:
        errors["unemployed_months"] = [_("Give the number of months continuously unemployed.")]
    if p.isced_level is not None and not 0 <= p.isced_level <= 8:
        errors["isced_level"] = [_("Choose an ISCED level from 0 to 8.")]
    p.nationality = (p.nationality or "").strip().upper()
    if p.nationality and (len(p.nationality) != 2 or not p.nationality.isalpha()):
        errors["nationality"] = [_("Give a two-letter country code (ISO 3166), or XX for stateless.")]
    for name in SENSITIVE:
        value, source = getattr(p, name), getattr(p, f"{name}_source")
        if value in (Tri.YES, Tri.NO) and not source:
            errors[f"{name}_source"] = [_("Say where this answer comes from.")]
        if not value:
            setattr(p, f"{name}_source", "")
    if p.leaving_date is not None and p.leaving_date < p.entry_date:
        errors["leaving_date"] = [_("The leaving date cannot be before the entry date.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def participation_enter(
    *, actor: Any, pathway: Any, entry_date: dt.date, worker: Any = None, **entry: Any
) -> Participation:
    """Record the entry of a pathway's client into the ESF+ operation (the pathway's region).

    A re-entry within the same operation reuses the existing participation: its entry date and entry data
    stay those of the first entry, the leaving data are cleared and the new pathway is remembered.
    ``entry`` takes ENTRY_FIELDS (gender defaults from the client). Raises ValidationError with field errors.
    """
    unknown = set(entry) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    client = pathway.client
    region_id = pathway.organisation.region_id
    existing = Participation.objects.select_for_update().filter(region_id=region_id, client=client).first()
    if existing is not None:
        existing.pathway = pathway
        existing.leaving_date = None
        existing.follow_up_due = None
        existing.save(update_fields=["pathway", "leaving_date", "follow_up_due", "updated_at"])
        audit_log(actor=actor, action="esf.participation.reentered", obj=existing, changes={"pathway": pathway.pk})
        return existing
    p = Participation(
        region_id=region_id,
        client=client,
        pathway=pathway,
        organisation=pathway.organisation,
        worker=worker or actor,
        municipality=entry.pop("municipality", None) or client.municipality,
        entry_date=entry_date,
        gender=entry.pop("gender", None) or CLIENT_GENDER.get(client.gender, ""),
        age_at_entry=age_on(client.birth_date, entry_date),
    )
    for key, value in entry.items():
        setattr(p, key, value)
    _clean_entry(p)
    p.full_clean(exclude=["region", "client", "pathway", "organisation", "worker"])
    p.save()
    audit_log(actor=actor, action="esf.participation.entered", obj=p, changes={"fields": sorted(entry)})
    return p


@transaction.atomic
def participation_save_entry(*, actor: Any, participation: Participation, **entry: Any) -> Participation:
    """Change the entry data of a participation (ENTRY_FIELDS and entry_date; the age follows the entry date)."""
    unknown = set(entry) - {*ENTRY_FIELDS, "entry_date"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    p = participation
    for key, value in entry.items():
        setattr(p, key, value)
    p.age_at_entry = age_on(p.client.birth_date, p.entry_date)
    _clean_entry(p)
    p.full_clean(exclude=["region", "client", "pathway", "organisation", "worker"])
    p.save()
    audit_log(actor=actor, action="esf.participation.entry_saved", obj=p, changes={"fields": sorted(entry)})
    return p


@transaction.atomic
def participation_record_leaving(
    *,
    actor: Any,
    participation: Participation,
    leaving_date: dt.date,
    recorded_on: dt.date,
    job_searching: bool,
    in_education: bool,
    qualification: bool,
    employed: bool,
    in_sample: bool = True,
) -> Participation:
    """Record the leaving date and the results upon leaving (dated); sets the six-month follow-up task.

    Results recorded more than ESF_LEAVING_WINDOW_DAYS after leaving are kept but do not count as
    'upon leaving' (docs/esf-indicators.md). Raises ValidationError for dates out of order.
    """
    p = participation
    errors: dict[str, list[str]] = {}
    if leaving_date < p.entry_date:
        errors["leaving_date"] = [_("The leaving date cannot be before the entry date.")]
    if recorded_on < leaving_date:
        errors["results_recorded_on"] = [_("Results upon leaving are recorded on or after the leaving date.")]
    if errors:
        raise ValidationError(errors)
    p.leaving_date = leaving_date
    p.results_recorded_on = recorded_on
    p.results_delay_days = (recorded_on - leaving_date).days
    p.job_searching, p.in_education = job_searching, in_education
    p.qualification, p.employed_on_leaving = qualification, employed
    p.in_sample = in_sample
    p.follow_up_due = add_months(leaving_date, settings.ESF_FOLLOW_UP_MONTHS)
    p.save()
    audit_log(
        actor=actor,
        action="esf.participation.left",
        obj=p,
        changes={"leaving_date": leaving_date.isoformat(), "follow_up_due": p.follow_up_due.isoformat()},
    )
    return p


@transaction.atomic
def participation_record_follow_up(
    *, actor: Any, participation: Participation, followed_up_on: dt.date, employed: bool, better_situation: bool
) -> Participation:
    """Record the situation six months after leaving. 'Better situation' only applies to those employed at entry."""
    p = participation
    if p.leaving_date is None:
        raise ValidationError({"followed_up_on": [_("Record the leaving date first.")]})
    if followed_up_on < p.leaving_date:
        raise ValidationError({"followed_up_on": [_("The follow-up cannot be before the leaving date.")]})
    p.followed_up_on = followed_up_on
    p.employed_after = employed
    p.better_situation_after = better_situation if p.labour_status == LabourStatus.EMPLOYED else None
    p.save()
    audit_log(actor=actor, action="esf.participation.followed_up", obj=p, changes={"employed": employed})
    return p


def entry_from_intake(pathway: Any) -> dict[str, Any]:
    """Entry data proposed from the client's baseline screening (apps.assessment), for the entry form.

    Maps the screening's employment status, months unemployed, ISCED level, housing and disability;
    nationality, foreign background and minority are not in the screening and stay empty.
    """

    screening = (
        Screening.objects.filter(client_id=pathway.client_id, status=Screening.Status.COMPLETED)
        .order_by("screened_on", "id")
        .first()
    )
    if screening is None:
        return {}
    status = {
        "employed": LabourStatus.EMPLOYED,
        "self_employed": LabourStatus.EMPLOYED,
        "unemployed": LabourStatus.UNEMPLOYED,
        "inactive": LabourStatus.INACTIVE,
    }.get(screening.employment_status, "")
    housing = {"homeless": "roofless", "institution": "houseless"}.get(
        screening.housing_situation, "housed" if screening.housing_situation else ""
    )
    tri = {"yes": Tri.YES, "no": Tri.NO, "prefer_not": Tri.REFUSED}
    data: dict[str, Any] = {
        "labour_status": status,
        "unemployed_months": screening.unemployed_months,
        "isced_level": screening.isced_level,
        "housing": housing,
        "disability": tri.get(screening.disability, ""),
    }
    if data["disability"] in (Tri.YES, Tri.NO):
        data["disability_source"] = "self_declared"
    return data
