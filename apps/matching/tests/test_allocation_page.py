"""Issue 10, part 2: the allocation page a coordinator understands (Wouter), without reloading."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import timezone

from apps.matching.models import AllocationRun
from apps.matching.services import allocation_execute, allocation_start
from apps.matching.tests.test_allocation_flow import setup_waiting

pytestmark = pytest.mark.django_db


def test_a_queued_run_polls_and_says_when_no_worker_takes_it(personas: Any, client: Browser, settings: Any) -> None:
    settings.ALLOCATION_WORKER_GRACE_SECONDS = 30
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
    with django_assert_num_queries(6):  # session, user, memberships, run, count, page of proposals
        response = client.get(f"/matching/toewijzing/{run.pk}/", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert 'id="proposals"' in fragment and "hx-trigger" not in fragment  # polling stops, proposals in
    assert fragment.count("Waarom deze hulpvrager") == 2 and fragment.count("Waarom dit aanbod") == 2
    assert "Taalcafé" in fragment and "<html" not in fragment
    page = client.get(f"/matching/toewijzing/{run.pk}/").content.decode()
    assert 'id="proposals"' in page and "<details" in page  # solver terms only under technical details
    assert client.get(f"/matching/toewijzing/{run.pk}/?page=x").status_code == 404


def test_only_the_coordinator_of_the_region_sees_the_page(personas: Any, client: Browser) -> None:
    run = AllocationRun.objects.create(region=personas.region, started_by=personas.wouter)
    for who in (personas.olaf, personas.nadia, personas.sofie):
        client.force_login(who)
        assert client.get(f"/matching/toewijzing/{run.pk}/", HTTP_HX_REQUEST="true").status_code == 404
