"""Forming the partnership: the call for partners, candidacies, the jury and its decisions.

See docs/decisions/0007-partnership.md. The call is driven by the region's CallTimeline.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.jobs import silent_too_long, waiting_without_worker
from apps.core.models import TimeStampedModel


class Candidacy(TimeStampedModel):
    """An organisation's candidacy for a region's call; edited by the applicant through a private token link."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.SUBMITTED}),
        Status.SUBMITTED: frozenset(),
    }

    class Decision(models.TextChoices):
        PENDING = "pending", _("No decision yet")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="candidacies")
    token = models.CharField(max_length=64, unique=True, editable=False)
    reference = models.CharField(_("reference number"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # optimistic lock of the draft form (apps.core.concurrency): every draft save and the submission move it on
    version = models.PositiveIntegerField(default=1, editable=False)

    applicant_name = models.CharField(_("your name"), max_length=200)
    applicant_email = models.EmailField(_("your e-mail address"))

    organisation_name = models.CharField(_("organisation name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    # Organisation, people, reference and KBO number folded for search (apps/core/search.py), kept by the services.
    search_key = models.CharField(max_length=500, blank=True, default="", db_index=True, editable=False)
    enterprise_number = models.CharField(_("enterprise number (KBO)"), max_length=10)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "regions.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality of the address"),
    )
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    challenges: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Challenge", related_name="candidacies", blank=True, verbose_name=_("challenges addressed")
    )
    municipalities: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Municipality", related_name="candidacies", blank=True, verbose_name=_("municipalities served")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    outreach = models.BooleanField(_("outreach (at home or in the street)"), default=False)
    outreach_text = models.TextField(_("how you work outreaching"), blank=True)
    low_threshold = models.BooleanField(_("low threshold"), default=False)
    low_threshold_text = models.TextField(_("how you keep the threshold low"), blank=True)
    holistic = models.BooleanField(_("holistic"), default=False)
    holistic_text = models.TextField(_("how you work holistically"), blank=True)
    expertise = models.TextField(_("expertise"), blank=True)
    references = models.TextField(_("references"), blank=True)
    budget_requested = models.DecimalField(
        _("budget requested (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    # jury
    consensus_score = models.DecimalField(
        _("consensus score"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    consensus_motivation = models.TextField(_("consensus motivation"), blank=True)
    shortlisted = models.BooleanField(_("shortlisted"), default=False)

    # decision
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_motivation = models.TextField(_("motivation of the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_sent_at = models.DateTimeField(null=True, blank=True)

    partner_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["region", "organisation_name"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        constraints = [
            models.UniqueConstraint(fields=["region", "name_key"], name="uniq_candidacy_org_name"),
            models.UniqueConstraint(fields=["region", "enterprise_number"], name="uniq_candidacy_kbo"),
        ]

    def __str__(self) -> str:
        return f"{self.reference or self.organisation_name}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def enterprise_number_display(self) -> str:
        n = self.enterprise_number
        return f"{n[:4]}.{n[4:7]}.{n[7:]}" if len(n) == 10 else n


class CandidacyOffer(models.Model):
    """An intervention type the candidacy offers, with its yearly capacity (people per year)."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="offers")
    intervention_type = models.ForeignKey("regions.InterventionType", on_delete=models.PROTECT, related_name="+")
    yearly_capacity = models.PositiveIntegerField(_("yearly capacity"))
    offer = models.ForeignKey("partners.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["intervention_type__position", "intervention_type__code"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "intervention_type"], name="uniq_candidacy_offer_type")
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type} ({self.yearly_capacity})"


class Attachment(models.Model):
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="partnership/attachments/%Y/")
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Criterion(models.Model):
    """A jury criterion with its weight, set by the coordinator; used in both rounds."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="jury_criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class Round(models.IntegerChoices):
    WRITTEN = 1, _("Round 1 (written proposal)")
    PITCH = 2, _("Round 2 (pitch)")


class ConflictDeclaration(models.Model):
    """A jury member's declaration of (no) conflict of interest for one candidacy."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="conflict_declarations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    has_conflict = models.BooleanField(_("I have a conflict of interest"))
    explanation = models.TextField(_("explanation"), blank=True)
    declared_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidacy", "member"], name="uniq_conflict_declaration")]

    def __str__(self) -> str:
        return f"{self.member} / {self.candidacy}: {self.has_conflict}"


class Score(models.Model):
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    round = models.PositiveSmallIntegerField(choices=Round.choices)
    value = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    motivation = models.TextField(_("motivation"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["candidacy", "round", "member", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "member", "criterion", "round"], name="uniq_score"),
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5), name="score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.candidacy} {self.criterion} R{self.round}: {self.value}"


class ScoreChange(models.Model):
    """The history of every score: one row per value set (also the first)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="history")
    value = models.PositiveSmallIntegerField()
    motivation = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.score_id}: {self.value}"


class PitchSlot(models.Model):
    candidacy = models.OneToOneField(Candidacy, on_delete=models.CASCADE, related_name="pitch")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    location = models.CharField(_("location"), max_length=200)
    sequence = models.PositiveSmallIntegerField(default=0)
    invited_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.candidacy}: {self.starts_at:%Y-%m-%d %H:%M}"


class Rebuttal(models.Model):
    """The organisation's weerwoord on a decision, and how the jury handled it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not handled yet")
        UPHELD = "upheld", _("Upheld: the decision is revised")
        REJECTED = "rejected", _("Rejected: the decision stands")

    candidacy = models.OneToOneField(Candidacy, on_delete=models.CASCADE, related_name="rebuttal")
    text = models.TextField(_("your rebuttal"))
    submitted_at = models.DateTimeField()
    handling = models.TextField(_("how the rebuttal was handled"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.candidacy}: {self.outcome}"


class CoverageRun(TimeStampedModel):
    """One computation of the coverage proposal within a budget: the best set of candidacies and, for each of
    its members, the best set without it (1 + k CP-SAT solves), run by the background worker
    (``apps.partnership.tasks.run_coverage``) so that the page never waits for the solver.

    ``solves_done`` of ``solves_total`` is the progress (``solves_total`` is 1 until the best set is known);
    ``result`` holds candidacy and support-line ids only (rendered against the current rows by the page).
    ``updated_at`` moves with every solve: a running run silent for longer than its time limit plus the
    worker grace is stale (the worker stopped; ``apps.core.jobs``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # queued by coverage_run_start, running in the worker (services_coverage_run.coverage_run_execute), then
    # done, or failed (the task on an error, coverage_run_start when a running one went silent)
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.QUEUED: frozenset({Status.RUNNING, Status.FAILED}),
        Status.RUNNING: frozenset({Status.DONE, Status.FAILED}),
        Status.DONE: frozenset(),
        Status.FAILED: frozenset(),
    }

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    budget = models.DecimalField(_("budget available (EUR)"), max_digits=12, decimal_places=2)
    time_limit_seconds = models.FloatField(help_text="time limit of each solve, seconds")
    solves_done = models.PositiveSmallIntegerField(default=0)
    solves_total = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # one queued or running computation per region, even when two coordinators start one at once
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(status__in=["queued", "running"]),
                name="uniq_unfinished_coverage_run",
            ),
            models.CheckConstraint(
                condition=models.Q(solves_done__lte=models.F("solves_total")), name="coverage_run_progress_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"coverage run #{self.pk}"

    def is_stale(self) -> bool:
        """Running, but silent (no solve finished) for longer than one solve's limit plus the worker grace:
        the worker stopped mid-run. No query (``apps.core.jobs.silent_too_long``)."""
        return silent_too_long(
            running=self.status == self.Status.RUNNING, last_sign=self.updated_at, limit_seconds=self.time_limit_seconds
        )

    def is_waiting_without_worker(self) -> bool:
        """Still queued after the worker grace: no worker took it (``apps.core.jobs.waiting_without_worker``)."""
        return waiting_without_worker(queued=self.status == self.Status.QUEUED, since=self.created_at)

    @property
    def percent(self) -> int:
        """Progress in percent (0-100): solves done of solves known."""
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.solves_done / max(self.solves_total, 1))
