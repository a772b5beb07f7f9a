"""Background jobs seen from a page: is a worker taking the job, has a running job gone silent?

The jobs (the allocation of the waiting list, the coverage proposal) run in ``padwijzer db_worker``
(django-tasks, database backend). A page that polls a job's record asks these two questions; both read only
the record's timestamps, so they cost no query. The shared alert is ``core/_no_worker.html``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def worker_grace_seconds() -> int:
    """Seconds a queued job may wait before the page says no worker seems to run
    (``settings.WORKER_GRACE_SECONDS``, environment ``WORKER_GRACE_SECONDS``, default 15)."""
    return int(settings.WORKER_GRACE_SECONDS)


def waiting_without_worker(*, queued: bool, since: dt.datetime, now: dt.datetime | None = None) -> bool:
    """True when a job still ``queued`` was created (``since``) more than the grace ago: no worker took it."""
    now = now or timezone.now()
    return queued and (now - since).total_seconds() > worker_grace_seconds()


def silent_too_long(
    *, running: bool, last_sign: dt.datetime, limit_seconds: float, now: dt.datetime | None = None
) -> bool:
    """True when a ``running`` job's last sign of life (``last_sign``: its last progress write) lies more than
    ``limit_seconds`` (the longest one step may take) plus the grace ago: the worker stopped mid-job."""
    now = now or timezone.now()
    return running and (now - last_sign).total_seconds() > limit_seconds + worker_grace_seconds()
