"""Who may open a client file, and which parts of it (see docs/decisions/0003-access-model.md).

- Members of the registering organisation (counsellor, peer companion, partner worker,
  coordinator) see the whole file and may change it.
- Members of another organisation see only the data categories that an active consent gives
  their organisation for the purpose; without consent to identity and contact, the file is 404.
- A coordinator of the region sees identity and contact of every client (to handle duplicates).
- Everyone else, including jury members and administrators, gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from apps.accounts.models import Role
from apps.accounts.permissions import CASE_ROLES, memberships_of
from apps.clients.models import Client
from apps.consent.models import DataCategory, Purpose
from apps.consent.services import covered_categories

ALL_CATEGORIES = frozenset(DataCategory.values)
# The classification (target groups, nearest challenges) is built from obstacles of every life domain and
# from ESF+ entry facts: it is shown only to those who see all of these.
CLASSIFICATION_CATEGORIES = frozenset(
    {
        DataCategory.LIFE_DOMAINS,
        DataCategory.HEALTH,
        DataCategory.ADDICTION,
        DataCategory.JUSTICE,
        DataCategory.FINANCES,
        DataCategory.WORK_EDUCATION,
    }
)


@dataclass
class ClientAccess:
    client: Client
    categories: frozenset[str] = field(default_factory=frozenset)
    owner: bool = False

    @property
    def can_edit(self) -> bool:
        return self.owner

    @property
    def sees_classification(self) -> bool:
        return self.categories >= CLASSIFICATION_CATEGORIES

    def sees(self, category: str) -> bool:
        return category in self.categories


def client_access(user: Any, client: Client, purpose: str = Purpose.GUIDANCE) -> ClientAccess | None:
    memberships = [m for m in memberships_of(user) if m.role in CASE_ROLES]
    if any(m.organisation_id == client.organisation_id for m in memberships):
        return ClientAccess(client=client, categories=ALL_CATEGORIES, owner=True)
    region_id = client.organisation.region_id
    other_orgs = {m.organisation_id for m in memberships if m.organisation.region_id == region_id}
    categories = covered_categories(client_id=client.pk, organisation_ids=other_orgs, purpose=purpose)
    if any(m.role == Role.COORDINATOR and m.organisation.region_id == region_id for m in memberships):
        categories.add(DataCategory.IDENTITY)
    if DataCategory.IDENTITY not in categories:
        return None
    return ClientAccess(client=client, categories=frozenset(categories))


def get_client_for_user(user: Any, pk: int, purpose: str = Purpose.GUIDANCE) -> ClientAccess:
    client = (
        Client.objects.select_related("organisation", "organisation__region", "municipality", "deelgemeente")
        .filter(pk=pk, merged_into__isnull=True)
        .first()
    )
    if client is None:
        raise Http404
    access = client_access(user, client, purpose)
    if access is None:
        raise Http404
    return access


def get_client_for_editing(user: Any, pk: int) -> ClientAccess:
    access = get_client_for_user(user, pk)
    if not access.can_edit:
        raise Http404
    return access


def organisations_for_registration(user: Any) -> list[Any]:
    """Organisations in which the user may register clients."""
    return [
        m.organisation
        for m in memberships_of(user)
        if m.role in {Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER}
    ]
