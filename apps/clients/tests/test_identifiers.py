"""National register and BIS numbers: the worked examples of the identifiers reference (V1-V3)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.clients import identifiers


@pytest.mark.parametrize(
    ("number", "born"),
    [
        ("90.03.15-123.77", dt.date(1990, 3, 15)),  # V1: man born 1990
        ("03.11.02-046.63", dt.date(2003, 11, 2)),  # V2: woman born 2003 (the 2000+ rule)
        ("78.45.20-057.35", dt.date(1978, 5, 20)),  # V3: BIS number, sex known (month + 40)
        ("85073003328", dt.date(1985, 7, 30)),
        ("17073003384", dt.date(2017, 7, 30)),
    ],
)
def test_valid_numbers_are_accepted_with_their_birth_date(number: str, born: dt.date) -> None:
    digits = identifiers.validate_national_number(number, birth_date=born)
    assert digits == identifiers.normalise(number)
    assert identifiers.format_number(digits).replace(".", "").replace("-", "") == digits


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("90.03.15-123.99", "checksum"),  # X1: wrong check digits
        ("90.13.15-123.50", "month"),  # X2: month 13 is neither an RRN nor a BIS month
        ("90.03.15-123", "length"),
    ],
)
def test_invalid_numbers_are_refused(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        identifiers.validate_national_number(number)
    assert info.value.code == code


def test_a_number_that_only_fits_the_old_century_does_not_fit_someone_born_in_2003() -> None:
    # 03.11.02-046.34 passes the checksum only as a birth in 1903
    with pytest.raises(ValidationError) as info:
        identifiers.validate_national_number("03.11.02-046.34", birth_date=dt.date(2003, 11, 2))
    assert info.value.code in {"birth_date", "checksum"}


def test_the_number_must_match_the_birth_date() -> None:
    with translation.override("nl-be"), pytest.raises(ValidationError) as info:
        identifiers.validate_national_number("90.03.15-123.77", birth_date=dt.date(1990, 3, 16))
    assert "geboren op 15/03/1990" in info.value.messages[0]


def test_numbers_are_stored_encrypted_and_found_by_digest() -> None:
    token = identifiers.encrypt("90031512377")
    assert "90031512377" not in token
    assert identifiers.decrypt(token) == "90031512377"
    assert identifiers.digest(identifiers.normalise("90.03.15-123.77")) == identifiers.digest("90031512377")
    assert identifiers.digest("90031512377") != identifiers.digest("03110204663")
    assert identifiers.digest("90031512377") != hashlib.sha256(b"90031512377").hexdigest()  # keyed, not guessable
    other = "another-identifier-key-of-at-least-32-characters"
    assert identifiers.digest("90031512377", key=other) != identifiers.digest("90031512377")
    with pytest.raises(identifiers.UnreadableIdentifier):
        identifiers.decrypt(token, key=other)
    assert identifiers.mask("90031512377") == "90.03.15-•••.••"


@pytest.mark.parametrize(
    "number",
    [
        "90.03.15-000.06",  # serial 000, check digits right (python-stdnum accepts it)
        "90.03.15-999.74",  # serial 999
        "01.03.15-000.09",  # born 2001 (the 2000+ check digits)
        "90.43.15-999.63",  # a BIS number with serial 999
    ],
)
def test_a_serial_that_is_never_issued_is_refused_in_dutch(number: str) -> None:
    with translation.override("nl-be"), pytest.raises(ValidationError) as info:
        identifiers.validate_national_number(number)
    assert info.value.code == "serial"
    assert "nooit uitgereikt" in info.value.messages[0]
