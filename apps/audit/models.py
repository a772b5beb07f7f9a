"""The audit trail: append-only, hash-chained (docs/decisions/0010-audit-trail.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


def entry_hash(
    *,
    sequence: int,
    created_at: dt.datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    changes: Any,
    previous_hash: str,
) -> str:
    """sha256 (64 hex chars) over the canonical JSON of an entry's fields and the previous entry's hash.

    Canonical: sorted keys, no spaces, UTF-8, the timestamp in UTC with microseconds. Also used by the
    migration that chained the entries written before the chain existed.
    """
    canonical = json.dumps(
        {
            "sequence": sequence,
            "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "changes": changes,
            "previous_hash": previous_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry from the application."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")


class AuditEntry(models.Model):
    """One write (or one read of a client file): who did what to which object, and when.

    ``changes`` holds codes and ids, never needless personal data. Entries are never changed or deleted
    (refused here and, on PostgreSQL, by a trigger); ``sequence`` numbers them without gaps and ``hash``
    is sha256 over the canonical JSON of the entry's fields and the previous entry's hash.
    """

    sequence = models.BigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # the client file's timeline: one object's entries, newest first, without the record of reads
            # (apps/clients/selectors.client_file; bench/audit_timeline.py measures it with 3M entries)
            models.Index(
                fields=["object_type", "object_id", "-created_at"],
                name="audit_object_timeline_idx",
                condition=~models.Q(action="clients.client.viewed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def sentence(self) -> str:
        """What a person reads for this entry, in the active language (never the code)."""
        from apps.audit.registry import describe

        return describe(self.action, self.changes)

    def compute_hash(self) -> str:
        """The hash this entry should carry, from its stored fields (see :func:`entry_hash`)."""
        return entry_hash(
            sequence=self.sequence,
            created_at=self.created_at,
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            changes=self.changes,
            previous_hash=self.previous_hash,
        )
