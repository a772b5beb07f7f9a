"""Users, organisations and memberships with roles (see docs/decisions/0003-access-model.md)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class User(AbstractUser):
    """A person who logs in. Roles come from memberships, never from flags on the user."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="nl-be", choices=[("nl-be", "Nederlands"), ("en", "English")]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        VDAB = "vdab", _("VDAB")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        PARTNER = "partner", _("Partner organisation")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="organisations")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    # The name and code folded for search (apps/core/search.py), kept by whoever writes the name.
    search_key = models.CharField(max_length=500, blank=True, default="", db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        "regions.Municipality", null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="uniq_organisation_code")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Partnership coordinator")
    COUNSELLOR = "counsellor", _("Pathway counsellor")
    PEER_COMPANION = "peer_companion", _("Peer companion")
    PARTNER_WORKER = "partner_worker", _("Partner worker")
    JURY_MEMBER = "jury_member", _("Jury member")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="uniq_membership_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
