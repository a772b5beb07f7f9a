"""Group activities (groepsaanbod): a language café, an atelier, a group session, linked to an offer;
sessions with attendance of pathways.

Partner workers keep the activities of their organisation's offers (``offer_organisations_for_user``).
A pathway can be ticked present when it has an accepted or started referral to the offer, or (until the
referrals app hands clients over, see ``ALSO_ACCESSIBLE_PATHWAYS``) when the user can open it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.consent.models import DataCategory, Purpose
from apps.consent.selectors import consented_categories
from apps.core.keyset import KeysetPage, keyset_page
from apps.groups.models import GroupActivity, GroupSession
from apps.groups.permissions import organisation_ids
from apps.offers.models import Offer
from apps.pathways.models import Pathway
from apps.pathways.permissions import candidate_pathways, pathway_accesses
from apps.referrals.models import Referral

LINKING_STATUSES = [Referral.Status.ACCEPTED, Referral.Status.STARTED]
# The referrals app is not finished yet: a partner worker may also tick pathways they can open themselves.
# Set to False once referrals are the only way a client reaches a partner's group.
ALSO_ACCESSIBLE_PATHWAYS = True


# --- reads --------------------------------------------------------------------------------------


def offers_for_groups(user: Any) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(organisation_id__in=organisation_ids(user), is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )


ACTIVITIES_PER_PAGE = 25
SESSIONS_PER_PAGE = 25


def activities_for_user(user: Any, *, cursor: str | None = None) -> KeysetPage:
    """One keyset page (``ACTIVITIES_PER_PAGE``; ``cursor`` from the page before, junk: ``Http404``) of the group
    activities of the user's organisations, by organisation name, title and id, each with its number of
    sessions: one query."""
    activities = (
        GroupActivity.objects.filter(offer__organisation_id__in=organisation_ids(user))
        .select_related("offer", "offer__organisation")
        .annotate(session_count=Count("sessions"))
    )
    return keyset_page(
        activities,
        ordering=("offer__organisation__name", "title", "pk"),
        cursor=cursor,
        size=ACTIVITIES_PER_PAGE,
        salt="group-activities",
        by_pk=True,
    )


def activity_sessions(activity: GroupActivity, *, cursor: str | None = None) -> KeysetPage:
    """One keyset page (``SESSIONS_PER_PAGE``, latest first; junk cursor: ``Http404``) of the activity's sessions,
    each with its number present: one query."""
    return keyset_page(
        activity.sessions.annotate(present=Count("attendees")),
        ordering=("-held_on", "-pk"),
        cursor=cursor,
        size=SESSIONS_PER_PAGE,
        salt=f"group-sessions-{activity.pk}",
    )


def linkable_pathways(user: Any, offer: Offer, session: GroupSession | None = None) -> list[dict[str, Any]]:
    """Pathways that may be ticked present at a session of ``offer``, with the label the user may see:
    the client's name when the user can open the pathway or a consent gives the offer's organisation the
    client's identity for the referral; "client #<pathway id>" otherwise. A fixed number of queries."""
    referred = Referral.objects.filter(pathway=OuterRef("pk"), offer=offer, status__in=LINKING_STATUSES)
    region_id = offer.organisation.region_id
    by_referral = Q(Exists(referred)) & ~Q(status=Pathway.Status.CLOSED)
    if session is not None:
        attended = GroupSession.attendees.through.objects.filter(pathway_id=OuterRef("pk"), groupsession_id=session.pk)
        by_referral |= Q(Exists(attended))
    found = Pathway.objects.filter(by_referral).distinct()
    if ALSO_ACCESSIBLE_PATHWAYS:  # one query: the linked pathways and those the user might open, told apart
        found = found | candidate_pathways(user).exclude(status=Pathway.Status.CLOSED)
    candidates: dict[int, Pathway] = {
        p.pk: p
        for p in found.filter(organisation__region_id=region_id)
        .annotate(linked=ExpressionWrapper(by_referral, output_field=BooleanField()))
        .distinct()
        .select_related("client")
        .prefetch_related("team")
    }
    linked = {pk for pk, p in candidates.items() if getattr(p, "linked", False)}
    accesses = pathway_accesses(user, candidates.values())
    keep = [p for p in candidates.values() if p.pk in linked or p.pk in accesses]
    consents = consented_categories(
        pairs={(p.client_id, offer.organisation_id) for p in keep if p.pk not in accesses},
        purposes=[Purpose.REFERRAL, Purpose.GUIDANCE],
    )
    rows: list[dict[str, Any]] = []
    for p in keep:
        named = p.pk in accesses or DataCategory.IDENTITY in consents.get((p.client_id, offer.organisation_id), set())
        rows.append({"pk": p.pk, "pathway": p, "name": str(p.client) if named else ""})
    rows.sort(key=lambda r: (r["name"] == "", r["name"].casefold(), r["pk"]))
    return rows


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def group_activity_create(*, actor: Any, offer: Offer, title: str) -> GroupActivity:
    if offer.organisation_id not in organisation_ids(actor):
        raise ValidationError({"offer": [_("Choose one of your organisation's offers.")]})
    title = title.strip()
    if not title:
        raise ValidationError({"title": [_("Give the activity a title.")]})
    activity = GroupActivity.objects.create(offer=offer, title=title)
    audit_log(actor=actor, action="pathways.group.created", obj=activity, changes={"offer": offer.pk, "title": title})
    return activity


@transaction.atomic
def group_session_add(*, activity: GroupActivity, actor: Any, held_on: dt.date) -> GroupSession:
    if activity.offer.organisation_id not in organisation_ids(actor):
        raise ValidationError(_("Only the offer's organisation keeps its group activities."))
    if GroupSession.objects.filter(activity=activity, held_on=held_on).exists():
        raise ValidationError({"held_on": [_("There is already a session on that date.")]})
    session = GroupSession.objects.create(activity=activity, held_on=held_on)
    audit_log(
        actor=actor,
        action="pathways.group.session_added",
        obj=session,
        changes={"activity": activity.pk, "held_on": held_on.isoformat()},
    )
    return session


@transaction.atomic
def session_attendance_record(*, session: GroupSession, actor: Any, pathway_ids: Iterable[int]) -> GroupSession:
    """Set who was present. New attendees must be linkable to the offer; those already ticked may stay."""
    activity = session.activity
    if activity.offer.organisation_id not in organisation_ids(actor):
        raise ValidationError(_("Only the offer's organisation keeps its group activities."))
    if session.held_on > timezone.localdate():
        raise ValidationError(_("Attendance can be recorded once the session has taken place."))
    wanted = set(pathway_ids)
    before = set(session.attendees.values_list("pk", flat=True))
    allowed = {row["pk"] for row in linkable_pathways(actor, activity.offer, session)} | before
    if wanted - allowed:
        raise ValidationError({"attendees": [_("Tick only clients referred to this offer.")]})
    session.attendees.set(sorted(wanted))
    audit_log(
        actor=actor,
        action="pathways.group.session_recorded",
        obj=session,
        changes={
            "activity": activity.pk,
            "attendees": sorted(wanted),
            "added": sorted(wanted - before),
            "removed": sorted(before - wanted),
        },
    )
    return session
