"""Plan editing (issue 11 item 5): several goals in one save, this client's obstacles first, optimistic lock kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser

from apps.pathways.models import Goal
from apps.regions.models import LifeDomain, Obstacle
from tests.factories import register_client, start_pathway

pytestmark = pytest.mark.django_db


def screened_pathway(personas: Any) -> Any:
    client = register_client(personas)
    return start_pathway(personas, client, obstacles=["limited-dutch", "trauma-ptsd"])


def management(total: int, initial: int = 0) -> dict[str, str]:
    return {
        "goals-TOTAL_FORMS": str(total),
        "goals-INITIAL_FORMS": str(initial),
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
    }


def test_the_plan_offers_the_clients_screened_obstacles_first(personas: Any, client: Browser) -> None:
    pathway = screened_pathway(personas)
    client.force_login(personas.sofie)
    html = client.get(f"/trajecten/{pathway.pk}/plan/").content.decode()
    first_goal = html[html.index("goals-0-life_domain") : html.index("goals-1-life_domain")]
    screened_at = first_goal.index("Uit de screening van deze hulpvrager")
    others_at = first_goal.index("Andere obstakels")
    dutch_at = first_goal.index("Beperkte of geen kennis van het Nederlands")
    education_at = first_goal.index("Laaggeschoold")
    assert screened_at < dutch_at < others_at < education_at
    assert '<details class="mt-1">' in first_goal  # the others fold away (no JavaScript needed)
    assert html.count('name="goals-') and 'name="goals-TOTAL_FORMS" value="2"' in html  # two empty goals


def test_several_goals_are_saved_at_once_and_more_goals_keeps_the_text(personas: Any, client: Browser) -> None:
    pathway = screened_pathway(personas)
    client.force_login(personas.sofie)
    url = f"/trajecten/{pathway.pk}/plan/"
    language = LifeDomain.objects.get(region=personas.region, code="language").pk
    housing = LifeDomain.objects.get(region=personas.region, code="housing").pk
    dutch = Obstacle.objects.get(region=personas.region, code="limited-dutch").pk
    typed = {"version": "1", "client_words": "Ik wil werken.", **management(2),
             "goals-0-life_domain": language, "goals-0-description": "Nederlands A2 halen",
             "goals-0-obstacles": [dutch],
             "goals-1-life_domain": housing, "goals-1-description": "Een woning vinden"}  # fmt: skip
    more = client.post(url, typed | {"more_goals": "1"})
    html = more.content.decode()
    assert more.status_code == 200 and 'name="goals-TOTAL_FORMS" value="4"' in html
    assert "Nederlands A2 halen" in html and "Een woning vinden" in html and not Goal.objects.exists()
    saved = client.post(url, typed | management(4))
    assert saved.status_code == 302
    goals = {g.description: g for g in Goal.objects.filter(pathway=pathway).prefetch_related("obstacles")}
    assert set(goals) == {"Nederlands A2 halen", "Een woning vinden"}
    assert [o.pk for o in goals["Nederlands A2 halen"].obstacles.all()] == [dutch]
    stale = client.post(url, typed | {"goals-0-description": "Iets anders"})  # opened at version 1: refused
    assert stale.status_code == 200 and 'id="plan-conflict"' in stale.content.decode()
    assert "Iets anders" in stale.content.decode() and Goal.objects.filter(pathway=pathway).count() == 2


def test_junk_in_the_goal_count_is_no_error(personas: Any, client: Browser) -> None:
    pathway = screened_pathway(personas)
    client.force_login(personas.sofie)
    url = f"/trajecten/{pathway.pk}/plan/"
    for junk in ("abc", "-1", str(2**64), ""):
        response = client.post(url, {"version": "1", **management(1), "goals-TOTAL_FORMS": junk, "more_goals": "1"})
        assert response.status_code in {200, 400}
