"""Who may open a client file, and which parts of it (docs/decisions/0003-access-model.md and the access
matrix in docs/decisions/0014-access-matrix.md).

- Counsellors, partner workers and coordinators of the registering organisation see the whole file and
  may change it.
- A peer companion of the registering organisation sees only the clients whose case team they are on
  (active), never the national number, and the special categories (health, addiction, justice) only after
  opening them with a reason ("break the glass", ``client_seal_open``) for ``SEAL_OPEN_HOURS``. They change
  nothing in the file.
- Members of another organisation see only the data categories that an active consent gives
  their organisation for the purpose; without consent to identity and contact, the file is 404.
- A coordinator of the region sees identity and contact of every client (to handle duplicates).
- Everyone else, including jury members and administrators, gets 404.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.permissions import CASE_ROLES, is_coordinator_of_region, memberships_of
from apps.audit import reads
from apps.audit.models import AuditEntry
from apps.clients.models import Client, ClientQuerySet
from apps.consent.models import SPECIAL_CATEGORIES, DataCategory, Purpose
from apps.consent.selectors import covered_categories
from apps.core.aggregates import JSONRows, rows_of
from apps.core.ids import parse_id
from apps.core.prepared import Prepared

ALL_CATEGORIES: frozenset[str] = frozenset(DataCategory.values)
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


# Roles of the registering organisation that hold the whole file; a peer companion of that organisation
# sees only what the access matrix gives it.
FULL_ROLES = frozenset({Role.COUNSELLOR, Role.PARTNER_WORKER, Role.COORDINATOR})
SEALED_CATEGORIES: frozenset[str] = frozenset(str(c) for c in SPECIAL_CATEGORIES)


@dataclass
class ClientAccess:
    """What one user may see and do of one client.

    ``categories``: the DataCategory values shown; ``sealed``: special categories the user may open with a
    reason (break the glass); ``organisation_ids``: the organisations the user acts for (the read record).
    """

    client: Client
    categories: frozenset[str] = field(default_factory=frozenset)
    owner: bool = False
    sealed: frozenset[str] = field(default_factory=frozenset)
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    peer: bool = False  # a peer companion of the registering organisation, on the case team

    @property
    def can_edit(self) -> bool:
        return self.owner

    @property
    def sees_identifier(self) -> bool:
        """The national register number, in full: only the registering organisation's full roles."""
        return self.owner

    @property
    def sees_classification(self) -> bool:
        return self.categories >= CLASSIFICATION_CATEGORIES

    def sees(self, category: str) -> bool:
        return category in self.categories


def opened_seals(user: Any, client_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, set[str]]:
    """Per client id, the sealed categories ``user`` opened with a reason in the last ``SEAL_OPEN_HOURS`` hours
    (the ``clients.seal.opened`` audit entries). One query."""
    ids = [str(pk) for pk in client_ids]
    result: dict[int, set[str]] = {}
    if not ids or not getattr(user, "is_authenticated", False):
        return result
    since = (now or timezone.now()) - dt.timedelta(hours=settings.SEAL_OPEN_HOURS)
    rows = AuditEntry.objects.filter(
        object_type="clients.client",
        object_id__in=ids,
        action="clients.seal.opened",
        actor=user,
        created_at__gte=since,
    ).values_list("object_id", "changes")
    for object_id, changes in rows:
        result.setdefault(int(object_id), set()).update(changes.get("categories", []))
    return result


def opened_seals_rows(user: Any, client: Any, now: dt.datetime | None = None) -> Subquery:
    """For a query of another model: the ``clients.seal.opened`` entries of ``user`` in the last
    ``SEAL_OPEN_HOURS`` hours for the client that ``client`` names (an ``OuterRef`` to a client id), as a
    :class:`~apps.core.aggregates.JSONRows` subquery. Read it with :func:`opened_in_rows`: the same answer as
    ``opened_seals`` for that client, without a query of its own."""
    since = (now or timezone.now()) - dt.timedelta(hours=settings.SEAL_OPEN_HOURS)
    return Subquery(
        AuditEntry.objects.filter(
            object_type="clients.client",
            object_id=Cast(client, output_field=CharField()),
            action="clients.seal.opened",
            actor_id=user.pk,
            created_at__gte=since,
        )
        .order_by()
        .values("object_type")
        .annotate(rows=JSONRows(changes="changes"))
        .values("rows")
    )


def opened_in_rows(rows: str | None) -> set[str]:
    """The sealed categories opened in an :func:`opened_seals_rows` value."""
    opened: set[str] = set()
    for row in rows_of(rows):
        changes = row["changes"]
        opened.update((json.loads(changes) if isinstance(changes, str) else changes).get("categories", []))
    return opened


def peer_view(opened: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(categories shown, categories still sealed) for a peer companion on the client's case team."""
    still_sealed = SEALED_CATEGORIES - opened
    return ALL_CATEGORIES - still_sealed, still_sealed


def client_access(user: Any, client: Client, purpose: str = Purpose.GUIDANCE) -> ClientAccess | None:
    """The rule (docs/decisions/0014-access-matrix.md); None when the user may not see the client at all."""
    memberships = [m for m in memberships_of(user) if m.role in CASE_ROLES]
    own = [m for m in memberships if m.organisation_id == client.organisation_id]
    if any(m.role in FULL_ROLES for m in own):
        return ClientAccess(
            client=client, categories=ALL_CATEGORIES, owner=True, organisation_ids=frozenset({client.organisation_id})
        )
    if own and _on_case_team(user, client, {client.organisation_id}):
        opened = (
            opened_in_rows(client.seal_rows)
            if hasattr(client, "seal_rows")
            else opened_seals(user, [client.pk]).get(client.pk, set())
        )
        shown, sealed = peer_view(opened)
        return ClientAccess(
            client=client,
            categories=shown,
            sealed=sealed,
            organisation_ids=frozenset({client.organisation_id}),
            peer=True,
        )
    region_id = client.organisation.region_id
    other_orgs = {
        m.organisation_id
        for m in memberships
        if m.organisation.region_id == region_id and m.organisation_id != client.organisation_id
    }
    categories = covered_categories(client_id=client.pk, organisation_ids=other_orgs, purpose=purpose)
    if is_coordinator_of_region(user, region_id):
        categories.add(DataCategory.IDENTITY)
    if DataCategory.IDENTITY not in categories:
        return None
    return ClientAccess(client=client, categories=frozenset(categories), organisation_ids=frozenset(other_orgs))


def _on_case_team(user: Any, client: Client, organisation_ids: set[int]) -> bool:
    # Through the reverse relations (pathways -> team): the clients app sits below pathways in the layers.
    if hasattr(client, "on_team") and organisation_ids == {client.organisation_id}:
        return bool(client.on_team)  # read with the client (get_client_for_user, a peer companion)
    return Client.objects.filter(
        pk=client.pk,
        pathways__team__user=user,
        pathways__team__is_active=True,
        pathways__team__organisation_id__in=organisation_ids,
    ).exists()


def _client_with_places_queryset() -> ClientQuerySet:
    return Client.objects.select_related("organisation", "organisation__region", "municipality", "deelgemeente")


# the client of every client page (but a peer companion's), compiled once (apps/core/prepared.py)
_client_with_places = Prepared(lambda pk: _client_with_places_queryset().filter(pk=pk, merged_into__isnull=True))


def get_client_for_user(user: Any, pk: int, purpose: str = Purpose.GUIDANCE) -> ClientAccess:
    """The client ``pk`` as ``user`` may see it, or Http404 (missing and forbidden alike). Records the read
    (apps/audit/reads.py): every page or API call that opens a client goes through here."""
    number = parse_id(pk)
    if number is None:
        raise Http404
    if not any(m.role == Role.PEER_COMPANION for m in memberships_of(user)):
        client = next(iter(_client_with_places(pk=number)), None)
    else:
        # what the peer companion's rule needs, read with the client: on the case team for the client's own
        # organisation (as _on_case_team asks), and the seals the user opened
        clients = _client_with_places_queryset().annotate(
            on_team=Exists(
                Client.objects.filter(
                    pk=OuterRef("pk"),
                    pathways__team__user=user,
                    pathways__team__is_active=True,
                    pathways__team__organisation_id=OuterRef("organisation_id"),
                )
            ),
            seal_rows=opened_seals_rows(user, OuterRef("pk")),
        )
        client = clients.filter(pk=number, merged_into__isnull=True).first()
    if client is None:
        raise Http404
    access = client_access(user, client, purpose)
    if access is None:
        raise Http404
    reads.note_read(actor=user, client_id=client.pk, organisation_ids=access.organisation_ids, purpose=purpose)
    return access


def get_client_for_editing(user: Any, pk: int) -> ClientAccess:
    access = get_client_for_user(user, pk)
    if not access.can_edit:
        raise Http404
    return access


def organisations_for_registration(user: Any) -> list[Any]:
    """Organisations in which the user may register clients."""
    return [m.organisation for m in memberships_of(user) if m.role in {Role.COUNSELLOR, Role.PARTNER_WORKER}]
