"""Optimistic locking for every edit form of a shared record, and one-time keys against double submits.

Generalises docs/decisions/0008-plan-concurrency.md: a record carries a version column; the form sends the
version it showed; the save is one conditional ``UPDATE ... SET version = version + 1 WHERE id = ? AND
version = ?``. One row: the save goes on in the same transaction. Zero rows: :class:`EditConflict`, nothing
written, and the page re-renders the user's input with the current version so a second save is deliberate.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.db import IntegrityError, models, transaction
from django.db.models import F

from apps.core.models import SubmissionKey


class EditConflict(Exception):
    """Someone else saved the record since the form was opened; nothing was written.

    ``current_version``: the version now stored (give it to the form for a deliberate second save).
    """

    def __init__(self, current_version: int, changed_by: str = ""):
        super().__init__(f"record is at version {current_version}")
        self.current_version = current_version
        self.changed_by = changed_by


def versioned_update(
    model: type[models.Model], *, pk: int, expected_version: int, field: str = "version", **values: Any
) -> int:
    """Bump ``field`` of row ``pk`` from ``expected_version`` (and set ``values``) in one conditional UPDATE.

    Returns the new version. Raises :class:`EditConflict` (nothing written) when the stored version is not
    ``expected_version``; ``model.DoesNotExist`` when the row is gone. Call inside the service's transaction:
    the UPDATE holds the row lock until it commits, so a concurrent save waits and then finds the new version.
    """
    updated = model._default_manager.filter(pk=pk, **{field: expected_version}).update(
        **{field: F(field) + 1}, **values
    )
    if not updated:
        current = model._default_manager.values_list(field, flat=True).get(pk=pk)
        raise EditConflict(current)
    return expected_version + 1


class VersionField(forms.IntegerField):
    """The hidden field carrying the version a form showed (a whole number; junk is a form error)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)


def new_submission_key() -> str:
    """A fresh one-time key for a creating form (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


class SubmissionKeyField(forms.CharField):
    """Hidden field holding a creating form's one-time key; a fresh key is its initial value."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", new_submission_key)
        super().__init__(**kwargs)


class SubmissionKeyReused(Exception):
    """A one-time key came back with another request than the one it was first used for (another body, another
    record, another purpose); nothing was written. The API answers 422 (``Idempotency-Key``)."""


def submitted_before(key: str, purpose: str, fingerprint: str = "") -> int | None:
    """The id of the record the submission ``key`` created for ``purpose``, or ``None`` (not seen or no key).

    ``fingerprint``: a digest of what was sent with the key (empty for a form's own key). Raises
    :class:`SubmissionKeyReused` when the key is known with another fingerprint or for another purpose.
    """
    if not key:
        return None
    seen = SubmissionKey.objects.filter(key=key).values_list("purpose", "fingerprint", "object_id").first()
    if seen is None:
        return None
    stored_purpose, stored_fingerprint, object_id = seen
    if (stored_purpose, stored_fingerprint) == (purpose, fingerprint):
        return object_id
    if fingerprint or stored_fingerprint:
        raise SubmissionKeyReused(key)
    return None  # a form's key met under another purpose is not this submission's (as before fingerprints)


def remember_submission(key: str, purpose: str, object_id: int, fingerprint: str = "") -> int | None:
    """Record that ``key`` created ``object_id``; call in the creating transaction, after the insert.

    Returns ``None`` when recorded, or the id of the record that a concurrent submission with the same key
    created first (the caller then rolls back its own insert and returns that one). No key: no-op. Raises
    :class:`SubmissionKeyReused` when the concurrent submission sent another request with the key.
    """
    if not key:
        return None
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(key=key, purpose=purpose, object_id=object_id, fingerprint=fingerprint)
    except IntegrityError:
        return submitted_before(key, purpose, fingerprint)
    return None
