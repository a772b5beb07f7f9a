"""Home as a to-do list, the menu's badges and notifications with read/unread."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client as Browser
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.offers.tests.test_views_offers import make_offer
from apps.pathways.models import Action
from apps.pathways.services import action_add, action_set_status, pathway_start
from apps.referrals.services import referral_send
from apps.referrals.tests.conftest import open_pathway
from conftest import complete_screening, register_client


def test_els_sees_the_referral_waiting_for_her_answer_and_a_badge(personas: Any, client: Browser) -> None:
    pathway = open_pathway(personas)
    offer = make_offer(personas, personas.brug, personas.els)
    referral = referral_send(pathway=pathway, offer=offer, actor=personas.sofie, note="")
    client.force_login(personas.els)
    html = client.get("/").content.decode()
    assert "1 doorverwijzing te beantwoorden" in html
    assert f"/doorverwijzingen/{referral.pk}/" in html
    assert '1<span class="visually-hidden"> taak te doen' in html


def test_sofie_sees_her_overdue_action_with_the_client_name(personas: Any, client: Browser) -> None:
    c = register_client(personas, last_name="Achter")
    complete_screening(c, personas.sofie, obstacles=["no-network"])
    pathway = pathway_start(client=c, actor=personas.sofie, organisation=personas.lb)
    action_add(
        pathway=pathway,
        actor=personas.sofie,
        description="Afspraak bij het OCMW",
        owner=personas.sofie,
        owner_organisation=personas.lb,
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    client.force_login(personas.sofie)
    html = client.get("/").content.decode()
    assert "Mariam Achter</a>: Afspraak bij het OCMW" in html and "(te laat)" in html


def test_notifications_are_marked_read_one_by_one_and_all_at_once(personas: Any, client: Browser) -> None:
    first, second = (
        notify(users=[personas.sofie], message=text, url=url, email=False)[0]
        for text, url in (("Een", "/trajecten/mijn-werk/"), ("Twee", "https://evil.example/"))
    )
    client.force_login(personas.sofie)
    assert "Meldingen <span" in client.get("/meldingen/").content.decode()
    response = client.post(f"/meldingen/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/trajecten/mijn-werk/"
    assert client.post(f"/meldingen/{second.pk}/")["Location"] == "/meldingen/"  # never off-site
    notify(users=[personas.sofie], message="Drie", email=False)
    client.post("/meldingen/alles-gelezen/")
    assert not Notification.objects.filter(user=personas.sofie, read_at__isnull=True).exists()


def test_someone_else_s_notification_is_a_404(personas: Any, client: Browser) -> None:
    note = notify(users=[personas.sofie], message="Van Sofie", email=False)[0]
    client.force_login(personas.olaf)
    assert client.post(f"/meldingen/{note.pk}/").status_code == 404
    assert client.get(f"/meldingen/{note.pk}/").status_code == 405
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_the_notifications_page_and_home_have_fixed_query_counts(
    personas: Any, client: Browser, django_assert_num_queries: Any
) -> None:
    client.force_login(personas.sofie)
    notify(users=[personas.sofie], message="Een", email=False)
    client.get("/meldingen/")
    # session, user with memberships (one query: apps/accounts/backends.py), page (keyset: no count), menu counts
    with django_assert_num_queries(4):
        client.get("/meldingen/")
    for i in range(40):
        notify(users=[personas.sofie], message=f"M{i}", email=False)
    with django_assert_num_queries(4):
        first = client.get("/meldingen/")
    with django_assert_num_queries(4):  # the second and last page too
        client.get(f"/meldingen/?cursor={first.context['page'].next_cursor}")
    # home of a counsellor: session, user with memberships, to-do lists (actions, follow-ups, conferences,
    # proposals, referrals, ESF+ records to complete, consents to renew), notifications, clients per organisation,
    # menu counts; the region's challenges are kept in the process (region_memo) after the first page
    client.get("/")
    with django_assert_num_queries(12):
        client.get("/")


def test_menu_items_match_what_each_role_can_open(personas: Any, client: Browser) -> None:
    client.force_login(personas.yonas)
    html = client.get("/").content.decode()
    # the peer companion confirms no places: proposals name clients outside their case teams (decision 0014)
    assert 'href="/groepsaanbod/"' not in html and 'href="/matching/voorstellen/"' not in html
    assert client.get("/matching/voorstellen/").status_code == 404
    client.force_login(personas.sofie)
    assert 'href="/matching/voorstellen/"' in client.get("/").content.decode()
    client.force_login(personas.els)
    html = client.get("/").content.decode()
    assert 'href="/matching/voorstellen/"' not in html and 'href="/groepsaanbod/"' in html
    client.force_login(personas.wouter)
    html = client.get("/").content.decode()
    assert 'href="/matching/voorstellen/"' not in html and 'href="/trajecten/mijn-werk/"' not in html


def test_the_home_page_shows_sofies_five_newest_notifications_and_links_to_all(personas: Any, client: Browser) -> None:
    """On a phone, twenty unread notifications made the home page 6,400 px tall: it shows the five newest and a
    link to the notifications page, which lists them all."""
    for i in range(8):
        notify(users=[personas.sofie], message=f"Bericht {i}", email=False)
    client.force_login(personas.sofie)
    html = client.get("/").content.decode()
    assert html.count("Bericht ") == 5
    assert "Bericht 7" in html and "Bericht 2" not in html  # the newest first
    assert 'href="/meldingen/">Alle meldingen</a>' in html
    assert client.get("/meldingen/").content.decode().count("Bericht ") == 8


def test_the_home_pages_actions_are_read_from_the_open_actions_index_in_due_order(personas: Any) -> None:
    """Issue 15 (history-proof pages): a worker's open actions due this week come in due order from the partial
    index action_open_owner_due_idx (on the generated column is_open), not by sorting every action the worker
    ever held (21 ms on SQLite at 100,000 demo clients, whose counsellor holds 9,000 actions), on both databases.
    PostgreSQL is told to avoid a sequential scan: the test shows that the index answers the query (on a small
    table the planner would rather read it whole)."""
    from apps.workspace.selectors_todo import _action_list

    sql, params = _action_list.build(user_id=personas.sofie.pk, until=timezone.localdate()).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(line for (line,) in cursor.fetchall())
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "action_open_owner_due_idx" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan  # read in due order, not sorted afterwards


def test_an_actions_is_open_follows_its_status_in_the_database(personas: Any) -> None:
    """is_open is computed by the database from the status (the service's save, or any other write), and the
    home page's list follows it."""
    from apps.workspace.selectors_todo import _action_list

    pathway = open_pathway(personas)
    action = action_add(
        pathway=pathway, actor=personas.sofie, description="Bellen", owner=personas.sofie,
        owner_organisation=personas.lb, due_on=timezone.localdate(),
    )  # fmt: skip
    assert Action.objects.get(pk=action.pk).is_open is True
    for status, still_open in (("in_progress", True), ("done", False), ("cancelled", False), ("open", True)):
        action = action_set_status(action=Action.objects.get(pk=action.pk), actor=personas.sofie, status=status)
        assert Action.objects.get(pk=action.pk).is_open is still_open, status
        assert [a.pk for a in _action_list(user_id=personas.sofie.pk, until=timezone.localdate())] == (
            [action.pk] if still_open else []
        )
    Action.objects.filter(pk=action.pk).update(status="done")
    assert Action.objects.get(pk=action.pk).is_open is False


def test_sofies_menu_reads_the_proposals_to_confirm_from_their_index_not_every_client(
    personas: Any, client: Browser
) -> None:
    """Issue 15 (every page independent of history): the menu's count of proposals on every page starts from the
    partial index of open proposals (proposal_open_idx) and checks each one's client, where it walked every
    client of the organisation (0.7 ms at 100,000 clients on SQLite). SQLite's plan; PostgreSQL's generic plan
    sees the index's constant written in the SQL (SqlConstant)."""
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.sofie)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    reads = [q["sql"] for q in queries.captured_queries if '"matching_allocationproposal"' in q["sql"]]
    assert len(reads) == 2  # the menu's count and the home page's list
    for sql in reads:
        assert "'proposed'" in sql, sql
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "proposal_open_idx" in plan and "clients_org_merged_idx" not in plan, plan
