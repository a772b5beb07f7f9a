"""The pathway page and "my work" (apps.workspace): a fixed number of queries however long the pathway gets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from apps.pathways.services import action_add, contact_log_add, plan_save
from apps.pathways.tests.test_pathways import goal, started
from conftest import complete_screening


def test_the_pathway_page_and_my_work_have_a_fixed_number_of_queries(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    plan_save(pathway=pathway, actor=personas.sofie, expected_version=1, client_words="v", goals=[goal(personas)])
    pathway.refresh_from_db()
    action_add(
        pathway=pathway,
        actor=personas.sofie,
        description="actie",
        owner=personas.sofie,
        owner_organisation=personas.lb,
        due_on=dt.date(2026, 5, 1),
    )
    pathway.refresh_from_db()
    contact_log_add(
        pathway=pathway,
        actor=personas.sofie,
        organisation=personas.lb,
        happened_on=dt.date(2026, 3, 1),
        place="home",
        summary="contact",
    )
    client.force_login(personas.sofie)
    client.get(f"/trajecten/{pathway.pk}/")
    client.get("/trajecten/mijn-werk/")  # the filter's challenges are kept per region version from the first page on
    with CaptureQueriesContext(connection) as short_page:
        client.get(f"/trajecten/{pathway.pk}/")
    with CaptureQueriesContext(connection) as short_work:
        client.get("/trajecten/mijn-werk/")
    for i in range(6):
        plan_save(
            pathway=pathway,
            actor=personas.sofie,
            expected_version=pathway.plan_version,
            client_words=f"v{i}",
            goals=[goal(personas, text=f"doel {i}")],
        )
        pathway.refresh_from_db()
        action_add(
            pathway=pathway,
            actor=personas.sofie,
            description=f"actie {i}",
            owner=personas.sofie,
            owner_organisation=personas.lb,
            due_on=dt.date(2026, 5, 1),
        )
        pathway.refresh_from_db()
        contact_log_add(
            pathway=pathway,
            actor=personas.sofie,
            organisation=personas.lb,
            happened_on=dt.date(2026, 3, 1),
            place="home",
            summary=f"contact {i}",
        )
        complete_screening(pathway.client, personas.sofie, obstacles=["limited-dutch"], on=dt.date(2026, 4, i + 1))
    with CaptureQueriesContext(connection) as long_page:
        client.get(f"/trajecten/{pathway.pk}/")
    with CaptureQueriesContext(connection) as long_work:
        client.get("/trajecten/mijn-werk/")
    assert len(long_page) == len(short_page), [q["sql"][:90] for q in long_page]
    assert len(long_work) == len(short_work)
    # the pathway page: session, user with memberships, pathway with its team, goals (with their obstacles),
    # actions, plan history, contacts, screenings with their scores, referrals and group sessions (one query),
    # menu counts, and the record of the read (the chain head, with the lock on PostgreSQL; the insert)
    assert len(long_page) <= 12, [q["sql"][:90] for q in long_page]
    # my work: session, user with memberships, menu counts, the caseload's ids with the user's own seats (2), the
    # page's pathways and teams (2), waiting positions, colleagues, and the record of the page's read (2)
    assert len(long_work) <= 12, [q["sql"][:90] for q in long_work]
