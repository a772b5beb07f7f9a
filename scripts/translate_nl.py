"""Fill the Dutch catalogue from translation tables (developer tool).

Usage: .venv/bin/python scripts/translate_nl.py TABLE.py [...]
Each TABLE.py defines dicts T (msgid -> msgstr) and optionally PL (msgid -> (singular, plural)).
Entries already translated keep their text unless the table gives a new one. Prints what is still missing.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def main(tables: list[str]) -> int:
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, str]] = {}
    for table in tables:
        namespace = runpy.run_path(table)
        for key, value in namespace.items():
            if key.startswith("T") and isinstance(value, dict):
                singular.update(value)
            if key.startswith("PL") and isinstance(value, dict):
                plural.update({k: v for k, v in value.items() if isinstance(v, tuple) and len(v) == 2})
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            if entry.msgid in plural:
                entry.msgstr_plural = {0: plural[entry.msgid][0], 1: plural[entry.msgid][1]}
            elif not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif entry.msgid in singular:
            entry.msgstr = singular[entry.msgid]
        elif not entry.msgstr or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags and (entry.msgid in singular or entry.msgid in plural):
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
    po.metadata.update(
        {"Language": "nl", "Plural-Forms": "nplurals=2; plural=(n != 1);", "Content-Type": "text/plain; charset=UTF-8"}
    )
    po.save()
    for msgid in missing:
        print("missing:", repr(msgid))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
