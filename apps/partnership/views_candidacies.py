"""Pages of the call and the applicant's own pages (reached by the private link): register, draft, attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.concurrency import EditConflict
from apps.core.forms import form_errors
from apps.core.ratelimit import rate_limited
from apps.partnership import services_candidacies, timeline
from apps.partnership.forms import AttachmentForm, CandidacyForm, RebuttalForm, RegisterForm
from apps.partnership.models import Candidacy, Rebuttal
from apps.partnership.permissions import get_candidacy_by_token, get_public_call_region
from apps.regions.models import Challenge, Region


def _call_context(region: Region) -> dict[str, Any]:
    call = region.call
    challenges = (
        Challenge.objects.filter(region=region)
        .prefetch_related("obstacle_lines", "support_lines__intervention_types", "target_groups")
        .order_by("rank")
    )
    return {
        "region": region,
        "call": call,
        "challenges": challenges,
        "deadline_local": timeline.local(call.candidacy_deadline),
        "is_open": not timeline.deadline_passed(call, timezone.now()),
    }


@rate_limited("candidacy")  # anonymous form that sends e-mail: limited per IP (docs/decisions/0011)
def call_page(request: HttpRequest, code: str) -> HttpResponse:
    region = get_public_call_region(code)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy = services_candidacies.candidacy_start(
                region=region, site_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your candidacy is started. We sent the private link to this page to your e-mail address."),
            )
            return redirect("partnership:candidacy", token=candidacy.token)
    return render(request, "partnership/call.html", {**_call_context(region), "form": form})


def _missing_with_labels(missing: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """The missing fields as (field name, translated label, messages), in form order: people read labels, not names."""
    labels = {f.name: f.verbose_name for f in Candidacy._meta.get_fields() if hasattr(f, "verbose_name")}
    labels["offers"] = _("Intervention types and yearly capacity")
    return [(name, str(labels.get(name, name)).capitalize(), errors) for name, errors in missing.items()]


def candidacy_context(candidacy: Candidacy, **extra: Any) -> dict[str, Any]:
    """The applicant's candidacy page context (draft form while editable, missing items, rebuttal window)."""
    call = candidacy.region.call
    now = timezone.now()
    editable = not candidacy.is_submitted and not timeline.deadline_passed(call, now)
    context: dict[str, Any] = {
        "candidacy": candidacy,
        "region": candidacy.region,
        "call": call,
        "deadline_local": timeline.local(call.candidacy_deadline),
        "editable": editable,
        "attachments": list(candidacy.attachments.all()),
        "offers": list(candidacy.offers.select_related("intervention_type")),
        "missing": _missing_with_labels(services_candidacies.missing_for_submission(candidacy)) if editable else [],
        "rebuttal": Rebuttal.objects.filter(candidacy=candidacy).first(),
        "rebuttal_open": timeline.rebuttal_open(candidacy, now),
        "rebuttal_last_day": timeline.rebuttal_last_day(call),
    }
    if editable:
        context["form"] = CandidacyForm(instance=candidacy, region=candidacy.region)
        context["attachment_form"] = AttachmentForm()
    if context["rebuttal_open"]:
        context["rebuttal_form"] = RebuttalForm()
    context.update(extra)
    return context


def candidacy_page(request: HttpRequest, token: str) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    if request.method == "POST":
        form = CandidacyForm(request.POST, instance=candidacy, region=candidacy.region)
        conflict = False
        if form.is_valid():
            # the instance holds the form's values now; the service validates and saves from a fresh copy
            fresh = Candidacy.objects.select_related("region__call").get(pk=candidacy.pk)
            version = form.cleaned_data.get("version")
            try:
                services_candidacies.candidacy_save_draft(
                    candidacy=fresh,
                    offers=form.offers(),
                    expected_version=version if version is not None else fresh.version,
                    **form.draft_data(),
                )
                if "submit" in request.POST:
                    services_candidacies.candidacy_submit(candidacy=fresh)
            except EditConflict as exc:
                conflict = True
                data_again = request.POST.copy()
                data_again["version"] = str(exc.current_version)  # a second save is deliberate
                form.data = data_again
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Your candidacy is submitted. We e-mailed you a receipt."))
                else:
                    messages.success(request, _("Your draft is saved."))
                return redirect("partnership:candidacy", token=token)
        candidacy = get_candidacy_by_token(token)
        return render(request, "partnership/candidacy.html", candidacy_context(candidacy, form=form, conflict=conflict))
    return render(request, "partnership/candidacy.html", candidacy_context(candidacy))


def candidacy_attachment_add(request: HttpRequest, token: str) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    if request.method != "POST":
        return redirect("partnership:candidacy", token=token)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_candidacies.attachment_add(candidacy=candidacy, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The attachment is added."))
            return redirect("partnership:candidacy", token=token)
    return render(request, "partnership/candidacy.html", candidacy_context(candidacy, attachment_form=form), status=400)


def candidacy_attachment_remove(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    attachment = candidacy.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if request.method == "POST":
        try:
            services_candidacies.attachment_remove(candidacy=candidacy, attachment=attachment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The attachment is removed."))
    return redirect("partnership:candidacy", token=token)
