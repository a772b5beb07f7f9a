"""Background tasks of matching: the allocation run (the worker, ``padwijzer db_worker``)."""

from __future__ import annotations

from django_tasks import task

from apps.core.states import sources
from apps.matching.models import AllocationRun
from apps.matching.services_allocation import allocation_execute


@task()
def run_allocation(run_id: int) -> None:
    run = AllocationRun.objects.get(pk=run_id)
    try:
        allocation_execute(run=run)
    except Exception as exc:
        AllocationRun.objects.filter(
            pk=run_id, status__in=sources(AllocationRun, AllocationRun.Status.FAILED)
        ).update(status=AllocationRun.Status.FAILED, error=str(exc)[:300])
        raise
