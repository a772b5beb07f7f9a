"""The ESF+ participant record: one participation per client per operation (region), entry data and results.

The rules behind every field and indicator, with their sources: docs/esf-indicators.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

# EU member states (ISO 3166-1 alpha-2). A nationality outside this list is a third-country national
# (Reg. 2021/1057 Art. 2(2): not an EU citizen, stateless persons included).
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "HU",
    ]
)
STATELESS = "XX"


class EsfGender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")


class LabourStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed (incl. self-employed)")
    UNEMPLOYED = "unemployed", _("Unemployed")
    INACTIVE = "inactive", _("Inactive (incl. in education)")


class Tri(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    REFUSED = "refused", _("Refused or unknown")


class Source(models.TextChoices):
    SELF_DECLARED = "self_declared", _("Self-declared")
    REGISTER = "register", _("Register")
    ESTIMATE = "estimate", _("Informed estimate")
    TARGET_GROUP = "target_group", _("Target-group rule")


class Ethos(models.TextChoices):
    """ETHOS typology (FEANTSA) of housing exclusion; 'housed' = none of the four."""

    HOUSED = "housed", _("Adequately housed")
    ROOFLESS = "roofless", _("Roofless (street, night shelter)")
    HOUSELESS = "houseless", _("Houseless (shelter, institution)")
    INSECURE = "insecure", _("Insecure housing")
    INADEQUATE = "inadequate", _("Inadequate housing")


class Participation(TimeStampedModel):
    """One ESF+ participation: the first entry of a client into an ESF+-financed pathway of an operation.

    A re-entry within the same operation (region) reuses the record: the entry date stays the first.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="esf_participations")
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="esf_participations", null=True, blank=True
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality at entry")
    )
    challenge = models.ForeignKey(
        "regions.Challenge", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_group = models.ForeignKey(
        "regions.TargetGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry_date = models.DateField(_("entry date"))
    leaving_date = models.DateField(_("leaving date"), null=True, blank=True)
    # at entry
    gender = models.CharField(_("gender"), max_length=12, choices=EsfGender.choices)
    age_at_entry = models.PositiveSmallIntegerField(_("age on the entry date"))
    labour_status = models.CharField(_("labour-market status"), max_length=12, choices=LabourStatus.choices, blank=True)
    unemployed_months = models.PositiveSmallIntegerField(_("months continuously unemployed"), null=True, blank=True)
    isced_level = models.PositiveSmallIntegerField(_("highest ISCED level completed"), null=True, blank=True)
    nationality = models.CharField(_("nationality (ISO code, XX = stateless)"), max_length=2, blank=True)
    housing = models.CharField(_("housing (ETHOS)"), max_length=12, choices=Ethos.choices, blank=True)
    # special categories (GDPR Art. 9): yes / no / refused-or-unknown, with their source
    disability = models.CharField(_("disability"), max_length=8, choices=Tri.choices, blank=True)
    disability_source = models.CharField(_("source"), max_length=14, choices=Source.choices, blank=True)
    foreign_background = models.CharField(_("foreign background"), max_length=8, choices=Tri.choices, blank=True)
    foreign_background_source = models.CharField(_("source"), max_length=14, choices=Source.choices, blank=True)
    minority = models.CharField(_("minority"), max_length=8, choices=Tri.choices, blank=True)
    minority_source = models.CharField(_("source"), max_length=14, choices=Source.choices, blank=True)
    # results upon leaving (EECR01-04), recorded within the leaving window
    results_recorded_on = models.DateField(_("results recorded on"), null=True, blank=True)
    # days between leaving and recording the results, kept by the service so the report compares integers
    results_delay_days = models.PositiveIntegerField(null=True, blank=True, editable=False)
    job_searching = models.BooleanField(_("job searching upon leaving"), null=True, blank=True)
    in_education = models.BooleanField(_("in education or training upon leaving"), null=True, blank=True)
    qualification = models.BooleanField(_("gained a qualification upon leaving"), null=True, blank=True)
    employed_on_leaving = models.BooleanField(_("employed (incl. self-employed) upon leaving"), null=True, blank=True)
    # six months after leaving (EECR05-06)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    in_sample = models.BooleanField(_("in the follow-up sample"), default=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    employed_after = models.BooleanField(_("employed six months after leaving"), null=True, blank=True)
    better_situation_after = models.BooleanField(
        _("better labour-market situation six months after leaving"), null=True, blank=True
    )

    class Meta:
        ordering = ["entry_date", "id"]
        verbose_name = _("ESF+ participation")
        verbose_name_plural = _("ESF+ participations")
        constraints = [models.UniqueConstraint(fields=["region", "client"], name="uniq_esf_participation")]
        indexes = [
            models.Index(fields=["region", "entry_date"]),
            models.Index(fields=["region", "leaving_date"]),
        ]

    def __str__(self) -> str:
        return f"ESF+ participation #{self.pk}"
