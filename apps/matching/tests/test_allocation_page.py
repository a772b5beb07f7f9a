"""Issue 10, part 2: the allocation page a coordinator understands (Wouter), without reloading."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import timezone

from apps.matching.models import AllocationRun
from apps.matching.services import allocation_start
from apps.matching.services_allocation import allocation_execute
from apps.matching.tests.test_allocation_flow import setup_waiting

pytestmark = pytest.mark.django_db


def test_a_queued_run_polls_and_says_when_no_worker_takes_it(personas: Any, client: Browser, settings: Any) -> None:
    settings.WORKER_GRACE_SECONDS = 30
    setup_waiting(personas, n_clients=1, capacity=1)
    run = allocation_start(region=personas.region, actor=personas.wouter)  # no worker in this test
    client.force_login(personas.wouter)
    AllocationRun.objects.filter(pk=run.pk).update(created_at=timezone.now())  # just queued
    html = client.get(f"/matching/toewijzing/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in html and 'id="no-worker"' not in html
    AllocationRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(seconds=60))
    fragment = client.get(f"/matching/toewijzing/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="no-worker"' in fragment and "padwijzer db_worker" in fragment
    assert "<html" not in fragment  # htmx gets the fragment only


def test_when_the_run_is_done_the_poll_brings_the_proposals_with_a_sentence_each(
    personas: Any, client: Browser, django_assert_num_queries: Any
) -> None:
    setup_waiting(personas, n_clients=3, capacity=2)
    run = allocation_execute(run=allocation_start(region=personas.region, actor=personas.wouter))
    client.force_login(personas.wouter)
    client.get(f"/matching/toewijzing/{run.pk}/", HTTP_HX_REQUEST="true")  # warm the session and caches
    with django_assert_num_queries(5):  # session, user with memberships, run, count, page of proposals
        response = client.get(f"/matching/toewijzing/{run.pk}/", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert 'id="proposals"' in fragment and "hx-trigger" not in fragment  # polling stops, proposals in
    assert fragment.count("Waarom deze hulpvrager") == 2 and fragment.count("Waarom dit aanbod") == 2
    assert "Taalcafé" in fragment and "<html" not in fragment
    page = client.get(f"/matching/toewijzing/{run.pk}/").content.decode()
    assert 'id="proposals"' in page and "<details" in page  # solver terms only under technical details
    assert client.get(f"/matching/toewijzing/{run.pk}/?cursor=x").status_code == 404


def test_only_the_coordinator_of_the_region_sees_the_page(personas: Any, client: Browser) -> None:
    run = AllocationRun.objects.create(region=personas.region, started_by=personas.wouter)
    for who in (personas.olaf, personas.nadia, personas.sofie):
        client.force_login(who)
        assert client.get(f"/matching/toewijzing/{run.pk}/", HTTP_HX_REQUEST="true").status_code == 404


def test_wouter_who_coordinates_two_regions_reaches_the_allocation_of_each(personas: Any, client: Browser) -> None:
    from apps.accounts.models import Membership, Role

    Membership.objects.create(user=personas.wouter, organisation=personas.westhoek_org, role=Role.COORDINATOR)
    oostende_run = AllocationRun.objects.create(region=personas.region, started_by=personas.wouter)
    westhoek = personas.westhoek_org.region
    client.force_login(personas.wouter)
    page = client.get("/matching/toewijzing/")
    assert page.status_code == 200 and page.context["region"] in (personas.region, westhoek)
    assert {r.pk for r in page.context["regions"]} == {personas.region.pk, westhoek.pk}
    assert 'name="regio"' in page.content.decode()  # the picker: two regions to choose from
    chosen = client.get(f"/matching/toewijzing/?regio={westhoek.code}")
    assert chosen.status_code == 200 and chosen.context["region"] == westhoek
    assert oostende_run not in chosen.context["runs"]
    assert client.get(f"/matching/toewijzing/?regio={personas.region.code}").context["region"] == personas.region
    # a run started from the second region's page belongs to that region
    started = client.post("/matching/toewijzing/", {"regio": westhoek.code, "fairness_weight": "1"})
    run = AllocationRun.objects.exclude(pk=oostende_run.pk).get()
    assert started.status_code == 302 and run.region == westhoek
    assert client.get(f"/matching/toewijzing/{run.pk}/").status_code == 200
    assert client.get(f"/matching/toewijzing/{oostende_run.pk}/").status_code == 200
    # a region he does not coordinate, or junk, is 404
    assert client.get("/matching/toewijzing/?regio=nergens").status_code == 404
    client.force_login(personas.nadia)
    assert client.get(f"/matching/toewijzing/?regio={personas.region.code}").status_code == 404
    assert client.get(f"/matching/toewijzing/{oostende_run.pk}/").status_code == 404


def test_the_run_summary_counts_one_waiting_client_in_the_singular(personas: Any, client: Browser) -> None:
    # Tried as a new user: "0 voorstellen voor 1 wachtende hulpvragers." (one count, two nouns)
    setup_waiting(personas, n_clients=1, capacity=1)
    run = allocation_execute(run=allocation_start(region=personas.region, actor=personas.wouter))
    client.force_login(personas.wouter)
    fragment = client.get(f"/matching/toewijzing/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "1 voorstel voor 1 wachtende hulpvrager." in fragment


def test_sofie_pages_through_the_proposals_for_her_clients(personas: Any, client: Browser, monkeypatch: Any) -> None:
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.matching import views

    setup_waiting(personas, n_clients=3, capacity=3)
    run = allocation_execute(run=allocation_start(region=personas.region, actor=personas.wouter))
    assert run.proposals.count() == 3
    monkeypatch.setattr(views, "PROPOSALS_PER_PAGE", 2)
    client.force_login(personas.sofie)
    first = client.get("/matching/voorstellen/")
    html = first.content.decode()
    assert html.count("matching/voorstellen/") >= 4 and 'rel="next"' in html  # two proposals, two forms each
    with CaptureQueriesContext(connection) as queries:
        last = client.get(f"/matching/voorstellen/?cursor={first.context['page'].next_cursor}")
    shown = [p.pk for p in (*first.context["page"], *last.context["page"])]
    assert shown == sorted(run.proposals.values_list("pk", flat=True)) and not last.context["page"].has_next
    assert not any(re.search(r"\bOFFSET\b", q["sql"], re.I) for q in queries.captured_queries)
    assert client.get("/matching/voorstellen/?cursor=3").status_code == 404


def test_the_list_of_runs_speaks_of_clients_not_of_the_solver(personas: Any, client: Any) -> None:
    """The coordinator's list of allocation runs says how many waiting clients a run looked at, in words;
    the solver's objective stays under the run's technical details."""
    from apps.matching.models import AllocationRun

    run = AllocationRun.objects.create(
        region=personas.region, started_by=personas.wouter, status="done", clients=1, offers=3, objective=14.5,
        greedy_objective=12.0,
    )  # fmt: skip
    client.force_login(personas.wouter)
    html = client.get("/matching/toewijzing/").content.decode()
    assert f'href="/matching/toewijzing/{run.pk}/"' in html
    assert "1 wachtende hulpvrager bekeken" in html
    assert "doelwaarde" not in html.lower()
