"""Who sees and moves a referral (see docs/decisions/0003-access-model.md).

- The sending side: whoever sees the referral's pathway (``get_pathway_for_user``): the
  organisation holding the direction and the active team members with consent. They see the
  client's name, may withdraw the referral and plan the warm handover.
- The receiving side: partner workers and counsellors of the organisation of the offer. They
  answer the referral (accept, refuse, start, complete, not complete) and plan the handover. They see
  the client's first name and last initial only while a consent gives their organisation the
  client's identity for referral or guidance; otherwise "client #id".
- The coordinators of the region see an escalated referral (read only, without the client's name),
  so the escalation notification leads somewhere.
- Everyone else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.permissions import is_coordinator_of_region, memberships_of
from apps.audit import reads
from apps.consent.models import DataCategory, Purpose
from apps.consent.selectors import covered_categories
from apps.core.states import can_transition
from apps.pathways.permissions import PathwayAccess, get_pathway_for_user
from apps.referrals.models import Referral

RECEIVING_ROLES = {Role.PARTNER_WORKER, Role.COUNSELLOR}
S = Referral.Status

# transition slug (URL) -> (side allowed: "receiver" / "sender", statuses it may start from)
# The page's actions (URL slug) -> (who may do it, the status it leads to); from which statuses is
# declared once, in Referral.TRANSITIONS.
TRANSITIONS: dict[str, tuple[str, str]] = {
    "aanvaarden": ("receiver", S.ACCEPTED),
    "weigeren": ("receiver", S.REFUSED),
    "starten": ("receiver", S.STARTED),
    "afronden": ("receiver", S.COMPLETED),
    "niet-afgerond": ("receiver", S.NOT_COMPLETED),
    "intrekken": ("sender", S.WITHDRAWN),
}
HANDOVER_STATUSES = {S.SENT, S.WAITING, S.ACCEPTED, S.STARTED}


def receiving_organisation_ids(user: Any) -> set[int]:
    """Organisations whose incoming referrals the user answers."""
    return {m.organisation_id for m in memberships_of(user) if m.role in RECEIVING_ROLES}


def is_receiver(user: Any, referral: Referral) -> bool:
    return referral.offer.organisation_id in receiving_organisation_ids(user)


def is_region_coordinator(user: Any, referral: Referral) -> bool:
    region_id = referral.offer.organisation.region_id
    return is_coordinator_of_region(user, region_id)


def is_sender(user: Any, referral: Referral) -> bool:
    try:
        access = get_pathway_for_user(user, referral.pathway_id)
    except Http404:
        return False
    return access.can_contribute


def receiver_sees_identity(referral: Referral) -> bool:
    client = referral.pathway.client
    organisation_id = referral.offer.organisation_id
    if organisation_id in {client.organisation_id, referral.pathway.organisation_id}:
        return True
    for purpose in (Purpose.REFERRAL, Purpose.GUIDANCE):
        if DataCategory.IDENTITY in covered_categories(
            client_id=client.pk, organisation_ids={organisation_id}, purpose=purpose
        ):
            return True
    return False


def client_label_for_receiver(referral: Referral, sees_identity: bool) -> str:
    client = referral.pathway.client
    if sees_identity:
        initial = f" {client.last_name[:1]}." if client.last_name else ""
        return f"{client.first_name}{initial}"
    return _("client #%(id)s") % {"id": client.pk}


@dataclass
class ReferralAccess:
    referral: Referral
    sender: bool = False
    receiver: bool = False
    pathway_access: PathwayAccess | None = None
    client_label: str = ""

    def allowed_transitions(self) -> list[str]:
        allowed = []
        for slug, (side, target) in TRANSITIONS.items():
            if can_transition(self.referral, target) and getattr(self, side):
                allowed.append(slug)
        return allowed

    @property
    def can_plan_handover(self) -> bool:
        return self.referral.status in HANDOVER_STATUSES and (self.sender or self.receiver)


def referral_access(user: Any, referral: Referral) -> ReferralAccess | None:
    pathway_access: PathwayAccess | None
    try:
        pathway_access = get_pathway_for_user(user, referral.pathway_id)
    except Http404:
        pathway_access = None
    receiver = is_receiver(user, referral)
    coordinator = referral.escalated_at is not None and is_region_coordinator(user, referral)
    if pathway_access is None and not receiver and not coordinator:
        return None
    if pathway_access is None and receiver:
        reads.note_read(actor=user, client_id=referral.pathway.client_id, purpose=Purpose.REFERRAL)
    if pathway_access is not None:
        client = referral.pathway.client
        label = f"{client.first_name} {client.last_name}"
    elif receiver:
        label = client_label_for_receiver(referral, receiver_sees_identity(referral))
    else:
        label = client_label_for_receiver(referral, False)
    return ReferralAccess(
        referral=referral,
        sender=pathway_access is not None and pathway_access.can_contribute,
        receiver=receiver,
        pathway_access=pathway_access,
        client_label=label,
    )


def get_referral_for_user(user: Any, pk: int) -> ReferralAccess:
    referral = (
        Referral.objects.select_related(
            "pathway", "pathway__client", "pathway__organisation", "offer", "offer__organisation", "sent_by"
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    access = referral_access(user, referral)
    if access is None:
        raise Http404
    return access
