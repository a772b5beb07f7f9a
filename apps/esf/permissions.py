"""Who sees the ESF+ report and the participants behind its counts (docs/decisions/0013-esf-reporting.md).

- Coordinators of the region see the report with exact counts, the exports and the auditors' list; a count links
  to the participants behind it. Participants of other organisations are listed for non-sensitive indicators
  only (a coordinator sees identity of every client of the region); for the special-category indicators
  (EECO12 disability, EECO14 foreign background, EECO15 minorities) only participants of their own organisations.
- Counsellors, peer companions and partner workers of the region see the aggregated report (small counts
  suppressed, no links) and the data-quality list of their own organisations' participants.
- Everyone else gets 404.

The special-category answers (disability, foreign background, minority: GDPR Art. 9, "sensitive" in Reg. (EU)
2021/1057 Annex I, recorded yes / no / refused with their source) follow the file's sealed-category rule
(docs/decisions/0014-access-matrix.md; ``sees_esf_sensitive``): shown to the registering organisation's full roles
(counsellor, partner worker, coordinator), and to a peer companion on the case team only after breaking the glass
for health (disability is health data; racial or ethnic origin has no consent category of its own and rides on
the same seal). No consent opens them to another organisation, so a partner worker or the coordinator of another
organisation sees "hidden" on the record, in the API and in the auditors' list, and sensitive indicators list
only participants of the user's full-role organisations. Aggregated counts stay available.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from apps.accounts.models import Role
from apps.accounts.permissions import CASE_ROLES, memberships_of
from apps.audit.reads import note_read
from apps.clients.permissions import FULL_ROLES, ClientAccess, client_access
from apps.consent.models import DataCategory
from apps.esf.models import Participation
from apps.regions.models import Region

SENSITIVE_FIELDS = ("disability", "foreign_background", "minority")
SENSITIVE_WITH_SOURCES = (*SENSITIVE_FIELDS, *(f"{name}_source" for name in SENSITIVE_FIELDS))


def sees_esf_sensitive(access: ClientAccess | None) -> bool:
    """Whether the ESF+ special-category answers of ``access.client`` are shown to that user (module docstring)."""
    if access is None:
        return False
    return access.owner or (access.peer and DataCategory.HEALTH in access.categories)


@dataclass(frozen=True)
class EsfAccess:
    region: Region
    detailed: bool  # coordinator: exact counts, drill-down, exports of participants
    own_organisations: frozenset[int]
    # organisations where the user holds a full role: their clients' files, special categories included
    full_organisations: frozenset[int] = frozenset()

    def visible_q(self, sensitive: bool) -> Q:
        """Participations whose client this user may see listed (for a sensitive indicator or not)."""
        if self.detailed and not sensitive:
            return Q(region_id=self.region.pk)
        return Q(client__organisation_id__in=sorted(self.full_organisations))

    def sees_sensitive(self, participation: Participation) -> bool:
        """The special-category values of this participation (auditors' list): the user's full-role organisations."""
        return participation.client.organisation_id in self.full_organisations


def get_esf_access_for_user(user: Any, code: str) -> EsfAccess:
    """The region's ESF+ pages for a member with a case role or coordinator; 404 otherwise."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    mine = [m for m in memberships_of(user) if m.organisation.region_id == region.pk and m.role in CASE_ROLES]
    if not mine:
        raise Http404
    return EsfAccess(
        region=region,
        detailed=any(m.role == Role.COORDINATOR for m in mine),
        own_organisations=frozenset(m.organisation_id for m in mine),
        full_organisations=frozenset(m.organisation_id for m in mine if m.role in FULL_ROLES),
    )


@dataclass(frozen=True)
class RecordAccess:
    participation: Participation
    can_edit: bool  # the registering organisation's full roles
    sees_sensitive: bool


def get_participation_for_user(user: Any, pk: int) -> RecordAccess:
    """A participation whose client file shows this user the work, education and ESF+ data
    (``clients.permissions.client_access``: own organisation, peer companion on the team, or another
    organisation under consent); 404 otherwise. Notes the read (apps.audit.reads)."""
    p = (
        Participation.objects.select_related("client", "client__organisation", "region", "municipality", "organisation")
        .filter(pk=pk)
        .first()
    )
    access = client_access(user, p.client) if p is not None else None
    if p is None or access is None or not access.sees(DataCategory.WORK_EDUCATION):
        raise Http404
    note_read(actor=user, client_id=p.client_id, organisation_ids=access.organisation_ids)
    return RecordAccess(participation=p, can_edit=access.owner, sees_sensitive=sees_esf_sensitive(access))


def get_participation_for_editing(user: Any, pk: int) -> Participation:
    """A participation the user may change: the client's registering organisation, full roles; 404 otherwise."""
    record = get_participation_for_user(user, pk)
    if not record.can_edit:
        raise Http404
    return record.participation
