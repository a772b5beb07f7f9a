"""Escalate referrals unanswered for REFERRAL_ESCALATION_DAYS days (default 5) to the region's coordinators.

Idempotent: run it daily (cron) or enqueue ``apps.referrals.tasks.escalate_referrals``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.referrals.services import escalation_days, referrals_escalate


class Command(BaseCommand):
    help = "Escalate referrals that have waited too long for an answer to the coordinators of their region."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="Pretend it is this moment (ISO 8601, for tests and replays).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("now"):
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from exc
            if now.tzinfo is None:
                now = now.replace(tzinfo=dt.UTC)
        escalated = referrals_escalate(now=now)
        self.stdout.write(f"{len(escalated)} referral(s) escalated (threshold: {escalation_days()} days).")
