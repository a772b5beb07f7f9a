"""Progress outcomes beyond ESF+: ladder and life domains between intake and the latest screening."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from apps.assessment.services import screening_complete, screening_save_domains, screening_save_ladder, screening_start
from apps.esf.models import Participation
from apps.esf.tests.factories import participant
from apps.regions.models import LifeDomain
from conftest import complete_screening


def rescreen(client: Any, actor: Any, *, on: dt.date, ladder: int, raise_first_domain: bool) -> None:
    s = screening_start(client=client, actor=actor, organisation=client.organisation, screened_on=on)
    screening_save_ladder(screening=s, actor=actor, current=ladder, attainable=max(ladder, 4))
    if raise_first_domain:
        d = LifeDomain.objects.filter(region=client.organisation.region).order_by("position", "id").first()
        screening_save_domains(screening=s, actor=actor, levels={d.pk: (5, "")})  # type: ignore[union-attr]
    screening_complete(screening=s, actor=actor)


@pytest.fixture
def two_rescreened(personas: Any) -> list[Participation]:
    out = []
    challenge = personas.region.challenges.order_by("rank").first()
    for ladder, raise_domain in ((4, True), (2, False)):
        p = participant(personas, born=dt.date(1990, 1, 1), labour_status="inactive", challenge=challenge)
        complete_screening(p.client, personas.sofie, obstacles=[], on=dt.date(2025, 2, 20))
        rescreen(p.client, personas.sofie, on=dt.date(2025, 9, 1), ladder=ladder, raise_first_domain=raise_domain)
        out.append(p)
    participant(personas, born=dt.date(1990, 1, 1), labour_status="inactive")  # intake only: not counted
    return out


@pytest.mark.django_db
def test_wouter_sees_who_moved_up_the_ladder_and_improved_per_domain(
    client: Any, personas: Any, two_rescreened: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.wouter)
    with django_assert_max_num_queries(12):
        response = client.get("/esf/oostende/voortgang/?start=2025-01-01&end=2025-12-31")
    groups = response.context["groups"]
    everyone = groups[0]
    assert (everyone["screened"], everyone["ladder_up"], everyone["domains"][0]) == ("2", "1", "1")
    assert groups[1]["label"].startswith("Uitdaging") or groups[1]["label"].startswith("Challenge")
    assert groups[1]["screened"] == "2"


@pytest.mark.django_db
def test_sofie_sees_progress_suppressed_and_olaf_of_another_region_nothing(
    client: Any, personas: Any, two_rescreened: Any
) -> None:
    client.force_login(personas.sofie)
    response = client.get("/esf/oostende/voortgang/?start=2025-01-01&end=2025-12-31")
    assert response.context["groups"][0]["screened"] == "<5"
    client.force_login(personas.nadia)
    assert client.get("/esf/oostende/voortgang/").status_code == 404


@pytest.mark.django_db
def test_a_later_screening_outside_the_period_is_not_counted(client: Any, personas: Any, two_rescreened: Any) -> None:
    client.force_login(personas.wouter)
    response = client.get("/esf/oostende/voortgang/?start=2026-01-01&end=2026-12-31")
    assert response.context["groups"][0]["screened"] == "0"
