"""The coordinator's judgement on a suspected duplicate pair: "not the same person", and undoing it.

A dismissed pair (``DistinctPair``) is no longer suggested by ``selectors.suspected_duplicates``; undoing the
dismissal suggests it again. Each write is one transaction with its audit entry (issue 10, the duplicates
worklist of issue 11 item 6).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.clients.models import Client, DistinctPair


@transaction.atomic
def duplicate_pair_dismiss(*, first: Client, second: Client, actor: Any) -> DistinctPair:
    """Record that ``first`` and ``second`` are two different people, so the pair is no longer suggested.

    The order of the two does not matter (stored smaller id first). Dismissing a pair that is dismissed already
    returns the existing row and writes nothing; dismissing one whose dismissal was undone dismisses it again.
    Raises ValidationError when the two are one record, belong to different partnerships or one of them was
    merged (the coordinator's access is the caller's check: ``coordinated_region_ids``). Audit:
    ``clients.duplicates.dismissed`` with both client ids.
    """
    if first.pk == second.pk:
        raise ValidationError(_("Choose two different records."))
    low, high = sorted((first, second), key=lambda c: c.pk)
    locked = {c.pk: c for c in Client.objects.select_for_update().select_related("organisation").filter(
        pk__in=[low.pk, high.pk])}  # fmt: skip
    low, high = locked[low.pk], locked[high.pk]
    if low.organisation.region_id != high.organisation.region_id:
        raise ValidationError(_("The two records belong to different partnerships."))
    if low.merged_into_id or high.merged_into_id:
        raise ValidationError(_("One of the two records was merged; it is no longer suggested."))
    now = timezone.now()
    pair = DistinctPair.objects.select_for_update().filter(first=low, second=high).first()
    if pair is not None and pair.undone_at is None:
        return pair
    if pair is None:
        try:
            with transaction.atomic():
                pair = DistinctPair.objects.create(first=low, second=high, dismissed_by=actor, dismissed_at=now)
        except IntegrityError:  # a colleague dismissed it a moment ago (uniq_distinct_pair)
            return DistinctPair.objects.get(first=low, second=high)
    else:
        pair.dismissed_by, pair.dismissed_at, pair.undone_by, pair.undone_at = actor, now, None, None
        pair.save(update_fields=["dismissed_by", "dismissed_at", "undone_by", "undone_at"])
    audit_log(actor=actor, action="clients.duplicates.dismissed", obj=pair, changes={"clients": [low.pk, high.pk]})
    return pair


@transaction.atomic
def duplicate_pair_restore(*, pair: DistinctPair, actor: Any) -> DistinctPair:
    """Undo a dismissal: the pair is suggested again (when both records are still active and still alike).

    Undoing a dismissal that is undone already writes nothing. Audit: ``clients.duplicates.restored``.
    """
    pair = DistinctPair.objects.select_for_update().get(pk=pair.pk)
    if pair.undone_at is not None:
        return pair
    pair.undone_by, pair.undone_at = actor, timezone.now()
    pair.save(update_fields=["undone_by", "undone_at"])
    audit_log(
        actor=actor,
        action="clients.duplicates.restored",
        obj=pair,
        changes={"clients": [pair.first_id, pair.second_id]},
    )
    return pair
