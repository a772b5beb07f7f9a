"""Who sees a pathway (see docs/decisions/0003-access-model.md).

- Members of the organisation that holds the direction (counsellor, peer companion, partner
  worker, coordinator of that organisation) see and change everything.
- An active team member from another organisation sees the pathway while on the team AND while a
  consent gives their organisation the client's identity for guidance; what they see of the
  client's data is limited to the consented categories. They log contacts and keep their actions.
- Everyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.permissions import memberships_of
from apps.clients.permissions import CASE_ROLES
from apps.consent.models import DataCategory, Purpose
from apps.consent.services import consented_categories
from apps.pathways.models import Pathway, TeamMember


@dataclass
class PathwayAccess:
    pathway: Pathway
    categories: frozenset[str] = field(default_factory=frozenset)
    owner: bool = False
    member: TeamMember | None = None
    organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def can_edit_plan(self) -> bool:
        return self.owner

    @property
    def can_contribute(self) -> bool:
        """Log contacts, keep own actions, answer referrals: owners and active team members."""
        return self.owner or self.member is not None

    def sees(self, category: str) -> bool:
        return category in self.categories


def pathway_accesses(user: Any, pathways: Iterable[Pathway]) -> dict[int, PathwayAccess]:
    """The rule for many pathways at once, consents read in one query. Pathways must come with
    ``client`` selected and ``team`` prefetched; those the user may not see are left out."""
    orgs = frozenset(m.organisation_id for m in memberships_of(user) if m.role in CASE_ROLES)
    result: dict[int, PathwayAccess] = {}
    pending = []
    for pathway in pathways:
        if pathway.organisation_id in orgs or pathway.client.organisation_id in orgs:
            result[pathway.pk] = PathwayAccess(
                pathway, frozenset(DataCategory.values), owner=True, organisation_ids=orgs
            )
            continue
        member = next((t for t in pathway.team.all() if t.user_id == user.pk and t.is_active), None)
        if member is not None:
            pending.append((pathway, member))
    consents = consented_categories(
        pairs={(p.client_id, m.organisation_id) for p, m in pending}, purposes=[Purpose.GUIDANCE]
    )
    for pathway, member in pending:
        categories = consents.get((pathway.client_id, member.organisation_id), set())
        if DataCategory.IDENTITY in categories:
            result[pathway.pk] = PathwayAccess(pathway, frozenset(categories), member=member, organisation_ids=orgs)
    return result


def pathway_access(user: Any, pathway: Pathway) -> PathwayAccess | None:
    return pathway_accesses(user, [pathway]).get(pathway.pk)


def candidate_pathways(user: Any) -> QuerySet[Pathway]:
    """Pathways that ``pathway_accesses`` might grant (own organisations' and team memberships): a
    superset, always filtered through it before anything is shown."""
    orgs = {m.organisation_id for m in memberships_of(user) if m.role in CASE_ROLES}
    return (
        Pathway.objects.filter(
            Q(organisation_id__in=orgs) | Q(client__organisation_id__in=orgs) | Q(team__user=user, team__is_active=True)
        )
        .distinct()
        .select_related("client", "organisation")
        .prefetch_related("team")
    )


def get_pathway_for_user(user: Any, pk: int) -> PathwayAccess:
    pathway = (
        Pathway.objects.select_related("client", "client__organisation", "client__municipality", "organisation")
        .prefetch_related("team")
        .filter(pk=pk)
        .first()
    )
    if pathway is None:
        raise Http404
    access = pathway_access(user, pathway)
    if access is None:
        raise Http404
    return access


def get_pathway_for_editing(user: Any, pk: int) -> PathwayAccess:
    access = get_pathway_for_user(user, pk)
    if not access.can_edit_plan:
        raise Http404
    return access


def get_pathway_for_contributing(user: Any, pk: int) -> PathwayAccess:
    access = get_pathway_for_user(user, pk)
    if not access.can_contribute:
        raise Http404
    return access
