"""Reads for the referral pages, with a fixed number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from apps.accounts.permissions import memberships_of
from apps.clients.permissions import CASE_ROLES
from apps.consent.models import Purpose
from apps.consent.selectors import identity_shared as consent_identity_shared
from apps.core.keyset import KeysetPage, keyset_page
from apps.offers.models import WaitingListEntry
from apps.referrals.models import Referral, ReferralEvent
from apps.referrals.permissions import client_label_for_receiver, receiving_organisation_ids

OPEN_STATUSES = [Referral.Status.SENT, Referral.Status.WAITING, Referral.Status.ACCEPTED, Referral.Status.STARTED]
PAGE_SIZE = 25  # referrals per keyset page of the inbox's lists (apps/core/keyset.py), newest first
ORDER = ("-created_at", "-pk")


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
    return consent_identity_shared(
        client_ids=client_ids, organisation_ids=organisation_ids, purposes=(Purpose.REFERRAL, Purpose.GUIDANCE)
    )


def incoming_referrals(
    *, user: Any, cursor: str | None = None, handled: bool = False
) -> tuple[list[ReferralRow], KeysetPage]:
    """Referrals to the offers of the organisations where the user answers referrals: one keyset page
    (``PAGE_SIZE``, newest first; ``cursor`` from the page before, junk or another list's: ``Http404``) and its
    rows. ``handled=False`` (the inbox's default) lists the open ones (``OPEN_STATUSES``: to answer, waiting,
    accepted, started), ``handled=True`` the ended ones (refused, completed, not completed, withdrawn), so a
    withdrawn referral never stands between the partner and one that waits for an answer."""
    organisation_ids = receiving_organisation_ids(user)
    found = _base().filter(offer__organisation_id__in=organisation_ids) if organisation_ids else Referral.objects.none()
    found = found.exclude(status__in=OPEN_STATUSES) if handled else found.filter(status__in=OPEN_STATUSES)
    salt = "referrals-incoming-handled" if handled else "referrals-incoming"
    page = keyset_page(found, ordering=ORDER, cursor=cursor, size=PAGE_SIZE, salt=salt)
    referrals = page.object_list
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
    return rows, page


def outgoing_referrals(*, user: Any, cursor: str | None = None) -> tuple[list[ReferralRow], KeysetPage]:
    """Referrals the user sent, one keyset page as ``incoming_referrals``. The name shows while the user's
    organisation holds the client or the pathway; otherwise (a team member of another organisation) the list
    shows "client #id"."""
    page = keyset_page(
        _base().filter(sent_by=user), ordering=ORDER, cursor=cursor, size=PAGE_SIZE, salt="referrals-outgoing"
    )
    referrals = page.object_list
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
    return rows, page


def referral_events(referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("actor"))


def referrals_for_pathway(pathway: Any) -> list[Referral]:
    """The referrals of a pathway with their offer, its organisation and the sender: one query."""
    return list(Referral.objects.filter(pathway=pathway).select_related("offer", "offer__organisation", "sent_by"))
