"""Reads of the ESF+ pages: the report table, the participants behind a count, the auditors' list, data quality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import Case, Field, IntegerField, Q, QuerySet, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.core.keyset import KeysetPage, keyset_page
from apps.esf.indicators import BY_CODE, INDICATORS, Filters, Report, compute, participants_q, scope, suppress
from apps.esf.models import LabourStatus, Participation
from apps.esf.permissions import SENSITIVE_WITH_SOURCES, EsfAccess, RecordAccess
from apps.pathways.models import Closure, Pathway

READ_ONLY_FIELDS = (
    "entry_date", "age_at_entry", "gender", "labour_status", "unemployed_months", "isced_level", "nationality",
    "housing", "disability", "disability_source", "foreign_background", "foreign_background_source", "minority",
    "minority_source", "leaving_date", "results_recorded_on", "job_searching", "in_education", "qualification",
    "employed_on_leaving", "follow_up_due", "followed_up_on", "employed_after", "better_situation_after",
)  # fmt: skip


@dataclass
class Cell:
    count: int
    shown: str
    gender: str  # "" for the total


def report_table(*, access: EsfAccess, start: dt.date, end: dt.date, filters: Filters) -> dict[str, Any]:
    """The report for the page and exports: exact counts for coordinators, suppressed ones for others.

    Shape: {"report": Report, "rows": [{"row": Row, "cells": [Cell per gender..., Cell total]}], "detailed": bool}.
    One query.
    """
    report: Report = compute(region_id=access.region.pk, start=start, end=end, filters=filters)
    rows = []
    for row in report.rows:
        cells = [Cell(row.by_gender[g], _shown(row.by_gender[g], access), g) for g in report.genders]
        cells.append(Cell(row.total, _shown(row.total, access), ""))
        rows.append({"row": row, "cells": cells, "incomplete": _shown(row.incomplete, access)})
    return {"report": report, "rows": rows, "detailed": access.detailed}


def _shown(count: int, access: EsfAccess) -> str:
    return str(count) if access.detailed else suppress(count)


PARTICIPANTS_PER_PAGE = 50


def behind_count(
    *,
    access: EsfAccess,
    start: dt.date,
    end: dt.date,
    filters: Filters,
    code: str,
    gender: str,
    cursor: str | None = None,
) -> tuple[KeysetPage, int]:
    """One keyset page (``PARTICIPANTS_PER_PAGE``, by client name; the cursor holds the participation's id only,
    junk: ``Http404``) of the participations behind one count that this user may see listed, and how many are
    counted but not listed (of other organisations).

    Raises KeyError for an unknown indicator code. Three queries (the two counts are those of the report).
    """
    indicator = BY_CODE[code]
    qs = Participation.objects.filter(
        Q(region_id=access.region.pk) & filters.q() & participants_q(code, start, end, gender)
    )
    total = qs.count()
    visible = qs.filter(access.visible_q(indicator.sensitive))
    page = keyset_page(
        visible.select_related("client", "organisation", "worker"),
        ordering=("client__last_name", "client__first_name", "pk"),
        cursor=cursor,
        size=PARTICIPANTS_PER_PAGE,
        salt=f"esf-participants-{code}",
        by_pk=True,
    )
    shown = len(page) if page.is_first and not page.has_next else visible.count()
    return page, total - shown


def auditors_rows(*, access: EsfAccess, start: dt.date, end: dt.date, filters: Filters) -> QuerySet[Participation]:
    """One row per participation touched by the period, with a 0/1 annotation per indicator code. One query.

    Only for coordinators (the caller checks ``access.detailed``); the sensitive values of clients of other
    organisations are blanked by the exporter (``access.sees_sensitive``).
    """
    flags = {
        i.code: Case(
            When(participants_q(i.code, start, end), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        for i in INDICATORS
    }
    return (
        scope(access.region.pk, start, end, filters)
        .select_related("client", "organisation", "municipality")
        .annotate(**flags)
        .order_by("entry_date", "pk")
    )


def missing_entry_q() -> Q:
    """Entry data still missing: any of the fields the output indicators need (refused is an answer)."""
    return (
        Q(labour_status="")
        | Q(labour_status=LabourStatus.UNEMPLOYED, unemployed_months__isnull=True)
        | Q(isced_level__isnull=True)
        | Q(nationality="")
        | Q(housing="")
        | Q(disability="")
        | Q(foreign_background="")
        | Q(minority="")
    )


def data_quality(*, access: EsfAccess, today: dt.date, organisation: int | None = None) -> dict[str, list[Any]]:
    """Open pathways of the user's organisations without an ESF+ record, and participations with missing entry
    data, missing results past the leaving window, missing follow-ups past due.

    Coordinators see the participations of every organisation of the region, others those of the organisations
    where they hold a full role (a peer companion completes no ESF+ record: docs/decisions/0014-access-matrix.md).
    Four queries.
    """
    qs = Participation.objects.filter(region_id=access.region.pk).select_related("client", "organisation", "worker")
    if not access.detailed:
        qs = qs.filter(client__organisation_id__in=sorted(access.full_organisations))
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    qs = qs.order_by("organisation__name", "worker__first_name", "client__last_name", "pk")
    window = dt.timedelta(days=settings.ESF_LEAVING_WINDOW_DAYS)

    without = (
        Pathway.objects.filter(
            organisation__region_id=access.region.pk, client__organisation_id__in=sorted(access.full_organisations)
        )
        .exclude(status=Pathway.Status.CLOSED)
        .exclude(client__esf_participations__region_id=access.region.pk)
        .select_related("client", "organisation")
        .order_by("organisation__name", "client__last_name", "pk")
    )
    if organisation is not None:
        without = without.filter(organisation_id=organisation)
    return {
        "without_record": list(without),
        "entry": list(qs.filter(missing_entry_q())),
        "results": list(qs.filter(leaving_date__lt=today - window, results_recorded_on__isnull=True)),
        "follow_up": list(qs.filter(in_sample=True, follow_up_due__lt=today, followed_up_on__isnull=True)),
    }


def read_only_record(record: RecordAccess) -> dict[str, Any]:
    """The participant record as label/value rows for a reader who may not change it. Special-category answers
    (and their sources) read "hidden" unless ``record.sees_sensitive``. Shape:
    {"participation": Participation, "rows": [(label, value)], "sensitive_hidden": bool}. No query."""
    p = record.participation
    rows = []
    for name in READ_ONLY_FIELDS:
        field = cast("Field[Any, Any]", Participation._meta.get_field(name))
        if name in SENSITIVE_WITH_SOURCES and not record.sees_sensitive:
            value: Any = _("hidden (special category)")
        else:
            value = getattr(p, f"get_{name}_display")() if getattr(field, "choices", None) else getattr(p, name)
        rows.append((capfirst(field.verbose_name), value))
    return {"participation": p, "rows": rows, "sensitive_hidden": not record.sees_sensitive}


def results_initial(participation: Participation) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the "results upon leaving" and "six months after" forms propose: what is recorded, else the
    pathway's closure (its date, its ESF+ results and its six-month follow-up). Issue 16: "a placement that
    starts paid work feeds the pathway's outcome and the ESF+ results on leaving and six months after": the
    placement prefills the closure ("employed"), the closure prefills these forms; the worker confirms by saving.
    Returns (leaving initial, follow-up initial); one query at most (the closure)."""
    p = participation
    leaving: dict[str, Any] = {"in_sample": p.in_sample, "leaving_date": p.leaving_date}
    follow_up: dict[str, Any] = {}
    if p.leaving_date is not None:
        leaving.update(
            recorded_on=p.results_recorded_on, job_searching=p.job_searching, in_education=p.in_education,
            qualification=p.qualification, employed=p.employed_on_leaving,
        )  # fmt: skip
    if p.followed_up_on is not None:
        follow_up = {"followed_up_on": p.followed_up_on, "employed": p.employed_after,
                     "better_situation": p.better_situation_after}  # fmt: skip
    if (p.leaving_date is not None and p.followed_up_on is not None) or p.pathway_id is None:
        return leaving, follow_up
    closure = Closure.objects.filter(pathway_id=p.pathway_id).first()
    if closure is None:
        return leaving, follow_up
    if p.leaving_date is None:
        leaving.update(
            leaving_date=closure.closed_on, recorded_on=closure.closed_on, job_searching=closure.job_searching,
            in_education=closure.in_education, qualification=closure.qualification, employed=closure.employed,
        )  # fmt: skip
    if p.followed_up_on is None and closure.followed_up_on is not None:
        follow_up = {
            "followed_up_on": closure.followed_up_on,
            "employed": bool(closure.employed_after_6_months),
            "better_situation": bool(closure.better_situation_after_6_months),
        }
    return leaving, follow_up
