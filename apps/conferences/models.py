"""Case conferences (casusoverleg) and system signals (barriers in the system itself, not in a client)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class CaseConference(TimeStampedModel):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    organised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participants: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="case_conferences", verbose_name=_("participants")
    )
    pathways: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "pathways.Pathway", related_name="case_conferences", verbose_name=_("clients discussed")
    )
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        db_table = "pathways_caseconference"  # the table predates this app (docs/decisions/0009)
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["scheduled_at", "id"], name="conference_when_idx")]  # the keyset pages

    def __str__(self) -> str:
        return f"case conference #{self.pk}"


class SystemSignal(TimeStampedModel):
    """A barrier in the system itself (a waiting list, a rule that blocks), seen by the coordinator."""

    class Kind(models.TextChoices):
        WAITING_LIST = "waiting_list", _("Waiting list")
        RULE = "rule", _("A rule that blocks")
        GAP = "gap", _("Missing offer")
        OTHER = "other", _("Other")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    pathway = models.ForeignKey(
        "pathways.Pathway", null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )
    case_conference = models.ForeignKey(
        CaseConference, null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description (no client names)"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved = models.BooleanField(default=False)

    class Meta:
        db_table = "pathways_signal"  # the table predates this app and the rename (docs/decisions/0009)
        ordering = ["resolved", "-created_at"]
        indexes = [models.Index(fields=["resolved", "created_at", "id"], name="signal_resolved_created_idx")]

    def __str__(self) -> str:
        return f"signal #{self.pk}"
