"""The error summary of the pathway pages links each field's error to the input on the page (the GOV.UK pattern):
the team page's role (a radio list: its first radio) and the plan's goals (a formset: the prefixed input of the goal
the error belongs to)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser

from apps.accounts.models import Membership
from apps.core.tests.test_error_summary import Page
from apps.pathways.tests.test_pathways import started

pytestmark = pytest.mark.django_db


def test_sofies_refused_team_member_links_the_summary_to_the_first_role_radio(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    yonas_at_lb = Membership.objects.get(user=personas.yonas, organisation=personas.lb)
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{pathway.pk}/team/", {"membership": str(yonas_at_lb.pk), "role": "counsellor", "task": "Regie"}
    )
    page = Page(response.content.decode())
    assert page.links == ["#id_role_0"] and "id_role_0" in page.ids
    assert "Rol in het team: Alleen een trajectbegeleider van Lokaal bestuur Oostende" in " ".join(
        page.summary_text.split()
    )


def test_sofies_goal_without_a_life_domain_links_to_that_goals_life_domain(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{pathway.pk}/plan/",
        {"version": "1", "client_words": "", "goals-TOTAL_FORMS": "2", "goals-INITIAL_FORMS": "0",
         "goals-MIN_NUM_FORMS": "0", "goals-MAX_NUM_FORMS": "1000",
         "goals-1-description": "Een woning vinden"},
    )  # fmt: skip
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert page.links == ["#id_goals-1-life_domain"] and "id_goals-1-life_domain" in page.ids
    assert "Doel 2 · Levensdomein:" in " ".join(page.summary_text.split())
