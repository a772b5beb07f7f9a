"""The social map (sociale kaart): partner organisations' offers (aanbod)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class DeliveryMode(models.TextChoices):
    AT_ADDRESS = "at_address", _("At an address")
    OUTREACH = "outreach", _("Outreach (at home or in the street)")
    ONLINE = "online", _("Online")


class Format(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class Period(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class Offer(TimeStampedModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description (Dutch)"))
    intervention_types: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.InterventionType", related_name="offers", verbose_name=_("intervention types")
    )
    obstacles: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Obstacle", related_name="offers", verbose_name=_("obstacles addressed")
    )
    municipalities: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.Municipality", related_name="offers", verbose_name=_("municipalities served")
    )
    delivery_mode = models.CharField(_("delivery mode"), max_length=20, choices=DeliveryMode.choices)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.INDIVIDUAL)
    address = models.CharField(_("address"), max_length=200, blank=True)
    location_municipality = models.ForeignKey(
        "regions.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality of the address"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter_available = models.BooleanField(_("interpreter available"), default=False)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    target_groups: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "regions.TargetGroup",
        related_name="offers",
        blank=True,
        verbose_name=_("only for these target groups (empty: everyone)"),
    )
    gender_specific = models.CharField(
        _("only for"), max_length=1, blank=True, choices=[("F", _("women")), ("M", _("men"))]
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    capacity_period = models.CharField(_("per"), max_length=10, choices=Period.choices, default=Period.MONTH)
    occupancy = models.PositiveIntegerField(_("current occupancy"), default=0)
    waiting_weeks = models.PositiveSmallIntegerField(_("usual waiting time (weeks)"), default=0)
    cost_to_client = models.DecimalField(_("cost to the client (EUR)"), max_digits=7, decimal_places=2, default=0)
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation__name", "title"]
        constraints = [
            # the database, not only the services, keeps the places taken within the capacity (issue 10)
            models.CheckConstraint(
                condition=models.Q(occupancy__lte=models.F("capacity")), name="offer_occupancy_within_capacity"
            ),
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.title

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.occupancy, 0)


class WaitingListEntry(TimeStampedModel):
    """A client waiting for a place in an offer (or for any fitting offer when ``offer`` is empty)."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="waiting_entries")
    offer = models.ForeignKey(Offer, null=True, blank=True, on_delete=models.CASCADE, related_name="waiting_entries")
    since = models.DateField(_("waiting since"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_open = models.BooleanField(default=True)

    # an entry only closes (placed, the pathway closed, taken off the list); it never reopens: a client who waits
    # again gets a new entry. Bulk closings filter on ``is_open=True`` (``sources(WaitingListEntry, False,
    # field="is_open")``).
    IS_OPEN_TRANSITIONS: ClassVar[dict[bool, frozenset[bool]]] = {True: frozenset({False}), False: frozenset()}

    class Meta:
        ordering = ["since", "id"]
        indexes = [models.Index(fields=["is_open", "since"])]
        constraints = [
            # one open entry per client and offer, and one open "any fitting offer" entry per client (issue 10);
            # two partial constraints because NULL offers are distinct in a unique index
            models.UniqueConstraint(
                fields=["client", "offer"],
                condition=models.Q(is_open=True, offer__isnull=False),
                name="uniq_open_waiting_entry_offer",
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(is_open=True, offer__isnull=True),
                name="uniq_open_waiting_entry_any",
            ),
        ]

    def __str__(self) -> str:
        return f"waiting #{self.pk}"
