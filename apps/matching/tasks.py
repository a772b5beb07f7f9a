from __future__ import annotations

from django_tasks import task

from apps.matching.models import AllocationRun


@task()
def run_allocation(run_id: int) -> None:
    from apps.matching.services import allocation_execute

    run = AllocationRun.objects.get(pk=run_id)
    try:
        allocation_execute(run=run)
    except Exception as exc:
        AllocationRun.objects.filter(pk=run_id).update(status=AllocationRun.Status.FAILED, error=str(exc)[:300])
        raise
