"""The coverage job's work (the background task ``apps.partnership.tasks.run_coverage``) and its failure.

``services_coverage.coverage_run_start`` queues a run; the task calls ``coverage_run_execute`` here. Kept apart
so that services_coverage -> tasks -> this module is a line, not a cycle (as in apps/matching).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log
from apps.core.states import check_transition, sources
from apps.partnership import coverage
from apps.partnership.models import Candidacy, CoverageRun
from apps.partnership.selectors import coverage_problem, ranking

S = CoverageRun.Status


def _shown(solution: coverage.Solution) -> dict[str, Any]:
    return {
        "chosen": list(solution.chosen),
        "value": solution.value,
        "cost_cents": solution.cost,
        "uncovered": list(solution.uncovered),
        "optimal": solution.optimal,
    }


def coverage_run_execute(*, run: CoverageRun) -> CoverageRun:
    """The task body: read the ranking and the support lines, solve the best set within ``run.budget`` and the
    best set without each of its members (1 + k solves, each at most ``run.time_limit_seconds``), store them.

    Progress (``solves_done`` of ``solves_total``) and ``updated_at`` are written after every solve, so the page
    shows it and can tell a stopped worker. ``result`` (JSON, ids only)::

        {"best": S, "alternatives": [{"without": candidacy id, **S}, ...], "by_ranking": S, "selection": S,
         "unscored": n, "optimal": bool}   with S = {"chosen": [candidacy ids], "value": int,
                                                    "cost_cents": int, "uncovered": [support line ids], "optimal": bool}

    Raises ``TransitionNotAllowed`` for a run that is not queued (a run executes once). A run marked failed
    meanwhile (stale, ``coverage_run_start``) stays failed: its result is not stored.
    """
    check_transition(run, S.RUNNING)
    now = timezone.now()
    CoverageRun.objects.filter(pk=run.pk, status__in=sources(CoverageRun, S.RUNNING)).update(
        status=S.RUNNING, started_at=now, updated_at=now
    )
    rows = ranking(region=run.region)
    budget_cents = int((run.budget * 100).to_integral_value())
    problem = coverage_problem(region=run.region, rows=rows, budget_cents=budget_cents)

    def progress(done: int, total: int) -> None:
        CoverageRun.objects.filter(pk=run.pk, status=S.RUNNING).update(
            solves_done=done, solves_total=total, updated_at=timezone.now()
        )

    best, alternatives = coverage.solve_with_alternatives(
        problem, time_limit_s=run.time_limit_seconds, on_progress=progress
    )
    scored = {o.key for o in problem.options}
    ranked, spent = [], 0
    for option in sorted(problem.options, key=lambda o: -o.score):
        if spent + option.cost <= budget_cents:
            ranked.append(option.key)
            spent += option.cost
    selected = [r.candidacy.pk for r in rows if r.candidacy.decision == Candidacy.Decision.SELECTED]
    result = {
        "best": _shown(best),
        "alternatives": [{"without": k, **_shown(alt)} for k, alt in alternatives],
        "by_ranking": _shown(coverage.evaluate(problem, ranked)),
        "selection": _shown(coverage.evaluate(problem, [pk for pk in selected if pk in scored])),
        "unscored": len(rows) - len(problem.options),
        "optimal": best.optimal and all(alt.optimal for _k, alt in alternatives),
    }
    with transaction.atomic():
        finished = timezone.now()
        done = CoverageRun.objects.filter(pk=run.pk, status__in=sources(CoverageRun, S.DONE)).update(
            status=S.DONE, result=result, finished_at=finished, updated_at=finished
        )
        if done:
            audit_log(
                actor=None,
                action="partnership.coverage.finished",
                obj=run,
                changes={"solves": 1 + len(alternatives), "optimal": result["optimal"]},
            )
    run.refresh_from_db()
    return run


@transaction.atomic
def coverage_run_fail(*, run_id: int, error: str, actor: Any = None) -> bool:
    """Mark a queued or running coverage run failed with ``error`` (English, no personal data: an exception's
    text or why it stopped; first 300 characters kept) and record it. Returns whether it changed (a finished
    run stays as it is)."""
    now = timezone.now()
    changed = CoverageRun.objects.filter(pk=run_id, status__in=sources(CoverageRun, S.FAILED)).update(
        status=S.FAILED, error=error[:300], finished_at=now, updated_at=now
    )
    if changed:
        run = CoverageRun.objects.get(pk=run_id)
        audit_log(actor=actor, action="partnership.coverage.failed", obj=run, changes={})
    return bool(changed)
