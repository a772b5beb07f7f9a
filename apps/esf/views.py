"""ESF+ pages: the report (period, breakdowns, gender columns), the participants behind a count, exports,
data quality, and the participant record (entry data, results upon leaving, six-month follow-up)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from apps.audit.reads import note_list
from apps.core.keyset import keep_params
from apps.esf import exports, selectors, services
from apps.esf.forms import EntryForm, FollowUpForm, LeavingForm, PeriodForm
from apps.esf.imports import COLUMNS, ImportRejected, parse_upload, participations_import
from apps.esf.indicators import BY_CODE, genders
from apps.esf.models import EsfGender, Participation
from apps.esf.permissions import EsfAccess, get_esf_access_for_user, get_participation_for_user
from apps.esf.progress import progress
from apps.pathways.permissions import get_pathway_for_editing


def _add_errors(form: Any, exc: ValidationError) -> None:
    """A service's errors on the form: on the field when the form has it, else on the form."""
    for name, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        form.add_error(name if name in form.fields else None, errors)


def _period(request: HttpRequest, access: EsfAccess) -> PeriodForm:
    return PeriodForm(request.GET, region=access.region)


@login_required
def report(request: HttpRequest, code: str) -> HttpResponse:
    access = get_esf_access_for_user(request.user, code)
    form = _period(request, access)
    context: dict[str, Any] = {"access": access, "region": access.region, "form": form}
    if not form.is_valid():
        return render(request, "esf/report.html", context, status=400)
    d = form.cleaned_data
    context.update(
        selectors.report_table(access=access, start=d["start"], end=d["end"], filters=form.filters()),
        query=form.query(),
        gender_labels=[EsfGender(g).label for g in genders()],
    )
    return render(request, "esf/report.html", context)


@login_required
def progress_page(request: HttpRequest, code: str) -> HttpResponse:
    """Progress outcomes beyond ESF+ (apps/esf/progress.py), with the report's period and breakdowns."""
    access = get_esf_access_for_user(request.user, code)
    form = _period(request, access)
    context: dict[str, Any] = {"region": access.region, "form": form}
    if not form.is_valid():
        return render(request, "esf/progress.html", context, status=400)
    d = form.cleaned_data
    context.update(
        progress(region=access.region, start=d["start"], end=d["end"], filters=form.filters(), detailed=access.detailed)
    )
    return render(request, "esf/progress.html", context)


@login_required
def participants(request: HttpRequest, code: str) -> HttpResponse:
    access = get_esf_access_for_user(request.user, code)
    if not access.detailed:
        raise Http404
    form = _period(request, access)
    indicator = BY_CODE.get(request.GET.get("indicator", ""))
    gender = request.GET.get("gender", "")
    if indicator is None or (gender and gender not in genders()) or not form.is_valid():
        raise Http404
    d = form.cleaned_data
    visible, hidden = selectors.behind_count(
        access=access, start=d["start"], end=d["end"], filters=form.filters(), code=indicator.code, gender=gender,
        cursor=request.GET.get("cursor"),
    )  # fmt: skip
    note_list(actor=request.user, client_ids=[p.client_id for p in visible])  # the record of reads (apps.audit.reads)
    return render(
        request,
        "esf/participants.html",
        {
            "region": access.region, "indicator": indicator, "gender": EsfGender(gender).label if gender else "",
            "participations": visible, "hidden": hidden, "query": form.query(),
            "keep": keep_params(request.GET, "cursor"),
        },
    )  # fmt: skip


def _export(request: HttpRequest, code: str) -> tuple[EsfAccess, dict[str, Any]]:
    access = get_esf_access_for_user(request.user, code)
    form = _period(request, access)
    if not form.is_valid():
        raise Http404
    d = form.cleaned_data
    table = selectors.report_table(access=access, start=d["start"], end=d["end"], filters=form.filters())
    return access, table


def _attachment(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    access, table = _export(request, code)
    return _attachment(
        exports.report_xlsx(region=access.region, table=table),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"esf-{access.region.code}.xlsx",
    )


@login_required
def export_csv(request: HttpRequest, code: str) -> HttpResponse:
    access, table = _export(request, code)
    return _attachment(exports.report_csv(table=table), "text/csv; charset=utf-8", f"esf-{access.region.code}.csv")


@login_required
def export_pdf(request: HttpRequest, code: str) -> HttpResponse:
    access, table = _export(request, code)
    return _attachment(
        exports.report_pdf(region=access.region, table=table), "application/pdf", f"esf-{access.region.code}.pdf"
    )


@login_required
def auditors(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    access = get_esf_access_for_user(request.user, code)
    form = _period(request, access)
    if not access.detailed or not form.is_valid() or fmt not in {"xlsx", "csv"}:
        raise Http404
    d = form.cleaned_data
    rows = selectors.auditors_rows(access=access, start=d["start"], end=d["end"], filters=form.filters())
    name = f"esf-{access.region.code}-participants.{fmt}"
    if fmt == "csv":
        return _attachment(exports.auditors_csv(access=access, rows=rows), "text/csv; charset=utf-8", name)
    return _attachment(
        exports.auditors_xlsx(access=access, rows=rows),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        name,
    )


@login_required
def quality(request: HttpRequest, code: str) -> HttpResponse:
    access = get_esf_access_for_user(request.user, code)
    raw = request.GET.get("organisation", "")
    if raw and not raw.isdigit():
        raise Http404
    lists = selectors.data_quality(access=access, today=timezone.localdate(), organisation=int(raw) if raw else None)
    return render(request, "esf/quality.html", {"region": access.region, "access": access, **lists})


@login_required
@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, pathway_pk: int) -> HttpResponse:
    """Start the ESF+ record of a pathway's client, proposed from the intake screening."""
    pathway = get_pathway_for_editing(request.user, pathway_pk).pathway
    existing = Participation.objects.filter(region_id=pathway.organisation.region_id, client=pathway.client).first()
    if existing is not None and request.method == "GET":
        return redirect("esf:record", pk=existing.pk)
    initial = {"entry_date": pathway.started_on, **services.entry_from_intake(pathway)}
    form = EntryForm(request.POST or None, initial=initial, region=pathway.organisation.region)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "entry_date"}
        try:
            p = services.participation_enter(
                actor=request.user, pathway=pathway, entry_date=form.cleaned_data["entry_date"], **data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("esf:record", pk=p.pk)
    return render(request, "esf/record.html", {"form": form, "pathway": pathway}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant record: the entry, leaving and follow-up forms for the client's registering organisation
    (full roles); read-only for others who see the client's work and ESF+ data, with the special-category
    answers shown only under the sealed-category rule (``apps.esf.permissions.sees_esf_sensitive``)."""
    record_access = get_participation_for_user(request.user, pk)
    if not record_access.can_edit:
        if request.method != "GET":
            raise Http404
        return render(request, "esf/record_read.html", selectors.read_only_record(record_access))
    p = record_access.participation
    form = EntryForm(request.POST or None, instance=p, prefix="entry", region=p.region)
    leaving_initial, follow_up_initial = selectors.results_initial(p)
    leaving = LeavingForm(None, prefix="leaving", initial=leaving_initial)
    follow_up = FollowUpForm(None, prefix="follow_up", initial=follow_up_initial)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "entry" and form.is_valid():
                data = {k: form.cleaned_data[k] for k in form.cleaned_data}
                p.refresh_from_db()
                services.participation_save_entry(actor=request.user, participation=p, **data)
                return redirect("esf:record", pk=p.pk)
            if step == "leaving":
                form = EntryForm(None, instance=p, prefix="entry", region=p.region)
                leaving = LeavingForm(request.POST, prefix="leaving")
                if leaving.is_valid():
                    services.participation_record_leaving(actor=request.user, participation=p, **leaving.cleaned_data)
                    return redirect("esf:record", pk=p.pk)
            if step == "follow_up":
                form = EntryForm(None, instance=p, prefix="entry", region=p.region)
                follow_up = FollowUpForm(request.POST, prefix="follow_up")
                if follow_up.is_valid():
                    services.participation_record_follow_up(
                        actor=request.user, participation=p, **follow_up.cleaned_data
                    )
                    return redirect("esf:record", pk=p.pk)
        except ValidationError as exc:
            target = {"entry": form, "leaving": leaving, "follow_up": follow_up}.get(step or "", form)
            _add_errors(target, exc)
        status = 400
    return render(
        request,
        "esf/record.html",
        {"participation": p, "form": form, "leaving": leaving, "follow_up": follow_up},
        status=status,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File with ESF+ participants (.csv or .xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_participants(request: HttpRequest, code: str) -> HttpResponse:
    """Import existing participants (apps/esf/imports.py): all rows or none, errors by row and column."""
    access = get_esf_access_for_user(request.user, code)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = parse_upload(upload.name, upload.read())
            done = participations_import(actor=request.user, rows=rows)
        except ImportRejected as exc:
            errors = exc.row_errors
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                ngettext("%(count)s participant imported.", "%(count)s participants imported.", len(done))
                % {"count": len(done)},
            )
            return redirect("esf:quality", code=access.region.code)
    status = 400 if (errors or form.errors) else 200
    return render(
        request,
        "esf/import.html",
        {"form": form, "errors": errors, "region": access.region, "columns": COLUMNS},
        status=status,
    )
