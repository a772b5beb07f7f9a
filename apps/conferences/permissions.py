"""Access to case conferences: ``get_conference_for_user`` returns the conference or raises 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from apps.accounts.permissions import coordinated_region_ids
from apps.conferences.models import CaseConference, SystemSignal


def get_conference_for_user(user: Any, pk: int) -> CaseConference:
    """The conference if the user organised it or takes part in it; 404 otherwise."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    visible = Q(organised_by=user) | Q(
        pk__in=CaseConference.participants.through.objects.filter(user_id=user.pk).values("caseconference_id")
    )
    conference = CaseConference.objects.select_related("organised_by", "region").filter(visible, pk=pk).first()
    if conference is None:
        raise Http404
    return conference


def get_signal_for_resolving(user: Any, pk: int) -> SystemSignal:
    """A system signal of a region the user coordinates (only they resolve signals), or 404."""
    signal = SystemSignal.objects.filter(pk=pk, region_id__in=coordinated_region_ids(user)).first()
    if signal is None:
        raise Http404
    return signal
