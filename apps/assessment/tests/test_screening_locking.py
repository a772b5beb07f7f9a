"""Issue 10 item 5: every step of the screening wizard carries the version it showed (optimistic lock), so two
workers editing one screening do not overwrite each other; the stale save is refused with the input kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from apps.assessment.models import Screening
from apps.assessment.services import (
    screening_complete,
    screening_save_domains,
    screening_save_entry_data,
    screening_save_ladder,
    screening_start,
)
from apps.core.concurrency import EditConflict
from apps.regions.models import LifeDomain
from conftest import register_client
from tests.factories import RACES_NEED_POSTGRESQL, race

SCREENED = dt.date(2026, 3, 1)


def _draft(personas: Any) -> Screening:
    mariam = register_client(personas)
    return screening_start(client=mariam, actor=personas.sofie, organisation=personas.lb, screened_on=SCREENED)


def _url(screening: Screening, step: str) -> str:
    return f"/hulpvragers/{screening.client_id}/screening/{screening.pk}/{step}/"


def test_every_step_form_carries_the_version_it_showed(personas: Any, client: Any) -> None:
    screening = _draft(personas)
    client.force_login(personas.sofie)
    for step in ("domeinen", "drempels", "ladder", "gegevens", "overzicht"):
        assert 'name="version" value="1"' in client.get(_url(screening, step)).content.decode(), step


def test_sofies_stale_ladder_is_refused_with_her_input_kept_and_her_second_save_goes_through(
    personas: Any, client: Any
) -> None:
    screening = _draft(personas)
    # Sofie opened the ladder step at version 1; meanwhile Wouter saved the ladder
    screening_save_ladder(screening=screening, actor=personas.wouter, current=1, attainable=2, expected_version=1)
    client.force_login(personas.sofie)
    with translation.override("nl-be"):
        response = client.post(_url(screening, "ladder"), {"current": "3", "attainable": "5", "version": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft deze screening bewaard" in html
    assert 'name="version" value="2"' in html
    assert 'value="3" checked' in html or 'value="3" selected' in html or '"3" checked' in html
    screening.refresh_from_db()
    assert (screening.ladder_current, screening.ladder_attainable, screening.version) == (1, 2, 2)
    # the second save, now at the current version, is deliberate and goes through
    response = client.post(_url(screening, "ladder"), {"current": "3", "attainable": "5", "version": "2"})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert (screening.ladder_current, screening.ladder_attainable, screening.version) == (3, 5, 3)


def test_a_fresh_save_of_the_data_step_is_accepted_and_moves_the_version_on(personas: Any, client: Any) -> None:
    screening = _draft(personas)
    client.force_login(personas.sofie)
    response = client.post(_url(screening, "gegevens"), {"employment_status": "inactive", "version": "1"})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert (screening.employment_status, screening.version) == ("inactive", 2)


def test_a_stale_domain_step_writes_no_score(personas: Any, client: Any) -> None:
    screening = _draft(personas)
    domain = LifeDomain.objects.filter(region=personas.region).first()
    assert domain is not None
    screening_save_ladder(screening=screening, actor=personas.wouter, current=1, attainable=2)
    client.force_login(personas.sofie)
    response = client.post(
        _url(screening, "domeinen"), {f"level_{domain.pk}": "4", f"note_{domain.pk}": "Sofies notitie", "version": "1"}
    )
    assert response.status_code == 200 and "Sofies notitie" in response.content.decode()
    assert not screening.scores.exists()


def test_finishing_moves_the_version_on_so_an_open_step_elsewhere_is_refused(personas: Any) -> None:
    screening = _draft(personas)
    levels: dict[int, tuple[int | None, str]] = {
        d.pk: (3, "") for d in LifeDomain.objects.filter(region=personas.region)
    }
    screening_save_domains(screening=screening, actor=personas.sofie, levels=levels, expected_version=1)
    screening_save_ladder(screening=screening, actor=personas.sofie, current=2, attainable=4, expected_version=2)
    screening_save_entry_data(
        screening=screening, actor=personas.sofie, expected_version=3, employment_status="inactive"
    )
    screening_complete(screening=screening, actor=personas.sofie, expected_version=4)
    assert Screening.objects.get(pk=screening.pk).version == 5
    # Wouter still had the data step open at version 4
    with pytest.raises(EditConflict):
        screening_save_entry_data(
            screening=_as_draft(screening),
            actor=personas.wouter,
            expected_version=4,
            employment_status="employed",
        )
    assert Screening.objects.get(pk=screening.pk).employment_status == "inactive"


def _as_draft(screening: Screening) -> Screening:
    """The screening as a form opened before it was finished still holds it (status draft in memory)."""
    stale = Screening.objects.get(pk=screening.pk)
    stale.status = Screening.Status.DRAFT
    return stale


def test_a_stale_finish_is_refused_on_the_overview(personas: Any, client: Any) -> None:
    screening = _draft(personas)
    screening_save_ladder(screening=screening, actor=personas.wouter, current=1, attainable=2)
    client.force_login(personas.sofie)
    response = client.post(_url(screening, "overzicht"), {"version": "1"})
    assert response.status_code == 200 and 'id="edit-conflict"' in response.content.decode()
    assert 'name="version" value="2"' in response.content.decode()
    assert Screening.objects.get(pk=screening.pk).status == Screening.Status.DRAFT


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_workers_saving_one_screening_at_once_let_exactly_one_win(personas: Any) -> None:
    screening = _draft(personas)
    rungs = {"sofie": 3, "wouter": 5}

    def save(name: str) -> None:
        screening_save_ladder(
            screening=Screening.objects.get(pk=screening.pk),
            actor=getattr(personas, name),
            current=rungs[name],
            attainable=6,
            expected_version=1,
        )

    results = race(sofie=lambda: save("sofie"), wouter=lambda: save("wouter"))
    assert sorted(results.values()) == ["EditConflict", "ok"], results
    stored = Screening.objects.get(pk=screening.pk)
    winner = next(n for n, r in results.items() if r == "ok")
    assert stored.version == 2 and stored.ladder_current == rungs[winner]
