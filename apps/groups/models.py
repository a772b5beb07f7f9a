"""Group activities (groepsaanbod) linked to an offer, and their sessions with attendance."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class GroupActivity(TimeStampedModel):
    """A language café, an atelier, a group session: sessions with attendance, linked to an offer."""

    offer = models.ForeignKey("partners.Offer", on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        db_table = "pathways_groupactivity"  # the table predates this app (docs/decisions/0009)

    def __str__(self) -> str:
        return self.title


class GroupSession(models.Model):
    activity = models.ForeignKey(GroupActivity, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    attendees: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "pathways.Pathway", related_name="sessions_attended", blank=True, verbose_name=_("present")
    )

    class Meta:
        db_table = "pathways_session"  # the table predates this app and the rename (docs/decisions/0009)
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["activity", "held_on", "id"], name="session_activity_held_idx")]  # pages

    def __str__(self) -> str:
        return f"{self.activity} {self.held_on}"
