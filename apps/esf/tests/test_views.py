"""The ESF+ pages: report, drill-down, exports, auditors' list, data quality, the participant record."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from apps.audit.models import AuditEntry
from apps.esf.models import Participation
from apps.esf.tests.factories import participant, worked_example
from apps.pathways.services import pathway_start
from conftest import register_client

REPORT = "/esf/oostende/"
YEAR = "?start=2025-01-01&end=2025-12-31"

MENU = 1  # the menu's badge counts (to-dos, referrals, proposals, unread notifications): one query


def cells(html: str, code: str) -> str:
    start = html.index(f"<td>{code}</td>")
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_wouter_sees_the_exact_table_with_gender_columns_in_a_fixed_number_of_queries(
    client: Any, personas: Any, django_assert_num_queries: Any
) -> None:
    worked_example(personas)
    client.force_login(personas.wouter)
    client.get(REPORT + YEAR)
    with django_assert_num_queries(8 + MENU):  # the user and their memberships: one query
        response = client.get(REPORT + YEAR)
    assert response.status_code == 200
    html = response.content.decode()
    assert "EECR05" in html and "Non-binair" in html
    assert "indicator=EECO02&amp;gender=man" in cells(html, "EECO02")
    for _ in range(3):
        participant(personas, born=dt.date(1990, 1, 1), labour_status="inactive")
    with django_assert_num_queries(8 + MENU):  # the user and their memberships: one query
        client.get(REPORT + YEAR)


@pytest.mark.django_db
def test_changing_the_period_changes_the_counts(client: Any, personas: Any) -> None:
    worked_example(personas)
    client.force_login(personas.wouter)
    html = client.get(REPORT + "?start=2024-01-01&end=2024-12-31").content.decode()
    assert "indicator=" not in html  # nothing to drill down into


@pytest.mark.django_db
def test_sofie_sees_aggregated_counts_with_small_counts_suppressed_and_no_links(client: Any, personas: Any) -> None:
    worked_example(personas)
    client.force_login(personas.sofie)
    html = client.get(REPORT + YEAR).content.decode()
    assert "indicator=" not in html
    assert "&lt;5" in cells(html, "EECO02")
    assert client.get("/esf/oostende/deelnemers/" + YEAR + "&indicator=EECO01").status_code == 404
    assert client.get("/esf/oostende/auditlijst.xlsx" + YEAR).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["olaf", "ine", "nadia"])
def test_outsiders_jury_and_other_regions_get_404(client: Any, personas: Any, persona: str) -> None:
    client.force_login(getattr(personas, persona))
    if persona == "olaf":  # Olaf is a partner worker of the region: aggregated report, but no drill-down
        assert client.get(REPORT).status_code == 200
        assert client.get("/esf/oostende/deelnemers/?indicator=EECO01").status_code == 404
    else:
        assert client.get(REPORT).status_code == 404
    assert client.get("/esf/nowhere/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?start=garbage", "?start=2025-12-31&end=2025-01-01", "?municipality=999999", "?organisation=abc"],
)
def test_junk_period_parameters_give_400_not_500(client: Any, personas: Any, query: str) -> None:
    client.force_login(personas.wouter)
    assert client.get(REPORT + query).status_code == 400


@pytest.mark.django_db
def test_the_drill_down_lists_the_participants_behind_a_count_and_logs_the_read(client: Any, personas: Any) -> None:
    worked_example(personas)
    client.force_login(personas.wouter)
    response = client.get("/esf/oostende/deelnemers/" + YEAR + "&indicator=EECO14")
    assert response.status_code == 200
    assert response.content.decode().count(" Deelnemer</th>") == 2
    # one entry for the list, naming the clients shown (apps.audit.reads)
    (listed,) = AuditEntry.objects.filter(action="clients.list.viewed", changes__page="esf:participants")
    assert len(listed.changes["clients"]) == 2
    assert client.get("/esf/oostende/deelnemers/" + YEAR + "&indicator=NOPE").status_code == 404
    assert client.get("/esf/oostende/deelnemers/" + YEAR + "&indicator=EECO01&gender=x").status_code == 404


@pytest.mark.django_db
def test_sensitive_counts_of_other_organisations_are_counted_but_not_listed(client: Any, personas: Any) -> None:
    participant(
        personas, born=dt.date(1980, 1, 1), organisation=personas.kompas, actor=personas.karim,
        labour_status="inactive", disability="yes", disability_source="register",
    )  # fmt: skip
    client.force_login(personas.wouter)
    html = client.get("/esf/oostende/deelnemers/" + YEAR + "&indicator=EECO12").content.decode()
    assert " Deelnemer</th>" not in html
    assert "1 deelnemer" in html
    html = client.get("/esf/oostende/deelnemers/" + YEAR + "&indicator=EECO04").content.decode()
    assert " Deelnemer</th>" in html


@pytest.mark.django_db
def test_the_xlsx_export_has_the_funder_layout_and_neutralises_formulas(client: Any, personas: Any) -> None:
    worked_example(personas)
    personas.region.__class__.objects.filter(pk=personas.region.pk).update(name_nl="=HYPERLINK(1)")
    client.force_login(personas.wouter)
    response = client.get("/esf/oostende/export.xlsx" + YEAR)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[1][1] == "'=HYPERLINK(1)"
    header = rows[5]
    assert header[:2] == ["Code", "Indicator"] and header[-2:] == ["Totaal", "Onvolledig"]
    by_code = {r[0]: r for r in rows[6:]}
    assert by_code["EECO01"][2:6] == [1, 3, 1, 5]
    assert by_code["EECR05"][5] == 3


@pytest.mark.django_db
def test_the_csv_export_for_sofie_is_suppressed(client: Any, personas: Any) -> None:
    worked_example(personas)
    client.force_login(personas.sofie)
    rows = list(csv.reader(io.StringIO(client.get("/esf/oostende/export.csv" + YEAR).content.decode())))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["EECO01"][-2] == "5"
    assert by_code["EECO02"][-2] == "<5"


@pytest.mark.django_db
def test_the_pdf_year_report_contains_the_indicator_table(client: Any, personas: Any) -> None:
    import shutil
    import subprocess

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    worked_example(personas)
    client.force_login(personas.wouter)
    response = client.get("/esf/oostende/jaarrapport.pdf" + YEAR)
    assert response["Content-Type"] == "application/pdf"
    command = [pdftotext, "-layout", "-", "-"]
    done = subprocess.run(command, input=response.content, capture_output=True, check=True)  # noqa: S603
    text = done.stdout.decode()
    assert "EECO01" in text and "EECR06" in text
    assert any(
        line.split()[:1] == ["EECO01"] and line.split()[-5:] == ["1", "3", "1", "5", "0"] for line in text.splitlines()
    )


def _coloured_pixels(pdf: bytes, colour: tuple[int, int, int]) -> int:
    """Pixels of ``colour`` (within 12 per channel) on the PDF's first page, rasterised by pdftoppm."""
    import shutil
    import subprocess

    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "report.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        subprocess.run([pdftoppm, "-png", "-r", "40", "-singlefile", str(source), str(target)], check=True)  # noqa: S603
        image = Image.open(target.with_suffix(".png")).convert("RGB")
    colours: list[Any] = image.getcolors(maxcolors=1 << 24) or []
    return sum(n for n, px in colours if all(abs(a - b) <= 12 for a, b in zip(px, colour, strict=True)))


@pytest.mark.django_db
def test_the_pdf_year_report_draws_a_bar_chart_by_gender_and_suppresses_small_counts_for_sofie(
    client: Any, personas: Any
) -> None:
    from apps.esf.exports import CHART_COLOURS

    worked_example(personas)
    woman, man = (tuple(int(CHART_COLOURS[g][i : i + 2], 16) for i in (1, 3, 5)) for g in ("woman", "man"))
    client.force_login(personas.wouter)
    pdf = client.get("/esf/oostende/jaarrapport.pdf" + YEAR).content
    # a bar segment of one woman out of five is ~46 x 5 px at 40 dpi, on several indicators; the legend's square
    # is a few pixels
    assert _coloured_pixels(pdf, woman) > 100 and _coloured_pixels(pdf, man) > 100  # type: ignore[arg-type]
    client.force_login(personas.sofie)  # aggregated: every count by gender of the five is below the threshold
    pdf = client.get("/esf/oostende/jaarrapport.pdf" + YEAR).content
    assert _coloured_pixels(pdf, woman) < 40 and _coloured_pixels(pdf, man) < 40  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_auditors_list_has_a_row_per_participant_and_a_flag_per_indicator(
    client: Any, personas: Any, django_assert_max_num_queries: Any
) -> None:
    worked_example(personas)
    client.force_login(personas.wouter)
    rows = list(csv.reader(io.StringIO(client.get("/esf/oostende/auditlijst.csv" + YEAR).content.decode())))
    header = rows[0]
    assert len(rows) == 6
    assert header[-23:][0] == "EECO01" and header[-1] == "EECR06"
    flags = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert sum(int(f["EECR05"]) for f in flags) == 3
    assert sum(int(f["EECO03"]) for f in flags) == 1


@pytest.mark.django_db
def test_the_data_quality_page_lists_missing_entry_data_results_and_follow_ups(client: Any, personas: Any) -> None:
    participant(personas, born=dt.date(1990, 1, 1), labour_status="inactive")  # much missing
    gone = participant(personas, born=dt.date(1990, 1, 1), entry=dt.date(2024, 1, 1), labour_status="inactive")
    Participation.objects.filter(pk=gone.pk).update(leaving_date=dt.date(2024, 3, 1), follow_up_due=dt.date(2024, 9, 1))
    mariam = register_client(personas)
    open_pathway = pathway_start(client=mariam, actor=personas.sofie, organisation=personas.lb)
    client.force_login(personas.sofie)
    html = client.get("/esf/oostende/datakwaliteit/").content.decode()
    assert f"/esf/deelname/{gone.pk}/" in html
    assert f"/esf/traject/{open_pathway.pk}/" in html
    assert 'id="missing-results"' in html and 'id="missing-follow-up"' in html
    client.force_login(personas.els)
    assert f"/esf/deelname/{gone.pk}/" not in client.get("/esf/oostende/datakwaliteit/").content.decode()


@pytest.mark.django_db
def test_sofie_enters_a_participant_through_the_pages_from_the_intake(client: Any, personas: Any) -> None:
    from conftest import complete_screening

    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=[], on=dt.date(2025, 2, 20), isced_level=2)
    pathway = pathway_start(
        client=mariam, actor=personas.sofie, organisation=personas.lb, started_on=dt.date(2025, 3, 1)
    )
    client.force_login(personas.sofie)
    page = client.get(f"/esf/traject/{pathway.pk}/").content.decode()
    assert 'value="unemployed" selected' in page
    response = client.post(
        f"/esf/traject/{pathway.pk}/",
        {"entry_date": "2025-03-01", "gender": "woman", "labour_status": "unemployed", "unemployed_months": "14",
         "isced_level": "2", "nationality": "er", "housing": "housed", "disability": "refused",
         "foreign_background": "yes", "foreign_background_source": "self_declared", "minority": "refused"},
    )  # fmt: skip
    p = Participation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/esf/deelname/{p.pk}/"
    assert (p.nationality, p.age_at_entry) == ("ER", 26)
    response = client.post(
        f"/esf/deelname/{p.pk}/",
        {"step": "leaving", "leaving-leaving_date": "2025-09-30", "leaving-recorded_on": "2025-10-10",
         "leaving-employed": "on", "leaving-in_sample": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.employed_on_leaving and p.follow_up_due == dt.date(2026, 3, 30)
    bad = client.post(
        f"/esf/deelname/{p.pk}/",
        {"step": "leaving", "leaving-leaving_date": "2025-09-30", "leaving-recorded_on": "2025-09-01"},
    )
    assert bad.status_code == 400
    client.force_login(personas.olaf)
    assert client.get(f"/esf/deelname/{p.pk}/").status_code == 404
    assert client.get(f"/esf/traject/{pathway.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_yes_without_a_source_is_refused_on_the_field(client: Any, personas: Any) -> None:
    p = participant(personas, born=dt.date(1990, 1, 1), labour_status="inactive")
    client.force_login(personas.sofie)
    response = client.post(
        f"/esf/deelname/{p.pk}/",
        {"step": "entry", "entry-entry_date": "2025-03-01", "entry-gender": "man", "entry-disability": "yes"},
    )
    assert response.status_code == 400
    assert "Zeg waar dit antwoord vandaan komt" in response.content.decode() or "source" in str(
        response.context["form"].errors
    )


@pytest.mark.django_db
def test_the_drill_down_data_quality_and_record_pages_have_a_fixed_number_of_queries(
    client: Any, personas: Any, django_assert_num_queries: Any
) -> None:
    first = participant(personas, born=dt.date(1990, 1, 1), labour_status="inactive")
    client.force_login(personas.wouter)
    # the participant list logs its read: one audit write, which takes its place in the hash chain (1 query; on
    # PostgreSQL the advisory lock is taken in the same round trip; docs/decisions/0010-audit-trail.md)
    chain = 1
    urls = {
        "/esf/oostende/datakwaliteit/": 7 + MENU,  # the user with their memberships: one query
        "/esf/oostende/deelnemers/" + YEAR + "&indicator=EECO04": 6 + chain + MENU,
    }
    for url, queries in urls.items():
        client.get(url)
        with django_assert_num_queries(queries):
            client.get(url)
    for _ in range(3):
        participant(personas, born=dt.date(1991, 1, 1), labour_status="inactive")
    for url, queries in urls.items():
        with django_assert_num_queries(queries):
            client.get(url)
    client.force_login(personas.sofie)
    client.get(f"/esf/deelname/{first.pk}/")
    # the record page logs its read too, and proposes the results from the pathway's closure (1 query)
    with django_assert_num_queries(7 + chain + MENU):
        client.get(f"/esf/deelname/{first.pk}/")
