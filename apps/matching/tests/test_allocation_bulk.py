"""The allocation run reads in bulk: its query count does not grow with the waiting list, and the bulk
profiles and vectorised scores equal the one-client functions the recommendation page uses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.clients.models import Client
from apps.demo.services import demo_seed
from apps.matching.models import AllocationRun
from apps.matching.recommend import eligible, score_offer
from apps.matching.scoring import OfferMatrix
from apps.matching.selectors import client_profile, client_profiles, offer_profiles, travel_model
from apps.matching.services_allocation import allocation_execute
from apps.offers.models import WaitingListEntry


def waiting(region: Any, n: int) -> list[Client]:
    """The first ``n`` demo clients of ``region`` with a completed screening, on the general waiting list."""
    clients = list(
        Client.objects.filter(organisation__region=region, screenings__status="completed").distinct().order_by("pk")[:n]
    )
    WaitingListEntry.objects.filter(client__organisation__region=region).delete()
    from apps.accounts.models import User

    added_by = User.objects.get(username="coordinator")
    WaitingListEntry.objects.bulk_create(
        WaitingListEntry(client=c, since=timezone.localdate(), added_by=added_by) for c in clients
    )
    return clients


@pytest.fixture
def demo(oostende: Any) -> Any:
    demo_seed(region=oostende, clients=60, seed=3)
    return oostende


def run_queries(region: Any, user: Any) -> tuple[int, AllocationRun]:
    cache.clear()  # both runs read the offers from the database, not one from the cache
    run = AllocationRun.objects.create(region=region, started_by=user)
    with CaptureQueriesContext(connection) as queries:
        run = allocation_execute(run=run)
    return len(queries), run


def test_a_run_makes_as_many_queries_for_50_waiting_clients_as_for_5(demo: Any) -> None:
    from apps.accounts.models import User

    wouter = User.objects.get(username="coordinator")
    waiting(demo, 5)
    few, small = run_queries(demo, wouter)
    waiting(demo, 50)
    many, big = run_queries(demo, wouter)
    assert small.clients == 5 and big.clients == 50 and big.candidate_pairs > small.candidate_pairs
    assert few == many
    assert big.total_seconds is not None and big.load_seconds is not None and big.solve_seconds is not None
    assert big.total_seconds >= big.load_seconds + big.solve_seconds


def test_bulk_profiles_equal_the_one_client_profiles_of_the_recommendation_page(demo: Any) -> None:
    clients = waiting(demo, 40)
    bulk = client_profiles(clients=Client.objects.filter(pk__in=[c.pk for c in clients]), region_id=demo.pk)
    assert len(bulk) == 40
    for client in clients:
        assert bulk[client.pk] == client_profile(client=client)


def test_the_vectorised_scores_equal_the_recommendation_scores(demo: Any) -> None:
    clients = waiting(demo, 40)
    offers = offer_profiles(region_id=demo.pk)
    travel = travel_model(region_id=demo.pk)
    matrix = OfferMatrix(offers, travel)
    profiles = client_profiles(clients=Client.objects.filter(pk__in=[c.pk for c in clients]), region_id=demo.pk)
    compared = 0
    for profile in profiles.values():
        ok, scores = matrix.scores(profile)
        for j, offer in enumerate(offers):
            assert bool(ok[j]) == eligible(profile, offer)
            if ok[j]:
                assert scores[j] == pytest.approx(score_offer(profile, offer, travel, explain=False).score, abs=0.011)
                compared += 1
    assert compared > 100


def test_the_nearest_persona_is_the_one_the_classification_shows(demo: Any) -> None:
    from apps.assessment.classification import classify, screening_facts
    from apps.assessment.models import Screening
    from apps.regions.models import Challenge

    clients = waiting(demo, 40)
    challenges = [
        (c, [o for line in c.obstacle_lines.all() for o in line.obstacles.all()])
        for c in Challenge.objects.filter(region=demo).prefetch_related("obstacle_lines__obstacles")
    ]
    for client in clients:
        profile = client_profile(client=client)
        assert profile is not None
        screening = Screening.objects.filter(client=client, status="completed").order_by("-screened_on", "-id")[0]
        obstacles = list(screening.obstacles.select_related("life_domain"))
        levels = {s.life_domain_id: s.level for s in screening.scores.all() if s.level is not None}
        facts = screening_facts(
            client=client, screening=screening, obstacle_codes={o.code for o in obstacles}, on=timezone.localdate()
        )
        nearest = classify(
            facts=facts,
            target_groups=[],
            challenges=challenges,
            obstacles_by_code={o.code: o for o in obstacles},
            levels=levels,
        ).challenges
        top = nearest[0] if nearest and nearest[0].score > 0 else None
        assert profile.challenge_persona == (top.challenge.persona_name if top else "")
        assert profile.challenge_closeness == (top.score if top else 0.0)


def test_the_run_page_shows_its_proposals_fifty_at_a_time(demo: Any, client: Any) -> None:
    from apps.accounts.models import User
    from apps.matching.models import AllocationProposal
    from apps.offers.models import Offer

    coordinator = User.objects.get(username="coordinator")
    waiting(demo, 60)
    offer = Offer.objects.filter(organisation__region=demo).first()
    run = AllocationRun.objects.create(region=demo, started_by=coordinator, status="done", progress=100)
    entries = list(WaitingListEntry.objects.filter(client__organisation__region=demo).order_by("pk"))
    AllocationProposal.objects.bulk_create(
        AllocationProposal(run=run, entry=e, offer=offer, score=50, value=50) for e in entries[:10]
    )
    client.force_login(coordinator)
    url = f"/matching/toewijzing/{run.pk}/"
    connection.queries_log.clear()  # the demo's thousands of queries fill the log (9,000 at most): counts from 0
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    AllocationProposal.objects.bulk_create(
        AllocationProposal(run=run, entry=e, offer=offer, score=50, value=50) for e in entries[10:]
    )
    with CaptureQueriesContext(connection) as many:
        first = client.get(url).content.decode()
    n_first = len(many)
    assert n_first == len(few) > 0  # one count and one page, whatever the number of proposals
    page = client.get(url).context["page"]
    assert first.count('class="list-group-item"') == 50 and f"?cursor={page.next_cursor}" in first
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as last_queries:
        last = client.get(f"{url}?cursor={page.next_cursor}").content.decode()
    assert last.count('class="list-group-item"') == 10 and len(last_queries) == n_first
    assert not any(" OFFSET " in q["sql"].upper() for q in last_queries.captured_queries)  # keyset, no skipping
    for junk in ("3", "0", "abc", "-1", page.next_cursor[:-1]):
        assert client.get(f"{url}?cursor={junk}").status_code == 404


def test_the_needs_speak_the_language_of_the_page_even_when_the_catalogue_was_read_in_another(demo: Any) -> None:
    from django.utils import translation

    from apps.matching.selectors import need_catalogue, needs_from

    catalogue = need_catalogue(region_id=demo.pk)
    obstacle = next(o for o in catalogue.obstacles.values() if o.label_nl != o.label_en and o.label_en)
    levels = {obstacle.life_domain_id: 2}
    with translation.override("nl"):
        dutch = needs_from(catalogue=catalogue, obstacle_ids=[obstacle.pk], levels=levels)
    with translation.override("en"):
        english = needs_from(catalogue=catalogue, obstacle_ids=[obstacle.pk], levels=levels)
    assert dutch[0].label == obstacle.label_nl and english[0].label == obstacle.label_en
    assert dutch[0].domain != english[0].domain or obstacle.life_domain.label_nl == obstacle.life_domain.label_en
