"""What the admin site's pages may show: a delete confirmation names no linked record (issue 14)."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import ngettext


class CountsNotNamesOnDeletion:
    """A ``ModelAdmin`` mixin: the delete confirmation lists what would be deleted, and what protects the object,
    as counts per kind of record, never by name.

    Django lists every linked record by its ``str()``: deleting a municipality, region, organisation or user
    listed the clients who live there or are followed there by name, to an administrator without a case role
    (found by the authorization matrix, docs/decisions/0014-access-matrix.md). Returns Django's
    ``(to_delete, model_count, perms_needed, protected)`` with the two lists replaced by sentences.
    """

    def get_deleted_objects(self, objs: Any, request: Any) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        counted = [f"{capfirst(str(kind))}: {count}" for kind, count in model_count.items()]
        if protected:
            protected = [
                ngettext(
                    "%(count)d linked record (not shown by name)",
                    "%(count)d linked records (not shown by name)",
                    len(protected),
                )
                % {"count": len(protected)}
            ]
        return counted, model_count, perms_needed, protected
