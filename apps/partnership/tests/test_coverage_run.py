"""Issue 15, item 5: Wouter's coverage proposal is a background job with progress, like the allocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client as Browser
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.partnership import coverage, services_decisions, services_jury
from apps.partnership.models import CoverageRun
from apps.partnership.services_coverage import coverage_run_start
from apps.partnership.services_coverage_run import coverage_run_execute
from apps.partnership.tests.conftest import make_candidacy

PAGE = "/oproep/oostende/jury/dekking/"


@pytest.fixture
def scored_call(personas: Any, criteria: Any, settings: Any, tmp_path: Any) -> list[Any]:
    """Two scored candidacies of the Oostende call, Alfa (selected, EUR 30,000) and Beta (EUR 20,000)."""
    settings.MEDIA_ROOT = tmp_path
    a = make_candidacy(personas.region, name="Alfa", kbo="0202239951", budget="30000")
    services_decisions.decision_record(
        candidacy=a, actor=personas.wouter, decision="selected", motivation="Goed", now=a.submitted_at
    )
    b = make_candidacy(personas.region, name="Beta", kbo="0403170701", challenges=("marlies", "thierry"),
                       types={"housing-support": 15}, budget="20000")  # fmt: skip
    for cand, score in ((a, "4"), (b, "3.5")):
        services_jury.consensus_record(candidacy=cand, actor=personas.wouter, score=Decimal(score), motivation="x")
    return [a, b]


def fragment(client: Browser, run: CoverageRun) -> str:
    return client.get(f"{PAGE}{run.pk}/", HTTP_HX_REQUEST="true").content.decode()


@pytest.mark.django_db
def test_wouter_queues_the_proposal_and_the_page_polls_until_the_result_is_there(
    personas: Any, scored_call: Any, client: Browser, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.COVERAGE_SOLVE_SECONDS = 7
    client.force_login(personas.wouter)
    response = client.post(PAGE, {"budget": "50000"})
    run = CoverageRun.objects.get()
    assert response.status_code == 302 and run.status == "queued" and run.created_by == personas.wouter
    assert run.budget == Decimal("50000.00") and run.time_limit_seconds == 7.0  # the setting, kept on the run
    page = client.get(f"{PAGE}{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and 'id="coverage-run"' in page and "htmx-2.min.js" in page
    with django_assert_max_num_queries(6):  # session, user, memberships, region, run: no solver in the request
        polled = fragment(client, run)
    assert 'hx-trigger="every 2s"' in polled and "<html" not in polled and 'id="no-worker"' not in polled

    done = coverage_run_execute(run=run)  # what the worker's task runs
    assert done.status == "done" and done.solves_done == done.solves_total == 1 + len(done.result["best"]["chosen"])
    assert done.started_at is not None and done.finished_at is not None and done.percent == 100
    polled = fragment(client, run)
    assert "hx-trigger" not in polled  # polling stops, the result is in
    assert 'id="solution-best"' in polled and "Beste set zonder" in polled and "Alfa" in polled
    assert set(done.result["best"]["chosen"]) == {c.pk for c in scored_call}  # both fit in EUR 50,000
    assert list(
        AuditEntry.objects.filter(object_type="partnership.coveragerun")
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "partnership.coverage.started",
        "partnership.coverage.finished",
    ]
    # the coverage page itself shows the latest computation
    assert 'id="solution-best"' in client.get(PAGE).content.decode()


@pytest.mark.django_db
def test_a_second_computation_while_one_runs_is_refused(personas: Any, scored_call: Any, client: Browser) -> None:
    first = coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("30000"))
    with pytest.raises(ValidationError):
        coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("10000"))
    client.force_login(personas.wouter)
    response = client.post(PAGE, {"budget": "10000"})
    assert response.status_code == 200 and "al een dekkingsvoorstel berekend" in response.content.decode()
    assert list(CoverageRun.objects.values_list("pk", flat=True)) == [first.pk]
    # once it is done, a new one may start
    coverage_run_execute(run=first)
    assert client.post(PAGE, {"budget": "10000"}).status_code == 302
    assert CoverageRun.objects.count() == 2


@pytest.mark.django_db
def test_a_bad_budget_is_refused_at_the_field_and_nothing_is_queued(personas: Any, scored_call: Any,
                                                                     client: Browser) -> None:  # fmt: skip
    client.force_login(personas.wouter)
    for junk in ("veel", "-5", "", "1e40"):
        response = client.post(PAGE, {"budget": junk})
        assert response.status_code == 200 and "is-invalid" in response.content.decode(), junk
    with pytest.raises(ValidationError):
        coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("-1"))
    assert not CoverageRun.objects.exists()


@pytest.mark.django_db
def test_a_run_nobody_takes_says_no_worker_runs(personas: Any, scored_call: Any, client: Browser,
                                                settings: Any) -> None:  # fmt: skip
    settings.WORKER_GRACE_SECONDS = 30
    run = coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("30000"))
    client.force_login(personas.wouter)
    assert 'id="no-worker"' not in fragment(client, run)
    CoverageRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(seconds=60))
    polled = fragment(client, run)
    assert 'id="no-worker"' in polled and "padwijzer db_worker" in polled and 'hx-trigger="every 2s"' in polled


@pytest.mark.django_db
def test_a_run_whose_worker_stopped_is_shown_stopped_and_may_be_started_again(
    personas: Any, scored_call: Any, client: Browser, settings: Any
) -> None:
    settings.WORKER_GRACE_SECONDS = 15
    settings.COVERAGE_SOLVE_SECONDS = 20
    run = coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("30000"))
    silent_since = timezone.now() - dt.timedelta(seconds=60)  # more than 20 s per solve + 15 s grace
    CoverageRun.objects.filter(pk=run.pk).update(status="running", solves_done=1, solves_total=3,
                                                 updated_at=silent_since)  # fmt: skip
    client.force_login(personas.wouter)
    polled = fragment(client, run)
    assert 'id="coverage-stale"' in polled and "hx-trigger" not in polled  # no endless polling of a dead run
    assert client.post(PAGE, {"budget": "30000"}).status_code == 302  # the stopped run does not block
    run.refresh_from_db()
    assert run.status == "failed" and run.error
    assert AuditEntry.objects.filter(action="partnership.coverage.failed", object_id=str(run.pk)).exists()
    assert CoverageRun.objects.filter(status="queued").count() == 1
    assert 'id="coverage-failed"' in fragment(client, run)


@pytest.mark.django_db
def test_a_run_that_is_still_making_progress_is_not_stale(personas: Any, scored_call: Any) -> None:
    run = coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("30000"))
    CoverageRun.objects.filter(pk=run.pk).update(status="running", updated_at=timezone.now())
    run.refresh_from_db()
    assert not run.is_stale()
    with pytest.raises(ValidationError):
        coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("30000"))


@pytest.mark.django_db
def test_only_the_coordinator_of_the_call_reaches_a_run(personas: Any, scored_call: Any, client: Browser) -> None:
    run = coverage_run_start(region=personas.region, actor=personas.wouter, budget=Decimal("30000"))
    for who in (personas.ine, personas.sofie, personas.nadia):  # jury member, counsellor, another region
        client.force_login(who)
        assert client.get(f"{PAGE}{run.pk}/").status_code == 404
        assert client.get(f"{PAGE}{run.pk}/", HTTP_HX_REQUEST="true").status_code == 404
        assert client.post(PAGE, {"budget": "1"}).status_code == 404
    client.force_login(personas.wouter)
    assert client.get(f"{PAGE}{run.pk + 1000}/").status_code == 404
    assert client.get(f"/oproep/westhoek/jury/dekking/{run.pk}/").status_code == 404


def test_each_solve_reports_progress_and_keeps_to_its_time_limit() -> None:
    problem = coverage.Problem(
        weights={1: 3, 2: 1},
        options=[coverage.Option(1, 100, 500, frozenset({1})), coverage.Option(2, 100, 200, frozenset({1, 2}))],
        budget=200,
    )
    seen: list[tuple[int, int]] = []
    best, alternatives = coverage.solve_with_alternatives(
        problem, time_limit_s=1.0, on_progress=lambda d, t: seen.append((d, t))
    )
    assert best.chosen == [1, 2] and [k for k, _alt in alternatives] == [1, 2]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert alternatives[0][1].chosen == [2] and alternatives[1][1].chosen == [1]


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_the_queued_proposal(personas: Any, scored_call: Any, client: Browser) -> None:
    client.force_login(personas.wouter)
    assert client.post(PAGE, {"budget": "30000"}).status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run = CoverageRun.objects.get()
    assert run.status == "done" and run.result["best"]["cost_cents"] <= 3_000_000
    assert 'id="solution-best"' in fragment(client, run)
