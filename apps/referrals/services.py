"""Writes on referrals: one service per transition of the closed loop.

Each service runs in one transaction, writes a ReferralEvent (the timeline the team sees) and an audit
entry ``referrals.referral.<verb>``, and notifies the people concerned (messages name no client).

Settings: ``REFERRAL_ESCALATION_DAYS`` (default 5): a referral still unanswered (status *sent*) after
that many days is escalated to the coordinators of the region (``referrals_escalate``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.accounts.models import Role, User
from apps.audit.services import audit_log
from apps.consent.models import DataCategory, Purpose
from apps.consent.selectors import covered_categories
from apps.core.states import check_transition, transition
from apps.notifications.services import notify
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import offer_occupancy_change, offer_update, waiting_entries_close, waiting_list_add
from apps.pathways.models import Pathway, TeamRole
from apps.pathways.services import pathway_close, team_add
from apps.referrals.models import Referral, ReferralEvent
from apps.referrals.permissions import HANDOVER_STATUSES, is_receiver, is_sender

S = Referral.Status


def escalation_days() -> int:
    """Days after which an unanswered referral escalates: ``settings.REFERRAL_ESCALATION_DAYS`` (default 5)."""
    return settings.REFERRAL_ESCALATION_DAYS


def referral_url(referral: Referral) -> str:
    return f"/doorverwijzingen/{referral.pk}/"


# --- helpers -------------------------------------------------------------------------------------------


def _lock(referral: Referral) -> None:
    """Re-read the status under a row lock, so two people answering at once cannot both win."""
    current = Referral.objects.select_for_update().only("status").get(pk=referral.pk)
    referral.status = current.status


def _check(referral: Referral, to: str) -> None:
    """Lock the row, then refuse a move the model does not declare (``Referral.TRANSITIONS``)."""
    _lock(referral)
    check_transition(referral, to)


def _require_receiver(actor: Any, referral: Referral) -> None:
    if not is_receiver(actor, referral):
        raise PermissionDenied(_("Only the organisation of the offer answers this referral."))


def _require_sender(actor: Any, referral: Referral) -> None:
    if not is_sender(actor, referral):
        raise PermissionDenied(_("Only the team of the pathway can do this."))


def _event(referral: Referral, actor: Any, status: str, note: str = "") -> ReferralEvent:
    return ReferralEvent.objects.create(referral=referral, status=status, actor=actor, note=note[:300])


def _set_status(referral: Referral, status: str, **fields: Any) -> None:
    transition(referral, status)
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save(update_fields=["status", "updated_at", *fields])


def _partner_workers(organisation_id: int) -> list[Any]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=Role.PARTNER_WORKER,
            memberships__is_active=True,
        ).distinct()
    )


def _sending_side(referral: Referral) -> list[Any]:
    counsellors = User.objects.filter(
        is_active=True,
        pathway_roles__pathway_id=referral.pathway_id,
        pathway_roles__role=TeamRole.COUNSELLOR,
        pathway_roles__is_active=True,
    ).distinct()
    return [referral.sent_by, *counsellors]


def _coordinators(region_id: int) -> list[Any]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__region_id=region_id,
            memberships__organisation__is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
        ).distinct()
    )


def _others(users: list[Any], actor: Any) -> list[Any]:
    return [u for u in users if u is not None and u.pk != getattr(actor, "pk", None)]


def _open_waiting_entry(referral: Referral) -> WaitingListEntry | None:
    return WaitingListEntry.objects.filter(
        client_id=referral.pathway.client_id, offer_id=referral.offer_id, is_open=True
    ).first()


def _close_waiting_entry(referral: Referral) -> int | None:
    """Close the client's open entry for the referral's offer (at most one, by constraint); its id or None."""
    closed = waiting_entries_close(client_id=referral.pathway.client_id, offer_id=referral.offer_id)
    return closed[0] if closed else None


def _release_place(referral: Referral) -> None:
    offer_occupancy_change(offer_id=referral.offer_id, delta=-1)


def waiting_position(entry: WaitingListEntry) -> int:
    """1-based place of an open entry among the open entries of its offer (by since, then id)."""
    if entry.offer_id is None:
        raise ValueError("only entries for an offer have a position")
    ahead = WaitingListEntry.objects.filter(offer_id=entry.offer_id, is_open=True).filter(
        Q(since__lt=entry.since) | Q(since=entry.since, id__lt=entry.pk)
    )
    return ahead.count() + 1


def _identity_shared_for_referral(*, client_id: int, organisation_id: int) -> bool:
    return any(
        DataCategory.IDENTITY
        in covered_categories(client_id=client_id, organisation_ids={organisation_id}, purpose=purpose)
        for purpose in (Purpose.REFERRAL, Purpose.GUIDANCE)
    )


# --- sending -------------------------------------------------------------------------------------------


@transaction.atomic
def referral_send(
    *, pathway: Pathway, offer: Offer, actor: Any, note: str = "", from_recommendation: bool = False
) -> Referral:
    """Refer the pathway's client to an offer. Without a free place the referral waits on the offer's list."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=offer.pk)
    organisation = offer.organisation
    if pathway.status == Pathway.Status.CLOSED:
        raise ValidationError(_("This pathway is closed: it cannot refer any more."))
    if not offer.is_active or not organisation.is_active:
        raise ValidationError({"offer": [_("This offer is no longer active.")]})
    if organisation.region_id != pathway.organisation.region_id:
        raise ValidationError({"offer": [_("This offer is not part of the partnership of this pathway.")]})
    client = pathway.client
    internal = organisation.pk in {pathway.organisation_id, client.organisation_id}
    if not internal and not _identity_shared_for_referral(client_id=client.pk, organisation_id=organisation.pk):
        raise ValidationError(
            _(
                "There is no consent to share the client's identity with %(org)s for a referral. "
                "Record the client's consent to share with %(org)s first."
            )
            % {"org": organisation.name}
        )
    if (
        Referral.objects.filter(pathway=pathway, offer=offer)
        .filter(status__in=[S.SENT, S.WAITING, S.ACCEPTED, S.STARTED])
        .exists()
    ):
        raise ValidationError({"offer": [_("This pathway already has an open referral to this offer.")]})
    referral = Referral.objects.create(
        pathway=pathway, offer=offer, sent_by=actor, note=note.strip(), from_recommendation=from_recommendation
    )
    _event(referral, actor, S.SENT, note.strip())
    changes: dict[str, Any] = {"pathway": pathway.pk, "offer": offer.pk, "from_recommendation": from_recommendation}
    if offer.free_places <= 0:
        entry = WaitingListEntry.objects.filter(client=client, offer=offer, is_open=True).first()
        if entry is None:
            entry = waiting_list_add(client=client, actor=actor, offer=offer)
        _set_status(referral, S.WAITING)
        _event(referral, None, S.WAITING, _("No free place: on the waiting list of the offer."))
        changes["waiting_entry"] = entry.pk
    changes["status"] = referral.status
    audit_log(actor=actor, action="referrals.referral.sent", obj=referral, changes=changes)
    notify(
        users=_others(_partner_workers(organisation.pk), actor),
        message=gettext_lazy("A new referral arrived for one of your offers."),
        url=referral_url(referral),
    )
    return referral


# --- answers of the receiving organisation -------------------------------------------------------------


@transaction.atomic
def referral_accept(*, referral: Referral, actor: Any, note: str = "") -> Referral:
    """The partner takes the client in: one place of the offer is taken (``ValidationError`` when the offer
    is full: the referral stays as it was), the client's waiting entry for the offer closes, so every
    allocation proposal on that entry can no longer be confirmed (issue 10: one route to a place)."""
    _require_receiver(actor, referral)
    _check(referral, S.ACCEPTED)
    before = referral.status
    offer_occupancy_change(offer_id=referral.offer_id, delta=1)
    entry_id = _close_waiting_entry(referral)
    _set_status(referral, S.ACCEPTED, answered_at=timezone.now())
    _event(referral, actor, S.ACCEPTED, note.strip())
    joined = _join_case_team(referral, actor)
    audit_log(
        actor=actor,
        action="referrals.referral.accepted",
        obj=referral,
        changes={"before": before, "waiting_entry_closed": entry_id, "joined_team": joined},
    )
    notify(
        users=_others(_sending_side(referral), actor),
        message=gettext_lazy("Your referral was accepted."),
        url=referral_url(referral),
    )
    return referral


def _join_case_team(referral: Referral, actor: Any) -> bool:
    """Whoever accepts a referral joins the case team (one team, shared responsibility), when the
    consent lets their organisation see the client for guidance; otherwise the counsellor adds them later."""

    pathway = referral.pathway
    if pathway.team.filter(user=actor, is_active=True).exists():
        return False
    try:
        with transaction.atomic():
            team_add(
                pathway=pathway,
                actor=actor,
                user=actor,
                organisation=referral.offer.organisation,
                role=TeamRole.PARTNER_WORKER,
                task=referral.offer.title[:200],
            )
    except ValidationError:
        return False
    return True


@transaction.atomic
def referral_refuse(*, referral: Referral, actor: Any, reason: str, note: str = "") -> Referral:
    _require_receiver(actor, referral)
    if reason not in Referral.RefusalReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if reason == Referral.RefusalReason.OTHER and not note.strip():
        raise ValidationError({"note": [_("Explain the reason.")]})
    _check(referral, S.REFUSED)
    entry_id = _close_waiting_entry(referral)
    _set_status(referral, S.REFUSED, answered_at=timezone.now(), reason=reason, reason_note=note.strip()[:300])
    label = str(Referral.RefusalReason(reason).label)
    _event(referral, actor, S.REFUSED, f"{label}: {note.strip()}" if note.strip() else label)
    audit_log(
        actor=actor,
        action="referrals.referral.refused",
        obj=referral,
        changes={"reason": reason, "waiting_entry_closed": entry_id},
    )
    notify(
        users=_others(_sending_side(referral), actor),
        message=gettext_lazy("Your referral was refused."),
        url=referral_url(referral),
    )
    return referral


@transaction.atomic
def referral_start(*, referral: Referral, actor: Any, note: str = "") -> Referral:
    _require_receiver(actor, referral)
    _check(referral, S.STARTED)
    _set_status(referral, S.STARTED)
    _event(referral, actor, S.STARTED, note.strip())
    audit_log(actor=actor, action="referrals.referral.started", obj=referral)
    notify(
        users=_others(_sending_side(referral), actor),
        message=gettext_lazy("The client started the offer you referred to."),
        url=referral_url(referral),
    )
    return referral


@transaction.atomic
def referral_complete(*, referral: Referral, actor: Any, note: str = "") -> Referral:
    _require_receiver(actor, referral)
    _check(referral, S.COMPLETED)
    _release_place(referral)
    _set_status(referral, S.COMPLETED)
    _event(referral, actor, S.COMPLETED, note.strip())
    audit_log(actor=actor, action="referrals.referral.completed", obj=referral)
    notify(
        users=_others(_sending_side(referral), actor),
        message=gettext_lazy("The client completed the offer you referred to."),
        url=referral_url(referral),
    )
    return referral


@transaction.atomic
def referral_not_complete(*, referral: Referral, actor: Any, reason: str, note: str = "") -> Referral:
    _require_receiver(actor, referral)
    if reason not in Referral.EndReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    if reason == Referral.EndReason.OTHER and not note.strip():
        raise ValidationError({"note": [_("Explain the reason.")]})
    _check(referral, S.NOT_COMPLETED)
    _release_place(referral)
    _set_status(referral, S.NOT_COMPLETED, reason=reason, reason_note=note.strip()[:300])
    label = str(Referral.EndReason(reason).label)
    _event(referral, actor, S.NOT_COMPLETED, f"{label}: {note.strip()}" if note.strip() else label)
    audit_log(actor=actor, action="referrals.referral.not_completed", obj=referral, changes={"reason": reason})
    notify(
        users=_others(_sending_side(referral), actor),
        message=gettext_lazy("The offer you referred to ended without being completed."),
        url=referral_url(referral),
    )
    return referral


@transaction.atomic
def referral_place_allocated(*, referral: Referral, actor: Any, proposal_id: int) -> Referral:
    """A confirmed allocation proposal settles this referral: sent or waiting becomes accepted, one place of
    the offer is taken (``ValidationError`` when full), the client's waiting entry for the offer closes,
    and the partner is told. Called by ``apps.matching.services.proposal_confirm`` in its transaction: the
    place goes through the referral, so a later accept cannot take a second one (issue 10, input a)."""
    _check(referral, S.ACCEPTED)
    before = referral.status
    offer_occupancy_change(offer_id=referral.offer_id, delta=1)
    entry_id = _close_waiting_entry(referral)
    _set_status(referral, S.ACCEPTED, answered_at=timezone.now())
    _event(referral, actor, S.ACCEPTED, _("A place was allocated by the coordinator's allocation."))
    audit_log(
        actor=actor,
        action="referrals.referral.allocated",
        obj=referral,
        changes={"before": before, "proposal": proposal_id, "waiting_entry_closed": entry_id},
    )
    notify(
        users=_others([*_partner_workers(referral.offer.organisation_id), *_sending_side(referral)], actor),
        message=gettext_lazy("A place in an offer was allocated to a referral."),
        url=referral_url(referral),
    )
    return referral


# --- the sending side ----------------------------------------------------------------------------------


@transaction.atomic
def referral_withdraw(*, referral: Referral, actor: Any, note: str = "", reason: str = "") -> Referral:
    """The team withdraws a referral; a held place is given back and the waiting entry closes.

    ``reason``: one of ``Referral.WithdrawReason`` (empty: none given). Raises ``PermissionDenied`` unless
    the actor is on the pathway's team, ``TransitionNotAllowed`` for a referral already ended.
    """
    _require_sender(actor, referral)
    return _withdraw(referral, actor, reason=reason, note=note)


def _withdraw(referral: Referral, actor: Any, *, reason: str, note: str = "") -> Referral:
    """Withdraw without the team check: for the ends of life of what the referral depends on (a closed
    pathway, a withdrawn consent), decided by someone allowed to end that."""
    if reason and reason not in Referral.WithdrawReason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    _check(referral, S.WITHDRAWN)
    before = referral.status
    if before in Referral.PLACE_STATUSES:
        _release_place(referral)
    entry_id = _close_waiting_entry(referral)
    _set_status(referral, S.WITHDRAWN, reason=reason)
    label = str(Referral.WithdrawReason(reason).label) if reason else ""
    _event(referral, actor, S.WITHDRAWN, " ".join(part for part in (label, note.strip()) if part))
    audit_log(
        actor=actor,
        action="referrals.referral.withdrawn",
        obj=referral,
        changes={"before": before, "waiting_entry_closed": entry_id, "reason": reason},
    )
    message = (
        gettext_lazy("A referral to one of your offers was withdrawn: the pathway was closed.")
        if reason == Referral.WithdrawReason.PATHWAY_CLOSED
        else gettext_lazy("A referral to one of your offers was withdrawn.")
    )
    notify(
        users=_others(_partner_workers(referral.offer.organisation_id), actor),
        message=message,
        url=referral_url(referral),
    )
    return referral


# --- both sides ----------------------------------------------------------------------------------------


@transaction.atomic
def referral_plan_handover(*, referral: Referral, actor: Any, at: dt.datetime, place: str) -> Referral:
    """Plan the warm handover: a first meeting of the client with the counsellor and the partner together."""
    if not (is_receiver(actor, referral) or is_sender(actor, referral)):
        raise PermissionDenied(_("Only the team of the pathway or the organisation of the offer can do this."))
    _lock(referral)
    if referral.status not in HANDOVER_STATUSES:
        raise ValidationError(
            _("A handover cannot be planned for a referral with status '%(status)s'.")
            % {"status": S(referral.status).label}
        )
    errors: dict[str, list[str]] = {}
    if at < timezone.now():
        errors["at"] = [_("Choose a moment in the future.")]
    if not place.strip():
        errors["place"] = [_("Say where you meet.")]
    if errors:
        raise ValidationError(errors)
    referral.handover_at = at
    referral.handover_place = place.strip()[:200]
    referral.save(update_fields=["handover_at", "handover_place", "updated_at"])
    when = timezone.localtime(at).strftime("%d/%m/%Y %H:%M")
    _event(
        referral,
        actor,
        referral.status,
        _("Warm handover planned on %(when)s at %(place)s.") % {"when": when, "place": referral.handover_place},
    )
    audit_log(
        actor=actor,
        action="referrals.referral.handover_planned",
        obj=referral,
        changes={"at": at.isoformat(), "place": referral.handover_place},
    )
    notify(
        users=_others([*_sending_side(referral), *_partner_workers(referral.offer.organisation_id)], actor),
        message=gettext_lazy("A warm handover was planned for a referral."),
        url=referral_url(referral),
    )
    return referral


# --- escalation ----------------------------------------------------------------------------------------


@transaction.atomic
def referrals_escalate(*, now: dt.datetime | None = None) -> list[Referral]:
    """Escalate every referral still unanswered (status *sent*) after ``REFERRAL_ESCALATION_DAYS`` days to the
    coordinators of its region. Idempotent: a referral is escalated once."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=escalation_days())
    candidates = list(
        Referral.objects.filter(status=S.SENT, escalated_at__isnull=True, created_at__lte=cutoff)
        .select_related("offer__organisation")
        .order_by("created_at", "id")
    )
    escalated = []
    for referral in candidates:
        # claim it: a concurrent run that got here first wins, this one skips
        if not Referral.objects.filter(pk=referral.pk, status=S.SENT, escalated_at__isnull=True).update(
            escalated_at=now
        ):
            continue
        referral.escalated_at = now
        days = (now - referral.created_at).days
        _event(
            referral,
            None,
            S.SENT,
            ngettext(
                "Unanswered after %(days)s day: escalated to the coordinator.",
                "Unanswered after %(days)s days: escalated to the coordinator.",
                days,
            )
            % {"days": days},
        )
        audit_log(
            actor=None,
            action="referrals.referral.escalated",
            obj=referral,
            changes={"days": days, "threshold": escalation_days()},
        )
        notify(
            users=_coordinators(referral.offer.organisation.region_id),
            message=gettext_lazy("A referral has been waiting too long for an answer."),
            url=referral_url(referral),
        )
        escalated.append(referral)
    return escalated


# --- ends of life: what depends on a pathway or an offer ends with it (issue 10) ---------------------------


@transaction.atomic
def pathway_close_with_referrals(
    *, pathway: Pathway, actor: Any, closed_on: dt.date, outcome: str, **esf: Any
) -> dict[str, Any]:
    """Close a pathway and everything that depends on it, in one transaction: every open referral is
    withdrawn with reason "pathway closed" (the partner is told, an accepted or started place is freed,
    escalation stops since only *sent* referrals escalate), then ``pathway_close`` cancels open actions and
    closes the client's waiting entries (their allocation proposals can no longer be confirmed).

    Returns ``{"closure": Closure, "withdrawn": [referral ids]}``. Raises ``ValidationError`` (nothing
    written) for invalid closure data or a pathway already closed.
    """

    locked = Pathway.objects.select_for_update().get(pk=pathway.pk)
    check_transition(locked, Pathway.Status.CLOSED)
    withdrawn = []
    for referral in Referral.objects.filter(pathway=locked, status__in=Referral.OPEN_STATUSES).select_related(
        "offer", "pathway"
    ):
        _withdraw(referral, actor, reason=Referral.WithdrawReason.PATHWAY_CLOSED)
        withdrawn.append(referral.pk)
    closure = pathway_close(pathway=locked, actor=actor, closed_on=closed_on, outcome=outcome, **esf)
    pathway.status = locked.status
    return {"closure": closure, "withdrawn": withdrawn}


@transaction.atomic
def offer_deactivate(*, offer: Offer, actor: Any) -> dict[str, list[int]]:
    """Take an offer off the social map and handle what waits for it: referrals still *sent* or *waiting*
    are refused with reason "the offer has ended" (the sending team is told), open waiting entries for it
    close; accepted and started referrals keep their place until they end (stated in the audit entry).
    Returns the ids ``{"refused": [...], "entries_closed": [...], "running": [...]}``."""

    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    refused = []
    for referral in Referral.objects.filter(offer=offer, status__in=[S.SENT, S.WAITING]).select_related(
        "offer", "pathway"
    ):
        _check(referral, S.REFUSED)
        _close_waiting_entry(referral)
        _set_status(referral, S.REFUSED, answered_at=timezone.now(), reason=Referral.RefusalReason.OFFER_ENDED)
        _event(referral, actor, S.REFUSED, str(Referral.RefusalReason.OFFER_ENDED.label))
        audit_log(actor=actor, action="referrals.referral.refused", obj=referral, changes={"reason": "offer_ended"})
        notify(
            users=_others(_sending_side(referral), actor),
            message=gettext_lazy("Your referral was refused."),
            url=referral_url(referral),
        )
        refused.append(referral.pk)
    closed = waiting_entries_close(offer=offer)
    running = list(
        Referral.objects.filter(offer=offer, status__in=Referral.PLACE_STATUSES).values_list("pk", flat=True)
    )
    if offer.is_active:
        offer_update(offer=offer, actor=actor, is_active=False)
    audit_log(
        actor=actor,
        action="partners.offer.deactivated",
        obj=offer,
        changes={"refused": refused, "entries_closed": closed, "running": running},
    )
    return {"refused": refused, "entries_closed": closed, "running": running}
