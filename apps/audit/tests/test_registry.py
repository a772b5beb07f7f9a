"""The audit vocabulary: every code used is registered, and people read sentences, never codes."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import translation

from apps.audit.registry import ACTIONS, UnknownAuditAction, describe
from apps.audit.services import audit_log
from apps.consent.services import consent_record
from conftest import complete_screening, register_client

APPS = Path(__file__).resolve().parents[2]
WRITERS = {"audit_log", "audit_log_many", "audit_log_refs"}


def _calls() -> list[tuple[Path, int, ast.expr]]:
    """Every ``action=`` argument passed to an audit writer in the application code (tests excluded)."""
    found = []
    for path in APPS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in WRITERS:
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            found.append((path, node.lineno, keyword.value))
    return found


def test_every_audit_code_in_the_code_base_is_a_literal_and_registered() -> None:
    calls = _calls()
    assert len(calls) > 60
    unregistered = []
    for path, line, value in calls:
        where = f"{path.relative_to(APPS)}:{line}"
        assert isinstance(value, ast.Constant) and isinstance(value.value, str), f"{where}: action is not a literal"
        if value.value not in ACTIONS:
            unregistered.append(f"{where}: {value.value}")
    assert unregistered == []


def test_every_registered_code_is_used_somewhere() -> None:
    used = {str(value.value) for _, _, value in _calls() if isinstance(value, ast.Constant)}
    assert set(ACTIONS) - used == set()


def test_an_unknown_code_is_refused_and_nothing_is_written(personas: Any) -> None:
    from apps.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    with pytest.raises(UnknownAuditAction):
        audit_log(actor=personas.sofie, action="clients.client.teleported")
    assert AuditEntry.objects.count() == before


def test_sentences_are_translated_and_fill_in_only_declared_fields() -> None:
    with translation.override("en"):
        assert describe("clients.import.completed", {"count": 12, "name": "Mariam"}) == (
            "Client list imported (12 clients)"
        )
    with translation.override("nl-be"):
        imported = describe("clients.import.completed", {"count": 12})
        assert imported == "Lijst van hulpvragers geïmporteerd (12 hulpvragers)"
        assert describe("assessment.screening.domains_saved", {"levels": {"1": 3}}) == (
            "Screening: levensdomeinen gescoord"
        )
        assert describe("retired.code.no_longer_used", {}) == "Geregistreerde handeling"


def test_the_client_file_shows_sentences_and_no_audit_code(personas: Any) -> None:
    mariam = register_client(personas)
    consent_record(
        client=mariam,
        organisations=[personas.vdab],
        categories=["identity"],
        purposes=["guidance"],
        method="written",
        given_on=dt.date(2026, 2, 1),
        actor=personas.sofie,
        actor_organisation=personas.lb,
    )
    complete_screening(mariam, personas.sofie, obstacles=["debts"])
    browser = Browser()
    browser.force_login(personas.sofie)
    html = browser.get(f"/hulpvragers/{mariam.pk}/").content.decode()
    assert "Screening: levensdomeinen gescoord" in html and "Hulpvrager geregistreerd" in html
    assert [code for code in ACTIONS if code in html] == []
