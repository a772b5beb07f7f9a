"""Group activities (groepsaanbod): activities of an offer, sessions, attendance. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import form_errors
from apps.core.ids import parse_id
from apps.groups.forms import AttendanceForm, GroupActivityForm, SessionForm
from apps.groups.permissions import get_activity_for_user, get_session_for_user
from apps.groups.services import (
    activities_for_user,
    activity_sessions,
    group_activity_create,
    group_session_add,
    linkable_pathways,
    offers_for_groups,
    session_attendance_record,
)
from apps.offers.permissions import offer_organisations_for_user


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    if not offer_organisations_for_user(request.user):
        raise Http404
    page = activities_for_user(request.user, cursor=request.GET.get("cursor"))
    return render(request, "groups/activity_list.html", {"activities": page})


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    if not offer_organisations_for_user(request.user):
        raise Http404
    offers = offers_for_groups(request.user)
    form = GroupActivityForm(
        request.POST or None,
        offers=offers,
        initial={"offer": parse_id(request.GET.get("aanbod"))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = group_activity_create(
                actor=request.user, offer=form.cleaned_data["offer"], title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The group activity is added. Add its sessions."))
            return redirect("groups:detail", pk=activity.pk)
    return render(request, "groups/activity_form.html", {"form": form, "has_offers": offers.exists()})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    return render(
        request,
        "groups/activity_detail.html",
        {
            "activity": activity,
            "sessions": activity_sessions(activity, cursor=request.GET.get("cursor")),
            "form": SessionForm(),
        },
    )


@login_required
@require_POST
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = group_session_add(activity=activity, actor=request.user, held_on=form.cleaned_data["held_on"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The session is added."))
            return redirect("groups:attendance", pk=pk, session_pk=session.pk)
    return render(
        request,
        "groups/activity_detail.html",
        {
            "activity": activity,
            "sessions": activity_sessions(activity),  # the first page
            "form": form,
        },
        status=400,
    )


@login_required
def session_attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, session_pk)
    activity = session.activity
    rows = linkable_pathways(request.user, activity.offer, session)
    choices = [(r["pk"], r["name"] or _("client #%(id)s") % {"id": r["pk"]}) for r in rows]
    initial = {"attendees": list(session.attendees.values_list("pk", flat=True))}
    form = AttendanceForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session_attendance_record(session=session, actor=request.user, pathway_ids=form.cleaned_data["attendees"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The attendance is saved."))
            return redirect("groups:detail", pk=pk)
    return render(
        request,
        "groups/attendance_form.html",
        {"form": form, "activity": activity, "session": session, "rows": rows},
    )
