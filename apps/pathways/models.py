"""Integral pathways (integrale trajecten): one shared plan across organisations, carried by a case team."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Pathway(TimeStampedModel):
    class Status(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.INTAKE: frozenset({Status.ACTIVE, Status.CLOSED}),
        Status.ACTIVE: frozenset({Status.PAUSED, Status.CLOSED}),
        Status.PAUSED: frozenset({Status.ACTIVE, Status.CLOSED}),
        Status.CLOSED: frozenset({Status.ACTIVE}),  # only through pathway_reopen, with a reason
    }

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="pathways")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="pathways",
        help_text=_("The organisation that holds the direction."),
    )
    started_on = models.DateField(_("start date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTAKE)
    client_words = models.TextField(_("What I want (in the client's own words)"), blank=True)
    plan_version = models.PositiveIntegerField(default=1)
    # the earliest due date among the open actions (None: none is dated), what "My work" sorts and counts overdue
    # by: kept by apps.pathways.services.next_due_refresh in the transaction of every write to actions, so the
    # caseload reads a column instead of a MIN over the actions of each of its pathways
    next_due_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            # at most one open pathway per client, guaranteed by the database (issue 10)
            models.UniqueConstraint(
                fields=["client"], condition=~models.Q(status="closed"), name="uniq_open_pathway_per_client"
            ),
        ]
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")

    def __str__(self) -> str:
        return f"pathway #{self.pk}"


class TeamRole(models.TextChoices):
    """The role of a member in a pathway's case team."""

    COUNSELLOR = "counsellor", _("Counsellor (holds the direction)")
    PEER_COMPANION = "peer_companion", _("Peer companion")
    PARTNER_WORKER = "partner_worker", _("Partner worker")


class TeamMember(TimeStampedModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pathway_roles")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices)
    task = models.CharField(_("has taken on"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "user"], condition=models.Q(is_active=True), name="uniq_active_team_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Goal(TimeStampedModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="goals")
    life_domain = models.ForeignKey(
        "regions.LifeDomain", on_delete=models.PROTECT, related_name="+", verbose_name=_("life domain")
    )
    description = models.TextField(_("goal"))
    obstacles: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Obstacle", related_name="+", blank=True, verbose_name=_("obstacles")
    )
    achieved = models.BooleanField(_("achieved"), default=False)

    class Meta:
        ordering = ["life_domain__position", "id"]

    def __str__(self) -> str:
        return self.description[:50]


class Action(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # An action may be reopened or moved between any two statuses (a plan is a living document).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.OPEN: frozenset({Status.IN_PROGRESS, Status.DONE, Status.CANCELLED}),
        Status.IN_PROGRESS: frozenset({Status.OPEN, Status.DONE, Status.CANCELLED}),
        Status.DONE: frozenset({Status.OPEN, Status.IN_PROGRESS, Status.CANCELLED}),
        Status.CANCELLED: frozenset({Status.OPEN, Status.IN_PROGRESS, Status.DONE}),
    }

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pathway_actions", verbose_name=_("owner")
    )
    owner_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # whether the action is still to be done (open or in progress), kept by the database from the status: a
    # filter on it is a bare column in the SQL ("WHERE is_open"), which SQLite, unlike a bound status list, can
    # match against the partial index below
    is_open = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(status__in=["open", "in_progress"]), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("still to do"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            # a worker's open actions by due date (home page, menu, hand-over), read in order whatever the history,
            # on PostgreSQL and SQLite alike (filter on is_open=True)
            models.Index(
                fields=["owner", "due_on", "id"], condition=models.Q(is_open=True), name="action_open_owner_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:50]


class PlanChange(models.Model):
    """The plan's history: who changed what, and when (append-only)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="plan_changes")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict)
    case_conference = models.ForeignKey(
        "conferences.CaseConference", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_changes"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"v{self.version}: {self.summary}"


class ContactLog(TimeStampedModel):
    class Place(models.TextChoices):
        HOME = "home", _("At home")
        STREET = "street", _("In the street")
        PARTNER_SITE = "partner_site", _("At a partner's site")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="contacts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    happened_on = models.DateField(_("date"))
    place = models.CharField(_("where"), max_length=20, choices=Place.choices)
    present = models.CharField(_("who was there"), max_length=200, blank=True)
    summary = models.TextField(_("short summary"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    confidential = models.BooleanField(_("confidential (only my organisation)"), default=False)

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"contact #{self.pk}"


class Outcome(models.TextChoices):
    REGULAR_JOB = "regular_job", _("Regular job")
    SOCIAL_ECONOMY = "social_economy", _("Social economy or sheltered work")
    ART60 = "art60", _("Art. 60 employment")
    TRAINING = "training", _("Training or education")
    VOLUNTEERING = "volunteering", _("Volunteering")
    CARE = "care", _("Care or welfare pathway (work not yet attainable)")
    MOVED_AWAY = "moved_away", _("Moved away")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    OTHER = "other", _("Other")


class Closure(TimeStampedModel):
    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="closure")
    closed_on = models.DateField(_("closed on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # ESF+ immediate results upon leaving (EECR01-04)
    job_searching = models.BooleanField(_("job searching upon leaving"), default=False)
    in_education = models.BooleanField(_("in education or training upon leaving"), default=False)
    qualification = models.BooleanField(_("gained a qualification"), default=False)
    employed = models.BooleanField(_("in employment (incl. self-employed) upon leaving"), default=False)
    note = models.TextField(_("note"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    follow_up_due = models.DateField(_("follow-up due"))
    # the follow-up six months later (EECR05-06)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    employed_after_6_months = models.BooleanField(_("in employment six months later"), null=True, blank=True)
    better_situation_after_6_months = models.BooleanField(
        _("better labour-market situation six months later"), null=True, blank=True
    )
    follow_up_note = models.TextField(_("follow-up note"), blank=True)

    def __str__(self) -> str:
        return f"closure of #{self.pathway_id}"
