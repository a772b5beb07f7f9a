"""Who may see and change what in employer engagement (docs/decisions/0012-employers.md).

- Employers and their opportunities are shared within the partnership: every case worker
  (apps.accounts.permissions.CASE_ROLES) of the region sees them and may log activities and add
  opportunities. Members of the holding organisation and the coordinator may edit the employer.
- A placement is seen by the case workers of the organisation that proposed it and by those who
  may open the client's file as its owners (apps.clients.permissions.client_access).
- The fitting clients of an opportunity are listed only from the files the user may open.
- Everything else, and other regions: 404 (missing and forbidden look the same).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from apps.accounts.permissions import CASE_ROLES, is_coordinator_of_region, memberships_of
from apps.audit import reads
from apps.clients.permissions import client_access
from apps.employers.models import CoachingContact, Employer, EngagementActivity, Opportunity, Placement


def case_region_ids(user: Any) -> set[int]:
    return {m.organisation.region_id for m in memberships_of(user) if m.role in CASE_ROLES}


def case_organisations(user: Any, region_id: int | None = None) -> list[Any]:
    return [
        m.organisation
        for m in memberships_of(user)
        if m.role in CASE_ROLES and (region_id is None or m.organisation.region_id == region_id)
    ]


def get_employer_for_user(user: Any, pk: int) -> Employer:
    employer = Employer.objects.select_related("region", "municipality", "holder").filter(pk=pk).first()
    if employer is None or employer.region_id not in case_region_ids(user):
        raise Http404
    return employer


def can_edit_employer(user: Any, employer: Employer) -> bool:
    return is_coordinator_of_region(user, employer.region_id) or any(
        o.pk == employer.holder_id for o in case_organisations(user)
    )


def get_activity_for_closing(user: Any, employer: Employer, activity_pk: int) -> EngagementActivity:
    """An engagement activity of ``employer`` whose follow-up ``user`` may mark done, else 404.

    Every case worker of the region reads and logs activities (0012: shared with the partnership); marking a
    follow-up done is for the organisation that logged it, the employer's holder and the region's coordinator
    (found by the authorization matrix, docs/decisions/0014-access-matrix.md).
    """
    activity = EngagementActivity.objects.filter(pk=activity_pk, employer=employer).first()
    if activity is None:
        raise Http404
    own = {o.pk for o in case_organisations(user, employer.region_id)}
    if not (can_edit_employer(user, employer) or activity.author_organisation_id in own):
        raise Http404
    return activity


def get_opportunity_for_user(user: Any, pk: int) -> Opportunity:
    opportunity = (
        Opportunity.objects.select_related("employer", "employer__region", "employer__municipality", "municipality")
        .filter(pk=pk)
        .first()
    )
    if opportunity is None or opportunity.employer.region_id not in case_region_ids(user):
        raise Http404
    return opportunity


def placement_visible(user: Any, placement: Placement) -> bool:
    if any(o.pk == placement.organisation_id for o in case_organisations(user)):
        return True
    access = client_access(user, placement.client)
    return access is not None and access.owner


def get_placement_for_user(user: Any, pk: int) -> Placement:
    placement = (
        Placement.objects.select_related(
            "opportunity__employer",
            "opportunity__municipality",
            "client__organisation__region",
            "client__municipality",
            "pathway",
            "organisation",
            "consent",
            "proposed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if placement is None or not placement_visible(user, placement):
        raise Http404
    reads.note_read(actor=user, client_id=placement.client_id, organisation_ids={placement.organisation_id})
    return placement


def get_coaching_contact_for_user(user: Any, placement_pk: int, pk: int) -> CoachingContact:
    placement = get_placement_for_user(user, placement_pk)
    contact = CoachingContact.objects.filter(pk=pk, placement=placement).first()
    if contact is None:
        raise Http404
    contact.placement = placement
    return contact
