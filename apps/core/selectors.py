"""The home page: what each role needs first (a fixed number of queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from apps.accounts.models import Membership, Organisation, Role
from apps.accounts.permissions import memberships_of
from apps.clients.models import Client
from apps.regions.models import CallTimeline, Challenge


def home_for_user(*, user: Any) -> dict[str, Any]:
    memberships = memberships_of(user)
    roles = {m.role for m in memberships}
    region_ids = {m.organisation.region_id for m in memberships}
    org_ids = {m.organisation_id for m in memberships}
    panels: dict[str, Any] = {"roles": roles, "memberships": memberships}

    worker_roles = {Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER}
    if roles & worker_roles:
        counts = dict(
            Client.objects.filter(organisation_id__in=org_ids)
            .values("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
        worker_orgs = {m.organisation_id: m.organisation for m in memberships if m.role in worker_roles}
        panels["caseload"] = [(org, counts.get(pk, 0)) for pk, org in worker_orgs.items()]
    if roles & {Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER, Role.COORDINATOR}:
        panels["challenges"] = list(
            Challenge.objects.filter(region_id__in=region_ids).select_related("region").order_by("region_id", "rank")
        )
    if Role.COORDINATOR in roles:
        coordinated = [m.organisation.region_id for m in memberships if m.role == Role.COORDINATOR]
        organisations = list(Organisation.objects.filter(region_id__in=coordinated).order_by("kind", "name"))
        # two grouped counts rather than one join of clients x members (see bench/README.md)
        clients = dict(
            Client.objects.filter(organisation__in=organisations, merged_into__isnull=True)
            .values("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
        members = dict(
            Membership.objects.filter(organisation__in=organisations, is_active=True)
            .values("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
        for org in organisations:
            org.n_clients = clients.get(org.pk, 0)  # type: ignore[attr-defined]
            org.n_members = members.get(org.pk, 0)  # type: ignore[attr-defined]
        panels["organisations"] = organisations
        panels["role_counts"] = [
            {"label": Role(row["role"]).label, "n": row["n"]}
            for row in Membership.objects.filter(organisation__region_id__in=coordinated, is_active=True)
            .values("role")
            .annotate(n=Count("id"))
            .order_by("role")
        ]
    if roles & {Role.JURY_MEMBER, Role.COORDINATOR}:
        panels["calls"] = list(CallTimeline.objects.filter(region_id__in=region_ids).select_related("region"))
    if Role.ADMINISTRATOR in roles or user.is_superuser:
        from apps.audit.models import AuditEntry

        panels["recent_audit"] = list(AuditEntry.objects.select_related("actor")[:10])
    return panels
