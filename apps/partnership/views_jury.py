"""The jury's pages: the ranking, members, criteria, a candidacy's page, conflicts, scores, consensus, shortlist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Membership, Role
from apps.core.aggregates import ids_of
from apps.core.concurrency import EditConflict
from apps.core.confirm import confirm_page, confirmed
from apps.core.forms import form_errors
from apps.partnership import services_jury
from apps.partnership.forms import (
    ConflictForm,
    ConsensusForm,
    CriterionForm,
    DecisionForm,
    JuryMemberForm,
    PitchForm,
    RebuttalHandleForm,
    ScoreForm,
    ShortlistForm,
)
from apps.partnership.models import Candidacy, ConflictDeclaration, Criterion, Round, Score
from apps.partnership.permissions import (
    get_attachment_for_jury,
    get_candidacy_for_coordinator,
    get_candidacy_for_jury,
    get_candidacy_without_conflict,
    get_coordinated_region_for_user,
    get_jury_region_for_user,
    is_call_coordinator,
    is_jury_member,
)
from apps.partnership.selectors import candidacy_scores, ranking, rows_matching
from apps.regions.models import Challenge, Municipality, Region
from apps.regions.selectors import region_rows

# A coordinator's form on a candidacy that another coordinator saved since the page was opened (issue 10 item 5).
EDIT_CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this candidacy while you were working on it. Your input was not saved: "
    "check it against the candidacy as it is now and save again."
)


@login_required
def jury_home(request: HttpRequest, code: str) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    query = request.GET.get("q", "")[:100]
    declared = {
        d.candidacy_id: d.has_conflict
        for d in ConflictDeclaration.objects.filter(member=request.user.pk, candidacy__region=region)
    }
    criteria = list(Criterion.objects.filter(region=region))
    ranked = ranking(
        region=region,
        viewer=request.user,
        criteria=criteria,
        details=False,  # the list shows reference, organisation, scores, shortlist and decision only
        hidden={pk for pk, conflict in declared.items() if conflict},
    )
    scored = set(
        Score.objects.filter(member=request.user.pk, candidacy__region=region, round=Round.WRITTEN).values_list(
            "candidacy_id", flat=True
        )
    )
    # what the jury member still has to do per candidacy: nothing shown before a declaration
    you = {
        pk: "conflict" if conflict else ("scored" if pk in scored else "to_score") for pk, conflict in declared.items()
    }
    rows = [(row, you.get(row.candidacy.pk)) for row in rows_matching(ranked, region=region, query=query)]
    return render(
        request,
        "partnership/jury_home.html",
        {
            "region": region,
            "call": region.call,
            "rows": rows,
            "query": query,
            "is_coordinator": is_call_coordinator(request.user, region),
            "is_jury": is_jury_member(request.user, region),
            "criteria": criteria,
        },
    )


@login_required
def jury_members(request: HttpRequest, code: str) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    form = JuryMemberForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            services_jury.jury_member_add(region=region, actor=request.user, **form.cleaned_data)
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
        services_jury.jury_member_remove(membership=membership, actor=request.user)
        messages.success(request, _("The jury member is removed."))
    return redirect("partnership:jury_members", code=code)


@login_required
def criteria(request: HttpRequest, code: str) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_jury.criterion_save(region=region, actor=request.user, **form.cleaned_data)
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
            services_jury.criterion_save(
                region=region, actor=request.user, criterion=Criterion.objects.get(pk=pk), **form.cleaned_data
            )
            messages.success(request, _("The criterion is saved."))
        else:
            messages.error(request, _("Please correct the marked fields."))
    return redirect("partnership:criteria", code=code)


def chosen(region: Region, model: Any, ids: str | None) -> list[Any]:
    """The region's rows of ``model`` (Challenge, Municipality) whose ids the IdList string ``ids`` holds, in the
    model's order, from the rows kept per region version (``region_rows``): no query."""
    wanted = set(ids_of(ids))
    return [row for row in region_rows(region=region, model=model) if row.pk in wanted]


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
        "challenges": chosen(region, Challenge, getattr(candidacy, "challenge_ids", None)),
        "municipalities": chosen(region, Municipality, getattr(candidacy, "municipality_ids", None)),
        "offers": list(candidacy.offers.select_related("intervention_type")),
        "attachments": list(candidacy.attachments.all()),
        "pitch": getattr(candidacy, "pitch", None),
        "rebuttal": getattr(candidacy, "rebuttal", None),
    }
    if not conflict:
        scores = list(
            Score.objects.filter(candidacy=candidacy)
            .select_related("member", "criterion")
            .order_by("round", "member__username", "criterion__position")
        )
        context["scores"] = scores
        context["row"] = candidacy_scores(candidacy, scores, {c.pk: c.weight for c in criteria_list})
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
                initial={
                    "score": candidacy.consensus_score,
                    "motivation": candidacy.consensus_motivation,
                    "version": candidacy.version,
                }
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
                    "version": candidacy.version,
                }
            )
        if context["rebuttal"] is not None and (coordinator or jury):
            context["rebuttal_form"] = forms.get("rebuttal_form") or RebuttalHandleForm(
                initial={"handling": context["rebuttal"].handling}
            )
    if jury:
        context["conflict_form"] = forms.get("conflict_form") or ConflictForm()
    context["edit_conflict"] = bool(forms.get("edit_conflict"))
    return context


def detail(request: HttpRequest, region: Region, candidacy: Candidacy, status: int = 200, **forms: Any) -> HttpResponse:
    """The jury's candidacy page, with any bound ``forms`` (name -> form) shown instead of fresh ones."""
    return render(
        request, "partnership/jury_candidacy.html", _detail_context(request, region, candidacy, **forms), status=status
    )


@login_required
def jury_candidacy(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_for_jury(request.user, region, pk)
    return detail(request, region, candidacy)


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
            services_jury.conflict_declare(candidacy=candidacy, member=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect("partnership:jury_candidacy", code=code, pk=pk)
    return detail(request, region, candidacy, status=400, conflict_form=form)


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
            services_jury.scores_save(candidacy=candidacy, member=request.user, round=round, values=form.values())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("partnership:jury_candidacy", code=code, pk=pk)
    return detail(request, region, candidacy, status=400, **{f"score_form_{round}": form})


def coordinator_candidacy(request: HttpRequest, code: str, pk: int) -> tuple[Region, Candidacy]:
    """(region, candidacy) for the call's coordinator, 404 when not theirs or when they declared a conflict."""
    region = get_jury_region_for_user(request.user, code)
    candidacy = get_candidacy_for_coordinator(request.user, region, pk)
    if ConflictDeclaration.objects.filter(candidacy=candidacy, member=request.user.pk, has_conflict=True).exists():
        raise Http404
    return region, candidacy


def candidacy_action(
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
    edit_conflict = False
    if form.is_valid():
        data = dict(form.cleaned_data)
        if "version" in data:  # a versioned form (optimistic lock of the candidacy, apps.core.concurrency)
            version = data.pop("version")
            data["expected_version"] = version if version is not None else candidacy.version
        try:
            service(actor=request.user, **target, **data)
        except EditConflict as exc:
            edit_conflict = True
            data_again = request.POST.copy()
            data_again["version"] = str(exc.current_version)  # a second save is deliberate
            form.data = data_again
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("partnership:jury_candidacy", code=code, pk=pk)
    if edit_conflict:  # the page shows the candidacy as it is now, the form the user's input
        candidacy = Candidacy.objects.select_related("region__call").get(pk=candidacy.pk)
        return detail(request, region, candidacy, status=200, edit_conflict=True, **{form_name: form})
    return detail(request, region, candidacy, status=400, **{form_name: form})


@login_required
def jury_consensus(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region, candidacy = coordinator_candidacy(request, code, pk)
    return candidacy_action(
        request,
        region,
        candidacy,
        ConsensusForm,
        "consensus_form",
        services_jury.consensus_record,
        _("The consensus score is recorded."),
        target={"candidacy": candidacy},
    )


@login_required
def jury_shortlist(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _region, candidacy = coordinator_candidacy(request, code, pk)
    if request.method != "POST":
        return redirect("partnership:jury_candidacy", code=code, pk=pk)
    form = ShortlistForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The shortlist form is incomplete: reload the page and try again."))
    shortlisted, version = form.cleaned_data["shortlisted"], form.cleaned_data["version"]
    try:
        services_jury.shortlist_set(
            candidacy=candidacy,
            actor=request.user,
            shortlisted=shortlisted,
            expected_version=version if version is not None else candidacy.version,
        )
    except EditConflict:
        messages.error(request, EDIT_CONFLICT_MESSAGE)
    else:
        messages.success(
            request,
            _("The candidacy is on the shortlist.") if shortlisted else _("The candidacy is off the shortlist."),
        )
    return redirect("partnership:jury_candidacy", code=code, pk=pk)


@login_required
def jury_attachment(request: HttpRequest, code: str, pk: int, attachment: int) -> FileResponse:
    region = get_jury_region_for_user(request.user, code)
    item = get_attachment_for_jury(request.user, region, pk, attachment)
    return FileResponse(item.file.open("rb"), content_type="application/pdf", filename=item.original_name)
