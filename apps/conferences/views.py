"""Case conferences (casusoverleg) and signals. Thin views: access, form, one service, redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.permissions import coordinated_region_ids
from apps.conferences.forms import ConferenceForm, DecisionsForm, SignalFilterForm, SignalForm
from apps.conferences.permissions import get_conference_for_user, get_signal_for_resolving
from apps.conferences.services import (
    conference_page,
    conference_record_decisions,
    conference_schedule,
    conferences_for_user,
    is_worker,
    partnership_users,
    schedulable_pathways,
    scheduling_regions,
    signal_raise,
    signal_resolve,
    signals_for_user,
    worker_regions,
)
from apps.core.forms import form_errors
from apps.core.ids import parse_id
from apps.core.keyset import keep_params, keyset_page
from apps.pathways.permissions import get_pathway_for_user


def _int(value: Any) -> int | None:
    return parse_id(value)


CONFERENCES_PER_PAGE = 25  # per keyset page of each list (coming up, past)
SIGNALS_PER_PAGE = 25  # per keyset page of each list (open, resolved)


@login_required
def conference_list(request: HttpRequest) -> HttpResponse:
    """The user's case conferences: those coming up (soonest first, ``?komend=``) and the past ones (latest
    first, ``?voorbij=``), each in keyset pages of ``CONFERENCES_PER_PAGE`` (junk cursor: 404)."""
    if not is_worker(request.user):
        raise Http404
    mine = conferences_for_user(request.user)
    now = timezone.now()
    upcoming = keyset_page(
        mine.filter(scheduled_at__gt=now),
        ordering=("scheduled_at", "pk"),
        cursor=request.GET.get("komend"),
        size=CONFERENCES_PER_PAGE,
        salt="conferences-upcoming",
    )
    past = keyset_page(
        mine.filter(scheduled_at__lte=now),
        ordering=("-scheduled_at", "-pk"),
        cursor=request.GET.get("voorbij"),
        size=CONFERENCES_PER_PAGE,
        salt="conferences-past",
    )
    return render(
        request,
        "conferences/conference_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "keep_upcoming": keep_params(request.GET, "komend"),
            "keep_past": keep_params(request.GET, "voorbij"),
            "can_schedule": bool(scheduling_regions(request.user)),
        },
    )


@login_required
def conference_new(request: HttpRequest) -> HttpResponse:
    regions = scheduling_regions(request.user)
    if not regions:
        raise Http404
    chosen = _int(request.POST.get("region") or request.GET.get("region")) or regions[0].pk
    region = next((r for r in regions if r.pk == chosen), None)
    if region is None:
        raise Http404
    accesses = schedulable_pathways(request.user, region)
    choices = [(a.pathway.pk, f"{a.pathway.client} (#{a.pathway.pk})") for a in accesses]
    initial = {}
    if (pathway_pk := _int(request.GET.get("traject"))) and pathway_pk in {c for c, _label in choices}:
        initial["pathways"] = [pathway_pk]
    people = partnership_users(region, besides=request.user)
    form = ConferenceForm(request.POST or None, initial=initial, people=people, pathway_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conference = conference_schedule(
                actor=request.user,
                region=region,
                scheduled_at=data["scheduled_at"],
                place=data["place"],
                participants=data["participants"],
                pathway_ids=data["pathways"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The case conference is scheduled; the participants are notified."))
            return redirect("conferences:detail", pk=conference.pk)
    return render(request, "conferences/conference_form.html", {"form": form, "region": region, "regions": regions})


@login_required
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conference = get_conference_for_user(request.user, pk)
    return render(
        request,
        "conferences/conference_detail.html",
        conference_page(user=request.user, conference=conference),
    )


@login_required
def conference_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    conference = get_conference_for_user(request.user, pk)
    form = DecisionsForm(request.POST or None, initial={"decisions": conference.decisions})
    if request.method == "POST" and form.is_valid():
        try:
            conference_record_decisions(
                conference=conference, actor=request.user, decisions=form.cleaned_data["decisions"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The decisions are recorded."))
            return redirect("conferences:detail", pk=pk)
    return render(request, "conferences/decisions_form.html", {"form": form, "conference": conference})


# --- signals ------------------------------------------------------------------------------------


@login_required
def signal_list(request: HttpRequest) -> HttpResponse:
    """The signals the user sees (``?kind=``, ``?status=open|resolved``): the open ones (``?open=``) and the
    resolved ones (``?opgelost=``), newest first, each in keyset pages of ``SIGNALS_PER_PAGE`` (junk: 404)."""
    if not is_worker(request.user):
        raise Http404
    form = SignalFilterForm(request.GET or None)
    kind, status = "", ""
    if form.is_valid():
        kind, status = form.cleaned_data["kind"], form.cleaned_data["status"]
    sections = []
    for resolved, param, title in ((False, "open", _("Open")), (True, "opgelost", _("Resolved"))):
        if status and status != ("resolved" if resolved else "open"):
            continue
        page = keyset_page(
            signals_for_user(request.user, kind=kind, resolved=resolved),
            ordering=("-created_at", "-pk"),
            cursor=request.GET.get(param),
            size=SIGNALS_PER_PAGE,
            salt=f"signals-{param}",
        )
        sections.append({"title": title, "page": page, "param": param, "keep": keep_params(request.GET, param)})
    return render(
        request,
        "conferences/signal_list.html",
        {"form": form, "sections": sections, "coordinated": coordinated_region_ids(request.user)},
    )


@login_required
def signal_new(request: HttpRequest) -> HttpResponse:
    """Raise a signal from a pathway (?traject=) or a conference (?casusoverleg=), or for the partnership."""
    pathway = conference = region = None
    if (pathway_pk := _int(request.GET.get("traject"))) is not None:
        pathway = get_pathway_for_user(request.user, pathway_pk).pathway
    elif (conference_pk := _int(request.GET.get("casusoverleg"))) is not None:
        conference = get_conference_for_user(request.user, conference_pk)
    else:
        regions = worker_regions(request.user)
        if not regions:
            raise Http404
        region = regions[0]
    form = SignalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signal_raise(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                pathway=pathway,
                case_conference=conference,
                region=region,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the signal goes to the coordinator of the partnership."))
            if conference is not None:
                return redirect("conferences:detail", pk=conference.pk)
            if pathway is not None:
                return redirect("pathways:detail", pk=pathway.pk)
            return redirect("conferences:signals")
    return render(request, "conferences/signal_form.html", {"form": form, "pathway": pathway, "conference": conference})


@login_required
@require_POST
def signal_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_signal_for_resolving(request.user, pk)
    try:
        signal_resolve(signal=signal, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The signal is marked resolved."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/casusoverleg/signalen/"):
        return redirect(next_url)
    return redirect("conferences:signals")
