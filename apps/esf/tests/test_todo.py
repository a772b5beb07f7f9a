"""ESF+ reminders in the worker's to-do and the menu badge (issue 12, Deliver 4: completeness).

The worker of a participation (``Participation.worker``) is reminded of missing entry data, of results on
leaving still missing four weeks after leaving (Reg. (EU) 2021/1057 Annex I: collected within four weeks),
and of a six-month follow-up that is due; each with a link to the ESF+ record that fixes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.esf.services_closing import close_pathway
from apps.esf.tests.factories import participant

pytestmark = pytest.mark.django_db
COMPLETE: dict[str, Any] = {
    "labour_status": "inactive", "isced_level": 3, "nationality": "BE", "housing": "housed", "disability": "refused",
    "foreign_background": "refused", "minority": "refused",
}  # fmt: skip


def three_to_fix(personas: Any) -> list[Any]:
    today = timezone.localdate()
    missing_entry = participant(personas, born=dt.date(1990, 1, 1), entry=today - dt.timedelta(days=10))
    late_results = participant(personas, born=dt.date(1985, 1, 1), entry=today - dt.timedelta(days=90), **COMPLETE)
    close_pathway(pathway=late_results.pathway, actor=personas.sofie,  # type: ignore[arg-type]
                  closed_on=today - dt.timedelta(days=35), outcome="care", results_now=False)  # fmt: skip
    follow_up = participant(personas, born=dt.date(1980, 1, 1), entry=today - dt.timedelta(days=400),
                            leaving=today - dt.timedelta(days=200), **COMPLETE)  # fmt: skip
    return [missing_entry, late_results, follow_up]


def test_sofie_is_reminded_of_each_esf_record_to_complete_with_a_link_and_a_badge(client: Any, personas: Any) -> None:
    missing_entry, late_results, follow_up = three_to_fix(personas)
    participant(personas, born=dt.date(1970, 1, 1), **COMPLETE)  # complete and active: nothing to do
    client.force_login(personas.sofie)
    html = client.get("/").content.decode()
    assert "3 ESF+-fiches aan te vullen" in html
    for p in (missing_entry, late_results, follow_up):
        assert f'href="/esf/deelname/{p.pk}/"' in html
    assert "instapgegevens ontbreken" in html
    assert "resultaten bij uitstroom ontbreken" in html and "opvolging na zes maanden" in html
    assert '3<span class="visually-hidden"> taken te doen' in html


def test_results_within_four_weeks_of_leaving_are_not_yet_a_reminder(client: Any, personas: Any) -> None:
    today = timezone.localdate()
    p = participant(personas, born=dt.date(1985, 1, 1), entry=today - dt.timedelta(days=90), **COMPLETE)
    close_pathway(pathway=p.pathway,  # type: ignore[arg-type]
                  actor=personas.sofie, closed_on=today - dt.timedelta(days=27), outcome="care",
                  results_now=False)  # fmt: skip
    client.force_login(personas.sofie)
    assert "ESF+-fiche" not in client.get("/").content.decode()


def test_yonas_who_is_not_the_worker_gets_no_esf_reminders(client: Any, personas: Any) -> None:
    three_to_fix(personas)
    client.force_login(personas.yonas)
    assert "ESF+-fiche" not in client.get("/").content.decode()


def test_the_home_page_keeps_its_query_count_with_more_reminders(
    client: Any, personas: Any, django_assert_num_queries: Any
) -> None:
    three_to_fix(personas)
    client.force_login(personas.sofie)
    client.get("/")
    with django_assert_num_queries(12):  # as apps/workspace/tests/test_views_todo.py: ESF+ reminders, consents
        client.get("/")
    three_to_fix(personas)
    with django_assert_num_queries(12):
        client.get("/")


def test_the_menu_counts_from_the_compiled_query_equal_the_orm_query(personas: Any) -> None:
    """The menu's query is compiled once per shape and filled in per user (apps/workspace/selectors_todo.py):
    for every persona, on several days, it counts what the query built by the ORM for that user counts."""
    from apps.workspace.selectors_todo import MENU_COLUMNS, _menu_counts_queryset, menu_counts, scope_of

    three_to_fix(personas)
    today = timezone.localdate()
    for who in (personas.sofie, personas.wouter, personas.els, personas.yonas, personas.olaf, personas.nadia):
        for day in (today, today + dt.timedelta(days=40), today + dt.timedelta(days=400)):
            row = _menu_counts_queryset(who.pk, scope_of(who), day).get()
            expected = {name: int(row[name] or 0) for name in MENU_COLUMNS}
            expected["todo"] = sum(expected[k] for k in ("referrals", "overdue", "proposals", "esf"))
            assert menu_counts(who, day) == expected, (who.username, day)
    assert menu_counts(personas.sofie, today)["esf"] > 0  # the reminders are counted at all
