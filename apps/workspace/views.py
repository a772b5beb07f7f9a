"""Pages that compose several apps (see selectors.py). URLs keep the names users and templates know:
padwijzer/urls.py merges these patterns into the ``core``, ``clients`` and ``pathways`` namespaces."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.models import Role, User
from apps.accounts.permissions import memberships_of
from apps.clients.forms import MergeForm
from apps.clients.models import Client, ClientMerge
from apps.clients.permissions import get_client_for_user
from apps.conferences.services import scheduling_regions
from apps.core.forms import form_errors
from apps.pathways.forms import ClosureForm
from apps.pathways.permissions import get_pathway_for_editing, get_pathway_for_user
from apps.pathways.services import closing_summary, consent_withdraw_with_team, pathway_reopen
from apps.pathways.services_handover import HANDOVER_ROLES, caseload_hand_over
from apps.referrals.services import pathway_close_with_referrals
from apps.workspace.forms import CaseloadFilterForm, HandOverForm
from apps.workspace.selectors import client_file, home_for_user, pathway_file
from apps.workspace.selectors_caseload import caseload_rows, hand_over_candidates
from apps.workspace.selectors_todo import todo_for_user
from apps.workspace.services_merge import client_merge, client_merge_undo


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = home_for_user(user=request.user)
    context["todo"] = todo_for_user(user=request.user)
    context["Role"] = Role
    return render(request, "workspace/home.html", context)


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_client_for_user(request.user, pk)
    return render(request, "workspace/client_detail.html", client_file(access=access, user=request.user))


def _coordinator_region_ids(user: Any) -> set[int]:
    return {m.organisation.region_id for m in memberships_of(user) if m.role == Role.COORDINATOR}


@login_required
def client_merge_view(request: HttpRequest) -> HttpResponse:
    regions = _coordinator_region_ids(request.user)
    if not regions:
        raise Http404
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        clients = {
            c.pk: c
            for c in Client.objects.select_related("organisation").filter(
                pk__in=[form.cleaned_data["survivor"], form.cleaned_data["duplicate"]],
                organisation__region_id__in=regions,
            )
        }
        survivor, duplicate = clients.get(form.cleaned_data["survivor"]), clients.get(form.cleaned_data["duplicate"])
        if survivor is None:
            form.add_error("survivor", _("No client with this number in your partnership."))
        if duplicate is None:
            form.add_error("duplicate", _("No client with this number in your partnership."))
        if survivor and duplicate:
            try:
                client_merge(survivor=survivor, duplicate=duplicate, actor=request.user)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The two records are merged. You can undo this below."))
                return redirect("clients:merge")
    merges = ClientMerge.objects.filter(survivor__organisation__region_id__in=regions).select_related(
        "survivor__organisation", "duplicate__organisation", "merged_by", "undone_by"
    )[:50]
    return render(request, "workspace/client_merge.html", {"form": form, "merges": merges})


@login_required
@require_POST
def client_merge_undo_view(request: HttpRequest, merge_pk: int) -> HttpResponse:
    regions = _coordinator_region_ids(request.user)
    merge = get_object_or_404(ClientMerge, pk=merge_pk, survivor__organisation__region_id__in=regions)
    try:
        client_merge_undo(merge=merge, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The merge is undone."))
    return redirect("clients:merge")


CASELOAD_PAGE_SIZE = 25


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """The caseload of the person logged in: filters, sorting, pagination, and the hand-over to a colleague."""
    memberships = memberships_of(request.user)
    worker_orgs = {m.organisation_id: m.organisation for m in memberships if m.role in HANDOVER_ROLES}
    if not worker_orgs:
        raise Http404
    today = timezone.localdate()
    filters = CaseloadFilterForm(request.GET or None, region_ids={o.region_id for o in worker_orgs.values()})
    options: dict[str, Any] = {}
    status = 200
    if filters.is_bound:
        if filters.is_valid():
            challenge = filters.cleaned_data["challenge"]
            options = {
                "show": filters.cleaned_data["show"],
                "challenge_id": challenge.pk if challenge else None,
                "sort": filters.cleaned_data["sort"] or "due",
            }
        else:
            status = 400
    rows = caseload_rows(user=request.user, today=today, **options)
    page = Paginator(rows, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    colleagues = (
        User.objects.filter(hand_over_candidates(organisation_ids=set(worker_orgs)))
        .exclude(pk=request.user.pk or 0)
        .distinct()
        .order_by("first_name", "last_name")
    )
    handover = HandOverForm(
        request.POST if request.method == "POST" else None,
        colleagues=colleagues,
        pathway_ids=[r.pathway.pk for r in rows],
    )
    if request.method == "POST" and handover.is_valid():
        organisation = next(iter(worker_orgs.values()))
        to_user = handover.cleaned_data["to_user"]
        shared = [o for pk, o in worker_orgs.items() if to_user.memberships.filter(organisation_id=pk).exists()]
        organisation = shared[0] if shared else organisation
        ids = None if handover.cleaned_data["scope"] == "all" else handover.cleaned_data["pathway"]
        try:
            result = caseload_hand_over(
                actor=request.user, from_user=request.user, to_user=to_user, organisation=organisation, pathway_ids=ids
            )
        except ValidationError as exc:
            form_errors(handover, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d pathway is handed over to %(name)s.",
                    "%(n)d pathways are handed over to %(name)s.",
                    len(result.pathway_ids),
                )
                % {"n": len(result.pathway_ids), "name": to_user.get_full_name() or to_user.username},
            )
            return redirect("pathways:my_work")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/my_work.html",
        {
            "filters": filters,
            "page": page,
            "total": len(rows),
            "overdue": sum(1 for r in rows if r.overdue),
            "query": query.urlencode(),
            "handover": handover,
            "today": today,
        },
        status=400 if request.method == "POST" else status,
    )


@login_required
def pathway_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_user(request.user, pk)
    context = pathway_file(access=access)
    context["can_schedule"] = bool(scheduling_regions(request.user))
    return render(request, "workspace/pathway_detail.html", context)


@login_required
def pathway_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a pathway: first a summary of what is still open and what closing does to it (referrals
    withdrawn, places freed, waiting entries closed, actions cancelled), and the question whether an exit
    screening was done (asked, not forced); then ``pathway_close_with_referrals``."""
    access = get_pathway_for_editing(request.user, pk)
    pathway = access.pathway
    if pathway.status == "closed":
        raise Http404
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            result = pathway_close_with_referrals(
                pathway=pathway, actor=request.user, closed_on=data.pop("closed_on"), outcome=data.pop("outcome"),
                **data,
            )  # fmt: skip
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The pathway is closed. A follow-up is planned in six months."))
            if result["withdrawn"]:
                messages.info(request, _("The open referrals were withdrawn and the partners told."))
            return redirect("pathways:detail", pk=pk)
    last_screening = pathway.client.screenings.filter(status="completed").order_by("-screened_on").first()
    return render(
        request,
        "pathways/close_form.html",
        {
            "pathway": pathway,
            "form": form,
            "summary": closing_summary(pathway=pathway),
            "last_screening": last_screening,
        },
    )


@login_required
def pathway_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed pathway with a reason (``pathway_reopen``); GET shows the form."""
    access = get_pathway_for_editing(request.user, pk)
    if access.pathway.status != "closed":
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            pathway_reopen(pathway=access.pathway, actor=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The pathway is open again."))
            return redirect("pathways:detail", pk=pk)
    return render(request, "workspace/pathway_reopen.html", {"pathway": access.pathway, "error": error})


@login_required
def consent_withdraw_view(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """Withdraw a consent from the client file: GET asks for confirmation (what stops, for whom), POST withdraws
    at once; team places that depended on it end, and the page says so."""
    from apps.clients.permissions import get_client_for_editing
    from apps.consent.models import Consent

    access = get_client_for_editing(request.user, pk)
    consent = get_object_or_404(Consent.objects.prefetch_related("organisations"), pk=consent_pk, client=access.client)
    if not consent.is_active:
        raise Http404
    if request.method != "POST":
        return render(request, "workspace/consent_withdraw.html", {"client": access.client, "consent": consent})
    try:
        result = consent_withdraw_with_team(consent=consent, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The consent is withdrawn. From now on, nobody else can see these data."))
        if result["team_places_ended"]:
            messages.info(request, _("Team members whose place depended on this consent left the team."))
    return redirect("clients:detail", pk=pk)


@login_required
@require_POST
def subject_access_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the copy of the whole file for the client (zip); the registering organisation only. The download
    is audited (``clients.subject_access.exported``) and shows in the client's access log."""
    from apps.clients.permissions import get_client_for_editing
    from apps.workspace.exports_subject_access import subject_access_export

    access = get_client_for_editing(request.user, pk)
    name, content = subject_access_export(
        client=access.client, actor=request.user, organisation=access.client.organisation
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def client_erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Erasure on request (GDPR art. 17): GET says until when the file is kept and offers the copy first; POST
    erases (anonymises) at once where the law allows it, else says why not and until when."""
    from apps.clients.permissions import get_client_for_editing
    from apps.workspace.services_retention import client_erase_on_request, retention_for

    access = get_client_for_editing(request.user, pk)
    if request.method == "POST":
        result = client_erase_on_request(client=access.client, actor=request.user)
        if result.erased:
            messages.success(request, _("The file is erased: the personal data is removed, the counts remain."))
            return redirect("core:home")
        messages.error(request, result.reason)
        return redirect("clients:erase", pk=pk)
    return render(
        request, "workspace/client_erase.html", {"client": access.client, "retention": retention_for(access.client)}
    )


ACCESS_LOG_PAGE_SIZE = 25


@login_required
def access_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Who looked at the file (the client's "who looked at my file"): every recorded look, newest first,
    25 per page (two queries per page); the registering organisation only."""
    from apps.clients.permissions import get_client_for_editing
    from apps.workspace.selectors_rights import access_entries, access_rows

    access = get_client_for_editing(request.user, pk)
    page = Paginator(access_entries(access.client.pk), ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/access_log.html",
        {"client": access.client, "page": page, "rows": access_rows(list(page.object_list))},
    )
