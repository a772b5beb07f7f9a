"""Check the audit trail's hash chain: exit 1 and list every break, or print the head to record elsewhere."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.audit.models import AuditEntry
from apps.audit.services import audit_head, audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (edited, deleted, inserted or reordered entries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQUENCE:HASH",
            help="A head printed by an earlier run: fail if that entry is gone or changed (truncation).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        expected = options.get("expect_head")
        if expected:
            sequence_text, _, hash_text = expected.partition(":")

            try:
                sequence = int(sequence_text)
            except ValueError as exc:
                raise CommandError("--expect-head: give SEQUENCE:HASH as printed by verify_audit") from exc
            if not AuditEntry.objects.filter(sequence=sequence, hash=hash_text).exists():
                problems.append(f"the recorded head {sequence} is missing or changed (entries removed at the end?)")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit trail broken: {len(problems)} problem(s)")
        sequence, digest = audit_head()
        self.stdout.write(f"audit trail intact: {sequence} entries; head {sequence}:{digest}")
