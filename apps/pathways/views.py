from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Membership
from apps.assessment.models import Screening, ScreeningObstacle
from apps.clients.permissions import get_client_for_editing
from apps.core.confirm import confirm_page, confirmed, reason_given
from apps.core.forms import form_errors
from apps.core.ids import id_or_404, parse_id
from apps.pathways.forms import ActionForm, ContactForm, FollowUpForm, GoalForm, PlanForm, TeamMemberForm
from apps.pathways.models import Action, Closure, Goal, TeamMember
from apps.pathways.permissions import (
    get_pathway_for_contributing,
    get_pathway_for_editing,
)
from apps.pathways.services import (
    PlanConflict,
    action_add,
    action_set_status,
    contact_log_add,
    follow_up_record,
    pathway_activate,
    pathway_pause,
    pathway_start,
    plan_save,
    team_add,
    team_remove,
)
from apps.regions.models import LifeDomain, Obstacle


@login_required
@require_POST
def pathway_start_view(request: HttpRequest, client_pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, client_pk)
    try:
        pathway = pathway_start(client=access.client, actor=request.user, organisation=access.client.organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("clients:detail", pk=client_pk)
    return redirect("pathways:detail", pk=pathway.pk)


GOALS_EXTRA = 2
"""Empty goal forms the plan page offers (several goals in one save); "More goals" adds as many again."""


def _goal_formset(access: Any, data: Any = None, initial: Any = None) -> Any:
    """The plan's goals as a formset: the existing ones plus ``GOALS_EXTRA`` empty forms. Obstacles found in
    the client's latest completed screening come first in each goal (issue 11 item 5)."""

    region_id = access.pathway.organisation.region_id
    domains = LifeDomain.objects.filter(region_id=region_id)
    obstacles = list(Obstacle.objects.filter(region_id=region_id))
    latest = (
        Screening.objects.filter(client_id=access.pathway.client_id, status=Screening.Status.COMPLETED)
        .order_by("-screened_on", "-pk")
        .values("pk")[:1]
    )
    screened = frozenset(ScreeningObstacle.objects.filter(screening__in=latest).values_list("obstacle_id", flat=True))
    formset_class = formset_factory(GoalForm, extra=GOALS_EXTRA)
    return formset_class(
        data,
        initial=initial,
        prefix="goals",
        form_kwargs={"domains": domains, "obstacles": obstacles, "screened": screened},
    )


def _with_more_goals(data: Any) -> Any:
    """The POSTed plan with ``GOALS_EXTRA`` more (empty) goal forms: the "More goals" button without
    JavaScript. The typed text stays; nothing is saved."""
    more = data.copy()
    total = parse_id(more.get("goals-TOTAL_FORMS")) or 0
    more["goals-TOTAL_FORMS"] = str(min(total + GOALS_EXTRA, 50))
    return more


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared plan: the client's words and goals per life domain. A stale save gets the user's text back."""
    access = get_pathway_for_editing(request.user, pk)
    pathway = access.pathway
    conference = None
    if conference_pk := parse_id(request.GET.get("casusoverleg")):
        # the conference (apps.conferences) through the pathway's reverse relation: pathways does not import it
        conference = pathway.case_conferences.filter(pk=conference_pk, participants=request.user.pk).first()
    goals = list(Goal.objects.filter(pathway=pathway).prefetch_related("obstacles"))
    initial = [
        {
            "id": g.pk,
            "life_domain": g.life_domain_id,
            "description": g.description,
            "obstacles": [o.pk for o in g.obstacles.all()],
            "achieved": g.achieved,
        }
        for g in goals
    ]
    conflict = None
    if request.method == "POST" and "more_goals" in request.POST:
        form = PlanForm(request.POST)
        formset = _goal_formset(access, _with_more_goals(request.POST))
    elif request.method == "POST":
        form = PlanForm(request.POST)
        formset = _goal_formset(access, request.POST)
        if form.is_valid() and formset.is_valid():
            items = [
                {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("description")
            ]
            try:
                plan_save(
                    pathway=pathway,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    client_words=form.cleaned_data["client_words"],
                    goals=items,
                    case_conference=conference,
                )
            except PlanConflict as exc:
                conflict = exc  # the form keeps the user's text; the message says what happened
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("pathways:detail", pk=pk)
    else:
        form = PlanForm(initial={"version": pathway.plan_version, "client_words": pathway.client_words})
        formset = _goal_formset(access, initial=initial)
    return render(
        request,
        "pathways/plan_form.html",
        {"pathway": pathway, "form": form, "formset": formset, "conflict": conflict, "conference": conference},
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_editing(request.user, pk)
    pathway = access.pathway
    team = list(pathway.team.filter(is_active=True).select_related("user", "organisation"))
    memberships = list(
        Membership.objects.filter(
            organisation__region_id=pathway.organisation.region_id,
            is_active=True,
            role__in=["counsellor", "peer_companion", "partner_worker"],
        )
        .exclude(user_id__in=[m.user_id for m in team])  # who is on the team already is not offered again
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name")
    )
    form = TeamMemberForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and request.POST.get("remove"):
        member = get_object_or_404(
            TeamMember.objects.select_related("user"),
            pk=id_or_404(request.POST["remove"]),
            pathway=pathway,
            is_active=True,
        )
        reason = reason_given(request) if confirmed(request) else None
        if reason is None:  # the first POST, or no reason typed: ask (and change nothing)
            return confirm_page(
                request,
                title=_("Remove %(name)s from the team?") % {"name": member.user.get_full_name() or member.user},
                consequence=_(
                    "%(name)s leaves the case team of this pathway and no longer sees it through the team; "
                    "their open actions go to the counsellor who holds the direction."
                )
                % {"name": member.user.get_full_name() or member.user},
                button=_("Remove from the team"),
                cancel_url=reverse("pathways:team", args=[pk]),
                reason=True,
                reason_label=_("Why does this member leave the team? (kept in the history)"),
            )
        try:
            team_remove(member=member, actor=request.user, reason=reason)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The team member is removed."))
        return redirect("pathways:team", pk=pk)
    if request.method == "POST" and form.is_valid():
        membership = form.memberships[form.cleaned_data["membership"]]
        try:
            team_add(
                pathway=pathway,
                actor=request.user,
                user=membership.user,
                organisation=membership.organisation,
                role=form.cleaned_data["role"],
                task=form.cleaned_data["task"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The team is updated."))
            return redirect("pathways:team", pk=pk)
    return render(request, "pathways/team_form.html", {"pathway": pathway, "form": form, "team": team})


@login_required
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_editing(request.user, pk)
    pathway = access.pathway
    team = list(pathway.team.filter(is_active=True).select_related("user", "organisation"))
    goals = list(Goal.objects.filter(pathway=pathway))
    form = ActionForm(request.POST or None, team=team, goals=goals)
    if request.method == "POST" and form.is_valid():
        member = form.team[form.cleaned_data["owner"]]
        try:
            action_add(
                pathway=pathway,
                actor=request.user,
                description=form.cleaned_data["description"],
                owner=member.user,
                owner_organisation=member.organisation,
                due_on=form.cleaned_data["due_on"],
                goal=form.goals.get(form.cleaned_data["goal"] or ""),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("pathways:detail", pk=pk)
    return render(request, "pathways/action_form.html", {"pathway": pathway, "form": form})


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    access = get_pathway_for_contributing(request.user, pk)
    action = get_object_or_404(Action, pk=action_pk, pathway=access.pathway)
    if not access.owner and action.owner_id != request.user.pk:
        raise Http404
    try:
        action_set_status(action=action, actor=request.user, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("next") == "/trajecten/mijn-werk/":
        return redirect("pathways:my_work")
    return redirect("pathways:detail", pk=pk)


@login_required
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_contributing(request.user, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = access.member.organisation if access.member else access.pathway.organisation
        try:
            contact_log_add(pathway=access.pathway, actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The contact is logged."))
            return redirect("pathways:detail", pk=pk)
    return render(request, "pathways/contact_form.html", {"pathway": access.pathway, "form": form})


@login_required
@require_POST
def pathway_transition(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    access = get_pathway_for_editing(request.user, pk)
    services = {"activeren": pathway_activate, "pauzeren": pathway_pause}
    if transition not in services:
        raise Http404
    try:
        services[transition](pathway=access.pathway, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("pathways:detail", pk=pk)


@login_required
def follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_editing(request.user, pk)
    closure = get_object_or_404(Closure, pathway=access.pathway)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_record(closure=closure, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("pathways:detail", pk=pk)
    return render(
        request, "pathways/follow_up_form.html", {"pathway": access.pathway, "form": form, "closure": closure}
    )
