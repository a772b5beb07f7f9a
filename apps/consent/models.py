"""Consent to share a client's data across an organisation's boundary.

A consent covers organisations x data categories x purposes, was given (or refused) in a recorded way
(written, or verbal with a witness), may carry an end date and a signed form, and may be withdrawn.
Its status is one of given, refused, expired, withdrawn (:class:`ConsentStatus`); only a consent *in force*
(given, not withdrawn, end date not passed: ``Consent.objects.in_force()``) shares anything, and every read
checks it afresh, so a withdrawal or an end date takes effect on the next request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.storage import private_storage


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


class Decision(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")


class ConsentStatus(models.TextChoices):
    """The lifecycle as people read it: a given consent is in force until withdrawn or past its end date."""

    GIVEN = "given", _("in force")
    REFUSED = "refused", _("refused")
    EXPIRED = "expired", _("expired")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on: dt.date | None = None) -> ConsentQuerySet:
        """Consents that share data on ``on`` (default today): given, not withdrawn, end date not passed
        (the end date itself still counts). The one filter every read across organisations uses."""
        day = on or timezone.localdate()
        return self.filter(decision=Decision.GIVEN, withdrawn_on__isnull=True).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )


def signed_form_path(instance: Consent, filename: str) -> str:
    # No personal data in the name: the client id and a random part; the extension comes from the content.
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"consent/{instance.client_id}/{uuid.uuid4().hex}.{extension}"


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
    decision = models.CharField(
        _("answer of the client"), max_length=10, choices=Decision.choices, default=Decision.GIVEN
    )
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    signed_form = models.FileField(_("signed form"), storage=private_storage, upload_to=signed_form_path, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("given_on")),
                name="consent_ends_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="given") | models.Q(withdrawn_on__isnull=True),
                name="consent_refused_not_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    def status_on(self, day: dt.date | None = None) -> ConsentStatus:
        """Given (in force), refused, expired or withdrawn on ``day`` (default today)."""
        day = day or timezone.localdate()
        if self.decision == Decision.REFUSED:
            return ConsentStatus.REFUSED
        if self.withdrawn_on is not None:
            return ConsentStatus.WITHDRAWN
        if self.valid_until is not None and self.valid_until < day:
            return ConsentStatus.EXPIRED
        return ConsentStatus.GIVEN

    @property
    def status(self) -> ConsentStatus:
        return self.status_on()

    @property
    def is_active(self) -> bool:
        """In force today (the same rule as ``Consent.objects.in_force()``)."""
        return self.status == ConsentStatus.GIVEN

    def category_labels(self) -> list[str]:
        return [str(DataCategory(c).label) for c in self.categories]

    def purpose_labels(self) -> list[str]:
        return [str(Purpose(p).label) for p in self.purposes]
