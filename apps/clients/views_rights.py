"""Requests to correct data (GDPR art. 16), on the client file of the registering organisation
(``get_client_for_editing``). Who looked at the file and the copy of the file (art. 15) are workspace pages:
they read every app."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.clients.forms import RectificationDecisionForm, RectificationForm
from apps.clients.models import RectificationRequest
from apps.clients.permissions import get_client_for_editing
from apps.clients.services_rights import rectification_decide, rectification_record
from apps.core.forms import form_errors


@login_required
def rectification_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Requests to correct data: the list (with decisions) and a form to record a new one."""
    access = get_client_for_editing(request.user, pk)
    client = access.client
    form = RectificationForm(request.POST or None, initial={"asked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            rectification_record(client=client, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The request is recorded. Decide on it below once it is handled."))
            return redirect("clients:rectifications", pk=pk)
    requests = list(RectificationRequest.objects.filter(client=client).select_related("recorded_by", "decided_by"))
    return render(
        request,
        "clients/rectifications.html",
        {"client": client, "form": form, "requests": requests, "decision_form": RectificationDecisionForm()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rectification_decide_view(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, pk)
    item = get_object_or_404(RectificationRequest, pk=request_pk, client=access.client)
    form = RectificationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose corrected or refused."))
        return redirect("clients:rectifications", pk=pk)
    try:
        rectification_decide(
            request=item,
            actor=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["decision_note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("clients:rectifications", pk=pk)
