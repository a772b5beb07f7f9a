"""Writes on a user's own login security: the TOTP device and backup codes (docs/decisions/0011-login-security.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Organisation
from apps.audit.services import audit_log
from apps.core.search import compose_key

BACKUP_CODE_COUNT = 10
DEVICE_NAME = "Padwijzer"


@transaction.atomic
def totp_device_start(*, actor: Any) -> TOTPDevice:
    """A new unconfirmed TOTP device (fresh random secret) for ``actor``, replacing earlier unconfirmed ones.

    Raises ValidationError when ``actor`` already has a confirmed device (a second one needs a reset
    by an administrator, so a stolen password alone can never add a device).
    """
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("Two-step login is already set up for this account."))
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    audit_log(actor=actor, action="accounts.totp_device.started", obj=device)
    return device


@transaction.atomic
def totp_device_confirm(*, actor: Any, device: TOTPDevice, token: str) -> list[str]:
    """Confirm ``device`` with a 6-digit ``token`` from the app and create ``BACKUP_CODE_COUNT`` backup codes.

    Returns the backup codes (plain text, to be shown once; each works once). Raises ValidationError
    (on ``token``) when the code does not match the device's secret at this time (±1 step of 30 s).
    """
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationError({"token": _("This set-up has expired. Start again.")})
    if not device.verify_token((token or "").strip().replace(" ", "")):
        raise ValidationError({"token": _("This code is not correct. Enter the 6 digits the app shows now.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=actor).delete()
    backup = StaticDevice.objects.create(user=actor, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    audit_log(actor=actor, action="accounts.totp_device.confirmed", obj=device, changes={"backup_codes": len(codes)})
    return codes


def organisation_search_key(organisation: Organisation) -> str:
    """The organisation's stored search key (apps/core/search.py): its name (words and as one token) and its
    code. Every writer of the name (the admin, the conversion of candidacies, the demo) sets
    ``organisation.search_key`` to this before saving."""
    return compose_key(texts=(organisation.name,), names=(organisation.code,))
