"""The client's rights on their file: requests to correct data (GDPR art. 16), recorded and decided.

The access log and the copy of the file (art. 15) are reads: ``apps/workspace/selectors_rights.py`` and
``apps/workspace/exports_subject_access.py``; erasure and retention: ``apps/workspace/services_retention.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.clients.models import Client, RectificationRequest
from apps.core.states import transition


@transaction.atomic
def rectification_record(*, client: Client, actor: Any, what: str, asked_on: dt.date) -> RectificationRequest:
    """Record that ``client`` asked on ``asked_on`` to correct ``what`` (free text, 1..2000 characters).

    Raises ValidationError per field (``what`` empty or too long, ``asked_on`` in the future)."""
    errors: dict[str, list[str]] = {}
    what = what.strip()
    if not what:
        errors["what"] = [_("Write what the client asks to correct.")]
    elif len(what) > 2000:
        errors["what"] = [_("Keep it under 2000 characters.")]
    if asked_on > timezone.localdate():
        errors["asked_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    request = RectificationRequest.objects.create(client=client, recorded_by=actor, what=what, asked_on=asked_on)
    audit_log(actor=actor, action="clients.rectification.requested", obj=request, changes={"client": client.pk})
    return request


@transaction.atomic
def rectification_decide(
    *, request: RectificationRequest, actor: Any, status: str, note: str, decided_on: dt.date | None = None
) -> RectificationRequest:
    """Decide an open request: ``corrected`` (note says what was changed) or ``refused`` (note gives the reason,
    required). Raises ValidationError (``TransitionNotAllowed`` when already decided; nothing is changed)."""
    request = RectificationRequest.objects.select_for_update().get(pk=request.pk)
    decided_on = decided_on or timezone.localdate()
    note = note.strip()
    errors: dict[str, list[str]] = {}
    if status not in {RectificationRequest.Status.CORRECTED, RectificationRequest.Status.REFUSED}:
        errors["status"] = [_("Choose corrected or refused.")]
    if status == RectificationRequest.Status.REFUSED and not note:
        errors["decision_note"] = [_("Give the reason the client will be told.")]
    if len(note) > 2000:
        errors["decision_note"] = [_("Keep it under 2000 characters.")]
    if decided_on < request.asked_on or decided_on > timezone.localdate():
        errors["decided_on"] = [_("The decision date lies between the request and today.")]
    if errors:
        raise ValidationError(errors)
    transition(request, status)
    request.decided_on, request.decided_by, request.decision_note = decided_on, actor, note
    request.save()
    audit_log(
        actor=actor,
        action="clients.rectification.decided",
        obj=request,
        changes={"client": request.client_id, "status": status},
    )
    return request
