"""Allocation runs of the waiting list and the proposals they make."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class AllocationRun(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # queued by allocation_start, running in the worker (services_allocation.allocation_execute), then done,
    # or failed (tasks.run_allocation) from either unfinished status
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.QUEUED: frozenset({Status.RUNNING, Status.FAILED}),
        Status.RUNNING: frozenset({Status.DONE, Status.FAILED}),
        Status.DONE: frozenset(),
        Status.FAILED: frozenset(),
    }

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent")
    fairness_weight = models.FloatField(_("fairness weight (points per 30 days of waiting)"), default=1.0)
    shortlist = models.PositiveIntegerField(
        _("offers considered per client"),
        default=100,
        help_text=_("Each client's best-fitting eligible offers that the allocation may propose."),
    )
    clients = models.PositiveIntegerField(default=0)
    offers = models.PositiveIntegerField(default=0)
    candidate_pairs = models.PositiveIntegerField(default=0)
    # why waiting clients got no proposal (shown on the run page): no eligible offer with a free place, and
    # clients left out because a proposal of an earlier run still waits for a counsellor's decision
    clients_without_fit = models.PositiveIntegerField(default=0)
    clients_held = models.PositiveIntegerField(default=0)
    objective = models.FloatField(null=True, blank=True)
    greedy_objective = models.FloatField(null=True, blank=True)
    optimal = models.BooleanField(default=False)
    gap = models.FloatField(null=True, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    load_seconds = models.FloatField(null=True, blank=True, help_text="reading and scoring, seconds")
    total_seconds = models.FloatField(null=True, blank=True, help_text="start to stored proposals, seconds")
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one queued or running allocation per region, even when two coordinators start one at once
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(status__in=["queued", "running"]),
                name="uniq_unfinished_allocation_run",
            ),
            models.CheckConstraint(
                condition=models.Q(clients_without_fit__lte=models.F("clients")),
                name="allocation_run_without_fit_among_clients",
            ),
        ]

    def __str__(self) -> str:
        return f"allocation run #{self.pk}"


class AllocationProposal(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No longer open")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PROPOSED: frozenset({Status.CONFIRMED, Status.DECLINED, Status.EXPIRED}),
        Status.CONFIRMED: frozenset(),
        Status.DECLINED: frozenset(),
        Status.EXPIRED: frozenset(),
    }

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="proposals")
    entry = models.ForeignKey("partners.WaitingListEntry", on_delete=models.CASCADE, related_name="proposals")
    offer = models.ForeignKey("partners.Offer", on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField()
    value = models.FloatField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "entry"], name="uniq_proposal_entry")]
        indexes = [
            # the proposals still to confirm, read on every page of a counsellor (the menu's count, the home
            # page's list) however many runs were confirmed, declined or expired before (issue 15)
            models.Index(fields=["id"], condition=models.Q(status="proposed"), name="proposal_open_idx"),
        ]

    def __str__(self) -> str:
        return f"proposal #{self.pk}"
