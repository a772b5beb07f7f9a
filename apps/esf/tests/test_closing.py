"""Closing a pathway lets the client's ESF+ participation leave (Reg. (EU) 2021/1057 Annex I; issue 12 gap 1).

Every route to a closed pathway goes through ``apps.esf.services_closing.close_pathway``: the close page, the
employer's "employed" outcome (apps/employers/tests/test_views.py), and no other code calls the lower closing
services (the source scan below). Reopening undoes the leaving.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEntry
from apps.esf.models import Participation
from apps.esf.services import participation_enter
from apps.esf.services_closing import close_pathway, reopen_pathway
from apps.pathways.models import Pathway
from apps.pathways.services import pathway_start
from conftest import register_client

pytestmark = pytest.mark.django_db
ENTRY = dt.date(2026, 1, 5)


def pathway_of(p: Participation) -> Pathway:
    assert p.pathway is not None
    return p.pathway


def mariam_enters(personas: Any) -> Participation:
    """Mariam, a client of the local government, starts a pathway with Sofie and enters the ESF+ operation."""
    mariam = register_client(personas, organisation=personas.lb, actor=personas.sofie, first_name="Mariam",
                             last_name="Bakkali", birth_date=dt.date(1990, 2, 3), gender="F")  # fmt: skip
    pathway = pathway_start(client=mariam, actor=personas.sofie, organisation=personas.lb, started_on=ENTRY)
    return participation_enter(
        actor=personas.sofie, pathway=pathway, entry_date=ENTRY, labour_status="unemployed", unemployed_months=14
    )


def test_sofie_closes_the_pathway_on_the_page_and_the_results_on_leaving_are_recorded(
    client: Any, personas: Any
) -> None:
    p = mariam_enters(personas)
    client.force_login(personas.sofie)
    page = client.get(f"/trajecten/{p.pathway_id}/afsluiten/").content.decode()
    assert 'name="results_now"' in page and "zes maanden" in page
    response = client.post(
        f"/trajecten/{p.pathway_id}/afsluiten/",
        {"closed_on": "2026-08-31", "outcome": "training", "results_now": "yes", "in_education": "on"},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.leaving_date == dt.date(2026, 8, 31)
    assert p.in_education is True and p.employed_on_leaving is False and p.results_recorded_on is not None
    # due at least six months later: 28 February would be short of six months after 31 August
    assert p.follow_up_due == dt.date(2027, 3, 1) == pathway_of(p).closure.follow_up_due
    assert AuditEntry.objects.filter(action="esf.participation.left", object_id=str(p.pk)).exists()


def test_results_not_known_yet_leave_the_leaving_date_and_the_follow_up_but_no_results(
    client: Any, personas: Any
) -> None:
    p = mariam_enters(personas)
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{p.pathway_id}/afsluiten/", {"closed_on": "2026-06-01", "outcome": "care", "results_now": "no"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.leaving_date == dt.date(2026, 6, 1) and p.follow_up_due == dt.date(2026, 12, 1)
    assert p.results_recorded_on is None and p.job_searching is None and p.employed_on_leaving is None


def test_ticking_results_while_choosing_later_is_refused_on_the_field(client: Any, personas: Any) -> None:
    p = mariam_enters(personas)
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{p.pathway_id}/afsluiten/",
        {"closed_on": "2026-06-01", "outcome": "care", "results_now": "no", "employed": "on"},
    )
    assert response.status_code == 400 and "untick" not in response.content.decode()  # Dutch message
    assert Pathway.objects.get(pk=pathway_of(p).pk).status != "closed"


def test_closing_before_the_esf_entry_date_is_refused_and_nothing_is_written(client: Any, personas: Any) -> None:
    p = mariam_enters(personas)
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{p.pathway_id}/afsluiten/", {"closed_on": "2025-12-01", "outcome": "care", "results_now": "no"}
    )
    assert response.status_code == 400
    assert "05/01/2026" in response.content.decode()
    pathway = Pathway.objects.get(pk=pathway_of(p).pk)
    assert pathway.status != "closed" and not hasattr(pathway, "closure")
    p.refresh_from_db()
    assert p.leaving_date is None


def test_a_pathway_without_esf_record_closes_as_before(personas: Any) -> None:
    bilal = register_client(personas, organisation=personas.lb, actor=personas.sofie, first_name="Bilal")
    pathway = pathway_start(client=bilal, actor=personas.sofie, organisation=personas.lb, started_on=ENTRY)
    result = close_pathway(
        pathway=pathway, actor=personas.sofie, closed_on=dt.date(2026, 3, 1), outcome="care", results_now=False
    )
    assert result["participation"] is None and Pathway.objects.get(pk=pathway.pk).status == "closed"


def test_reopening_undoes_the_leaving_and_a_second_closing_leaves_again(client: Any, personas: Any) -> None:
    p = mariam_enters(personas)
    close_pathway(pathway=pathway_of(p), actor=personas.sofie, closed_on=dt.date(2026, 6, 1), outcome="training",
                  results_now=True, in_education=True)  # fmt: skip
    client.force_login(personas.sofie)
    response = client.post(f"/trajecten/{p.pathway_id}/heropenen/", {"reason": "Mariam vraagt opnieuw begeleiding."})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.leaving_date, p.results_recorded_on, p.in_education, p.follow_up_due) == (None, None, None, None)
    assert p.entry_date == ENTRY  # the same participation continues: counted once (Annex I)
    undone = AuditEntry.objects.get(action="esf.participation.leaving_undone", object_id=str(p.pk))
    assert undone.changes["undone"]["leaving_date"] == "2026-06-01"
    close_pathway(pathway=pathway_of(p), actor=personas.sofie, closed_on=dt.date(2026, 9, 1), outcome="care",
                  results_now=False)  # fmt: skip
    p.refresh_from_db()
    assert p.leaving_date == dt.date(2026, 9, 1) and p.results_recorded_on is None and p.in_education is None


def test_a_refused_reopening_keeps_the_leaving(personas: Any) -> None:
    p = mariam_enters(personas)
    close_pathway(pathway=pathway_of(p), actor=personas.sofie, closed_on=dt.date(2026, 6, 1), outcome="care",
                  results_now=False)  # fmt: skip
    with pytest.raises(ValidationError):
        reopen_pathway(pathway=pathway_of(p), actor=personas.sofie, reason=" ")
    p.refresh_from_db()
    assert p.leaving_date == dt.date(2026, 6, 1)


LOWER = {"pathway_close", "pathway_close_with_referrals", "pathway_reopen"}
# where the lower services live, and the one orchestration that may call them
ALLOWED = {"apps/pathways/services.py", "apps/referrals/services.py", "apps/esf/services_closing.py"}


def test_no_route_calls_the_lower_closing_services_directly() -> None:
    """Pages, API, employers, management commands and jobs close and reopen only through close_pathway /
    reopen_pathway (tests and migrations excepted)."""
    root = Path(__file__).resolve().parents[3]
    offenders = []
    for path in sorted((root / "apps").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in ALLOWED or "/tests/" in rel or "/migrations/" in rel:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in LOWER:
                    offenders.append(f"{rel}:{node.lineno} {name}")
    assert offenders == []
