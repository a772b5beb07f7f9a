"""Who needs a second factor, and in which state a logged-in session is (docs/decisions/0011-login-security.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django_otp import device_classes

from apps.accounts.permissions import roles_of

# Session key caching the state for this login (computed once per login).
SESSION_KEY = "pw_2fa"


class State(models.TextChoices):
    OK = "ok", "ok"  # no device and none required: the password is enough
    VERIFY = "verify", "verify"  # has a confirmed device: must enter a code
    ENROL = "enrol", "enrol"  # role requires a second factor, no device yet


def second_factor_required(user: Any) -> bool:
    """True when one of the user's active roles is in ``settings.OTP_REQUIRED_ROLES``; superusers count
    as administrators. Source: docs/decisions/0011-login-security.md (the list of roles)."""
    required = settings.OTP_REQUIRED_ROLES
    if not required:
        return False
    if getattr(user, "is_superuser", False) and "administrator" in required:
        return True
    return bool(roles_of(user) & required)


def has_confirmed_device(user: Any) -> bool:
    """True when the user has a confirmed device of any installed kind (TOTP, backup codes): one query, the
    kinds' confirmed rows of the user as one union."""
    if getattr(user, "is_anonymous", True):
        return False
    confirmed = [model.objects.filter(user=user, confirmed=True).values("pk") for model in device_classes()]
    return confirmed[0].union(*confirmed[1:], all=True).exists()


def second_factor_state(user: Any) -> str:
    """The :class:`State` value of a logged-in but not yet verified user (2-3 queries)."""
    if has_confirmed_device(user):
        return State.VERIFY
    if second_factor_required(user):
        return State.ENROL
    return State.OK
