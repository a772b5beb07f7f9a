"""Decisions and rebuttals: the decision, the letter (applicant and jury), the rebuttal and its handling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.forms import form_errors
from apps.partnership import services_decisions
from apps.partnership.forms import DecisionForm, RebuttalForm, RebuttalHandleForm
from apps.partnership.letters import decision_letter_pdf
from apps.partnership.models import Candidacy, Rebuttal
from apps.partnership.permissions import (
    get_candidacy_by_token,
    get_candidacy_for_jury,
    get_candidacy_without_conflict,
    get_jury_region_for_user,
)
from apps.partnership.views_candidacies import candidacy_context
from apps.partnership.views_jury import candidacy_action, coordinator_candidacy


@login_required
def jury_decision(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region, candidacy = coordinator_candidacy(request, code, pk)
    return candidacy_action(
        request,
        region,
        candidacy,
        DecisionForm,
        "decision_form",
        services_decisions.decision_record,
        _("The decision is recorded and the letter is sent."),
        target={"candidacy": candidacy},
    )


def _pdf(candidacy: Candidacy) -> HttpResponse:
    response = HttpResponse(decision_letter_pdf(candidacy), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="beslissing-{candidacy.reference}.pdf"'
    return response


def candidacy_letter(request: HttpRequest, token: str) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    if candidacy.decision_sent_at is None:
        raise Http404
    return _pdf(candidacy)


@login_required
def jury_letter(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_for_jury(request.user, region, pk)
    if candidacy.decision == Candidacy.Decision.PENDING:
        raise Http404
    return _pdf(candidacy)


def candidacy_rebuttal(request: HttpRequest, token: str) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    if request.method != "POST":
        return redirect("partnership:candidacy", token=token)
    form = RebuttalForm(request.POST)
    if form.is_valid():
        try:
            services_decisions.rebuttal_submit(candidacy=candidacy, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your rebuttal is submitted. The jury will handle it."))
            return redirect("partnership:candidacy", token=token)
    context = candidacy_context(candidacy, rebuttal_form=form)
    context["rebuttal_open"] = True
    return render(request, "partnership/candidacy.html", context, status=400)


@login_required
def jury_rebuttal(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_without_conflict(request.user, region, pk)
    rebuttal = Rebuttal.objects.filter(candidacy=candidacy).first()
    if rebuttal is None:
        raise Http404
    return candidacy_action(
        request,
        region,
        candidacy,
        RebuttalHandleForm,
        "rebuttal_form",
        services_decisions.rebuttal_handle,
        _("The handling of the rebuttal is recorded."),
        target={"rebuttal": rebuttal},
    )
