"""Settings from the environment: typed helpers that refuse bad values loudly."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from padwijzer.settings import envbool, envint, envlist


def test_integers_booleans_and_lists_are_read_from_the_environment(monkeypatch: Any, tmp_path: Any) -> None:
    monkeypatch.setenv("REFERRAL_ESCALATION_DAYS", " 7 ")
    monkeypatch.setenv("SECURE_COOKIES", "Yes")
    monkeypatch.setenv("ALLOWED_HOSTS", "padwijzer.example, ,localhost")
    assert envint("REFERRAL_ESCALATION_DAYS", 5, minimum=1) == 7
    assert envbool("SECURE_COOKIES", False) is True
    assert envlist("ALLOWED_HOSTS", "") == ["padwijzer.example", "localhost"]
    secret = tmp_path / "shortlist"
    secret.write_text("40\n")
    monkeypatch.setenv("ALLOCATION_SHORTLIST_FILE", str(secret))
    assert envint("ALLOCATION_SHORTLIST", 100) == 40


def test_unset_or_empty_values_give_the_default(monkeypatch: Any) -> None:
    monkeypatch.delenv("ALLOCATION_SHORTLIST", raising=False)
    monkeypatch.setenv("SECURE_COOKIES", "")
    assert envint("ALLOCATION_SHORTLIST", 100) == 100
    assert envbool("SECURE_COOKIES", False) is False


@pytest.mark.parametrize(
    ("name", "value", "read", "message"),
    [
        ("REFERRAL_ESCALATION_DAYS", "five", lambda: envint("REFERRAL_ESCALATION_DAYS", 5), "must be an integer"),
        ("REFERRAL_ESCALATION_DAYS", "0", lambda: envint("REFERRAL_ESCALATION_DAYS", 5, minimum=1), "between 1"),
        ("ALLOCATION_SHORTLIST", "1e3", lambda: envint("ALLOCATION_SHORTLIST", 100), "must be an integer"),
        ("DEBUG", "ja", lambda: envbool("DEBUG", False), "must be a boolean"),
    ],
)
def test_bad_values_stop_the_start_up(monkeypatch: Any, name: str, value: str, read: Any, message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        read()


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import padwijzer.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, check=False
    )


def test_production_requires_an_identifier_key_apart_from_the_secret_key() -> None:
    secret = {"SECRET_KEY": "x" * 50}
    missing = _start(secret)
    assert missing.returncode != 0 and "Set IDENTIFIER_KEY" in missing.stderr
    short = _start(secret | {"IDENTIFIER_KEY": "too-short"})
    assert short.returncode != 0 and "at least 32 characters" in short.stderr
    assert _start(secret | {"IDENTIFIER_KEY": "k" * 40}).returncode == 0
    bad_days = _start(secret | {"IDENTIFIER_KEY": "k" * 40, "REFERRAL_ESCALATION_DAYS": "soon"})
    assert bad_days.returncode != 0 and "REFERRAL_ESCALATION_DAYS must be an integer" in bad_days.stderr
