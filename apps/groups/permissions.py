"""Access to group activities and their sessions: partner workers of the offer's organisation only;
``get_activity_for_user`` and ``get_session_for_user`` return the object or raise 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from apps.groups.models import GroupActivity, GroupSession
from apps.offers.permissions import offer_organisations_for_user


def organisation_ids(user: Any) -> set[int]:
    return {o.pk for o in offer_organisations_for_user(user)}


def get_activity_for_user(user: Any, pk: int) -> GroupActivity:
    activity = (
        GroupActivity.objects.select_related("offer", "offer__organisation")
        .filter(pk=pk, offer__organisation_id__in=organisation_ids(user))
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def get_session_for_user(user: Any, activity_pk: int, pk: int) -> GroupSession:
    activity = get_activity_for_user(user, activity_pk)
    session = GroupSession.objects.filter(pk=pk, activity=activity).first()
    if session is None:
        raise Http404
    session.activity = activity
    return session
