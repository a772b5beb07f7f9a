"""IDENTIFIER_KEY: separate from SECRET_KEY, rotated by a command without losing a single number."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as Browser

from apps.audit.models import AuditEntry
from apps.clients.models import Client
from apps.clients.services import possible_duplicates
from conftest import register_client

NEW_KEY = "a-brand-new-identifier-key-for-the-rotation-test"


def test_rotating_the_secret_key_leaves_every_client_file_readable(personas: Any, settings: Any) -> None:
    mariam = register_client(personas, national_number="98.05.04-002.31")
    settings.SECRET_KEY = "a-completely-different-secret-key-after-rotation"
    browser = Browser()
    browser.force_login(personas.sofie)
    response = browser.get(f"/hulpvragers/{mariam.pk}/")
    assert response.status_code == 200
    assert "98.05.04-002.31" in response.content.decode()


def test_a_wrong_identifier_key_shows_a_notice_instead_of_failing(personas: Any, settings: Any) -> None:
    mariam = register_client(personas, national_number="98.05.04-002.31")
    settings.IDENTIFIER_KEY = "someone-changed-the-identifier-key-without-rotating"
    browser = Browser()
    browser.force_login(personas.sofie)
    response = browser.get(f"/hulpvragers/{mariam.pk}/")
    assert response.status_code == 200
    assert "kan niet gelezen worden" in response.content.decode()


def test_after_a_rotation_the_file_opens_and_duplicates_are_still_found(personas: Any, settings: Any) -> None:
    mariam = register_client(personas, national_number="98.05.04-002.31")
    before = Client.objects.get(pk=mariam.pk)
    out = StringIO()
    call_command("rotate_identifier_key", "--new-key", NEW_KEY, stdout=out)
    assert "1 national number(s) re-encrypted" in out.getvalue()
    after = Client.objects.get(pk=mariam.pk)
    assert after.national_number_digest != before.national_number_digest
    assert after.national_number_encrypted != before.national_number_encrypted
    assert AuditEntry.objects.get(action="clients.identifier_key.rotated").changes == {"count": 1}

    settings.IDENTIFIER_KEY = NEW_KEY  # the operator configures the new key and restarts
    browser = Browser()
    browser.force_login(personas.sofie)
    response = browser.get(f"/hulpvragers/{mariam.pk}/")
    assert response.status_code == 200 and "98.05.04-002.31" in response.content.decode()
    found = possible_duplicates(
        region_id=personas.region.pk,
        national_number="98050400231",
        first_name="Someone",
        last_name="Else",
        birth_date=None,
    )
    assert [d.client_id for d in found] == [mariam.pk]


def test_a_rotation_from_the_wrong_old_key_changes_nothing(personas: Any, tmp_path: Any) -> None:
    mariam = register_client(personas, national_number="98.05.04-002.31")
    wrong = tmp_path / "old.key"
    wrong.write_text("this-is-not-the-key-the-numbers-were-encrypted-with")
    with pytest.raises(CommandError, match="niets gewijzigd"):
        call_command("rotate_identifier_key", "--new-key", NEW_KEY, "--old-key-file", str(wrong))
    assert Client.objects.get(pk=mariam.pk).national_number_encrypted == mariam.national_number_encrypted
    assert not AuditEntry.objects.filter(action="clients.identifier_key.rotated").exists()


def test_a_short_new_key_is_refused(personas: Any) -> None:
    with pytest.raises(CommandError, match="32"):
        call_command("rotate_identifier_key", "--new-key", "short")
