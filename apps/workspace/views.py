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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.accounts.permissions import coordinated_region_ids, memberships_of
from apps.audit.reads import note_list
from apps.clients.forms import DistinctPairForm, MergeForm
from apps.clients.models import Client, ClientMerge, DistinctPair
from apps.clients.permissions import get_client_for_editing, get_client_for_user
from apps.clients.selectors import dismissed_pairs, suspected_duplicates
from apps.clients.services_duplicates import duplicate_pair_dismiss, duplicate_pair_restore
from apps.conferences.services import scheduling_regions
from apps.consent.models import Consent
from apps.consent.selectors import consent_of_client
from apps.core.confirm import confirm_page, confirmed
from apps.core.forms import form_errors
from apps.core.ids import id_or_404, parse_id
from apps.core.keyset import keep_params, keyset_page
from apps.employers.models import PlacementStatus
from apps.employers.permissions import get_placement_for_user
from apps.employers.selectors import closure_outcome
from apps.esf.services_closing import close_pathway, reopen_pathway
from apps.pathways.forms import ClosureForm
from apps.pathways.models import Outcome
from apps.pathways.permissions import get_pathway_for_editing, get_pathway_for_user, may_start_pathway
from apps.pathways.services import closing_summary, consent_withdraw_with_team
from apps.pathways.services_handover import HANDOVER_ROLES, caseload_hand_over
from apps.referrals.models import Referral
from apps.workspace.exports_subject_access import subject_access_export
from apps.workspace.forms import CaseloadFilterForm, HandOverForm
from apps.workspace.selectors import client_file, home_for_user, pathway_file
from apps.workspace.selectors_caseload import (
    caseload_index,
    caseload_rows,
    hand_over_choices,
    hand_over_colleagues,
)
from apps.workspace.selectors_dashboard import (
    LISTS,
    NOT_RECORDED,
    client_ids_of,
    coordinated_regions,
    dashboard,
    dashboard_rows,
)
from apps.workspace.selectors_rights import access_entries, access_rows
from apps.workspace.selectors_todo import todo_for_user
from apps.workspace.services_merge import client_merge, client_merge_undo
from apps.workspace.services_retention import client_erase_on_request, retention_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = home_for_user(user=request.user)
    context["todo"] = todo_for_user(user=request.user)
    context["Role"] = Role
    return render(request, "workspace/home.html", context)


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_client_for_user(request.user, pk)
    context = client_file(access=access, user=request.user, timeline_cursor=request.GET.get("tijdlijn"))
    context["keep_timeline"] = keep_params(request.GET, "tijdlijn")
    context["may_start_pathway"] = may_start_pathway(request.user, access.client.organisation_id)
    return render(request, "workspace/client_detail.html", context)


MERGES_PER_PAGE = 25


@login_required
def client_merge_view(request: HttpRequest) -> HttpResponse:
    regions = coordinated_region_ids(request.user)
    if not regions:
        raise Http404
    # from the worklist: the pair arrives prefilled; the coordinator checks it and presses Merge (the confirmation)
    prefill = {k: parse_id(request.GET.get(k)) for k in ("survivor", "duplicate") if parse_id(request.GET.get(k))}
    form = MergeForm(request.POST or None, initial=prefill)
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
    merges = keyset_page(  # every merge of the partnership, newest first (junk cursor: 404)
        ClientMerge.objects.filter(survivor__organisation__region_id__in=regions).select_related(
            "survivor__organisation", "duplicate__organisation", "merged_by", "undone_by"
        ),
        ordering=("-merged_at", "-pk"),
        cursor=request.GET.get("samengevoegd"),
        size=MERGES_PER_PAGE,
        salt="client-merges",
    )
    # the suspected pairs are scored in Python from one query (apps/clients/selectors.py): numbered pages
    page = Paginator(suspected_duplicates(region_ids=regions), 20).get_page(request.GET.get("page"))
    dismissed = dismissed_pairs(region_ids=regions, cursor=request.GET.get("verschillend"))
    shown = [c.pk for pair in page for c in (pair.first, pair.second)]
    note_list(
        actor=request.user,
        client_ids=shown + [pk for d in dismissed for pk in (d.first_id, d.second_id) if pk not in shown],
        organisation_ids=sorted({m.organisation_id for m in memberships_of(request.user)}),
        purpose="duplicate_check",
    )
    return render(
        request,
        "workspace/client_merge.html",
        {
            "form": form,
            "merges": merges,
            "pairs": page,
            "prefill": prefill,
            "dismissed": dismissed,
            "keep": {param: keep_params(request.GET, param) for param in ("page", "samengevoegd", "verschillend")},
        },
    )


@login_required
@require_POST
def client_distinct_view(request: HttpRequest) -> HttpResponse:
    """A coordinator marks a suggested pair as two different people: the worklist no longer suggests it."""
    regions = coordinated_region_ids(request.user)
    if not regions:
        raise Http404
    form = DistinctPairForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the pair from the list of suspected duplicates."))
        return redirect("clients:merge")
    ids = [form.cleaned_data["first"], form.cleaned_data["second"]]
    found = Client.objects.select_related("organisation").filter(pk__in=ids, organisation__region_id__in=regions)
    clients = {c.pk: c for c in found}
    if set(ids) - set(clients):
        raise Http404
    try:
        duplicate_pair_dismiss(first=clients[ids[0]], second=clients[ids[1]], actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The pair is marked as two different people and no longer suggested. You can undo this below.")
        )
    return redirect("clients:merge")


@login_required
@require_POST
def client_distinct_undo_view(request: HttpRequest, pair_pk: int) -> HttpResponse:
    """Undo "not the same person": the pair is suggested again."""
    regions = coordinated_region_ids(request.user)
    pair = get_object_or_404(DistinctPair, pk=pair_pk, first__organisation__region_id__in=regions)
    duplicate_pair_restore(pair=pair, actor=request.user)
    messages.success(request, _("The pair is suggested again."))
    return redirect("clients:merge")


@login_required
@require_POST
def client_merge_undo_view(request: HttpRequest, merge_pk: int) -> HttpResponse:
    regions = coordinated_region_ids(request.user)
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
    regions = {o.region_id: o.region for o in worker_orgs.values()}
    filters = CaseloadFilterForm(request.GET or None, regions=list(regions.values()))
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
    caseload = caseload_index(user=request.user, today=today, **options)
    entries = caseload.entries
    page = Paginator(entries, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    # only the page's rows are built (and recorded as read): the caseload's size costs ids, not rows
    rows = caseload_rows(user=request.user, today=today, entries=list(page), organisation_ids=caseload.organisation_ids)
    organisation_ids, user_id = sorted(worker_orgs), request.user.pk or 0
    handover = HandOverForm(
        request.POST if request.method == "POST" else None,
        colleagues=lambda: hand_over_colleagues(organisation_ids=set(organisation_ids), user_id=user_id),
        choices=hand_over_choices(organisation_ids=organisation_ids, user_id=user_id),
        pathway_ids=[e.pathway_id for e in entries],
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
            return redirect(request.get_full_path())  # the same filters and sort (the form posts to this URL)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/my_work.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "total": len(entries),
            "overdue": caseload.overdue,
            "query": query.urlencode(),
            "handover": handover,
            # the rows ticked for a hand-over the page refused stay ticked (ids as the form read them)
            "picked": {n for n in map(parse_id, request.POST.getlist("pathway")) if n is not None},
            "today": today,
        },
        status=400 if request.method == "POST" else status,
    )


@login_required
def pathway_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_user(request.user, pk)
    context = pathway_file(
        access=access, contacts_cursor=request.GET.get("contacten"), history_cursor=request.GET.get("plan")
    )
    context["can_schedule"] = bool(scheduling_regions(request.user))
    context["keep"] = {param: keep_params(request.GET, param) for param in ("contacten", "plan")}
    return render(request, "workspace/pathway_detail.html", context)


def _placement_prefill(request: HttpRequest, pathway_pk: int) -> dict[str, Any]:
    """The closing form's initial values when coming from a placement that started paid work
    (``?plaatsing=<id>``): outcome from the placement, "employed" ticked. Junk or a placement of another
    pathway: 404."""
    raw = request.GET.get("plaatsing")
    if raw is None:
        return {}
    placement = get_placement_for_user(request.user, id_or_404(raw))
    if placement.pathway_id != pathway_pk or placement.status != PlacementStatus.STARTED or not placement.is_paid_work:
        raise Http404
    return {"outcome": closure_outcome(placement), "employed": True, "results_now": "yes"}


@login_required
def pathway_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a pathway: first a summary of what is still open and what closing does to it (referrals
    withdrawn, places freed, waiting entries closed, actions cancelled), and the question whether an exit
    screening was done (asked, not forced); then the ESF+ results on leaving (now or within four weeks) and
    ``apps.esf.services_closing.close_pathway`` (one transaction, ESF+ leaving and six-month follow-up included).
    From an employer placement (``?plaatsing=``) the form comes prefilled with "employed"."""
    access = get_pathway_for_editing(request.user, pk)
    pathway = access.pathway
    if pathway.status == "closed":
        raise Http404
    form = ClosureForm(request.POST or None, initial=_placement_prefill(request, pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            result = close_pathway(pathway=pathway, actor=request.user, **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The pathway is closed. A follow-up is planned in six months."))
            if result["withdrawn"]:
                messages.info(request, _("The open referrals were withdrawn and the partners told."))
            if result["participation"] is not None and not data["results_now"]:
                messages.info(
                    request, _("Record the ESF+ results on leaving within four weeks; your to-do reminds you.")
                )
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
        status=400 if form.errors else 200,
    )


@login_required
def pathway_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed pathway with a reason (``apps.esf.services_closing.reopen_pathway``: the ESF+ leaving
    it caused is undone too); GET shows the form."""
    access = get_pathway_for_editing(request.user, pk)
    if access.pathway.status != "closed":
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            reopen_pathway(pathway=access.pathway, actor=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The pathway is open again."))
            return redirect("pathways:detail", pk=pk)
    return render(request, "workspace/pathway_reopen.html", {"pathway": access.pathway, "error": error})


@login_required
def consent_withdraw_view(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """Withdraw a consent from the client file; team places that depended on it end, and the page says so."""

    access = get_client_for_editing(request.user, pk)
    try:
        consent = consent_of_client(client=access.client, consent_id=consent_pk)
    except Consent.DoesNotExist:
        raise Http404 from None
    if not consent.is_active:
        raise Http404
    if not confirmed(request):  # the first POST asks, and changes nothing
        names = ", ".join(o.name for o in consent.organisations.order_by("name"))
        return confirm_page(
            request,
            title=_("Withdraw this consent?"),
            consequence=_(
                "The consent to share with %(organisations)s ends today: they no longer see these data, and "
                "team members whose place depends on it leave the team."
            )
            % {"organisations": names},
            button=_("Withdraw the consent"),
            cancel_url=reverse("clients:detail", args=[pk]),
        )
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
def coordinator_dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinator's dashboard (issue 11, item 3), one section per region the user coordinates
    ("Multi-region coordinators: figures per region they coordinate"); 404 for everyone else."""
    regions = coordinated_regions(request.user)
    if not regions:
        raise Http404
    sections, counted_at = dashboard(regions=regions)
    chart_data = [
        {
            "id": f"{s.region.pk}-{f.key}",
            "label": str(f.unit),
            "labels": [str(r[0]) for r in f.rows],
            "values": [r[1] for r in f.rows],
        }
        for s in sections
        for f in s.figures
        if f.rows
    ]
    return render(
        request,
        "workspace/dashboard.html",
        {"sections": sections, "chart_data": chart_data, "several": len(sections) > 1, "counted_at": counted_at},
    )


def _list_value(figure: str, raw: str) -> str:
    """The validated parameter of a list behind a figure; junk: 404 (apps/core/ids.py)."""

    if figure == "escalated":
        return ""
    if figure == "referrals":
        if raw not in Referral.Status.values:
            raise Http404
        return raw
    if figure == "outcome":
        if raw not in Outcome.values:
            raise Http404
        return raw
    if figure in {"challenge", "target_group"} and raw == NOT_RECORDED:
        return raw
    return str(id_or_404(raw))


@login_required
def coordinator_dashboard_list(request: HttpRequest) -> HttpResponse:
    """The list behind one figure of the dashboard: ``?region=<id>&figure=<key>&<parameter>=<value>`` (the
    parameter of each figure in ``LISTS``). Only for the region's coordinator, who may see the identity of
    the region's clients (docs/decisions/0014-access-matrix.md); the rows shown are recorded as a list read."""
    regions = {r.pk: r for r in coordinated_regions(request.user)}
    if not regions:
        raise Http404
    region_id = parse_id(request.GET.get("region")) if "region" in request.GET else min(regions)
    region = regions.get(region_id or 0)
    figure = request.GET.get("figure", "")
    if region is None or figure not in LISTS:
        raise Http404
    value = _list_value(figure, request.GET.get(LISTS[figure], ""))
    listing = dashboard_rows(region=region, figure=figure, value=value, cursor=request.GET.get("cursor"))
    note_list(actor=request.user, client_ids=client_ids_of(listing))
    return render(
        request,
        "workspace/dashboard_list.html",
        {
            "region": region,
            "listing": listing,
            "title": _list_title(figure, value, listing),
            "keep": keep_params(request.GET, "cursor"),
        },
    )


def _list_title(figure: str, value: str, listing: dict[str, Any]) -> str:

    if figure == "waiting":
        return (
            _("Waiting list")
            if not listing["rows"]
            else _("Waiting list: %(offer)s") % {"offer": listing["rows"][0][0].offer.title}
        )
    if figure == "escalated":
        return _("Escalated referrals (no answer in time)")
    if figure == "referrals":
        return _("Referrals: %(status)s") % {"status": Referral.Status(value).label}
    if figure == "outcome":
        return _("Closed pathways: %(outcome)s") % {"outcome": Outcome(value).label}
    return {
        "challenge": _("Open pathways per challenge"),
        "target_group": _("Open pathways per target group"),
        "municipality": _("Open pathways per municipality"),
    }[figure]


@login_required
@require_POST
def subject_access_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the copy of the whole file for the client (zip); the registering organisation only. The download
    is audited (``clients.subject_access.exported``) and shows in the client's access log."""

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
    25 per keyset page (``?cursor=``, apps/core/keyset.py: no count, no OFFSET; two queries per page, junk: 404);
    the registering organisation only."""

    access = get_client_for_editing(request.user, pk)
    page = keyset_page(
        access_entries(access.client.pk),
        ordering=("-created_at", "-pk"),
        cursor=request.GET.get("cursor"),
        size=ACCESS_LOG_PAGE_SIZE,
        salt="access-log",
    )
    return render(
        request,
        "workspace/access_log.html",
        {"client": access.client, "page": page, "rows": access_rows(list(page.object_list))},
    )
