"""Intake and later screenings: life-domain levels, obstacles, participation ladder, ESF+ entry data.

The first completed screening is the baseline; later ones form the timeline.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PREFER_NOT = "prefer_not", _("Prefers not to say")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed (job-seeking)")
    INACTIVE = "inactive", _("Inactive (not job-seeking, or in education)")


class HousingSituation(models.TextChoices):
    OWN_HOME = "own_home", _("Own home")
    RENTED = "rented", _("Rented home")
    WITH_FAMILY = "with_family", _("With family or friends")
    HOMELESS = "homeless", _("Homeless or housing exclusion")
    INSTITUTION = "institution", _("Institution or shelter")


class LadderRung(models.IntegerChoices):
    """The participation ladder, Flemish W² variant (see shared reference instruments.md)."""

    ISOLATED = 1, _("1 Isolated")
    SOCIAL_CONTACTS = 2, _("2 Social contacts and use of care services")
    WORK_LIKE_ACTIVITIES = 3, _("3 Work-like activities")
    ACTIVATION = 4, _("4 Activation pathway")
    SUPPORTED_WORK = 5, _("5 Paid work with support")
    PAID_WORK = 6, _("6 Paid work without support")


class Level(models.IntegerChoices):
    ACUTE = 1, _("1 Acute problems")
    NOT_SELF_RELIANT = 2, _("2 Not self-reliant")
    LIMITED = 3, _("3 Limited self-reliance")
    SUFFICIENT = 4, _("4 Sufficiently self-reliant")
    FULL = 5, _("5 Fully self-reliant")


ISCED_CHOICES = [
    (0, _("ISCED 0: less than primary")),
    (1, _("ISCED 1: primary")),
    (2, _("ISCED 2: lower secondary")),
    (3, _("ISCED 3: upper secondary")),
    (4, _("ISCED 4: post-secondary non-tertiary")),
    (5, _("ISCED 5: short-cycle tertiary")),
    (6, _("ISCED 6: bachelor")),
    (7, _("ISCED 7: master")),
    (8, _("ISCED 8: doctorate")),
]


def validate_birth_years(value: Any) -> None:
    """A list of at most 20 birth years (integers from 1900 to this year); raises ValidationError."""
    if not isinstance(value, list) or len(value) > 20:
        raise ValidationError(_("Give at most 20 birth years."))
    for year in value:
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= timezone.localdate().year:
            raise ValidationError(_("%(value)s is not a birth year.") % {"value": year})


class Screening(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.COMPLETED}),
        Status.COMPLETED: frozenset(),
    }

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="screenings")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    screened_on = models.DateField(_("date of the screening"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # optimistic lock: every step's save and completing move it on (apps.core.concurrency)
    version = models.PositiveIntegerField(default=1)
    ladder_variant = models.CharField(max_length=10, default="w2", editable=False)
    ladder_current = models.PositiveSmallIntegerField(
        _("current rung"), choices=LadderRung.choices, null=True, blank=True
    )
    ladder_attainable = models.PositiveSmallIntegerField(
        _("attainable rung"), choices=LadderRung.choices, null=True, blank=True
    )
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices, blank=True
    )
    unemployed_months = models.PositiveIntegerField(_("months unemployed"), null=True, blank=True)
    in_education = models.BooleanField(_("in education or training"), null=True, blank=True)
    isced_level = models.PositiveSmallIntegerField(
        _("highest education completed"),
        choices=ISCED_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(8)],
    )
    housing_situation = models.CharField(
        _("housing situation"), max_length=20, choices=HousingSituation.choices, blank=True
    )
    foreign_background = models.CharField(_("foreign background"), max_length=12, choices=Answer.choices, blank=True)
    third_country_national = models.CharField(
        _("third-country national"), max_length=12, choices=Answer.choices, blank=True
    )
    disability = models.CharField(_("disability"), max_length=12, choices=Answer.choices, blank=True)
    # Household at intake (ESF+ asks for single-adult households with dependent children); rules
    # test them as facts: docs/region-format.md, "Rules" (format 1.3).
    household_adults = models.PositiveSmallIntegerField(
        _("adults in the household"), null=True, blank=True, validators=[MaxValueValidator(20)]
    )
    household_children = models.JSONField(
        _("birth years of the children in the household"),
        default=list,
        blank=True,
        validators=[validate_birth_years],
    )
    single_parent = models.BooleanField(_("single parent"), null=True, blank=True)
    other_obstacles = models.TextField(_("other obstacles"), blank=True)
    obstacles: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Obstacle", through="ScreeningObstacle", related_name="screenings", blank=True
    )

    class Meta:
        ordering = ["screened_on", "id"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [models.Index(fields=["client", "status", "screened_on"])]

    def __str__(self) -> str:
        return f"screening #{self.pk} ({self.screened_on})"


class DomainScore(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="scores")
    life_domain = models.ForeignKey("regions.LifeDomain", on_delete=models.PROTECT, related_name="+")
    # None: "not known / not discussed" (a domain can be left open without guessing a level)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, null=True, blank=True)
    client_level = models.PositiveSmallIntegerField(
        _("the client's own view"), choices=Level.choices, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["screening", "life_domain"], name="uniq_score_domain")]

    def __str__(self) -> str:
        return f"{self.life_domain_id}: {self.level}"


class ScreeningObstacle(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE)
    obstacle = models.ForeignKey("regions.Obstacle", on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["screening", "obstacle"], name="uniq_screening_obstacle")]

    def __str__(self) -> str:
        return f"{self.screening_id}: {self.obstacle_id}"
