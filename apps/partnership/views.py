from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import Membership, Role
from apps.clients.views import form_errors
from apps.core.confirm import confirm_page, confirmed
from apps.core.ratelimit import rate_limited
from apps.partnership import coverage, services
from apps.partnership.forms import (
    AttachmentForm,
    BudgetForm,
    CandidacyForm,
    ConflictForm,
    ConsensusForm,
    CriterionForm,
    DecisionForm,
    JuryMemberForm,
    PitchForm,
    RebuttalForm,
    RebuttalHandleForm,
    RegisterForm,
    ScoreForm,
)
from apps.partnership.letters import decision_letter_pdf
from apps.partnership.models import Candidacy, ConflictDeclaration, Criterion, Rebuttal, Round, Score
from apps.partnership.permissions import (
    get_attachment_for_jury,
    get_candidacy_by_token,
    get_candidacy_for_coordinator,
    get_candidacy_for_jury,
    get_candidacy_without_conflict,
    get_coordinated_region_for_user,
    get_jury_region_for_user,
    get_public_call_region,
    is_call_coordinator,
    is_jury_member,
)
from apps.partnership.selectors import (
    coverage_matrix,
    coverage_problem,
    ranking,
    rows_matching,
    support_lines,
)
from apps.regions.models import Challenge, Region

# --- public: the call and the applicant's own pages ------------------------------------------


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
        "deadline_local": services.local(call.candidacy_deadline),
        "is_open": not services.deadline_passed(call, timezone.now()),
    }


@rate_limited("candidacy")  # anonymous form that sends e-mail: limited per IP (docs/decisions/0011)
def call_page(request: HttpRequest, code: str) -> HttpResponse:
    region = get_public_call_region(code)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy = services.candidacy_start(
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


def _candidacy_context(candidacy: Candidacy, **extra: Any) -> dict[str, Any]:
    call = candidacy.region.call
    now = timezone.now()
    editable = not candidacy.is_submitted and not services.deadline_passed(call, now)
    context: dict[str, Any] = {
        "candidacy": candidacy,
        "region": candidacy.region,
        "call": call,
        "deadline_local": services.local(call.candidacy_deadline),
        "editable": editable,
        "attachments": list(candidacy.attachments.all()),
        "offers": list(candidacy.offers.select_related("intervention_type")),
        "missing": _missing_with_labels(services.missing_for_submission(candidacy)) if editable else [],
        "rebuttal": Rebuttal.objects.filter(candidacy=candidacy).first(),
        "rebuttal_open": services.rebuttal_open(candidacy, now),
        "rebuttal_last_day": services.rebuttal_last_day(call),
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
        if form.is_valid():
            # the instance holds the form's values now; the service validates and saves from a fresh copy
            fresh = Candidacy.objects.select_related("region__call").get(pk=candidacy.pk)
            try:
                services.candidacy_save_draft(candidacy=fresh, offers=form.offers(), **form.draft_data())
                if "submit" in request.POST:
                    services.candidacy_submit(candidacy=fresh)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Your candidacy is submitted. We e-mailed you a receipt."))
                else:
                    messages.success(request, _("Your draft is saved."))
                return redirect("partnership:candidacy", token=token)
        candidacy = get_candidacy_by_token(token)
        return render(request, "partnership/candidacy.html", _candidacy_context(candidacy, form=form))
    return render(request, "partnership/candidacy.html", _candidacy_context(candidacy))


def candidacy_attachment_add(request: HttpRequest, token: str) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    if request.method != "POST":
        return redirect("partnership:candidacy", token=token)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(candidacy=candidacy, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The attachment is added."))
            return redirect("partnership:candidacy", token=token)
    return render(
        request, "partnership/candidacy.html", _candidacy_context(candidacy, attachment_form=form), status=400
    )


def candidacy_attachment_remove(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    attachment = candidacy.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if request.method == "POST":
        try:
            services.attachment_remove(candidacy=candidacy, attachment=attachment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The attachment is removed."))
    return redirect("partnership:candidacy", token=token)


def candidacy_rebuttal(request: HttpRequest, token: str) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    if request.method != "POST":
        return redirect("partnership:candidacy", token=token)
    form = RebuttalForm(request.POST)
    if form.is_valid():
        try:
            services.rebuttal_submit(candidacy=candidacy, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your rebuttal is submitted. The jury will handle it."))
            return redirect("partnership:candidacy", token=token)
    context = _candidacy_context(candidacy, rebuttal_form=form)
    context["rebuttal_open"] = True
    return render(request, "partnership/candidacy.html", context, status=400)


def _pdf(candidacy: Candidacy) -> HttpResponse:
    response = HttpResponse(decision_letter_pdf(candidacy), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="beslissing-{candidacy.reference}.pdf"'
    return response


def candidacy_letter(request: HttpRequest, token: str) -> HttpResponse:
    candidacy = get_candidacy_by_token(token)
    if candidacy.decision_sent_at is None:
        raise Http404
    return _pdf(candidacy)


# --- the jury -----------------------------------------------------------------------------


@login_required
def jury_home(request: HttpRequest, code: str) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    query = request.GET.get("q", "")[:100]
    rows = rows_matching(ranking(region=region, viewer=request.user), region=region, query=query)
    declared = {
        d.candidacy_id: d.has_conflict
        for d in ConflictDeclaration.objects.filter(member=request.user.pk, candidacy__region=region)
    }
    scored = set(
        Score.objects.filter(member=request.user.pk, candidacy__region=region, round=Round.WRITTEN).values_list(
            "candidacy_id", flat=True
        )
    )
    return render(
        request,
        "partnership/jury_home.html",
        {
            "region": region,
            "call": region.call,
            "rows": rows,
            "query": query,
            "declared": declared,
            "scored": scored,
            "is_coordinator": is_call_coordinator(request.user, region),
            "is_jury": is_jury_member(request.user, region),
            "criteria": list(Criterion.objects.filter(region=region)),
        },
    )


@login_required
def jury_members(request: HttpRequest, code: str) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    form = JuryMemberForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.jury_member_add(region=region, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The jury member is added."))
            return redirect("partnership:jury_members", code=code)
    members = Membership.objects.filter(
        organisation__region=region, role=Role.JURY_MEMBER, is_active=True
    ).select_related("user", "organisation")
    return render(request, "partnership/jury_members.html", {"region": region, "form": form, "members": members})


@login_required
def jury_member_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    membership = Membership.objects.filter(
        pk=pk, organisation__region=region, role=Role.JURY_MEMBER, is_active=True
    ).first()
    if membership is None:
        raise Http404
    if request.method == "POST":
        if not confirmed(request):  # the first POST asks, and changes nothing
            name = membership.user.get_full_name() or membership.user.email
            return confirm_page(
                request,
                title=_("Remove %(name)s from the jury?") % {"name": name},
                consequence=_(
                    "%(name)s can no longer open the candidacies or score them; the scores already given stay "
                    "in the ranking."
                )
                % {"name": name},
                button=_("Remove from the jury"),
                cancel_url=reverse("partnership:jury_members", args=[code]),
            )
        services.jury_member_remove(membership=membership, actor=request.user)
        messages.success(request, _("The jury member is removed."))
    return redirect("partnership:jury_members", code=code)


@login_required
def criteria(request: HttpRequest, code: str) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(region=region, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The criterion is saved."))
            return redirect("partnership:criteria", code=code)
    items = [(c, CriterionForm(instance=c, prefix=f"c{c.pk}")) for c in Criterion.objects.filter(region=region)]
    return render(request, "partnership/criteria.html", {"region": region, "form": form, "items": items})


@login_required
def criterion_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    criterion = Criterion.objects.filter(pk=pk, region=region).first()
    if criterion is None:
        raise Http404
    if request.method == "POST":
        form = CriterionForm(request.POST, instance=criterion, prefix=f"c{pk}")
        if form.is_valid():
            services.criterion_save(
                region=region, actor=request.user, criterion=Criterion.objects.get(pk=pk), **form.cleaned_data
            )
            messages.success(request, _("The criterion is saved."))
        else:
            messages.error(request, _("Please correct the marked fields."))
    return redirect("partnership:criteria", code=code)


def _detail_context(request: HttpRequest, region: Region, candidacy: Candidacy, **forms: Any) -> dict[str, Any]:
    user = request.user
    declaration = ConflictDeclaration.objects.filter(candidacy=candidacy, member=user.pk).first()
    conflict = bool(declaration and declaration.has_conflict)
    criteria_list = list(Criterion.objects.filter(region=region))
    coordinator = is_call_coordinator(user, region)
    jury = is_jury_member(user, region)
    context: dict[str, Any] = {
        "region": region,
        "call": region.call,
        "candidacy": candidacy,
        "declaration": declaration,
        "conflict": conflict,
        "is_coordinator": coordinator,
        "is_jury": jury,
        "criteria": criteria_list,
        "offers": list(candidacy.offers.select_related("intervention_type")),
        "attachments": list(candidacy.attachments.all()),
        "pitch": getattr(candidacy, "pitch", None),
        "rebuttal": Rebuttal.objects.filter(candidacy=candidacy).first(),
    }
    if not conflict:
        scores = list(
            Score.objects.filter(candidacy=candidacy)
            .select_related("member", "criterion")
            .order_by("round", "member__username", "criterion__position")
        )
        context["scores"] = scores
        row = next((r for r in ranking(region=region) if r.candidacy.pk == candidacy.pk), None)
        context["row"] = row
        if jury and declaration is not None:
            mine = {(s.round, s.criterion_id): s for s in scores if s.member_id == user.pk}
            context["score_forms"] = []
            rounds = [Round.WRITTEN] + ([Round.PITCH] if candidacy.shortlisted else [])
            for rnd in rounds:
                initial = {c.pk: mine.get((rnd, c.pk)) for c in criteria_list}
                form = forms.get(f"score_form_{rnd}") or ScoreForm(
                    criteria=criteria_list, initial_scores=initial, prefix=f"r{rnd}"
                )
                context["score_forms"].append((rnd, Round(rnd).label, form))
        if coordinator:
            context["consensus_form"] = forms.get("consensus_form") or ConsensusForm(
                initial={"score": candidacy.consensus_score, "motivation": candidacy.consensus_motivation}
            )
            pitch = context["pitch"]
            context["pitch_form"] = forms.get("pitch_form") or PitchForm(
                initial={
                    "starts_at": timezone.localtime(pitch.starts_at) if pitch else None,
                    "duration_minutes": pitch.duration_minutes if pitch else 30,
                    "location": pitch.location if pitch else "",
                }
            )
            context["decision_form"] = forms.get("decision_form") or DecisionForm(
                initial={
                    "decision": candidacy.decision if candidacy.decision != Candidacy.Decision.PENDING else None,
                    "motivation": candidacy.decision_motivation,
                }
            )
        if context["rebuttal"] is not None and (coordinator or jury):
            context["rebuttal_form"] = forms.get("rebuttal_form") or RebuttalHandleForm(
                initial={"handling": context["rebuttal"].handling}
            )
    if jury:
        context["conflict_form"] = forms.get("conflict_form") or ConflictForm()
    return context


def _detail(
    request: HttpRequest, region: Region, candidacy: Candidacy, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request, "partnership/jury_candidacy.html", _detail_context(request, region, candidacy, **forms), status=status
    )


@login_required
def jury_candidacy(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_for_jury(request.user, region, pk)
    return _detail(request, region, candidacy)


@login_required
def jury_conflict(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_for_jury(request.user, region, pk)
    if not is_jury_member(request.user, region):
        raise Http404
    if request.method != "POST":
        return redirect("partnership:jury_candidacy", code=code, pk=pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(candidacy=candidacy, member=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect("partnership:jury_candidacy", code=code, pk=pk)
    return _detail(request, region, candidacy, status=400, conflict_form=form)


@login_required
def jury_score(request: HttpRequest, code: str, pk: int, round: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_without_conflict(request.user, region, pk)
    if not is_jury_member(request.user, region) or round not in Round.values:
        raise Http404
    if request.method != "POST":
        return redirect("partnership:jury_candidacy", code=code, pk=pk)
    form = ScoreForm(
        request.POST, criteria=list(Criterion.objects.filter(region=region)), initial_scores={}, prefix=f"r{round}"
    )
    if form.is_valid():
        try:
            services.scores_save(candidacy=candidacy, member=request.user, round=round, values=form.values())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("partnership:jury_candidacy", code=code, pk=pk)
    return _detail(request, region, candidacy, status=400, **{f"score_form_{round}": form})


def _coordinator_candidacy(request: HttpRequest, code: str, pk: int) -> tuple[Region, Candidacy]:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_for_coordinator(request.user, region, pk)
    if ConflictDeclaration.objects.filter(candidacy=candidacy, member=request.user.pk, has_conflict=True).exists():
        raise Http404
    return region, candidacy


def _candidacy_action(
    request: HttpRequest,
    region: Region,
    candidacy: Candidacy,
    form_class: Any,
    form_name: str,
    service: Any,
    message: str,
    target: dict[str, Any],
) -> HttpResponse:
    """POST a form on the jury's candidacy page to one service; on errors, the page again with the form (400)."""
    code, pk = region.code, candidacy.pk
    if request.method != "POST":
        return redirect("partnership:jury_candidacy", code=code, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, **target, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("partnership:jury_candidacy", code=code, pk=pk)
    return _detail(request, region, candidacy, status=400, **{form_name: form})


@login_required
def jury_consensus(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region, candidacy = _coordinator_candidacy(request, code, pk)
    return _candidacy_action(
        request,
        region,
        candidacy,
        ConsensusForm,
        "consensus_form",
        services.consensus_record,
        _("The consensus score is recorded."),
        target={"candidacy": candidacy},
    )


@login_required
def jury_shortlist(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _region, candidacy = _coordinator_candidacy(request, code, pk)
    if request.method == "POST":
        shortlisted = request.POST.get("shortlisted") == "1"
        services.shortlist_set(candidacy=candidacy, actor=request.user, shortlisted=shortlisted)
        messages.success(
            request,
            _("The candidacy is on the shortlist.") if shortlisted else _("The candidacy is off the shortlist."),
        )
    return redirect("partnership:jury_candidacy", code=code, pk=pk)


@login_required
def jury_pitch(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region, candidacy = _coordinator_candidacy(request, code, pk)
    return _candidacy_action(
        request,
        region,
        candidacy,
        PitchForm,
        "pitch_form",
        services.pitch_schedule,
        _("The pitch is scheduled and the invitation is sent."),
        target={"candidacy": candidacy},
    )


@login_required
def jury_decision(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region, candidacy = _coordinator_candidacy(request, code, pk)
    return _candidacy_action(
        request,
        region,
        candidacy,
        DecisionForm,
        "decision_form",
        services.decision_record,
        _("The decision is recorded and the letter is sent."),
        target={"candidacy": candidacy},
    )


@login_required
def jury_letter(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_for_jury(request.user, region, pk)
    if candidacy.decision == Candidacy.Decision.PENDING:
        raise Http404
    return _pdf(candidacy)


@login_required
def jury_rebuttal(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_without_conflict(request.user, region, pk)
    rebuttal = Rebuttal.objects.filter(candidacy=candidacy).first()
    if rebuttal is None:
        raise Http404
    return _candidacy_action(
        request,
        region,
        candidacy,
        RebuttalHandleForm,
        "rebuttal_form",
        services.rebuttal_handle,
        _("The handling of the rebuttal is recorded."),
        target={"rebuttal": rebuttal},
    )


@login_required
def jury_attachment(request: HttpRequest, code: str, pk: int, attachment: int) -> FileResponse:
    region = get_jury_region_for_user(request.user, code)
    item = get_attachment_for_jury(request.user, region, pk, attachment)
    return FileResponse(item.file.open("rb"), content_type="application/pdf", filename=item.original_name)


@login_required
def jury_coverage(request: HttpRequest, code: str) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    rows = ranking(region=region)
    selected = [r.candidacy for r in rows if r.candidacy.decision == Candidacy.Decision.SELECTED]
    matrix = coverage_matrix(region=region, candidacies=selected)
    total = sum((r.candidacy.budget_requested or Decimal(0)) for r in rows if r.candidacy.decision == "selected")
    form = BudgetForm(request.GET or None)
    result: dict[str, Any] = {}
    if form.is_valid():
        budget_cents = int(form.cleaned_data["budget"] * 100)
        problem = coverage_problem(region=region, rows=rows, budget_cents=budget_cents)
        best = coverage.solve_optimal(problem)
        by_pk = {r.candidacy.pk: r.candidacy for r in rows}
        lines = {line.pk: line for line in support_lines(region)}

        def show(solution: coverage.Solution) -> dict[str, Any]:
            return {
                "candidacies": [by_pk[k] for k in solution.chosen],
                "value": solution.value,
                "cost": Decimal(solution.cost) / 100,
                "uncovered": [lines[k] for k in solution.uncovered],
            }

        scored = {o.key for o in problem.options}
        ranked, spent = [], 0
        for option in sorted(problem.options, key=lambda o: -o.score):
            if spent + option.cost <= budget_cents:
                ranked.append(option.key)
                spent += option.cost
        result = {
            "best": show(best),
            "optimal": best.optimal,
            "alternatives": [{"without": by_pk[k], **show(alt)} for k, alt in coverage.alternatives(problem, best)],
            "by_ranking": show(coverage.evaluate(problem, ranked)),
            "selection": show(coverage.evaluate(problem, [c.pk for c in selected if c.pk in scored])),
            "unscored": len(rows) - len(problem.options),
        }
    return render(
        request,
        "partnership/coverage.html",
        {
            "region": region,
            "selected": selected,
            "matrix": matrix,
            "gaps": sum(1 for r in matrix if r["gap"]),
            "selected_budget": total,
            "form": form,
            **result,
        },
    )


@login_required
def jury_convert(request: HttpRequest, code: str) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    if request.method == "POST":
        if not confirmed(request):  # the first POST asks, and changes nothing
            selected = list(
                Candidacy.objects.filter(
                    region=region, decision=Candidacy.Decision.SELECTED, status=Candidacy.Status.SUBMITTED
                ).values_list("organisation_name", flat=True)
            )
            return confirm_page(
                request,
                title=_("Make the selected candidacies partners?"),
                consequence=ngettext(
                    "%(n)s selected candidacy becomes a partner organisation with its offers in the social map, "
                    "where counsellors can refer to them. This is not undone here.",
                    "%(n)s selected candidacies become partner organisations with their offers in the social map, "
                    "where counsellors can refer to them. This is not undone here.",
                    len(selected),
                )
                % {"n": len(selected)},
                details=selected,
                button=_("Make them partners"),
                cancel_url=reverse("partnership:jury_coverage", args=[code]),
            )
        converted = services.selected_candidacies_convert(region=region, actor=request.user)
        messages.success(
            request,
            _("%(n)s selected candidacies are partner organisations with their offers in the social map.")
            % {"n": len(converted)},
        )
    return redirect("partnership:jury_coverage", code=code)


@login_required
def jury_export(request: HttpRequest, code: str) -> HttpResponse:
    from apps.audit.services import audit_log
    from apps.partnership.exports import candidacies_xlsx

    region = get_coordinated_region_for_user(request.user, code)
    content = candidacies_xlsx(region=region)
    audit_log(actor=request.user, action="partnership.export.downloaded", obj=region, changes={})
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="kandidaturen-{region.code}.xlsx"'
    return response
