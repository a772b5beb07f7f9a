"""The ESF+ report in a real browser: the coordinator opens it, changes the period, drills down into a count,
and downloads the xlsx export and the PDF year report (whose text holds the indicator table)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from apps.esf.tests.factories import worked_example
from tests.browser.conftest import check_accessibility, log_in

pytestmark = pytest.mark.browser


def test_wouter_reads_changes_drills_down_and_exports_the_esf_report(
    live_server: Any, personas: Any, page: Page
) -> None:
    worked_example(personas)
    log_in(page, live_server, personas.wouter)
    page.goto(f"{live_server.url}/esf/oostende/?start=2024-01-01&end=2024-12-31")
    expect(page.locator("h1")).to_contain_text("ESF+")
    total = page.locator("#indicators tbody tr").first.locator("td").nth(4)
    expect(total).to_have_text("0")
    check_accessibility(page)

    page.fill("#id_start", "2025-01-01")
    page.fill("#id_end", "2025-12-31")
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator("#indicators tbody tr").first.locator("td").nth(4)).to_have_text("5")

    row = page.locator("#indicators tbody tr", has_text="EECO14")
    row.locator("td").nth(4).get_by_role("link").click()
    expect(page.locator("#participants tbody tr")).to_have_count(2)
    check_accessibility(page)
    page.get_by_role("link", name="Terug naar het rapport").click()

    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert ws is not None
    codes = {r[0]: r for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert codes["EECO01"][5] == 5 and codes["EECR05"][5] == 3

    with page.expect_download() as info:
        page.locator("#export-pdf").click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)  # noqa: S603
        lines = text.stdout.decode().splitlines()
        assert any(line.split()[:1] == ["EECO01"] and line.split()[-2:] == ["5", "0"] for line in lines)
        assert any(line.split()[:1] == ["EECR06"] for line in lines)


def test_the_esf_report_works_on_a_phone(live_server: Any, personas: Any, open_page: Callable[..., Page]) -> None:
    from tests.browser.conftest import PHONE

    phone = open_page(**PHONE)
    log_in(phone, live_server, personas.wouter)
    phone.goto(f"{live_server.url}/esf/oostende/?start=2025-01-01&end=2025-12-31")
    expect(phone.locator("#indicators")).to_be_attached()
    check_accessibility(phone)
