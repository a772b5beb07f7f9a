"""Import of existing ESF+ participants from CSV or XLSX: all or nothing, errors by row and column.

Reuses the file reading of apps/clients/imports_reading.py (``parse_upload``: CSV with ``;`` or ``,`` in UTF-8, or the
first sheet of an XLSX workbook; header in row 1). One row per participant, naming the pathway by its number;
the same services as the pages write each record (entry, leaving results, follow-up), inside one transaction:
if any row fails, nothing is saved and every error is reported as ``RowError(row, column, message)``.

Columns (header names as below; empty cells mean "not known"): pathway, entry_date, gender, labour_status,
unemployed_months, isced_level, nationality, housing, disability, disability_source, foreign_background,
foreign_background_source, minority, minority_source, leaving_date, results_recorded_on, job_searching,
in_education, qualification, employed_on_leaving, in_sample, followed_up_on, employed_after,
better_situation_after. Booleans: 1/0, yes/no, ja/nee, true/false.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.permissions import CASE_ROLES, memberships_of
from apps.audit.services import audit_log
from apps.clients.imports_checking import parse_date
from apps.clients.imports_reading import ImportRejected, RowError, normalise_header, parse_upload
from apps.esf.models import EsfGender, Ethos, LabourStatus, Participation, Source, Tri
from apps.esf.services import (
    participation_enter,
    participation_record_follow_up,
    participation_record_leaving,
    participation_save_entry,
)
from apps.pathways.models import Pathway

__all__ = ["ImportRejected", "RowError", "parse_upload", "participations_import"]

CHOICES = {
    "gender": EsfGender.values,
    "labour_status": LabourStatus.values,
    "housing": Ethos.values,
    "disability": Tri.values,
    "foreign_background": Tri.values,
    "minority": Tri.values,
    "disability_source": Source.values,
    "foreign_background_source": Source.values,
    "minority_source": Source.values,
}
INTEGERS = ("unemployed_months", "isced_level")
DATES = ("entry_date", "leaving_date", "results_recorded_on", "followed_up_on")
BOOLEANS = (
    "job_searching", "in_education", "qualification", "employed_on_leaving", "in_sample", "employed_after",
    "better_situation_after",
)  # fmt: skip
COLUMNS = ("pathway", *DATES, *CHOICES, *INTEGERS, "nationality", *BOOLEANS)
TRUE, FALSE = {"1", "yes", "ja", "true", "waar", "y", "j"}, {"0", "no", "nee", "false", "onwaar", "n"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


class _Row:
    def __init__(self, number: int, cells: dict[str, Any], headers: dict[str, str]) -> None:
        self.number, self.cells, self.headers = number, cells, headers
        self.errors: list[RowError] = []

    def raw(self, field: str) -> Any:
        header = self.headers.get(field)
        return self.cells.get(header, "") if header else ""

    def error(self, field: str, message: str) -> None:
        self.errors.append(RowError(self.number, self.headers.get(field, field), message))

    def parse(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in COLUMNS:
            raw = self.raw(field)
            text = _text(raw)
            if text == "":
                out[field] = None
                continue
            if field in DATES:
                out[field] = parse_date(raw)
                if out[field] is None:
                    self.error(field, _("Give a date as YYYY-MM-DD or DD/MM/YYYY."))
            elif field in CHOICES:
                if text.lower() not in CHOICES[field]:
                    self.error(field, _("Choose one of: %(values)s.") % {"values": ", ".join(CHOICES[field])})
                out[field] = text.lower()
            elif field in INTEGERS or field == "pathway":
                if not text.isdigit():
                    self.error(field, _("Give a whole number."))
                out[field] = int(text) if text.isdigit() else None
            elif field in BOOLEANS:
                if text.lower() not in TRUE | FALSE:
                    self.error(field, _("Give yes or no (1 or 0)."))
                out[field] = text.lower() in TRUE
            else:
                out[field] = text
        for required in ("pathway", "entry_date"):
            if out.get(required) is None and not any(e.column == self.headers.get(required) for e in self.errors):
                self.error(required, _("This cell is required."))
        return out


def _service_errors(row: _Row, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for m in messages:
                row.error(field, m)
    else:
        for m in exc.messages:
            row.error("pathway", m)


@transaction.atomic
def participations_import(*, actor: Any, rows: list[dict[str, Any]]) -> list[Participation]:
    """Write every row's participation, or none: raises ImportRejected with all RowErrors.

    ``rows`` come from ``parse_upload``. A pathway must belong to one of the actor's organisations (case roles);
    a pathway that is not found or not allowed gives the same error. One summary audit entry.
    """
    own = {m.organisation_id for m in memberships_of(actor) if m.role in CASE_ROLES}
    headers: dict[str, str] = {}
    if rows:
        for header in rows[0]["cells"]:
            key = normalise_header(header)
            if key in COLUMNS:
                headers[key] = header
    errors: list[RowError] = []
    if "pathway" not in headers or "entry_date" not in headers:
        raise ImportRejected(
            [RowError(1, "pathway, entry_date", _("The file needs the columns pathway and entry_date."))]
        )
    parsed = []
    for r in rows:
        row = _Row(r["row"], r["cells"], headers)
        parsed.append((row, row.parse()))
    ids = {d["pathway"] for _r, d in parsed if d.get("pathway")}
    pathways = {
        p.pk: p
        for p in Pathway.objects.select_related("client", "organisation").filter(
            pk__in=ids, client__organisation_id__in=sorted(own)
        )
    }
    done: list[Participation] = []
    sid = transaction.savepoint()
    for row, data in parsed:
        pathway = pathways.get(data.get("pathway") or 0)
        if data.get("pathway") and pathway is None:
            row.error("pathway", _("No pathway with this number that you may change."))
        if row.errors:
            errors += row.errors
            continue
        try:
            p = _write(actor, pathway, data)
        except ValidationError as exc:
            _service_errors(row, exc)
            errors += row.errors
            continue
        done.append(p)
    if errors:
        transaction.savepoint_rollback(sid)
        raise ImportRejected(errors)
    transaction.savepoint_commit(sid)
    audit_log(actor=actor, action="esf.participations.imported", obj=None, changes={"count": len(done)})
    return done


def _write(actor: Any, pathway: Any, data: dict[str, Any]) -> Participation:
    entry_names = (
        "gender", "labour_status", "unemployed_months", "isced_level", "nationality", "housing", "disability",
        "disability_source", "foreign_background", "foreign_background_source", "minority", "minority_source",
    )  # fmt: skip
    entry = {k: data[k] for k in entry_names if data.get(k) is not None}
    existing = Participation.objects.filter(region_id=pathway.organisation.region_id, client=pathway.client).first()
    if existing is None:
        p = participation_enter(actor=actor, pathway=pathway, entry_date=data["entry_date"], **entry)
    else:
        p = participation_save_entry(actor=actor, participation=existing, entry_date=data["entry_date"], **entry)
    if data.get("leaving_date"):
        p = participation_record_leaving(
            actor=actor,
            participation=p,
            leaving_date=data["leaving_date"],
            recorded_on=data.get("results_recorded_on") or data["leaving_date"],
            job_searching=bool(data.get("job_searching")),
            in_education=bool(data.get("in_education")),
            qualification=bool(data.get("qualification")),
            employed=bool(data.get("employed_on_leaving")),
            in_sample=data.get("in_sample") is not False,
        )
    if data.get("followed_up_on"):
        p = participation_record_follow_up(
            actor=actor,
            participation=p,
            followed_up_on=data["followed_up_on"],
            employed=bool(data.get("employed_after")),
            better_situation=bool(data.get("better_situation_after")),
        )
    return p
