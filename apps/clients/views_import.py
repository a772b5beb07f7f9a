"""Importing many clients at once from a CSV or Excel file (see apps/clients/imports.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.clients.imports import clients_import, column_help, example_csv
from apps.clients.imports_checking import validate_rows
from apps.clients.imports_reading import EXTENSIONS, MAX_UPLOAD_BYTES, ImportRejected, RowError, parse_upload
from apps.clients.permissions import organisations_for_registration

ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File with clients (.csv or .xlsx)"),
        help_text=_("At most 5 MB. CSV in UTF-8, separated by ; or ,. In Excel, only the first sheet is read."),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError(_("Only .csv and .xlsx files can be imported."), code="extension")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(max)s MB.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="size"
            )
        return upload


@login_required
def client_import(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for_registration(request.user)
    if not organisations:
        raise Http404
    organisation = organisations[0]
    region = organisation.region
    if request.method == "GET" and request.GET.get("voorbeeld"):
        response = HttpResponse(example_csv(region), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="hulpvragers-voorbeeld.csv"'
        return response

    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = parse_upload(upload.name, upload.read())
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            valid, errors = validate_rows(rows, region)
            if not errors:
                try:
                    count = clients_import(organisation=organisation, actor=request.user, rows=valid)
                except ImportRejected as exc:
                    errors = exc.row_errors
                else:
                    messages.success(
                        request,
                        ngettext("%(count)s client imported.", "%(count)s clients imported.", count) % {"count": count},
                    )
                    return redirect("clients:list")
    return render(
        request,
        "clients/client_import.html",
        {
            "form": form,
            "errors": errors,
            "organisation": organisation,
            "columns": column_help(),
            "municipalities": region.municipalities.order_by("position", "code"),
        },
    )
