"""Background tasks of the partnership: the jury's coverage proposal (the worker, ``padwijzer db_worker``)."""

from __future__ import annotations

from django_tasks import task

from apps.partnership.models import CoverageRun
from apps.partnership.services_coverage_run import coverage_run_execute, coverage_run_fail


@task()
def run_coverage(run_id: int) -> None:
    """Run ``coverage_run_execute`` for the run; on any error mark it failed (with the error's text) and re-raise
    so the worker records the task as failed too."""
    run = CoverageRun.objects.select_related("region").get(pk=run_id)
    try:
        coverage_run_execute(run=run)
    except Exception as exc:
        coverage_run_fail(run_id=run_id, error=str(exc) or type(exc).__name__)
        raise
