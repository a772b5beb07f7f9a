"""``padwijzer apply_retention``: anonymise the client files whose retention period ended (daily, run by
``run_scheduled daily``); ``--dry-run`` only counts them. See apps/workspace/services_retention.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.workspace.services_retention import apply_retention, clients_due


class Command(BaseCommand):
    help = "Anonymise the client files whose retention period has ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count the files that are due.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            due = clients_due()
            self.stdout.write(f"{len(due)} client files are due for anonymisation.")
            return
        done = apply_retention()
        self.stdout.write(f"{len(done)} client files anonymised.")
