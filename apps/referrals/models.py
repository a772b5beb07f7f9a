"""Closed-loop referrals (doorverwijzingen) from a pathway to an offer."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Referral(TimeStampedModel):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        WAITING = "waiting", _("On the waiting list")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        STARTED = "started", _("Started")
        COMPLETED = "completed", _("Completed")
        NOT_COMPLETED = "not_completed", _("Not completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.SENT: frozenset({Status.WAITING, Status.ACCEPTED, Status.REFUSED, Status.WITHDRAWN}),
        Status.WAITING: frozenset({Status.ACCEPTED, Status.REFUSED, Status.WITHDRAWN}),
        Status.ACCEPTED: frozenset({Status.STARTED, Status.NOT_COMPLETED, Status.WITHDRAWN}),
        # a started referral is withdrawn when the pathway behind it ends (closure, consent withdrawn)
        Status.STARTED: frozenset({Status.COMPLETED, Status.NOT_COMPLETED, Status.WITHDRAWN}),
        Status.REFUSED: frozenset(),
        Status.COMPLETED: frozenset(),
        Status.NOT_COMPLETED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }

    class RefusalReason(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", _("Does not meet the conditions")
        NO_CAPACITY = "no_capacity", _("No capacity")
        NOT_SUITABLE = "not_suitable", _("The offer does not suit the need")
        CLIENT_DECLINED = "client_declined", _("The client does not want it")
        OFFER_ENDED = "offer_ended", _("The offer has ended")
        OTHER = "other", _("Other")

    class WithdrawReason(models.TextChoices):
        PATHWAY_CLOSED = "pathway_closed", _("The pathway was closed")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("The client withdrew the consent to share with the partner")
        OTHER = "other", _("Other")

    class EndReason(models.TextChoices):
        GOAL_REACHED = "goal_reached", _("Goal reached")
        DROPPED_OUT = "dropped_out", _("Client dropped out")
        REFERRED_ON = "referred_on", _("Referred on")
        MOVED = "moved", _("Moved away")
        OTHER = "other", _("Other")

    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.CASCADE, related_name="referrals")
    offer = models.ForeignKey("partners.Offer", on_delete=models.PROTECT, related_name="referrals")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    note = models.TextField(_("question to the partner"), blank=True)
    from_recommendation = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    reason_note = models.CharField(_("explanation"), max_length=300, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    handover_at = models.DateTimeField(_("warm handover (joint first meeting)"), null=True, blank=True)
    handover_place = models.CharField(_("place of the handover"), max_length=200, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    OPEN_STATUSES: ClassVar[tuple[str, ...]] = (Status.SENT, Status.WAITING, Status.ACCEPTED, Status.STARTED)
    PLACE_STATUSES: ClassVar[tuple[str, ...]] = (Status.ACCEPTED, Status.STARTED)  # these hold a place

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # the keyset pages of the inbox (apps/core/keyset.py): newest first, all and per sender
            models.Index(fields=["-created_at", "-id"], name="referral_newest"),
            models.Index(fields=["sent_by", "-created_at", "-id"], name="referral_sender_newest"),
        ]
        constraints = [
            # one open referral per pathway and offer (issue 10: one route to a place)
            models.UniqueConstraint(
                fields=["pathway", "offer"],
                condition=models.Q(status__in=["sent", "waiting", "accepted", "started"]),
                name="uniq_open_referral_per_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"referral #{self.pk}"


class ReferralEvent(models.Model):
    """Every transition of a referral (the closed loop, visible to the team)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Referral.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.status}"
