"""Reads for the referral pages, with a fixed number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from apps.accounts.permissions import memberships_of
from apps.clients.permissions import CASE_ROLES
from apps.consent.models import Consent, DataCategory, Purpose
from apps.offers.models import WaitingListEntry
from apps.referrals.models import Referral, ReferralEvent
from apps.referrals.permissions import client_label_for_receiver, receiving_organisation_ids

OPEN_STATUSES = [Referral.Status.SENT, Referral.Status.WAITING, Referral.Status.ACCEPTED, Referral.Status.STARTED]
LIST_LIMIT = 200


@dataclass
class ReferralRow:
    referral: Referral
    client_label: str
    position: int | None = None


def _base() -> Any:
    return Referral.objects.select_related("pathway", "pathway__client", "offer", "offer__organisation", "sent_by")


def waiting_positions(referrals: list[Referral]) -> dict[int, int]:
    """Referral id -> 1-based position on its offer's waiting list (by since, then id), for waiting ones."""
    waiting = [r for r in referrals if r.status == Referral.Status.WAITING]
    if not waiting:
        return {}
    entries = (
        WaitingListEntry.objects.filter(offer_id__in={r.offer_id for r in waiting}, is_open=True)
        .order_by("since", "id")
        .values_list("offer_id", "client_id")
    )
    position: dict[tuple[int, int], int] = {}
    counters: dict[int, int] = defaultdict(int)
    for offer_id, client_id in entries:
        counters[offer_id] += 1
        position.setdefault((offer_id, client_id), counters[offer_id])
    return {
        r.pk: position[(r.offer_id, r.pathway.client_id)]
        for r in waiting
        if (r.offer_id, r.pathway.client_id) in position
    }


def identity_shared(client_ids: set[int], organisation_ids: set[int]) -> set[tuple[int, int]]:
    """(client id, organisation id) pairs for which an active consent shares identity for referral or guidance."""
    if not client_ids or not organisation_ids:
        return set()
    rows = (
        Consent.objects.in_force()
        .filter(client_id__in=client_ids, organisations__in=organisation_ids)
        .values_list("client_id", "organisations", "categories", "purposes")
    )
    return {
        (client_id, organisation_id)
        for client_id, organisation_id, categories, purposes in rows
        if DataCategory.IDENTITY in categories and {Purpose.REFERRAL, Purpose.GUIDANCE} & set(purposes)
    }


def incoming_referrals(*, user: Any) -> list[ReferralRow]:
    """Referrals to the offers of the organisations where the user answers referrals."""
    organisation_ids = receiving_organisation_ids(user)
    if not organisation_ids:
        return []
    referrals = list(_base().filter(offer__organisation_id__in=organisation_ids)[:LIST_LIMIT])
    shared = identity_shared({r.pathway.client_id for r in referrals}, organisation_ids)
    positions = waiting_positions(referrals)
    rows = []
    for r in referrals:
        client = r.pathway.client
        sees = (client.pk, r.offer.organisation_id) in shared or r.offer.organisation_id in {
            client.organisation_id,
            r.pathway.organisation_id,
        }
        rows.append(ReferralRow(r, client_label_for_receiver(r, sees), positions.get(r.pk)))
    return rows


def outgoing_referrals(*, user: Any) -> list[ReferralRow]:
    """Referrals the user sent. The name shows while the user's organisation holds the client or the
    pathway; otherwise (a team member of another organisation) the list shows "client #id"."""
    referrals = list(_base().filter(sent_by=user)[:LIST_LIMIT])
    positions = waiting_positions(referrals)
    own = {m.organisation_id for m in memberships_of(user) if m.role in CASE_ROLES}
    rows = []
    for r in referrals:
        client = r.pathway.client
        if own & {client.organisation_id, r.pathway.organisation_id}:
            label = f"{client.first_name} {client.last_name}"
        else:
            label = client_label_for_receiver(r, False)
        rows.append(ReferralRow(r, label, positions.get(r.pk)))
    return rows


def referral_events(referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("actor"))


def referrals_for_pathway(pathway: Any) -> list[Referral]:
    """The referrals of a pathway with their offer, its organisation and the sender: one query."""
    return list(Referral.objects.filter(pathway=pathway).select_related("offer", "offer__organisation", "sent_by"))
