"""The audit trail's lines written out in Python (apps/audit/templatetags/audit_rows.py) give the HTML the
template loop gave, in both languages, with hostile text in a sentence and an actor's name escaped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.audit.templatetags.audit_rows import audit_items

REFERENCE = (Path(__file__).parent / "audit_items_reference.html").read_text(encoding="utf-8")
NASTY = '<script>alert("x")</script> & =cmd|"/C calc"!A0'


def entries() -> list[AuditEntry]:
    when = dt.datetime(2026, 11, 30, 23, 15, 7, 123456, tzinfo=dt.UTC)  # already 1 December in Brussels
    return [
        AuditEntry(created_at=when, action="clients.seal.opened", changes={"hours": NASTY},
                   actor=User(username="sofie", first_name="Sofie", last_name=NASTY)),
        AuditEntry(created_at=when.replace(microsecond=0), action="clients.client.viewed", changes={}, actor=None),
        AuditEntry(created_at=when, action="retired.code", changes=None, actor=User(username="<anon>")),
    ]  # fmt: skip


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_lines_are_the_html_the_template_loop_gave(language: str) -> None:
    with translation.override(language), timezone.override("Europe/Brussels"):
        expected = Engine.get_default().from_string(REFERENCE).render(Context({"timeline": entries()}))
        written = audit_items(entries())
    assert squeezed(written) == squeezed(expected)
    assert "<script>" not in written and "&lt;anon&gt;" in written and "2026-12-01T00:15:07.123456+01:00" in written
    assert ("systeem" in written) == (language == "nl-be")


def test_a_timeline_the_user_may_not_see_writes_nothing() -> None:
    assert audit_items(None) == "" and audit_items([]) == ""
