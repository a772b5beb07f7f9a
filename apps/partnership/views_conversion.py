"""Coverage of the selection, conversion of selected candidacies into partners, and the export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.partnership import coverage, services_conversion
from apps.partnership.exports import candidacies_xlsx
from apps.partnership.forms import BudgetForm
from apps.partnership.models import Candidacy
from apps.partnership.permissions import get_coordinated_region_for_user
from apps.partnership.selectors import coverage_matrix, coverage_problem, ranking, support_lines


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
