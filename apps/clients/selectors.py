"""Reads on clients, each with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from apps.accounts.models import Role
from apps.accounts.permissions import memberships_of
from apps.clients.models import Client
from apps.clients.permissions import CASE_ROLES, FULL_ROLES
from apps.consent.models import Consent, DataCategory, Purpose


def clients_for_user(*, user: Any, query: str = "") -> QuerySet[Client]:
    """Clients of the organisations where the user holds a full role, those whose case team a peer companion
    is on, plus those whose identity a consent shares with them (docs/decisions/0014-access-matrix.md).
    The rows fetched are recorded as one list read (``ClientQuerySet.recorded_for``)."""
    memberships = [m for m in memberships_of(user) if m.role in CASE_ROLES]
    own = {m.organisation_id for m in memberships}
    full = {m.organisation_id for m in memberships if m.role in FULL_ROLES}
    peer = own - full
    coordinated = {m.organisation.region_id for m in memberships if m.role == Role.COORDINATOR}
    consented = [
        client_id
        for client_id, categories, purposes in Consent.objects.in_force()
        .filter(
            organisations__in=own,
            client__organisation__region_id__in={m.organisation.region_id for m in memberships},
        )
        .values_list("client_id", "categories", "purposes")
        if DataCategory.IDENTITY in categories and Purpose.GUIDANCE in purposes
    ]
    on_team = Client.objects.filter(
        organisation_id__in=peer, pathways__team__user=user, pathways__team__is_active=True
    ).values("pk")
    qs = Client.objects.recorded_for(user, frozenset(own)).filter(
        Q(organisation_id__in=full)
        | Q(pk__in=on_team)
        | Q(pk__in=consented)
        | Q(organisation__region_id__in=coordinated),
        merged_into__isnull=True,
    )
    for word in query.split()[:3]:
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs.select_related("organisation", "municipality").order_by("last_name", "first_name")
