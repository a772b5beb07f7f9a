"""Scheduled jobs: ``padwijzer run_scheduled hourly|daily`` once (cron, systemd timer) or ``--loop`` (make serve).

- hourly: ``escalate_referrals`` (unanswered referrals go to the coordinators, apps/referrals);
- daily: ``clearsessions`` (expired sessions), ``prune_db_task_results`` (finished background task results
  older than ``TASK_RESULTS_KEEP_DAYS`` days, default 14; failed ones are kept as long) and ``apply_retention``
  (client files whose retention period ended are anonymised, apps/workspace/services_retention.py).

Every job is idempotent, so running one twice (two servers, a retried timer) does no harm. A failing job is
reported on stderr and the others still run; the exit status is 1 when one failed.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

JOBS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "hourly": [("escalate_referrals", {})],
    "daily": [("clearsessions", {}), ("prune_db_task_results", {}), ("apply_retention", {})],
}


class Command(BaseCommand):
    help = "Run the hourly or daily jobs once, or both on their schedule with --loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schedule", nargs="?", choices=sorted(JOBS), help="Which jobs to run once.")
        parser.add_argument("--loop", action="store_true", help="Run hourly jobs every hour, daily every 24 hours.")

    def run_jobs(self, schedule: str) -> bool:
        """Run the jobs of ``schedule``; True when all succeeded."""
        ok = True
        for name, options in JOBS[schedule]:
            if name == "prune_db_task_results":
                options = {"min_age_days": int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "14"))}
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr, **options)
            except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
                ok = False
                self.stderr.write(f"{schedule} job {name} failed: {type(exc).__name__}")
            else:
                self.stdout.write(f"{schedule} job {name} done.")
        return ok

    def handle(self, *args: Any, **options: Any) -> None:
        if options["loop"]:
            hours = 0
            while True:
                self.run_jobs("hourly")
                if hours % 24 == 0:
                    self.run_jobs("daily")
                hours += 1
                time.sleep(3600)
        if not options["schedule"]:
            raise CommandError("Name a schedule (hourly or daily) or pass --loop.")
        if not self.run_jobs(options["schedule"]):
            raise CommandError(f"A {options['schedule']} job failed.")
