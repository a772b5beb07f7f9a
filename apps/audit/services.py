from __future__ import annotations

from typing import Any

from django.db import models

from apps.audit.models import AuditEntry


def audit_log(
    *, actor: Any, action: str, obj: models.Model | None = None, changes: dict[str, Any] | None = None
) -> AuditEntry:
    """Record an audit entry. Call it inside the service's transaction.

    ``action`` is a namespaced code such as ``regions.region.loaded``.
    """
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=changes or {},
    )
