"""Reads on clients, each with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from apps.accounts.models import Role
from apps.accounts.permissions import memberships_of
from apps.assessment.models import Screening
from apps.assessment.selectors import classification_for, completed_screenings, region_classification_data
from apps.audit.models import AuditEntry
from apps.clients import identifiers
from apps.clients.models import Client
from apps.clients.permissions import CASE_ROLES, ClientAccess
from apps.consent.models import Consent, DataCategory, Purpose
from apps.pathways.models import Pathway

TIMELINE_LENGTH = 50


def clients_for_user(*, user: Any, query: str = "") -> QuerySet[Client]:
    """Clients of the user's organisations, plus those whose identity a consent shares with them."""
    memberships = [m for m in memberships_of(user) if m.role in CASE_ROLES]
    own = {m.organisation_id for m in memberships}
    coordinated = {m.organisation.region_id for m in memberships if m.role == Role.COORDINATOR}
    consented = [
        client_id
        for client_id, categories, purposes in Consent.objects.filter(
            withdrawn_on__isnull=True,
            organisations__in=own,
            client__organisation__region_id__in={m.organisation.region_id for m in memberships},
        ).values_list("client_id", "categories", "purposes")
        if DataCategory.IDENTITY in categories and Purpose.GUIDANCE in purposes
    ]
    qs = Client.objects.filter(
        Q(organisation_id__in=own) | Q(pk__in=consented) | Q(organisation__region_id__in=coordinated),
        merged_into__isnull=True,
    )
    for word in query.split()[:3]:
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs.select_related("organisation", "municipality").order_by("last_name", "first_name")


def client_file(*, access: ClientAccess, user: Any) -> dict[str, Any]:
    client = access.client
    region_id = client.organisation.region_id
    screenings = completed_screenings(client=client) if access.sees(DataCategory.LIFE_DOMAINS) else []
    baseline = screenings[0] if screenings else None
    latest = screenings[-1] if screenings else None
    region_data = region_classification_data(region_id=region_id)
    hidden_categories = set(DataCategory.values) - set(access.categories)
    visible_domains = [d for d in region_data["life_domains"] if d.data_category not in hidden_categories]
    visible_domain_ids = {d.pk for d in visible_domains}

    def levels(screening: Screening | None) -> dict[int, int]:
        if screening is None:
            return {}
        return {s.life_domain_id: s.level for s in screening.scores.all() if s.life_domain_id in visible_domain_ids}

    classification = None
    if latest is not None and access.sees_classification:
        classification = classification_for(client=client, screening=latest, region_data=region_data)

    consents = list(Consent.objects.filter(client=client).prefetch_related("organisations"))
    draft = (
        Screening.objects.filter(client=client, status=Screening.Status.DRAFT).order_by("-id").first()
        if access.can_edit
        else None
    )
    ids = {
        "clients.client": [client.pk],
        "assessment.screening": [s.pk for s in screenings],
        "consent.consent": [c.pk for c in consents],
    }
    condition = Q()
    for object_type, pks in ids.items():
        if pks:
            condition |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    timeline = list(
        AuditEntry.objects.filter(condition)
        .exclude(action="clients.client.viewed")
        .select_related("actor")
        .order_by("-created_at", "-id")[:TIMELINE_LENGTH]
    )
    national_number = identifiers.display(client.national_number_encrypted, full=access.owner)
    latest_obstacles = [
        o
        for o in (latest.obstacles.all() if latest else [])
        if _domain_category(o, region_data) not in hidden_categories
    ]
    return {
        "access": access,
        "client": client,
        "national_number": national_number,
        "consents": consents,
        "active_consents": [c for c in consents if c.is_active],
        "screenings": screenings,
        "baseline": baseline,
        "latest": latest,
        "draft": draft,
        "latest_obstacles": latest_obstacles,
        "radar": {
            "labels": [d.label for d in visible_domains],
            "baseline": [levels(baseline).get(d.pk) for d in visible_domains],
            "latest": [levels(latest).get(d.pk) for d in visible_domains],
        },
        "domain_rows": [(d, levels(baseline).get(d.pk), levels(latest).get(d.pk)) for d in visible_domains],
        "classification": classification,
        "classification_hidden": latest is not None and classification is None,
        "timeline": timeline,
        "is_coordinator": any(m.role == Role.COORDINATOR for m in memberships_of(user)),
        "open_pathway": (
            Pathway.objects.filter(client=client).exclude(status="closed").first() if access.can_edit else None
        ),
    }


def _domain_category(obstacle: Any, region_data: dict[str, Any]) -> str:
    domains = {d.pk: d for d in region_data["life_domains"]}
    domain = domains.get(obstacle.life_domain_id)
    return domain.data_category if domain else "life_domains"
