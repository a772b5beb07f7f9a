"""Dutch first, English complete."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import Client

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_the_dutch_catalogue_is_complete_and_not_fuzzy() -> None:
    po = polib.pofile(str(PO))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert po.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_sources() -> None:
    compiled = gettext.GNUTranslations(MO.open("rb"))
    for entry in polib.pofile(str(PO)):
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr_plural[1]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path, settings: Any, monkeypatch: Any) -> None:
    """makemessages on a copy of the sources finds no msgid that the committed catalogue lacks."""
    root = Path(settings.BASE_DIR)
    for part in ("apps", "padwijzer", "templates"):
        shutil.copytree(root / part, tmp_path / part, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    (tmp_path / "locale" / "nl" / "LC_MESSAGES").mkdir(parents=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["nl"], verbosity=0)
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po"))}
    known = {e.msgid for e in polib.pofile(str(PO))}
    assert len(fresh) > 100
    assert fresh - known == set()


def test_the_interface_is_dutch_by_default(client: Client, db: Any) -> None:
    html = client.get("/account/login/").content.decode()
    assert '<html lang="nl">' in html
    assert "Aanmelden" in html and "Wachtwoord vergeten?" in html


def test_switching_to_english(client: Client, db: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/login/"})
    assert response.status_code == 302
    html = client.get("/account/login/").content.decode()
    assert '<html lang="en">' in html and "Forgot your password?" in html


def test_no_template_writes_a_date_in_a_hard_coded_numeric_order() -> None:
    # "01/03/2026" on the closing page and the merge page, "1-3-2026" everywhere else: a numeric date follows
    # the language's SHORT_DATE_FORMAT (Belgian j-n-Y in Dutch), never a fixed day/month order.
    import re

    numeric = re.compile(r"""\|date:"([^"]*[dj][-/.][mn][^"]*|[^"]*[mn][-/.][dj][^"]*)\"""")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(1)}"
        for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        for match in numeric.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
