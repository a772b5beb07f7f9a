"""Issue 10 item 7: the bulk import warns of known persons as the registration form does; the duplicate check
is recorded (ids, no names) and rate-limited. Sofie (Lokaal bestuur) imports; Els (De Brug) registered
Céline Van den Broeck before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import Client as Browser

from apps.audit.models import AuditEntry
from apps.clients.models import Client
from apps.clients.tests.test_imports import csv_bytes, good_rows
from tests.factories import register_client

URL = "/hulpvragers/import/"


def _file_with_celine() -> SimpleUploadedFile:
    rows = good_rows(3)
    rows[1][0], rows[1][1], rows[1][2], rows[1][4] = "celine", "van den broeck", "12/09/1987", ""
    return SimpleUploadedFile("c.csv", csv_bytes(rows), content_type="text/csv")


def _celine(personas: Any) -> Any:
    return register_client(
        personas, organisation=personas.brug, actor=personas.els, first_name="Céline", last_name="Van den Broeck",
        birth_date=dt.date(1987, 9, 12),
    )  # fmt: skip


def test_the_import_warns_of_a_known_person_and_imports_only_after_confirmation(personas: Any, client: Browser) -> None:
    celine = _celine(personas)
    client.force_login(personas.sofie)
    response = client.post(URL, {"file": _file_with_celine()})
    html = response.content.decode()
    assert response.status_code == 200
    known = "Rij 3: een persoon met een gelijkaardige naam en dezelfde geboortedatum is al gekend bij De Brug vzw."
    assert known in html
    assert Client.objects.count() == 1
    # the check is recorded as a read of the client it found: ids only
    entry = AuditEntry.objects.filter(action="clients.list.viewed").latest("pk")
    assert entry.changes["purpose"] == "duplicate_check" and entry.changes["clients"] == [celine.pk]
    assert "Broeck" not in str(entry.changes)
    response = client.post(URL, {"file": _file_with_celine(), "confirm_known": "on"})
    assert response.status_code == 302
    assert Client.objects.count() == 4


def test_the_registration_forms_duplicate_check_is_recorded_without_names(personas: Any, client: Browser) -> None:
    celine = _celine(personas)
    client.force_login(personas.sofie)
    response = client.post(
        "/hulpvragers/nieuw/",
        {"first_name": "Celine", "last_name": "Van den Broeck", "birth_date": "1987-09-12", "gender": "F",
         "municipality": personas.region.municipalities.get(code="oostende").pk, "dutch_level": "B1",
         "submission": "k1"},
    )  # fmt: skip
    assert "De Brug vzw" in response.content.decode()
    entry = AuditEntry.objects.filter(action="clients.list.viewed").latest("pk")
    assert entry.changes["purpose"] == "duplicate_check" and entry.changes["clients"] == [celine.pk]


def test_the_imports_duplicate_check_is_rate_limited(personas: Any, client: Browser, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "duplicate_check": "1/3600"}
    client.force_login(personas.sofie)
    files = [SimpleUploadedFile("c.csv", csv_bytes(good_rows(1)), content_type="text/csv") for _ in range(2)]
    assert client.post(URL, {"file": files[0]}).status_code == 302
    assert client.post(URL, {"file": files[1]}).status_code == 429
    assert Client.objects.count() == 1
