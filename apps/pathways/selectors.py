"""Reads of pathways: the pathway page and "my work", each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.permissions import memberships_of
from apps.assessment.selectors import completed_screenings
from apps.consent.models import DataCategory
from apps.notifications.models import Notification
from apps.pathways.models import Action, Closure, ContactLog, Goal, PlanChange, TeamMember
from apps.pathways.permissions import PathwayAccess
from apps.regions.models import LifeDomain

HISTORY = 20
CONTACTS = 30


def pathway_page(*, access: PathwayAccess) -> dict[str, Any]:
    pathway = access.pathway
    team = list(pathway.team.filter(is_active=True).select_related("user", "organisation"))
    goals = list(Goal.objects.filter(pathway=pathway).select_related("life_domain").prefetch_related("obstacles"))
    actions = list(Action.objects.filter(pathway=pathway).select_related("owner", "owner_organisation", "goal"))
    history = list(PlanChange.objects.filter(pathway=pathway).select_related("changed_by")[:HISTORY])
    contacts_qs = ContactLog.objects.filter(pathway=pathway).select_related("author", "author_organisation")
    if not access.owner:
        contacts_qs = contacts_qs.filter(Q(confidential=False) | Q(author_organisation_id__in=access.organisation_ids))
    contacts = list(contacts_qs[:CONTACTS])
    hidden = set(DataCategory.values) - set(access.categories)
    domains = [
        d for d in LifeDomain.objects.filter(region_id=pathway.organisation.region_id) if d.data_category not in hidden
    ]
    screenings = completed_screenings(client=pathway.client) if access.sees(DataCategory.LIFE_DOMAINS) else []
    baseline, latest = (screenings[0], screenings[-1]) if screenings else (None, None)

    def levels(screening: Any, attr: str = "level") -> dict[int, Any]:
        return {s.life_domain_id: getattr(s, attr) for s in screening.scores.all()} if screening else {}

    from apps.referrals.models import Referral

    referrals = list(Referral.objects.filter(pathway=pathway).select_related("offer", "offer__organisation", "sent_by"))
    closure = Closure.objects.filter(pathway=pathway).select_related("closed_by").first()
    from apps.groups.services import sessions_for_pathway

    sessions = sessions_for_pathway(pathway)
    return {
        "access": access,
        "pathway": pathway,
        "client": pathway.client,
        "team": team,
        "goals": [g for g in goals if g.life_domain.data_category not in hidden],
        "actions": actions,
        "history": history,
        "contacts": contacts,
        "referrals": referrals,
        "sessions": sessions,
        "closure": closure,
        "screenings": screenings,
        "ladder": [(s.screened_on, s.ladder_current, s.ladder_attainable) for s in screenings],
        "radar": {
            "labels": [d.label for d in domains],
            "baseline": [levels(baseline).get(d.pk) for d in domains],
            "latest": [levels(latest).get(d.pk) for d in domains],
            "client": [levels(latest, "client_level").get(d.pk) for d in domains],
        },
        "domain_rows": [
            (d, levels(baseline).get(d.pk), levels(latest).get(d.pk), levels(latest, "client_level").get(d.pk))
            for d in domains
        ],
        "latest": latest,
        "baseline": baseline,
    }


def my_work(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Due actions, pending referrals, follow-ups, escalations and unread notifications."""
    today = today or timezone.localdate()
    memberships = memberships_of(user)
    orgs = {m.organisation_id for m in memberships}
    coordinated = {m.organisation.region_id for m in memberships if m.role == Role.COORDINATOR}
    from apps.referrals.models import Referral

    actions = list(
        Action.objects.filter(owner=user, status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])
        .select_related("pathway")
        .order_by("due_on", "id")[:50]
    )
    incoming = list(
        Referral.objects.filter(offer__organisation_id__in=orgs, status__in=["sent", "waiting"])
        .select_related("offer")
        .order_by("created_at")[:50]
    )
    outgoing = list(
        Referral.objects.filter(sent_by=user, status__in=["sent", "waiting", "accepted"])
        .select_related("offer", "offer__organisation")
        .order_by("created_at")[:50]
    )
    follow_ups = list(
        Closure.objects.filter(
            pathway__organisation_id__in=orgs,
            followed_up_on__isnull=True,
            follow_up_due__lte=today + dt.timedelta(days=30),
        )
        .select_related("pathway")
        .order_by("follow_up_due")[:50]
    )
    escalations = (
        list(
            Referral.objects.filter(
                offer__organisation__region_id__in=coordinated, escalated_at__isnull=False, status="sent"
            ).select_related("offer", "offer__organisation")[:50]
        )
        if coordinated
        else []
    )
    notifications = list(Notification.objects.filter(user=user, read_at__isnull=True)[:20])
    teams = list(
        TeamMember.objects.filter(user=user, is_active=True)
        .exclude(pathway__status="closed")
        .select_related("pathway")[:50]
    )
    return {
        "actions": actions,
        "incoming": incoming,
        "outgoing": outgoing,
        "follow_ups": follow_ups,
        "escalations": escalations,
        "notifications": notifications,
        "teams": teams,
        "today": today,
    }
