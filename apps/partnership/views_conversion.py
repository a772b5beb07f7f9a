"""Coverage of the selection, conversion of selected candidacies into partners, and the export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from apps.audit.services import audit_log
from apps.core.confirm import confirm_page, confirmed
from apps.core.forms import form_errors
from apps.core.jobs import worker_grace_seconds
from apps.partnership import services_conversion, services_coverage
from apps.partnership.exports import candidacies_xlsx
from apps.partnership.forms import BudgetForm
from apps.partnership.models import Candidacy, CoverageRun
from apps.partnership.permissions import get_coordinated_region_for_user, get_coverage_run_for_user
from apps.partnership.selectors import coverage_matrix, latest_coverage_run, ranking, support_lines


def _solution(shown: dict[str, Any], by_pk: dict[int, Candidacy], lines: dict[int, Any]) -> dict[str, Any]:
    """A stored solution (ids, ``services_coverage_run.coverage_run_execute``) with today's rows; a candidacy or
    line gone since is left out."""
    return {
        "candidacies": [by_pk[k] for k in shown["chosen"] if k in by_pk],
        "value": shown["value"],
        "cost": Decimal(shown["cost_cents"]) / 100,
        "uncovered": [lines[k] for k in shown["uncovered"] if k in lines],
        "optimal": shown.get("optimal", True),
    }


def _run_context(run: CoverageRun | None, rows: list[Any], region: Any) -> dict[str, Any]:
    """What the run's fragment shows: status, progress, whether the worker is missing or stopped, the result."""
    context: dict[str, Any] = {
        "run": run,
        "waiting_without_worker": run is not None and run.is_waiting_without_worker(),
        "stale": run is not None and run.is_stale(),
        "grace": worker_grace_seconds(),
    }
    if run is not None and run.status == CoverageRun.Status.DONE and run.result:
        by_pk = {r.candidacy.pk: r.candidacy for r in rows}
        lines = {line.pk: line for line in support_lines(region)}
        result = run.result
        context.update(
            best=_solution(result["best"], by_pk, lines),
            by_ranking=_solution(result["by_ranking"], by_pk, lines),
            selection=_solution(result["selection"], by_pk, lines),
            alternatives=[
                {"without": by_pk.get(alt["without"]), **_solution(alt, by_pk, lines)} for alt in result["alternatives"]
            ],
            unscored=result["unscored"],
            optimal=result["optimal"],
        )
    return context


@login_required
def jury_coverage(request: HttpRequest, code: str) -> HttpResponse:
    """The coverage matrix of the selection, and the proposal within a budget: a POST queues the computation
    (1 + k CP-SAT solves, ``services_coverage.coverage_run_start``) and leads to its page; the page shows the
    region's latest computation."""
    region = get_coordinated_region_for_user(request.user, code)
    form = BudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services_coverage.coverage_run_start(
                region=region, actor=request.user, budget=form.cleaned_data["budget"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("partnership:jury_coverage_run", code=code, pk=run.pk)
    return _coverage_page(request, region, form, latest_coverage_run(region=region))


@login_required
@require_GET
def jury_coverage_run(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One computation of the proposal: the whole page, or (htmx, polled every 2 s while it is queued or
    running) only its fragment, which brings the result without a reload when the worker is done."""
    region = get_coordinated_region_for_user(request.user, code)
    run = get_coverage_run_for_user(request.user, region, pk)
    if getattr(request, "htmx", False):
        rows = ranking(region=region, details=False) if run.status == CoverageRun.Status.DONE else []
        context = {"region": region, **_run_context(run, rows, region)}
        return render(request, "partnership/_coverage_run.html", context)
    form = BudgetForm(initial={"budget": run.budget})
    return _coverage_page(request, region, form, run)


def _coverage_page(request: HttpRequest, region: Any, form: BudgetForm, run: CoverageRun | None) -> HttpResponse:
    rows = ranking(region=region, details=False)  # the page names candidacies; it shows no other detail
    selected = [r.candidacy for r in rows if r.candidacy.decision == Candidacy.Decision.SELECTED]
    prefetch_related_objects(selected, "challenges", "offers")  # what the coverage of a support line reads
    matrix = coverage_matrix(region=region, candidacies=selected)
    total = sum((c.budget_requested or Decimal(0)) for c in selected)
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
            **_run_context(run, rows, region),
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
        converted = services_conversion.selected_candidacies_convert(region=region, actor=request.user)
        messages.success(
            request,
            _("%(n)s selected candidacies are partner organisations with their offers in the social map.")
            % {"n": len(converted)},
        )
    return redirect("partnership:jury_coverage", code=code)


@login_required
def jury_export(request: HttpRequest, code: str) -> HttpResponse:
    region = get_coordinated_region_for_user(request.user, code)
    content = candidacies_xlsx(region=region)
    audit_log(actor=request.user, action="partnership.export.downloaded", obj=region, changes={})
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="kandidaturen-{region.code}.xlsx"'
    return response
