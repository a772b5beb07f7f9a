"""Who sees the ESF+ report and the participants behind its counts (docs/decisions/0013-esf-reporting.md).

- Coordinators of the region see the report with exact counts, the exports and the auditors' list; a count links
  to the participants behind it. Participants of other organisations are listed for non-sensitive indicators
  only (a coordinator sees identity of every client of the region); for the special-category indicators
  (EECO12 disability, EECO14 foreign background, EECO15 minorities) only participants of their own organisations.
- Counsellors, peer companions and partner workers of the region see the aggregated report (small counts
  suppressed, no links) and the data-quality list of their own organisations' participants.
- Everyone else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from apps.accounts.models import Role
from apps.accounts.permissions import CASE_ROLES, memberships_of
from apps.esf.models import Participation
from apps.regions.models import Region

SENSITIVE_FIELDS = ("disability", "foreign_background", "minority")


@dataclass(frozen=True)
class EsfAccess:
    region: Region
    detailed: bool  # coordinator: exact counts, drill-down, exports of participants
    own_organisations: frozenset[int]

    def visible_q(self, sensitive: bool) -> Q:
        """Participations whose client this user may see listed (for a sensitive indicator or not)."""
        own = Q(client__organisation_id__in=sorted(self.own_organisations))
        if self.detailed and not sensitive:
            return Q(region_id=self.region.pk)
        return own

    def sees_sensitive(self, participation: Participation) -> bool:
        return participation.client.organisation_id in self.own_organisations


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
    )


def get_participation_for_editing(user: Any, pk: int) -> Participation:
    """A participation whose client belongs to one of the user's organisations (case roles); 404 otherwise."""
    own = {m.organisation_id for m in memberships_of(user) if m.role in CASE_ROLES}
    p = (
        Participation.objects.select_related("client", "region", "municipality", "organisation")
        .filter(pk=pk, client__organisation_id__in=sorted(own))
        .first()
    )
    if p is None:
        raise Http404
    return p
