"""Who sees a pathway (see docs/decisions/0003-access-model.md).

- Counsellors, partner workers and coordinators of the organisation that holds the direction (or that
  registered the client) see and change everything.
- A peer companion of that organisation sees the pathway only while on its case team: the special
  categories sealed until opened with a reason (``apps.clients.permissions.peer_view``); they log
  contacts and keep their actions but do not edit the plan or close the pathway.
- A team member counts only while their membership of the team organisation is active and that
  organisation is active: ending either cuts every access at once.
- An active team member from another organisation sees the pathway while on the team AND while a
  consent gives their organisation the client's identity for guidance; what they see of the
  client's data is limited to the consented categories. They log contacts and keep their actions.
- Everyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import OuterRef, Q, QuerySet
from django.http import Http404

from apps.accounts.models import Role
from apps.accounts.permissions import memberships_of, organisation_ids_of
from apps.audit import reads
from apps.clients.permissions import CASE_ROLES, FULL_ROLES, opened_in_rows, opened_seals, opened_seals_rows, peer_view
from apps.consent.models import DataCategory, Purpose
from apps.consent.selectors import categories_in_rows, consented_categories, consents_in_force_rows
from apps.core.ids import parse_id
from apps.core.prefetch import set_prefetched
from apps.core.prepared import Prepared
from apps.pathways.models import Pathway, TeamMember


@dataclass
class PathwayAccess:
    pathway: Pathway
    categories: frozenset[str] = field(default_factory=frozenset)
    owner: bool = False
    member: TeamMember | None = None
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    sealed: frozenset[str] = field(default_factory=frozenset)

    @property
    def can_edit_plan(self) -> bool:
        return self.owner

    @property
    def can_contribute(self) -> bool:
        """Log contacts, keep own actions, answer referrals: owners and active team members."""
        return self.owner or self.member is not None

    def sees(self, category: str) -> bool:
        return category in self.categories


@dataclass(frozen=True, slots=True)
class PathwayFacts:
    """What the access rule reads of a pathway, as plain values, for callers that need no model instance (the
    caseload's thousands of ids): the pathway's id, its organisation's, its client's and the client's
    organisation's."""

    pk: int
    organisation_id: int
    client_id: int
    client_organisation_id: int


class Seat(NamedTuple):
    """What the access rule reads of a team row: whose seat, for which organisation, still active."""

    user_id: int
    organisation_id: int
    is_active: bool


@dataclass
class _Sorted:
    """Pathways sorted by the rule (module docstring): ``owners`` see everything; ``peers`` (the user's seat is
    in the pathway's or the client's organisation) see the peer view; ``pending`` (a seat from another
    organisation) see what a consent for guidance gives, if it gives the identity."""

    organisation_ids: frozenset[int]
    owners: list[Any] = field(default_factory=list)
    peers: list[tuple[Any, Any]] = field(default_factory=list)  # (pathway, the user's TeamMember or Seat)
    pending: list[tuple[Any, Any]] = field(default_factory=list)


def _sort_by_rule(user: Any, pathways: Iterable[Any], *, client_organisation: Any, seat: Any) -> _Sorted:
    """``pathways`` sorted by the rule; ``client_organisation(p)`` gives the client's organisation id,
    ``seat(p)`` the user's team rows on ``p`` (only read for pathways of other organisations)."""
    memberships = [m for m in memberships_of(user) if m.role in CASE_ROLES]
    orgs = frozenset(m.organisation_id for m in memberships)
    full = frozenset(m.organisation_id for m in memberships if m.role in FULL_ROLES)
    result = _Sorted(orgs)
    user_id = user.pk  # once: request.user is a lazy object, each attribute read goes through it
    for pathway in pathways:
        client_org = client_organisation(pathway)
        if pathway.organisation_id in full or client_org in full:
            result.owners.append(pathway)
            continue
        member = next((t for t in seat(pathway) if t.user_id == user_id and t.is_active), None)
        if member is None or member.organisation_id not in orgs:
            continue  # not on the team, or the membership (or its organisation) has ended
        if member.organisation_id in {pathway.organisation_id, client_org}:
            result.peers.append((pathway, member))
        else:
            result.pending.append((pathway, member))
    return result


def pathway_accesses(
    user: Any,
    pathways: Iterable[Pathway],
    *,
    record: bool = True,
    opened: dict[int, set[str]] | None = None,
    consents: dict[tuple[int, int], set[str]] | None = None,
) -> dict[int, PathwayAccess]:
    """The rule for many pathways at once, consents read in one query. Pathways must come with
    ``client`` selected and ``team`` prefetched; those the user may not see are left out.
    The clients of the pathways granted are recorded as one list read (apps/audit/reads.py).

    ``opened`` (client id -> sealed categories the user opened, as ``opened_seals`` answers) and ``consents``
    ((client id, organisation id) -> categories for guidance, as ``consented_categories`` answers) when the
    caller read them already with its pathways: then no query of their own."""
    rule = _sort_by_rule(
        user, pathways, client_organisation=lambda p: p.client.organisation_id, seat=lambda p: p.team.all()
    )
    orgs = rule.organisation_ids
    result: dict[int, PathwayAccess] = {}
    for pathway in rule.owners:
        result[pathway.pk] = PathwayAccess(pathway, frozenset(DataCategory.values), owner=True, organisation_ids=orgs)
    if opened is None:
        opened = opened_seals(user, {p.client_id for p, _m in rule.peers}) if rule.peers else {}
    for pathway, member in rule.peers:
        shown, sealed = peer_view(opened.get(pathway.client_id, set()))
        result[pathway.pk] = PathwayAccess(pathway, shown, member=member, organisation_ids=orgs, sealed=sealed)
    if consents is None:
        consents = consented_categories(
            pairs={(p.client_id, m.organisation_id) for p, m in rule.pending}, purposes=[Purpose.GUIDANCE]
        )
    for pathway, member in rule.pending:
        categories = consents.get((pathway.client_id, member.organisation_id), set())
        if DataCategory.IDENTITY in categories:
            result[pathway.pk] = PathwayAccess(pathway, frozenset(categories), member=member, organisation_ids=orgs)
    if record:
        reads.note_list(actor=user, client_ids=[a.pathway.client_id for a in result.values()], organisation_ids=orgs)
    return result


def granted_pathway_ids(
    user: Any, pathways: Iterable[PathwayFacts], *, seats: dict[int, list[Seat]]
) -> tuple[set[int], frozenset[int]]:
    """The ids among ``pathways`` that ``pathway_accesses`` would grant, without model instances, and the user's
    organisations the rule counted; nothing recorded (the caller records what it shows). ``seats``: pathway id
    -> the user's own team rows on it (what the rule reads of the team). A query only when a seat from another
    organisation needs its consent (``consented_categories``)."""
    rule = _sort_by_rule(
        user, pathways, client_organisation=lambda p: p.client_organisation_id, seat=lambda p: seats.get(p.pk, ())
    )
    granted = {p.pk for p in rule.owners} | {p.pk for p, _m in rule.peers}
    if rule.pending:
        consents = consented_categories(
            pairs={(p.client_id, m.organisation_id) for p, m in rule.pending}, purposes=[Purpose.GUIDANCE]
        )
        granted |= {
            p.pk
            for p, m in rule.pending
            if DataCategory.IDENTITY in consents.get((p.client_id, m.organisation_id), set())
        }
    return granted, rule.organisation_ids


def pathway_access(user: Any, pathway: Pathway) -> PathwayAccess | None:
    """The rule for one pathway, without recording a read (``get_pathway_for_user`` records it). A pathway read
    by ``_pathway_with_team(pk, user=user)`` brings the user's opened seals and consents on their team row: then
    no query."""
    # the user's team row as pathway_accesses picks it: the first active one
    own = next((t for t in pathway.team.all() if t.user_id == user.pk and t.is_active), None)
    opened = consents = None
    if own is not None and hasattr(own, "seal_rows"):
        opened = {pathway.client_id: opened_in_rows(own.seal_rows)}
    if own is not None and hasattr(own, "consent_rows"):
        guidance = categories_in_rows(own.consent_rows, purposes=[Purpose.GUIDANCE])
        consents = {(pathway.client_id, own.organisation_id): guidance}
    return pathway_accesses(user, [pathway], record=False, opened=opened, consents=consents).get(pathway.pk)


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


PATHWAY_RELATED = (
    "client",
    "client__organisation",
    "client__municipality",
    "organisation",
    "organisation__region",  # the region data the page shows is kept per region version (region_memo)
    "closure__closed_by",
)


def _team_with_pathway_queryset(pk: int) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(pathway_id=pk)
        .select_related(*(f"pathway__{name}" for name in PATHWAY_RELATED), "pathway", "user", "organisation")
        .order_by()
    )


# the team and pathway of every pathway page (but a peer companion's or partner worker's, whose rows bring what
# their access rule needs), compiled once (apps/core/prepared.py)
_team_with_pathway = Prepared(_team_with_pathway_queryset)


def _pathway_with_team(pk: int, user: Any = None) -> Pathway | None:
    """The pathway ``pk`` with PATHWAY_RELATED and ``team.all()`` (every member, active or not, with user and
    organisation) in one query: the team's rows joined to their pathway; a pathway without a team: one more.
    With ``user``, each team row also brings what the access rule may need of that user, so ``pathway_access``
    needs no query of its own: ``seal_rows`` (the seals the user opened of the client) for a peer companion,
    ``consent_rows`` (the consents in force for the client and the row's organisation) for a partner worker.
    Only for these roles: each subquery costs CPU to build, and counsellors and coordinators of the pathway's
    organisation need neither (a counsellor of another organisation on the team: one query, as before).
    ``None`` for an unknown id or one no database column can hold (a URL's ``<int:pk>`` takes any length)."""
    if parse_id(pk) is None:
        return None
    roles = {m.role for m in memberships_of(user)} if user is not None else set()
    if not roles & {Role.PEER_COMPANION, Role.PARTNER_WORKER}:
        team = _team_with_pathway(pk=int(pk))
    else:
        rows = _team_with_pathway_queryset(int(pk))
        if Role.PEER_COMPANION in roles:
            rows = rows.annotate(seal_rows=opened_seals_rows(user, OuterRef("pathway__client_id")))
        if Role.PARTNER_WORKER in roles:
            rows = rows.annotate(
                consent_rows=consents_in_force_rows(
                    client=OuterRef("pathway__client_id"), organisation=OuterRef("organisation_id")
                )
            )
        team = list(rows)
    # TeamMember's ordering, in Python: an ORDER BY beside the subqueries costs more CPU (Django hashes them)
    team.sort(key=lambda member: (member.role, member.pk))
    pathway: Pathway | None
    if team:
        pathway = team[0].pathway
        for member in team:
            member.pathway = pathway
    else:
        pathway = Pathway.objects.select_related(*PATHWAY_RELATED).filter(pk=pk).first()
        if pathway is None:
            return None
    set_prefetched(pathway, "team", team)
    return pathway


def get_pathway_for_user(user: Any, pk: int) -> PathwayAccess:
    pathway = _pathway_with_team(pk, user=user)
    if pathway is None:
        raise Http404
    access = pathway_access(user, pathway)
    if access is None:
        raise Http404
    reads.note_read(actor=user, client_id=pathway.client_id, organisation_ids=access.organisation_ids)
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


def may_start_pathway(user: Any, organisation_id: int) -> bool:
    """Whether ``user`` may start a pathway for ``organisation_id``: an active counsellor of it, who then holds
    the direction (addendum: the trajectbegeleider; ``apps.pathways.services.pathway_start`` refuses anyone
    else). Reads the request's memberships (no query)."""
    return organisation_id in organisation_ids_of(user, Role.COUNSELLOR)
