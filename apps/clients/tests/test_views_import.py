"""The import page: upload form, example file, errors table, and the all-or-nothing import."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import Client as DjangoClient

from apps.audit.models import AuditEntry
from apps.clients.models import Client
from apps.clients.tests.test_imports import THREE_ERRORS, csv_bytes, good_rows, with_three_bad_rows, xlsx_bytes

URL = "/hulpvragers/import/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client: DjangoClient, name: str, data: bytes, content_type: str = "text/csv") -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def test_the_page_explains_the_columns_and_offers_an_accessible_upload_form(
    client: DjangoClient, personas: Any
) -> None:
    client.force_login(personas.sofie)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hulpvragers importeren" in html and "Lokaal bestuur Oostende" in html
    assert 'enctype="multipart/form-data"' in html
    assert '<label class="form-label fw-semibold" for="id_file">' in html
    assert 'type="file"' in html and 'accept=".csv,.xlsx,' in html and 'aria-describedby="id_file-help"' in html
    assert 'href="?voorbeeld=1"' in html
    for header in ("voornaam", "geboortedatum", "rijksregisternummer", "gemeente", "niveau_nederlands", "tolk"):
        assert f"<code>{header}</code>" in html
    assert "nl, fr, en, ar" in html and "Middelkerke" in html and "35011" in html


def test_the_example_file_downloads_as_csv_and_imports_as_it_is(client: DjangoClient, personas: Any) -> None:
    client.force_login(personas.sofie)
    response = client.get(URL, {"voorbeeld": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hulpvragers-voorbeeld.csv"'
    text = response.content.decode("utf-8-sig")
    assert text.startswith("voornaam;achternaam;geboortedatum;geslacht;rijksregisternummer;")
    response = upload(client, "voorbeeld.csv", response.content)
    assert response.status_code == 302, response.content.decode()
    assert Client.objects.filter(organisation=personas.lb).count() == 2


@pytest.mark.parametrize("persona", ["ine", "nadia", "wouter", "glenn"])
def test_who_does_not_register_clients_gets_404(client: DjangoClient, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"voorbeeld": "1"}).status_code == 404
    assert upload(client, "c.csv", csv_bytes(good_rows(2))).status_code == 404
    assert Client.objects.count() == 0


def test_an_anonymous_visitor_is_sent_to_log_in(client: DjangoClient, db: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_thousand_good_rows_import_through_the_page(client: DjangoClient, personas: Any, kind: str) -> None:
    client.force_login(personas.sofie)
    if kind == "csv":
        data, content_type = csv_bytes(good_rows(1000)), "text/csv"
    else:
        data, content_type = xlsx_bytes(good_rows(1000, excel_dates=True)), XLSX
    started = time.perf_counter()
    response = upload(client, f"hulpvragers.{kind}", data, content_type)
    print(f"\n1000 rows ({kind}) through the page: {time.perf_counter() - started:.2f}s")
    assert response.status_code == 302 and response["Location"] == "/hulpvragers/"
    assert Client.objects.filter(organisation=personas.lb, registered_by=personas.sofie).count() == 1000
    assert AuditEntry.objects.filter(action="clients.client.registered", actor=personas.sofie).count() == 1000
    assert AuditEntry.objects.get(action="clients.import.completed").changes == {"count": 1000}
    html = client.get(response["Location"]).content.decode()
    assert "1000 hulpvragers geïmporteerd." in html


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_three_bad_rows_in_a_thousand_save_nothing_and_are_listed(
    client: DjangoClient, personas: Any, kind: str
) -> None:
    client.force_login(personas.sofie)
    rows = with_three_bad_rows(good_rows(1000))
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    response = upload(client, f"hulpvragers.{kind}", data)
    assert response.status_code == 200
    assert Client.objects.count() == 0 and not AuditEntry.objects.filter(action__startswith="clients.").exists()
    errors = response.context["errors"]
    assert [(e.row, e.column) for e in errors] == [(row, column) for row, column, _m in THREE_ERRORS]
    html = response.content.decode()
    assert "We vonden 3 problemen in het bestand." in html and "Er is niets geïmporteerd." in html
    assert "<tr><td>4</td><td>geboortedatum</td><td>&#x27;31/02/1990&#x27; is geen geldige datum.</td></tr>" in html
    assert "<td>501</td><td>gemeente</td>" in html and "<td>1001</td><td>rijksregisternummer</td>" in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("clients.pdf", b"%PDF-1.4 ...", "Alleen .csv- en .xlsx-bestanden kunnen geïmporteerd worden."),
        ("clients.xlsx", b"\x89PNG\r\n\x1a\n garbage" * 50, "Dit bestand is geen geldige Excel-werkmap (.xlsx)."),
        ("clients.xlsx", b"PK\x03\x04 not really a zip" * 50, "Dit bestand is geen geldige Excel-werkmap (.xlsx)."),
        ("clients.csv", b"\x00\xff\xfe garbage" * 50, "Dit bestand is geen CSV-tekstbestand."),
        ("clients.csv", b"x" * (5 * 1024 * 1024 + 10), "Het bestand is groter dan 5 MB."),
    ],
)
def test_a_wrong_or_broken_file_gets_a_clear_error_and_saves_nothing(
    client: DjangoClient, personas: Any, name: str, data: bytes, message: str
) -> None:
    client.force_login(personas.sofie)
    response = upload(client, name, data, "application/octet-stream")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html and 'id="id_file-error"' in html
    assert Client.objects.count() == 0


def test_posting_without_a_file_asks_for_one(client: DjangoClient, personas: Any) -> None:
    client.force_login(personas.sofie)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert Client.objects.count() == 0
