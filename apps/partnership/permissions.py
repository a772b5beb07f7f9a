"""Who may see the jury's pages: jury members and coordinators of the call's region; everyone else gets 404.

The public call page and the applicant's own token pages need no login.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import Http404

from apps.accounts.models import Role
from apps.accounts.permissions import memberships_of
from apps.core.aggregates import IdList
from apps.partnership.models import Attachment, Candidacy, ConflictDeclaration, CoverageRun
from apps.regions.models import Region

JURY_ROLES = {Role.JURY_MEMBER, Role.COORDINATOR}


def jury_roles_in(user: Any, region: Region) -> set[str]:
    return {m.role for m in memberships_of(user) if m.organisation.region_id == region.pk and m.role in JURY_ROLES}


def jury_regions_of(user: Any) -> list[Region]:
    """The regions whose jury pages the user may open (for the navigation)."""
    regions = {m.organisation.region.pk: m.organisation.region for m in memberships_of(user) if m.role in JURY_ROLES}
    return sorted(regions.values(), key=lambda r: r.code)


def is_jury_member(user: Any, region: Region) -> bool:
    return Role.JURY_MEMBER in jury_roles_in(user, region)


def is_call_coordinator(user: Any, region: Region) -> bool:
    return Role.COORDINATOR in jury_roles_in(user, region)


def get_public_call_region(code: str) -> Region:
    region = Region.objects.select_related("call").filter(code=code).first()
    if region is None or not hasattr(region, "call"):
        raise Http404
    return region


def get_jury_region_for_user(user: Any, code: str) -> Region:
    """The region's jury pages: jury members and coordinators of that region."""
    region = get_public_call_region(code)
    if not jury_roles_in(user, region):
        raise Http404
    return region


def get_coordinated_region_for_user(user: Any, code: str) -> Region:
    region = get_public_call_region(code)
    if not is_call_coordinator(user, region):
        raise Http404
    return region


def get_coverage_run_for_user(user: Any, region: Region, pk: int) -> CoverageRun:
    """A coverage computation of ``region`` (whose call the user coordinates: ``get_coordinated_region_for_user``
    first), or 404."""
    if not is_call_coordinator(user, region):
        raise Http404
    run = CoverageRun.objects.filter(pk=pk, region=region).first()
    if run is None:
        raise Http404
    return run


def linked_ids(through: Any, column: str) -> Subquery:
    """The ids a candidacy links to through the many-to-many table ``through`` (its ``column``), as an
    :class:`~apps.core.aggregates.IdList` string in a subquery of the candidacy's own query."""
    return Subquery(
        through.objects.filter(candidacy_id=OuterRef("pk"))
        .order_by()
        .values("candidacy_id")
        .annotate(ids=IdList(column))
        .values("ids")
    )


def get_candidacy_for_jury(user: Any, region: Region, pk: int) -> Candidacy:
    """A submitted candidacy of the region, for its jury members and coordinators, with ``challenge_ids`` and
    ``municipality_ids`` (IdList strings: the page names them from the region's rows kept in the process)."""
    if not jury_roles_in(user, region):
        raise Http404
    candidacy = (
        Candidacy.objects.select_related("region", "municipality", "partner_organisation", "pitch", "rebuttal")
        .annotate(
            challenge_ids=linked_ids(Candidacy.challenges.through, "challenge_id"),
            municipality_ids=linked_ids(Candidacy.municipalities.through, "municipality_id"),
        )
        .filter(pk=pk, region=region, status=Candidacy.Status.SUBMITTED)
        .first()
    )
    if candidacy is None:
        raise Http404
    return candidacy


def get_candidacy_for_coordinator(user: Any, region: Region, pk: int) -> Candidacy:
    if not is_call_coordinator(user, region):
        raise Http404
    return get_candidacy_for_jury(user, region, pk)


def has_conflict(user: Any, candidacy: Candidacy) -> bool:
    return ConflictDeclaration.objects.filter(candidacy=candidacy, member=user, has_conflict=True).exists()


def get_candidacy_without_conflict(user: Any, region: Region, pk: int) -> Candidacy:
    """As get_candidacy_for_jury, but 404 for a member who declared a conflict of interest."""
    candidacy = get_candidacy_for_jury(user, region, pk)
    if has_conflict(user, candidacy):
        raise Http404
    return candidacy


def get_candidacy_by_token(token: str) -> Candidacy:
    """The applicant's own candidacy: the unguessable token is the only key."""
    if not token or len(token) < 20:
        raise Http404
    candidacy = Candidacy.objects.select_related("region", "region__call").filter(token=token).first()
    if candidacy is None:
        raise Http404
    return candidacy


def get_attachment_for_jury(user: Any, region: Region, candidacy_pk: int, pk: int) -> Attachment:
    candidacy = get_candidacy_without_conflict(user, region, candidacy_pk)
    attachment = candidacy.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment
