"""Employer engagement (werkgeversbenadering): employers, their opportunities on the upper rungs of the
participation ladder, placements with job coaching, and the employer's private links.

States are TextChoices; every transition has one service (apps/employers/services.py) and the allowed
transitions are declared here (``PLACEMENT_TRANSITIONS``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class NaceSection(models.TextChoices):
    """NACE Rev. 2 sections (Eurostat; Belgian NACE-BEL 2008 uses the same sections)."""

    A = "A", _("A Agriculture, forestry and fishing")
    B = "B", _("B Mining and quarrying")
    C = "C", _("C Manufacturing")
    D = "D", _("D Electricity, gas, steam and air conditioning supply")
    E = "E", _("E Water supply, sewerage, waste management")
    F = "F", _("F Construction")
    G = "G", _("G Wholesale and retail trade, repair of vehicles")
    H = "H", _("H Transportation and storage")
    I = "I", _("I Accommodation and food service activities")  # noqa: E741
    J = "J", _("J Information and communication")
    K = "K", _("K Financial and insurance activities")
    L = "L", _("L Real estate activities")
    M = "M", _("M Professional, scientific and technical activities")
    N = "N", _("N Administrative and support service activities")
    O = "O", _("O Public administration and defence")  # noqa: E741
    P = "P", _("P Education")
    Q = "Q", _("Q Human health and social work activities")
    R = "R", _("R Arts, entertainment and recreation")
    S = "S", _("S Other service activities")
    T = "T", _("T Households as employers")
    U = "U", _("U Extraterritorial organisations")


class EmployerSize(models.TextChoices):
    """Size classes of the EU recommendation 2003/361/EC (staff headcount)."""

    MICRO = "micro", _("Micro (fewer than 10)")
    SMALL = "small", _("Small (10 to 49)")
    MEDIUM = "medium", _("Medium (50 to 249)")
    LARGE = "large", _("Large (250 or more)")


class Employer(TimeStampedModel):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10)
    sector = models.CharField(_("sector (NACE)"), max_length=1, choices=NaceSection.choices)
    nace_code = models.CharField(_("NACE code"), max_length=8, blank=True)
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    size = models.CharField(_("size"), max_length=10, choices=EmployerSize.choices)
    holder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner organisation holding the relationship"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(fields=["region", "enterprise_number"], name="uniq_employer_enterprise_number")
        ]
        # the keyset pages of the employer list (apps/core/keyset.py): per region, by name then id
        indexes = [models.Index(fields=["region", "name", "id"], name="employer_region_name_keyset")]

    def __str__(self) -> str:
        return self.name

    @property
    def enterprise_number_display(self) -> str:
        n = self.enterprise_number
        return f"{n[:4]}.{n[4:7]}.{n[7:]}" if len(n) == 10 else n


class EmployerContact(TimeStampedModel):
    """A contact person: minimal data (name, role, how to reach them)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Company visit")
    INFO_SESSION = "info_session", _("Information session")
    AWARENESS = "awareness", _("Awareness training on the target groups")
    WORKPLACE_ADVICE = "workplace_advice", _("Workplace adaptation advice")
    DIVERSITY_PLAN = "diversity_plan", _("Diversity plan")


class EngagementActivity(TimeStampedModel):
    """One engagement activity with an employer, with its follow-up action (like the contact log)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("activity"), max_length=20, choices=ActivityKind.choices)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("short summary"))
    follow_up = models.CharField(_("follow-up action"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"activity #{self.pk}"


class OpportunityKind(models.TextChoices):
    VOLUNTEERING = "volunteering", _("Volunteering place")
    WORK_LIKE = "work_like", _("Work-like activity")
    INTERNSHIP = "internship", _("Internship")
    WORK_EXPERIENCE = "work_experience", _("Work-experience place")
    ARTICLE_60 = "article_60", _("Article 60 employment")
    SUPPORTED = "supported", _("Supported employment")
    SOCIAL_ECONOMY = "social_economy", _("Social economy (maatwerkbedrijf)")
    VACANCY = "vacancy", _("Regular vacancy")


# The rung of the participation ladder (W² variant, apps.assessment.models.LadderRung) each kind belongs to.
KIND_RUNG: dict[str, int] = {
    OpportunityKind.VOLUNTEERING: 3,
    OpportunityKind.WORK_LIKE: 3,
    OpportunityKind.INTERNSHIP: 4,
    OpportunityKind.WORK_EXPERIENCE: 4,
    OpportunityKind.ARTICLE_60: 4,
    OpportunityKind.SUPPORTED: 5,
    OpportunityKind.SOCIAL_ECONOMY: 5,
    OpportunityKind.VACANCY: 6,
}


class Shift(models.TextChoices):
    DAY = "day", _("Day")
    EVENING = "evening", _("Evening")
    NIGHT = "night", _("Night")
    WEEKEND = "weekend", _("Weekend")


class Support(models.TextChoices):
    JOB_COACH = "job_coach", _("Job coach")
    ADAPTED_TASKS = "adapted_tasks", _("Adapted tasks")
    LANGUAGE = "language", _("Language support on the job")


class Opportunity(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="opportunities")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind.choices)
    rung = models.PositiveSmallIntegerField(_("rung"), editable=False)
    isco_code = models.CharField(_("occupation (ISCO-08)"), max_length=4)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    shifts = models.JSONField(_("shifts"), default=list, blank=True)
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    dutch_level = models.CharField(_("Dutch level needed"), max_length=2)
    driving_licence = models.BooleanField(_("driving licence needed"), default=False)
    supports = models.JSONField(_("support the employer accepts"), default=list, blank=True)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["status", "rung"])]

    def __str__(self) -> str:
        return self.title

    def support_labels(self) -> list[str]:
        return [str(Support(s).label) for s in self.supports]

    def shift_labels(self) -> list[str]:
        return [str(Shift(s).label) for s in self.shifts]


class WorkWish(TimeStampedModel):
    """What the client wants from work (asked by the counsellor), used by the matching."""

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="work_wish")
    occupations = models.JSONField(_("occupations wished (ISCO-08 codes, any level)"), default=list, blank=True)
    max_travel_minutes = models.PositiveSmallIntegerField(_("longest acceptable journey (minutes)"), default=60)
    max_hours_per_week = models.PositiveSmallIntegerField(_("most hours per week"), default=38)
    shifts = models.JSONField(_("acceptable shifts"), default=list, blank=True)
    driving_licence = models.BooleanField(_("has a driving licence"), default=False)

    def __str__(self) -> str:
        return f"work wish #{self.pk}"


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the employer")
    INTERESTED = "interested", _("Employer interested")
    DECLINED = "declined", _("Employer declined")
    INTAKE = "intake", _("Intake interview planned")
    STARTED = "started", _("Started")
    ENDED = "ended", _("Ended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# to-state -> the states it may come from; one service per transition (services.py).
PLACEMENT_TRANSITIONS: dict[str, set[str]] = {
    PlacementStatus.INTERESTED: {PlacementStatus.PROPOSED},
    PlacementStatus.DECLINED: {PlacementStatus.PROPOSED},
    PlacementStatus.INTAKE: {PlacementStatus.INTERESTED},
    PlacementStatus.STARTED: {PlacementStatus.INTAKE},
    PlacementStatus.ENDED: {PlacementStatus.STARTED},
    PlacementStatus.WITHDRAWN: {PlacementStatus.PROPOSED, PlacementStatus.INTERESTED, PlacementStatus.INTAKE},
}


class RefusalReason(models.TextChoices):
    NO_PLACE_NOW = "no_place_now", _("No place at the moment")
    PROFILE = "profile", _("The profile does not fit the job")
    LANGUAGE = "language", _("Language")
    SUPPORT = "support", _("We cannot offer the support needed")
    OTHER = "other", _("Another reason")


class PlacementOutcome(models.TextChoices):
    COMPLETED = "completed", _("Completed as planned")
    CONTRACT = "contract", _("Continued with a (new) contract")
    ENDED_BY_EMPLOYER = "ended_by_employer", _("Ended by the employer")
    ENDED_BY_CLIENT = "ended_by_client", _("Ended by the client")
    OTHER = "other", _("Other")


class Placement(TimeStampedModel):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="placements")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="placements")
    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.PROTECT, related_name="placements")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=PlacementStatus.choices, default=PlacementStatus.PROPOSED
    )
    motivation = models.TextField(_("why this candidate (no name)"), blank=True)
    consent = models.ForeignKey("consent.Consent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=20, choices=RefusalReason.choices, blank=True)
    refusal_note = models.CharField(_("explanation"), max_length=300, blank=True)
    intake_on = models.DateField(_("intake interview on"), null=True, blank=True)
    start_on = models.DateField(_("start date"), null=True, blank=True)
    start_confirmed_by_employer = models.BooleanField(default=False)
    end_on = models.DateField(_("end date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=PlacementOutcome.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="placement_created_idx")]  # the keyset pages
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "client"],
                condition=~models.Q(status__in=["declined", "withdrawn", "ended"]),
                name="uniq_live_placement",
            )
        ]

    def __str__(self) -> str:
        return f"placement #{self.pk}"

    @property
    def is_paid_work(self) -> bool:
        """Rungs 5 and 6 and article 60 are paid employment."""
        return self.opportunity.rung >= 5 or self.opportunity.kind == OpportunityKind.ARTICLE_60


class CoachingContact(TimeStampedModel):
    """A job-coaching follow-up contact, planned (by default 1, 4 and 12 weeks after the start) and then done."""

    class With(models.TextChoices):
        EMPLOYER = "employer", _("The employer")
        CLIENT = "client", _("The client")
        BOTH = "both", _("Employer and client together")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="coaching")
    planned_on = models.DateField(_("planned on"))
    week = models.PositiveSmallIntegerField(_("week"), null=True, blank=True)
    with_whom = models.CharField(_("with"), max_length=10, choices=With.choices, default=With.BOTH)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    summary = models.TextField(_("short summary"), blank=True)
    still_working = models.BooleanField(_("still working"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"coaching contact #{self.pk}"


class EmployerLink(models.Model):
    """A private link for the employer: one purpose, one use, an expiry. Only the token's digest is stored."""

    class Purpose(models.TextChoices):
        ANSWER = "answer", _("Answer the proposal")
        CONFIRM_START = "confirm_start", _("Confirm the start")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"employer link #{self.pk}"
