"""Handing a caseload over to a colleague (a worker leaves or changes job): one service, one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.accounts.models import Membership, Role
from apps.accounts.permissions import is_coordinator_of_region, memberships_of
from apps.audit.services import audit_log
from apps.notifications.services import notify
from apps.pathways.models import Action, Pathway, TeamMember, TeamRole

HANDOVER_ROLES = {Role.COUNSELLOR, Role.PEER_COMPANION, Role.PARTNER_WORKER}


@dataclass(frozen=True)
class HandOverResult:
    """What moved: pathway ids whose team seat passed on, and the number of open actions reassigned."""

    pathway_ids: list[int]
    actions: int


def may_hand_over(*, actor: Any, from_user: Any, organisation: Any) -> bool:
    """The worker themselves (a member of ``organisation``) or a coordinator of its region."""
    if is_coordinator_of_region(actor, organisation.region_id):
        return True
    for m in memberships_of(actor):
        if actor.pk == from_user.pk and m.organisation_id == organisation.pk and m.role in HANDOVER_ROLES:
            return True
    return False


@transaction.atomic
def caseload_hand_over(
    *,
    actor: Any,
    from_user: Any,
    to_user: Any,
    organisation: Any,
    pathway_ids: Iterable[int] | None = None,
) -> HandOverResult:
    """Pass ``from_user``'s seats on open pathways (for ``organisation``) and their open actions to ``to_user``.

    ``pathway_ids`` limits the hand-over to those pathways (``None``: the whole caseload). The colleague must be
    an active case worker of the same organisation, and a counsellor when a seat holds the direction (team role
    counsellor). A seat is taken over with the same role and task; when the colleague already sits on that team,
    the leaving worker's seat is closed, and the colleague's seat takes the direction over if it held it. One
    audit entry (``pathways.caseload.handed_over``) lists what moved, the open actions reassigned and the pathways
    whose direction went to the colleague's own seat; the colleague is notified once.

    Raises ``ValidationError`` (keyed ``to_user``) for an unsuitable colleague (not a case worker there, or not a
    counsellor for a seat with the direction) or (``__all__``) when the actor may not hand this caseload over
    (see ``may_hand_over``) or nothing is selected.
    """
    if not may_hand_over(actor=actor, from_user=from_user, organisation=organisation):
        raise ValidationError(_("You may not hand over this caseload."))
    if to_user.pk == from_user.pk:
        raise ValidationError({"to_user": [_("Choose a colleague other than the person leaving.")]})
    roles = set(
        Membership.objects.filter(
            user=to_user, organisation=organisation, is_active=True, role__in=HANDOVER_ROLES
        ).values_list("role", flat=True)
    )
    if not roles:
        raise ValidationError({"to_user": [_("This person is not a case worker of %(org)s.") % {"org": organisation}]})
    seats = (
        TeamMember.objects.select_for_update()
        .filter(user=from_user, organisation=organisation, is_active=True)
        .exclude(pathway__status=Pathway.Status.CLOSED)
        .order_by("pathway_id")
    )
    if pathway_ids is not None:
        seats = seats.filter(pathway_id__in=list(pathway_ids))
    seats_list = list(seats)
    if not seats_list:
        raise ValidationError(_("There is nothing to hand over."))
    directing = [s.pathway_id for s in seats_list if s.role == TeamRole.COUNSELLOR]
    if directing and Role.COUNSELLOR not in roles:
        # the direction of a pathway (addendum: the trajectbegeleider holds it) stays with a counsellor
        raise ValidationError(
            {
                "to_user": [
                    ngettext(
                        "You hold the direction of one of these pathways: only a counsellor can take it over.",
                        "You hold the direction of %(n)d of these pathways: only a counsellor can take them over.",
                        len(directing),
                    )
                    % {"n": len(directing)}
                ]
            }
        )
    moved = [s.pathway_id for s in seats_list]
    already = {
        seat.pathway_id: seat
        for seat in TeamMember.objects.select_for_update().filter(user=to_user, is_active=True, pathway_id__in=moved)
    }
    TeamMember.objects.filter(pk__in=[s.pk for s in seats_list]).update(is_active=False)
    TeamMember.objects.bulk_create(
        TeamMember(pathway_id=s.pathway_id, user=to_user, organisation=organisation, role=s.role, task=s.task)
        for s in seats_list
        if s.pathway_id not in already
    )
    leaving = {s.pathway_id: s for s in seats_list}
    took_direction = []  # pathways where the colleague's own seat took the direction over
    for pathway_id in directing:
        seat = already.get(pathway_id)
        if seat is not None and seat.role != TeamRole.COUNSELLOR:
            task = leaving[pathway_id].task or seat.task
            TeamMember.objects.filter(pk=seat.pk).update(role=TeamRole.COUNSELLOR, task=task)
            took_direction.append(pathway_id)
    actions = Action.objects.filter(owner=from_user, pathway_id__in=moved, is_open=True).update(
        owner=to_user, owner_organisation=organisation
    )
    audit_log(
        actor=actor,
        action="pathways.caseload.handed_over",
        obj=organisation,
        changes={
            "from": from_user.pk,
            "to": to_user.pk,
            "pathways": moved,
            "actions": actions,
            "direction_in_own_seat": took_direction,
        },
    )
    notify(
        users=[to_user],
        message=gettext_lazy("A colleague's caseload was handed over to you."),
        url="/trajecten/mijn-werk/",
    )
    return HandOverResult(pathway_ids=moved, actions=actions)
