from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write (or one read of a client file): who did what to which object, and when.

    ``changes`` holds codes and ids, never needless personal data.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)

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
        return f"{self.action} {self.object_type}:{self.object_id}"
