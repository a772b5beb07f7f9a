from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.clients.permissions import get_client_for_editing
from apps.matching.models import AllocationProposal, AllocationRun
from apps.matching.recommend import recommend, suggest_package, uncovered_obstacles
from apps.matching.selectors import client_profile, offer_index, travel_model
from apps.matching.services import (
    allocation_start,
    proposal_confirm,
    proposal_decline,
)
from apps.offers.models import WaitingListEntry
from apps.offers.services import waiting_list_add


@login_required
def client_recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    """Offers for one client, ranked, each with its reasons; and a suggested package."""
    access = get_client_for_editing(request.user, pk)
    client = access.client
    profile = client_profile(client=client)
    ranked = package = []
    if profile is not None:
        region_id = client.organisation.region_id
        ranked = recommend(profile, offer_index(region_id=region_id), travel_model(region_id=region_id))
        package = suggest_package(profile, ranked)
    return render(
        request,
        "matching/recommendations.html",
        {
            "client": client,
            "profile": profile,
            "ranked": ranked[:20],
            "package": package,
            "uncovered": uncovered_obstacles(profile, package) if profile else [],
        },
    )


def _coordinated_region(user: Any) -> Any:
    from apps.accounts.models import Role
    from apps.accounts.permissions import memberships_of

    regions = [m.organisation.region for m in memberships_of(user) if m.role == Role.COORDINATOR]
    if not regions:
        raise Http404
    return regions[0]


@login_required
@require_POST
def waiting_list_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_client_for_editing(request.user, pk)
    try:
        waiting_list_add(client=access.client, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The client is on the waiting list for the next allocation."))
    return redirect("matching:client", pk=pk)


@login_required
def allocation_list(request: HttpRequest) -> HttpResponse:
    region = _coordinated_region(request.user)
    if request.method == "POST":
        try:
            weight = float(request.POST.get("fairness_weight", "1").replace(",", "."))
            run = allocation_start(region=region, actor=request.user, fairness_weight=weight)
        except ValueError:
            messages.error(request, _("The fairness weight must be a number."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("matching:run", pk=run.pk)
    runs = AllocationRun.objects.filter(region=region).select_related("started_by")[:20]
    waiting = WaitingListEntry.objects.filter(client__organisation__region=region, is_open=True).count()
    return render(request, "matching/allocation_list.html", {"runs": runs, "waiting": waiting})


PROPOSALS_PER_PAGE = 50


def _stalled(run: AllocationRun) -> bool:
    """A run still queued after ``ALLOCATION_WORKER_GRACE_SECONDS`` (default 15): no worker took it."""
    from django.utils import timezone

    grace = getattr(settings, "ALLOCATION_WORKER_GRACE_SECONDS", 15)
    return run.status == AllocationRun.Status.QUEUED and (timezone.now() - run.created_at).total_seconds() > grace


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's status, polled by htmx every 2 s while it is queued or running; when it is done the same
    fragment brings the proposals (first page), each with a sentence saying why this client and this offer,
    so they appear without a reload. A run queued too long says that no worker runs and how to start one."""
    region = _coordinated_region(request.user)
    run = get_object_or_404(AllocationRun, pk=pk, region=region)
    page = None
    count = 0
    if run.status == "done":
        proposals = run.proposals.select_related(
            "entry__client", "entry__client__organisation", "offer", "offer__organisation"
        ).order_by("id")
        try:  # a run may hold thousands of proposals: pages of PROPOSALS_PER_PAGE; junk or too far -> 404
            page = Paginator(proposals, PROPOSALS_PER_PAGE).page(request.GET.get("page", "1"))
        except (PageNotAnInteger, EmptyPage) as exc:
            raise Http404 from exc
        count = page.paginator.count
        started = run.created_at.date()
        for proposal in page.object_list:
            setattr(proposal, "waited_days", max((started - proposal.entry.since).days, 0))  # noqa: B010
            setattr(proposal, "bonus", proposal.value - proposal.score)  # noqa: B010
    context = {
        "run": run,
        "page": page,
        "proposal_count": count,
        "stalled": _stalled(run),
        "grace": getattr(settings, "ALLOCATION_WORKER_GRACE_SECONDS", 15),
    }
    template = "matching/_run_status.html" if getattr(request, "htmx", False) else "matching/allocation_detail.html"
    return render(request, template, context)


@login_required
def proposals_for_me(request: HttpRequest) -> HttpResponse:
    from apps.accounts.models import Role
    from apps.accounts.permissions import memberships_of

    # the counsellors who may confirm (proposal_decide asks to edit the client); not the peer companion, who
    # sees only the clients of their own case teams (docs/decisions/0014-access-matrix.md)
    orgs = {m.organisation_id for m in memberships_of(request.user) if m.role == Role.COUNSELLOR}
    if not orgs:
        raise Http404
    proposals = AllocationProposal.objects.filter(
        entry__client__organisation_id__in=orgs, status=AllocationProposal.Status.PROPOSED
    ).select_related("entry__client", "offer", "offer__organisation", "run")
    return render(request, "matching/proposals.html", {"proposals": proposals})


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    from apps.clients.permissions import get_client_for_editing as client_for_editing

    proposal = get_object_or_404(AllocationProposal.objects.select_related("entry"), pk=pk)
    client_for_editing(request.user, proposal.entry.client_id)  # 404 unless the client is the user's
    try:
        if decision == "bevestigen":
            proposal_confirm(proposal=proposal, actor=request.user)
            messages.success(request, _("Confirmed: the client takes the place."))
        elif decision == "weigeren":
            proposal_decline(proposal=proposal, actor=request.user)
            messages.success(request, _("Declined: the client stays on the waiting list."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("matching:proposals")
