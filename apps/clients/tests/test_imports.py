"""The bulk import: parsing CSV and XLSX, checking every cell, registering all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook

from apps.audit.models import AuditEntry
from apps.clients import identifiers
from apps.clients.imports import clients_import
from apps.clients.imports_checking import validate_rows
from apps.clients.imports_reading import ImportRejected, RowError, UploadRejected, parse_upload
from apps.clients.models import Client
from apps.clients.services import client_register


@pytest.fixture(autouse=True)
def _dutch() -> Any:
    """The messages are checked in Dutch, whatever language an earlier test left active."""
    with translation.override("nl-be"):
        yield


HEADER = [
    "voornaam", "achternaam", "geboortedatum", "geslacht", "rijksregisternummer", "telefoon", "email", "straat",
    "gemeente", "postcode", "deelgemeente", "talen", "niveau_nederlands", "tolk",
]  # fmt: skip
PLACES = [
    ("Oostende", "8400", "Stene"),
    ("35011", "8434", "Westende"),  # Middelkerke by NIS code
    ("Bredene", "", ""),
    ("de haan", "8421", ""),
    ("Gistel", "", "Moere"),
]


def national_number(birth: dt.date, serial: int) -> str:
    """A valid national register number (the check digits include a 2 for people born in 2000 or later)."""
    base = f"{birth:%y%m%d}{serial:03d}"
    check = 97 - int(("2" + base) if birth.year >= 2000 else base) % 97
    return f"{base[0:2]}.{base[2:4]}.{base[4:6]}-{base[6:9]}.{check:02d}"


def good_rows(count: int, *, excel_dates: bool = False) -> list[list[Any]]:
    """``count`` valid client rows, varied: ISO and Belgian dates, with and without national numbers."""
    rows: list[list[Any]] = []
    for i in range(count):
        birth = dt.date(1955, 1, 1) + dt.timedelta(days=i * 19)  # up to 2007: some born in 2000 or later
        municipality, postal_code, deelgemeente = PLACES[i % len(PLACES)]
        if excel_dates:
            birth_cell: Any = dt.datetime(birth.year, birth.month, birth.day)
        else:
            birth_cell = birth.isoformat() if i % 2 else birth.strftime("%d/%m/%Y")
        rows.append([
            f"Voornaam{i}", f"Achternaam{i}", birth_cell, "VMXF"[i % 4],
            national_number(birth, i % 900 + 1) if i % 3 else "",
            f"0470 {i:06d}" if i % 4 else "", f"persoon{i}@example.org" if i % 5 else "", f"Kerkstraat {i}",
            municipality, postal_code, deelgemeente, ["nl", "ar, fr", "", "uk,ru"][i % 4],
            ["A0", "a2", "B1", "C2"][i % 4], ["ja", "nee", "", "1", "0", "Yes", "no"][i % 7],
        ])  # fmt: skip
    return rows


def csv_bytes(rows: list[list[Any]], header: list[str] = HEADER, delimiter: str = ";", bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_three_bad_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """A bad date on spreadsheet row 4, an unknown municipality on row 501, a bad check digit on row 1001."""
    rows[2][2] = "31/02/1990"
    rows[499][8] = "Brugge"
    good = national_number(dt.date.fromisoformat(rows[999][2]), 5)
    rows[999][4] = good[:-2] + f"{int(good[-2:]) % 97 + 1:02d}"
    return rows


THREE_ERRORS = [
    (4, "geboortedatum", "'31/02/1990' is geen geldige datum."),
    (501, "gemeente", "'Brugge' is geen gemeente van dit werkingsgebied."),
    (
        1001,
        "rijksregisternummer",
        "is geen geldig rijksregister- of BIS-nummer: De controlecijfers van dit nummer kloppen niet.",
    ),
]


def assert_three_errors(errors: list[RowError]) -> None:
    assert [(e.row, e.column) for e in errors] == [(row, column) for row, column, _m in THREE_ERRORS]
    for error, (_row, _column, message) in zip(errors, THREE_ERRORS, strict=True):
        assert message in error.message


# --- parsing -------------------------------------------------------------------------------------


def test_a_csv_file_with_semicolons_or_commas_gives_rows_with_their_spreadsheet_numbers() -> None:
    rows = good_rows(3)
    for delimiter in (";", ","):
        lines = csv_bytes(rows, delimiter=delimiter, bom=delimiter == ";").split(b"\r\n")
        data = b"\r\n".join([*lines[:2], delimiter.encode() * 3, *lines[2:]])  # an empty row 3: skipped
        parsed = parse_upload("Hulpvragers.CSV", data)
        assert [r["row"] for r in parsed] == [2, 4, 5]
        assert parsed[0]["cells"]["voornaam"] == "Voornaam0"
        assert parsed[1]["cells"]["talen"] == "ar, fr"
        assert list(parsed[0]["cells"]) == HEADER


def test_an_xlsx_file_keeps_real_dates_and_row_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(
        [
            "Amina",
            "Peeters",
            dt.datetime(2003, 11, 2),
            "V",
            3110204663,
            470123456,
            "",
            "",
            "Oostende",
            8400,
            "",
            "",
            "A1",
            True,
        ]
    )
    sheet.cell(row=5, column=1, value="Tom")  # rows 3 and 4 empty
    out = io.BytesIO()
    workbook.save(out)
    parsed = parse_upload("clients.xlsx", out.getvalue())
    assert [r["row"] for r in parsed] == [2, 5]
    assert parsed[0]["cells"]["geboortedatum"] == dt.datetime(2003, 11, 2)
    assert parsed[1]["cells"]["voornaam"] == "Tom" and parsed[1]["cells"]["achternaam"] == ""


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("clients.pdf", b"%PDF-1.4", "Alleen .csv- en .xlsx-bestanden kunnen geïmporteerd worden."),
        ("clients", b"a;b", "Alleen .csv- en .xlsx-bestanden kunnen geïmporteerd worden."),
        ("clients.xlsx", b"\x00\x01garbage\xff" * 100, "Dit bestand is geen geldige Excel-werkmap (.xlsx)."),
        ("clients.xlsx", b"voornaam;achternaam\nJan;Peeters\n", "geen geldige Excel-werkmap"),
        ("clients.csv", b"\x00\x01garbage\xff" * 100, "Dit bestand is geen CSV-tekstbestand."),
        ("clients.csv", "voornaam;achternaam\nJosé;Peeters\n".encode("cp1252"), "niet in UTF-8"),
        ("clients.csv", b"", "Het bestand is leeg."),
        ("clients.csv", b"\n\nvoornaam;achternaam\n", "De eerste rij moet de kolomnamen bevatten."),
        ("clients.csv", b"voornaam;achternaam\n", "Het bestand bevat geen hulpvragers onder de kopregel."),
        ("clients.csv", b"voornaam;;achternaam\nJan;x;Peeters\n", "Kolom 2 bevat gegevens maar heeft geen naam"),
        ("clients.csv", b"voornaam;Voornaam\nJan;Jan\n", "De kolomnaam Voornaam komt meer dan eens voor"),
        ("clients.csv", b"x" * (5 * 1024 * 1024 + 1), "Het bestand is groter dan 5 MB."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_dutch_message(name: str, data: bytes, message: str) -> None:
    with pytest.raises(UploadRejected) as caught:
        parse_upload(name, data)
    assert message in " ".join(caught.value.messages)


def test_a_zip_that_is_not_a_workbook_and_a_workbook_named_csv_are_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UploadRejected, match="geen geldige Excel-werkmap"):
        parse_upload("clients.xlsx", out.getvalue())
    with pytest.raises(UploadRejected, match="geen CSV-tekstbestand"):
        parse_upload("clients.csv", xlsx_bytes(good_rows(2)))


def test_too_many_rows_or_a_workbook_that_unpacks_too_large_are_refused(monkeypatch: Any) -> None:
    from apps.clients import imports_reading

    monkeypatch.setattr(imports_reading, "MAX_ROWS", 3)
    with pytest.raises(UploadRejected, match="meer dan 3 rijen"):
        parse_upload("c.csv", csv_bytes(good_rows(4)))
    assert len(parse_upload("c.csv", csv_bytes(good_rows(3)))) == 3
    monkeypatch.setattr(imports_reading, "MAX_XLSX_UNPACKED_BYTES", 1000)
    with pytest.raises(UploadRejected, match="geen geldige Excel-werkmap"):
        parse_upload("c.xlsx", xlsx_bytes(good_rows(3)))


def test_an_empty_column_without_a_name_is_ignored() -> None:
    parsed = parse_upload("c.csv", b"voornaam;;achternaam;\nJan;;Peeters;\n")
    assert parsed == [{"row": 2, "cells": {"voornaam": "Jan", "achternaam": "Peeters"}}]


# --- validation ----------------------------------------------------------------------------------


def test_a_thousand_rows_with_three_bad_ones_report_exactly_those_three(oostende: Any) -> None:
    rows = parse_upload("clients.csv", csv_bytes(with_three_bad_rows(good_rows(1000))))
    valid, errors = validate_rows(rows, oostende)
    assert_three_errors(errors)
    assert str(errors[0]) == "Rij 4, kolom geboortedatum: '31/02/1990' is geen geldige datum."
    assert len(valid) == 997 and {r["row"] for r in valid}.isdisjoint({4, 501, 1001})
    assert Client.objects.count() == 0


def test_every_bad_cell_of_every_row_is_reported(oostende: Any) -> None:
    header = [
        "Voornaam",
        "ACHTERNAAM",
        "birth_date",
        "Geslacht",
        "rijksregisternummer",
        "telefoon",
        "E-mail",
        "gemeente",
        "postcode",
        "deelgemeente",
        "talen",
        "niveau nederlands",
        "tolk",
    ]
    rows = [
        ["", "Peeters", "2090-01-01", "Q", "12345", "abc", "geen-mail", "Oostende", "8000", "", "nl, xx", "D1",
         "misschien"],
        ["Jan", "", "15/13/1990", "", "", "", "", "", "", "", "", "", ""],
        ["Els", "Janssens", "1990-03-15", "V", "", "", "", "Middelkerke", "8430", "Westende", "", "B2", ""],
        ["Ann", "Maes", "1850-01-01", "M", "", "", "", "Bredene", "", "Stene", "", "B2", "ja"],
    ]  # fmt: skip
    valid, errors = validate_rows(parse_upload("c.csv", csv_bytes(rows, header=header)), oostende)
    found = [(e.row, e.column, e.message) for e in errors]
    assert found == [
        (2, "Voornaam", "Deze cel is verplicht maar leeg."),
        (2, "birth_date", "'2090-01-01' ligt in de toekomst."),
        (2, "Geslacht", "'Q' is geen geldig geslacht; gebruik V, M of X."),
        (2, "rijksregisternummer",
         "'12345' is geen geldig rijksregister- of BIS-nummer: Een rijksregister- of BIS-nummer heeft 11 cijfers."),
        (2, "telefoon", "'abc' is geen geldig telefoonnummer."),
        (2, "E-mail", "'geen-mail' is geen geldig e-mailadres."),
        (2, "postcode", "'8000' is geen postcode van Oostende."),
        (2, "talen", "'xx' is geen gekende taalcode; gebruik nl, fr, en, ar, prs, ps, ti, so, uk, ru, tr, other."),
        (2, "niveau nederlands", "'D1' is geen geldig niveau; gebruik A0, A1, A2, B1, B2, C1 of C2."),
        (2, "tolk", "'misschien' is geen geldig antwoord; gebruik ja of nee."),
        (3, "ACHTERNAAM", "Deze cel is verplicht maar leeg."),
        (3, "birth_date", "'15/13/1990' is geen geldige datum."),
        (3, "Geslacht", "Deze cel is verplicht maar leeg."),
        (3, "gemeente", "Deze cel is verplicht maar leeg."),
        (3, "niveau nederlands", "Deze cel is verplicht maar leeg."),
        (4, "postcode", "Westende heeft postcode 8434, niet 8430."),
        (5, "birth_date", "'1850-01-01' is geen aannemelijke geboortedatum."),
        (5, "deelgemeente", "'Stene' is geen deelgemeente van Bredene."),
    ]  # fmt: skip
    assert valid == []


def test_missing_required_columns_are_reported_once_and_unknown_columns_too(oostende: Any) -> None:
    header = ["voornaam", "achternaam", "geslacht", "gemeente", "hobby"]
    rows = [["Jan", "Peeters", "M", "Oostende", "vissen"], ["Els", "Maes", "V", "Gistel", ""]]
    valid, errors = validate_rows(parse_upload("c.csv", csv_bytes(rows, header=header)), oostende)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (1, "hobby", "Onbekende kolom. Gebruik de kolomnamen van het voorbeeldbestand."),
        (1, "geboortedatum", "Deze verplichte kolom ontbreekt."),
        (1, "niveau_nederlands", "Deze verplichte kolom ontbreekt."),
    ]
    assert valid == []


def test_a_column_given_twice_under_two_names_is_an_error(oostende: Any) -> None:
    header = [*HEADER, "first_name"]
    rows = [[*good_rows(1)[0], "Jan"]]
    _valid, errors = validate_rows(parse_upload("c.csv", csv_bytes(rows, header=header)), oostende)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (1, "first_name", "Deze kolom komt meer dan eens voor (ook als voornaam).")
    ]


def test_english_headers_and_lenient_values_are_understood(oostende: Any) -> None:
    header = [
        "First_Name",
        "last_name",
        "Birth_Date",
        "gender",
        "national_number",
        "phone",
        "e-mail",
        "street",
        "municipality",
        "postal_code",
        "deelgemeente",
        "languages",
        "dutch_level",
        "interpreter_needed",
    ]
    rows = [
        [
            "Amina",
            "Peeters",
            "02-11-2003",
            "f",
            "03.11.02-046.63",
            "+32 470 12 34 56",
            "a@example.org",
            "Kerkstraat 1",
            "MIDDELKERKE",
            "8434",
            "westende",
            "AR; fr ar",
            "b1",
            "Yes",
        ]
    ]
    valid, errors = validate_rows(parse_upload("c.csv", csv_bytes(rows, header=header, delimiter=",")), oostende)
    assert errors == []
    clean = valid[0]
    middelkerke = oostende.municipalities.get(code="middelkerke")
    assert clean == {
        "row": 2, "first_name": "Amina", "last_name": "Peeters", "birth_date": dt.date(2003, 11, 2), "gender": "F",
        "national_number": "03110204663", "phone": "+32 470 12 34 56", "email": "a@example.org",
        "street": "Kerkstraat 1", "municipality": middelkerke,
        "deelgemeente": middelkerke.deelgemeenten.get(name="Westende"), "languages": ["ar", "fr"],
        "dutch_level": "B1", "interpreter_needed": True,
    }  # fmt: skip


def test_national_numbers_of_people_born_in_2000_or_later_work(oostende: Any) -> None:
    rows: list[list[Any]] = [
        ["Amina", "Peeters", "2003-11-02", "V", "03.11.02-046.63", "", "", "", "Oostende", "", "", "", "A1", ""],
        ["Tom", "Peeters", dt.datetime(2003, 11, 2), "M", 3110204663, 470123456, "", "", 35013, 8400, "stene", "",
         "A1", False],  # number cells, as Excel stores them: the leading zeros are gone
        ["Lina", "Peeters", "2003-11-03", "V", "03110204663", "", "", "", "Oostende", "", "", "", "A1", ""],
    ]  # fmt: skip
    valid, errors = validate_rows(parse_upload("c.xlsx", xlsx_bytes(rows)), oostende)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "rijksregisternummer", "Hetzelfde rijksregisternummer staat ook op rij 2."),
        (
            4,
            "rijksregisternummer",
            "'03110204663' is geen geldig rijksregister- of BIS-nummer: Dit nummer hoort bij "
            "iemand geboren op 02/11/2003, niet op de opgegeven geboortedatum.",
        ),
    ]
    assert valid[0]["national_number"] == "03110204663"
    assert valid[0]["birth_date"] == dt.date(2003, 11, 2)


def test_number_cells_from_excel_are_read_as_text_where_needed(oostende: Any) -> None:
    rows = [
        [
            "Tom",
            "Peeters",
            dt.datetime(2003, 11, 2),
            "M",
            3110204663,
            470123456,
            "",
            "",
            35013,
            8400,
            "stene",
            "",
            "A1",
            1,
        ]
    ]
    valid, errors = validate_rows(parse_upload("c.xlsx", xlsx_bytes(rows)), oostende)
    assert errors == []
    assert valid[0]["national_number"] == "03110204663" and valid[0]["phone"] == "0470123456"
    assert valid[0]["deelgemeente"].name == "Stene" and valid[0]["interpreter_needed"] is True


def test_a_national_number_already_registered_in_the_partnership_is_an_error(personas: Any) -> None:
    oostende = personas.region
    client_register(
        organisation=personas.brug,
        actor=personas.els,
        national_number="03.11.02-046.63",
        first_name="Amina",
        last_name="Peeters",
        birth_date=dt.date(2003, 11, 2),
        gender="F",
        municipality=oostende.municipalities.get(code="oostende"),
        dutch_level="A1",
    )
    rows = [["Amina", "Peeters", "2003-11-02", "V", "03110204663", "", "", "", "Oostende", "", "", "", "A1", ""]]
    valid, errors = validate_rows(parse_upload("c.csv", csv_bytes(rows)), oostende)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (
            2,
            "rijksregisternummer",
            "Er is al een hulpvrager met dit rijksregisternummer geregistreerd bij De Brug vzw.",
        ),
    ]
    assert valid == []


def test_a_municipality_of_another_region_is_unknown(oostende: Any, westhoek: Any) -> None:
    veurne = westhoek.municipalities.first()
    rows = good_rows(1)
    rows[0][8], rows[0][9], rows[0][10] = veurne.name, "", ""
    _valid, errors = validate_rows(parse_upload("c.csv", csv_bytes(rows)), oostende)
    assert [(e.row, e.column) for e in errors] == [(2, "gemeente")]


# --- the write -----------------------------------------------------------------------------------


def test_a_thousand_rows_import_in_a_few_seconds_with_an_audit_entry_each(personas: Any) -> None:
    rows = parse_upload("clients.csv", csv_bytes(good_rows(1000)))
    started = time.perf_counter()
    valid, errors = validate_rows(rows, personas.region)
    validated = time.perf_counter()
    count = clients_import(organisation=personas.lb, actor=personas.sofie, rows=valid)
    done = time.perf_counter()
    print(f"\n1000 rows: validate {validated - started:.2f}s, import {done - validated:.2f}s")
    assert errors == [] and count == 1000
    assert done - started < 15  # in practice a few seconds; generous for slow CI machines
    assert Client.objects.filter(organisation=personas.lb, registered_by=personas.sofie).count() == 1000
    registered = AuditEntry.objects.filter(action="clients.client.registered", actor=personas.sofie)
    assert registered.count() == 1000
    summary = AuditEntry.objects.get(action="clients.import.completed")
    assert summary.changes == {"count": 1000} and summary.object_id == str(personas.lb.pk)
    amina = Client.objects.get(first_name="Voornaam1")
    assert identifiers.decrypt(amina.national_number_encrypted) == identifiers.normalise(good_rows(2)[1][4])
    assert amina.deelgemeente is not None and amina.deelgemeente.name == "Westende"
    assert amina.languages == ["ar", "fr"] and amina.dutch_level == "A2"


def test_if_one_row_fails_on_saving_nothing_is_saved(personas: Any, westhoek: Any) -> None:
    valid, errors = validate_rows(parse_upload("clients.csv", csv_bytes(good_rows(5))), personas.region)
    assert errors == []
    valid[3]["municipality"] = westhoek.municipalities.first()  # slipped past the checks somehow
    with pytest.raises(ImportRejected) as caught:
        clients_import(organisation=personas.lb, actor=personas.sofie, rows=valid)
    assert caught.value.row_errors == [RowError(5, "gemeente", "Deze gemeente ligt niet in het werkingsgebied.")]
    assert isinstance(caught.value, ValidationError)
    assert Client.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="clients.").exists()
