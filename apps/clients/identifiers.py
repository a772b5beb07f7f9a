"""Belgian national register (rijksregisternummer) and BIS numbers.

Validated with python-stdnum (including the rule for people born in 2000 or later), never stored
in clear: an HMAC digest finds duplicates, a Fernet-encrypted copy is shown to those allowed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError as StdnumError

logger = logging.getLogger(__name__)


def normalise(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


# The daily serial (digits 7-9) runs from 001 to 997 (odd for men, even for women): 000 and 999 are never
# issued (Rijksregister, "Structuur van het identificatienummer"); python-stdnum checks only the check digits.
NEVER_ISSUED_SERIALS = frozenset({"000", "999"})


def validate_national_number(value: str, *, birth_date: dt.date | None = None) -> str:
    """Return the 11 digits of a valid national register or BIS number, or raise a Dutch ValidationError.

    Refused (codes): not 11 digits (``length``), serial 000 or 999 (``serial``), a month out of range
    (``month``), wrong check digits (``checksum``), a birth date other than ``birth_date`` (``birth_date``).
    """
    digits = normalise(value)
    if len(digits) != 11:
        raise ValidationError(_("A national register or BIS number has 11 digits."), code="length")
    module = bis if int(digits[2:4]) >= 20 else nn
    if digits[6:9] in NEVER_ISSUED_SERIALS:
        raise ValidationError(
            _("The serial number %(serial)s (digits 7 to 9) is never issued: check the number.")
            % {"serial": digits[6:9]},
            code="serial",
        )
    try:
        module.validate(digits)
    except StdnumError as exc:
        if int(digits[2:4]) > 12 and module is nn:
            raise ValidationError(_("The month in this number is not valid."), code="month") from exc
        raise ValidationError(_("The check digits of this number are not correct."), code="checksum") from exc
    if birth_date is not None:
        try:
            encoded = module.get_birth_date(digits)
        except StdnumError:
            encoded = None
        if encoded is not None and encoded != birth_date:
            raise ValidationError(
                _("This number belongs to someone born on %(date)s, not on the birth date given.")
                % {"date": encoded.strftime("%d/%m/%Y")},
                code="birth_date",
            )
    return digits


def format_number(digits: str) -> str:
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"


def mask(digits: str) -> str:
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-•••.••"


class UnreadableIdentifier(Exception):
    """A stored number cannot be decrypted with the configured ``IDENTIFIER_KEY`` (wrong key or damaged token)."""


def _key(key: str | None) -> str:
    return key if key is not None else settings.IDENTIFIER_KEY


@cache
def _key_material(purpose: str, key: str) -> bytes:
    return hashlib.sha256(f"padwijzer:{purpose}:{key}".encode()).digest()


def digest(digits: str, *, key: str | None = None) -> str:
    """HMAC-SHA256 (hex, 64 chars) of the 11 digits under ``key`` (default ``settings.IDENTIFIER_KEY``).

    Equal numbers give equal digests under one key: duplicate detection without the number in clear.
    """
    return hmac.new(_key_material("digest", _key(key)), digits.encode(), hashlib.sha256).hexdigest()


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material("encrypt", key)))


def encrypt(digits: str, *, key: str | None = None) -> str:
    """Fernet token (URL-safe text) of the digits under ``key`` (default ``settings.IDENTIFIER_KEY``)."""
    return _fernet(_key(key)).encrypt(digits.encode()).decode()


def decrypt(token: str, *, key: str | None = None) -> str:
    """The digits of a token made by :func:`encrypt`; raises :class:`UnreadableIdentifier` for another key."""
    try:
        return _fernet(_key(key)).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise UnreadableIdentifier from exc


def display(token: str, *, full: bool) -> str:
    """What a page shows for a stored token: formatted in full, masked, or a notice that it cannot be read.

    Never raises: a key that changed without ``rotate_identifier_key`` must not take a client file down.
    """
    if not token:
        return ""
    try:
        digits = decrypt(token)
    except UnreadableIdentifier:
        logger.error("national number unreadable with the configured IDENTIFIER_KEY")
        return _("(cannot be read: the identifier key has changed)")
    return format_number(digits) if full else mask(digits)
