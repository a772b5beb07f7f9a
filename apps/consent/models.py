"""Consent to share a client's data across an organisation's boundary.

A consent covers organisations x data categories x purposes, was given in a recorded way
(written, or verbal with a witness), and may be withdrawn; a withdrawal takes effect on
the next request because every read checks ``consent_covers`` afresh.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identity and contact")
    LIFE_DOMAINS = "life_domains", _("Life domains and obstacles")
    HEALTH = "health", _("Health and mental health")
    ADDICTION = "addiction", _("Addiction")
    JUSTICE = "justice", _("Justice")
    FINANCES = "finances", _("Finances")
    WORK_EDUCATION = "work_education", _("Work, education and ESF+ data")


SPECIAL_CATEGORIES = {DataCategory.HEALTH, DataCategory.ADDICTION, DataCategory.JUSTICE}


class Purpose(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance in the pathway")
    REFERRAL = "referral", _("Referral")
    REPORTING = "reporting", _("Reporting")
    EMPLOYER_MEDIATION = "employer_mediation", _("Mediation with an employer")


class Method(models.TextChoices):
    WRITTEN = "written", _("Written, signed")
    VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, with a witness")


class Consent(TimeStampedModel):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="consents")
    organisations: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "accounts.Organisation", related_name="consents", verbose_name=_("organisations")
    )
    categories = models.JSONField(_("data categories"), default=list)
    purposes = models.JSONField(_("purposes"), default=list)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    # A recipient outside the partnership (for employer mediation: the employer's name).
    external_recipient = models.CharField(_("recipient outside the partnership"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def category_labels(self) -> list[str]:
        return [str(DataCategory(c).label) for c in self.categories]

    def purpose_labels(self) -> list[str]:
        return [str(Purpose(p).label) for p in self.purposes]
