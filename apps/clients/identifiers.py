"""Belgian national register (rijksregisternummer) and BIS numbers.

Validated with python-stdnum (including the rule for people born in 2000 or later), never stored
in clear: an HMAC digest finds duplicates, a Fernet-encrypted copy is shown to those allowed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError as StdnumError


def normalise(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def validate_national_number(value: str, *, birth_date: dt.date | None = None) -> str:
    """Return the 11 digits of a valid national register or BIS number, or raise a Dutch ValidationError."""
    digits = normalise(value)
    if len(digits) != 11:
        raise ValidationError(_("A national register or BIS number has 11 digits."), code="length")
    module = bis if int(digits[2:4]) >= 20 else nn
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


def _key_material(purpose: str) -> bytes:
    secret = getattr(settings, "IDENTIFIER_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(f"padwijzer:{purpose}:{secret}".encode()).digest()


def digest(digits: str) -> str:
    return hmac.new(_key_material("digest"), digits.encode(), hashlib.sha256).hexdigest()


@cache
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material("encrypt")))


def encrypt(digits: str) -> str:
    return _fernet().encrypt(digits.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
