"""Merging two records of one client, and undoing it: the client rows plus the screenings and consents
that move with them. Lives here because it writes rows of clients, assessment and consent together;
clients itself may not import the apps above it (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.assessment.models import Screening
from apps.audit.services import audit_log
from apps.clients.models import Client, ClientMerge
from apps.consent.models import Consent


@transaction.atomic
def client_merge(*, survivor: Client, duplicate: Client, actor: Any) -> ClientMerge:
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A client cannot be merged with itself."))
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("One of these clients was already merged."))
    if survivor.organisation.region_id != duplicate.organisation.region_id:
        raise ValidationError(_("Both clients must belong to the same partnership."))
    screenings = list(duplicate.screenings.values_list("pk", flat=True))
    consents = list(duplicate.consents.values_list("pk", flat=True))
    duplicate.screenings.update(client=survivor)
    duplicate.consents.update(client=survivor)
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into", "updated_at"])
    merge = ClientMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        merged_by=actor,
        moved={"screenings": screenings, "consents": consents},
    )
    audit_log(
        actor=actor,
        action="clients.client.merged",
        obj=survivor,
        changes={"duplicate": duplicate.pk, "merge": merge.pk, "moved": merge.moved},
    )
    return merge


@transaction.atomic
def client_merge_undo(*, merge: ClientMerge, actor: Any) -> ClientMerge:
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    Screening.objects.filter(pk__in=merge.moved.get("screenings", [])).update(client=merge.duplicate)
    Consent.objects.filter(pk__in=merge.moved.get("consents", [])).update(client=merge.duplicate)
    Client.objects.filter(pk=merge.duplicate_id).update(merged_into=None)
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_log(
        actor=actor,
        action="clients.client.merge_undone",
        obj=merge.survivor,
        changes={"duplicate": merge.duplicate_id, "merge": merge.pk},
    )
    return merge
