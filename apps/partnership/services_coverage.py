"""Writes of the coverage proposal: queue a computation (the background task runs it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.partnership.models import CoverageRun
from apps.partnership.services_coverage_run import coverage_run_fail
from apps.partnership.tasks import run_coverage

MAX_BUDGET = Decimal("9999999999.99")  # the field's 12 digits with 2 decimals


@transaction.atomic
def coverage_run_start(*, region: Any, actor: Any, budget: Decimal) -> CoverageRun:
    """Queue the coverage proposal of the region's call within ``budget`` (EUR, 2 decimals) for the worker.

    Each of its 1 + k solves stops after ``settings.COVERAGE_SOLVE_SECONDS`` (kept on the run). One queued or
    running computation per region: checked here and guaranteed by the partial unique constraint
    ``uniq_unfinished_coverage_run`` when two coordinators start at once. A running one that went silent
    (``CoverageRun.is_stale``: the worker stopped) is marked failed first, so a dead worker never blocks the page.
    Raises ``ValidationError`` (field ``budget``) for a budget outside 0 to ``MAX_BUDGET``, or (no field) while
    another computation is under way; nothing is written then.
    """
    if budget < 0 or budget > MAX_BUDGET:
        raise ValidationError({"budget": [_("Enter a budget from 0 to %(max)s euro.") % {"max": MAX_BUDGET}]})
    busy = ValidationError(_("A coverage proposal is already being computed for this call; wait until it is done."))
    for unfinished in CoverageRun.objects.select_for_update().filter(region=region, status__in=["queued", "running"]):
        if not unfinished.is_stale():
            raise busy
        coverage_run_fail(run_id=unfinished.pk, error="The worker stopped without finishing.", actor=actor)
    try:
        with transaction.atomic():
            run = CoverageRun.objects.create(
                region=region,
                created_by=actor,
                budget=budget.quantize(Decimal("0.01")),
                time_limit_seconds=float(settings.COVERAGE_SOLVE_SECONDS),
            )
    except IntegrityError as exc:
        raise busy from exc
    audit_log(
        actor=actor,
        action="partnership.coverage.started",
        obj=run,
        changes={"budget": str(run.budget), "time_limit_seconds": run.time_limit_seconds},
    )
    transaction.on_commit(lambda: run_coverage.enqueue(run.pk))
    return run
