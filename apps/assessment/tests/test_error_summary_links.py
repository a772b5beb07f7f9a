"""The screening's obstacles step renders its checkboxes with ids of its own (grouped by life domain): its error
summary links to the first of them, an id the page has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from apps.assessment.services import screening_start
from apps.core.tests.test_error_summary import Page
from conftest import register_client

pytestmark = pytest.mark.django_db


def test_sofies_refused_obstacle_links_the_summary_to_the_first_checkbox_of_the_step(
    personas: Any, client: Any
) -> None:
    mariam = register_client(personas)
    screening = screening_start(
        client=mariam, actor=personas.sofie, organisation=personas.lb, screened_on=dt.date(2026, 3, 1)
    )
    client.force_login(personas.sofie)
    response = client.post(
        f"/hulpvragers/{mariam.pk}/screening/{screening.pk}/drempels/", {"obstacles": ["999999"], "version": "1"}
    )
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert len(page.links) == 1 and page.links[0].startswith("#obstacle-")
    assert page.links[0].removeprefix("#") in page.ids
