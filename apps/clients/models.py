"""Clients (hulpvragers). The foundation holds the minimal identity; intake adds screenings."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Gender(models.TextChoices):
    FEMALE = "F", _("Woman")
    MALE = "M", _("Man")
    X = "X", _("X (non-binary or not specified)")


class DutchLevel(models.TextChoices):
    A0 = "A0", "A0"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", _("C2 / native")


class Client(TimeStampedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="clients",
        help_text=_("The organisation that registered the client."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    municipality = models.ForeignKey(
        "regions.Municipality", on_delete=models.PROTECT, related_name="clients", verbose_name=_("municipality")
    )
    deelgemeente = models.ForeignKey(
        "regions.Deelgemeente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("deelgemeente"),
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    dutch_level = models.CharField(_("level of Dutch"), max_length=2, choices=DutchLevel.choices)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    obstacles: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Obstacle", through="ClientObstacle", related_name="clients", blank=True
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [models.Index(fields=["organisation", "last_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ClientObstacle(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    obstacle = models.ForeignKey("regions.Obstacle", on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "obstacle"], name="uniq_client_obstacle")]
