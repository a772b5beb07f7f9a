from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.accounts.permissions import get_coordinated_region_for_user, memberships_of
from apps.clients.permissions import get_client_for_editing
from apps.core.confirm import confirm_page, confirmed
from apps.core.jobs import waiting_without_worker, worker_grace_seconds
from apps.core.keyset import keep_params, keyset_page
from apps.matching.models import AllocationProposal, AllocationRun
from apps.matching.package import build_package
from apps.matching.permissions import get_run_for_user
from apps.matching.recommend import recommend
from apps.matching.selectors import client_profile_and_open_pathway, offer_index, travel_model
from apps.matching.services import (
    allocation_start,
    proposal_confirm,
    proposal_decline,
)
from apps.offers.models import WaitingListEntry
from apps.offers.services import waiting_list_add
from apps.pathways.permissions import may_start_pathway


@login_required
def client_recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    """Offers for one client, ranked, each with its reasons; and a suggested package."""
    access = get_client_for_editing(request.user, pk)
    client = access.client
    profile, open_pathway_id = client_profile_and_open_pathway(client=client)
    ranked, package = [], None
    if profile is not None:
        region_id = client.organisation.region_id
        ranked = recommend(profile, offer_index(region_id=region_id), travel_model(region=client.organisation.region))
        package = build_package(profile, ranked)
    return render(
        request,
        "matching/recommendations.html",
        {
            "client": client,
            "profile": profile,
            "ranked": ranked[:20],
            "package": package,
            "open_pathway_id": open_pathway_id,
            "may_start_pathway": may_start_pathway(request.user, client.organisation_id),
        },
    )


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


RUNS_PER_PAGE = 25


@login_required
def allocation_list(request: HttpRequest) -> HttpResponse:
    """The allocation of one coordinated region: ``?regio=<code>`` chooses among several (default: the first)."""
    code = request.POST.get("regio") if request.method == "POST" else request.GET.get("regio")
    region, regions = get_coordinated_region_for_user(request.user, code)
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
    runs = keyset_page(  # every run of the region, newest first, in keyset pages (junk cursor: 404)
        AllocationRun.objects.filter(region=region).select_related("started_by"),
        ordering=("-pk",),
        cursor=request.GET.get("cursor"),
        size=RUNS_PER_PAGE,
        salt=f"allocation-runs-{region.pk}",
    )
    waiting = WaitingListEntry.objects.filter(client__organisation__region=region, is_open=True).count()
    return render(
        request,
        "matching/allocation_list.html",
        {
            "runs": runs,
            "waiting": waiting,
            "region": region,
            "regions": regions,
            "keep": keep_params(request.GET, "cursor"),
        },
    )


PROPOSALS_PER_PAGE = 50


def _stalled(run: AllocationRun) -> bool:
    """A run still queued after ``WORKER_GRACE_SECONDS`` (default 15): no worker took it."""
    return waiting_without_worker(queued=run.status == AllocationRun.Status.QUEUED, since=run.created_at)


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's status, polled by htmx every 2 s while it is queued or running; when it is done the same
    fragment brings the proposals (first page), each with a sentence saying why this client and this offer,
    so they appear without a reload. A run queued too long says that no worker runs and how to start one."""
    run = get_run_for_user(request.user, pk)
    page = None
    count = 0
    if run.status == "done":
        proposals = run.proposals.select_related(
            "entry__client", "entry__client__organisation", "offer", "offer__organisation"
        )
        # a run may hold thousands of proposals: keyset pages of PROPOSALS_PER_PAGE (apps/core/keyset.py, no
        # OFFSET: the last page costs what the first does); the total is one count on the run's index; junk -> 404
        page = keyset_page(
            proposals, ordering=("pk",), cursor=request.GET.get("cursor"), size=PROPOSALS_PER_PAGE, salt="proposals"
        )
        count = run.proposals.count()
        started = run.created_at.date()
        for proposal in page.object_list:
            setattr(proposal, "waited_days", max((started - proposal.entry.since).days, 0))  # noqa: B010
            setattr(proposal, "bonus", proposal.value - proposal.score)  # noqa: B010
    # why the other waiting clients got none: no fitting free place, or outranked for the places that fit
    without_proposal = max(run.clients - count, 0)
    context = {
        "run": run,
        "page": page,
        "proposal_count": count,
        "without_proposal": without_proposal,
        "outranked": max(without_proposal - run.clients_without_fit, 0),
        "stalled": _stalled(run),
        "grace": worker_grace_seconds(),
    }
    template = "matching/_run_status.html" if getattr(request, "htmx", False) else "matching/allocation_detail.html"
    return render(request, template, context)


@login_required
def proposals_for_me(request: HttpRequest) -> HttpResponse:
    # the counsellors who may confirm (proposal_decide asks to edit the client); not the peer companion, who
    # sees only the clients of their own case teams (docs/decisions/0014-access-matrix.md)
    orgs = {m.organisation_id for m in memberships_of(request.user) if m.role == Role.COUNSELLOR}
    if not orgs:
        raise Http404
    proposals = AllocationProposal.objects.filter(
        entry__client__organisation_id__in=orgs, status=AllocationProposal.Status.PROPOSED
    ).select_related("entry__client", "offer", "offer__organisation", "run")
    # a run proposes thousands of places: keyset pages, oldest proposal first (apps/core/keyset.py; junk: 404)
    page = keyset_page(
        proposals, ordering=("pk",), cursor=request.GET.get("cursor"), size=PROPOSALS_PER_PAGE, salt="my-proposals"
    )
    return render(request, "matching/proposals.html", {"proposals": page.object_list, "page": page})


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    proposal = get_object_or_404(
        AllocationProposal.objects.select_related("entry__client", "offer__organisation"), pk=pk
    )
    get_client_for_editing(request.user, proposal.entry.client_id)  # 404 unless the client is the user's
    try:
        if decision == "bevestigen":
            proposal_confirm(proposal=proposal, actor=request.user)
            messages.success(request, _("Confirmed: the client takes the place."))
        elif decision == "weigeren":
            if not confirmed(request):  # the first POST asks, and changes nothing
                return confirm_page(
                    request,
                    title=_("Decline this proposal?"),
                    consequence=_(
                        "%(client)s does not take the place in %(offer)s (%(organisation)s): the place goes to "
                        "the next run of the allocation, and the client stays on the waiting list."
                    )
                    % {
                        "client": proposal.entry.client,
                        "offer": proposal.offer.title,
                        "organisation": proposal.offer.organisation.name,
                    },
                    button=_("Decline the proposal"),
                    cancel_url=reverse("matching:proposals"),
                )
            proposal_decline(proposal=proposal, actor=request.user)
            messages.success(request, _("Declined: the client stays on the waiting list."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("matching:proposals")
