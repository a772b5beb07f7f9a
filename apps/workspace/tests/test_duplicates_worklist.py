"""Issue 11 item 6: the coordinator's worklist of suspected duplicates, with the evidence, merge from the pair.

Wouter coordinates the Oostende partnership; Nadia coordinates Westhoek (another region). Sofie (Lokaal
bestuur) registered Céline Van den Broeck; Els (De Brug) registered "celine van den broeck" again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test.client import Client as Browser

from apps.audit.models import AuditEntry
from apps.clients.models import Client
from apps.clients.selectors import suspected_duplicates
from tests.factories import register_client

BORN = dt.date(1987, 9, 12)
URL = "/hulpvragers/samenvoegen/"


def _pair(personas: Any) -> tuple[Any, Any]:
    celine = register_client(personas, first_name="Céline", last_name="Van den Broeck", birth_date=BORN)
    again = register_client(
        personas, organisation=personas.brug, actor=personas.els, first_name="celine", last_name="van den broeck",
        birth_date=BORN,
    )  # fmt: skip
    return celine, again


def test_a_similar_name_with_the_same_birth_date_is_a_suspected_pair_with_its_evidence(personas: Any) -> None:
    celine, again = _pair(personas)
    register_client(personas, first_name="Mohamed", last_name="Amrani", birth_date=BORN)  # same day, other person
    register_client(personas, first_name="Celine", last_name="Van den Broeck", birth_date=dt.date(1987, 9, 13))
    pairs = suspected_duplicates(region_ids={personas.region.pk})
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(celine.pk, again.pk)]
    assert pairs[0].evidence[:2] == ["zelfde geboortedatum", "gelijkaardige naam (100%)"]


def test_swapped_first_and_last_names_are_found(personas: Any) -> None:
    register_client(personas, first_name="Tesfaye", last_name="Mariam", birth_date=BORN)
    register_client(personas, first_name="Mariam", last_name="Tesfaye", birth_date=BORN)
    assert len(suspected_duplicates(region_ids={personas.region.pk})) == 1


def test_the_coordinator_sees_the_pairs_and_merges_from_one_after_confirming(personas: Any, client: Browser) -> None:
    celine, again = _pair(personas)
    client.force_login(personas.wouter)
    html = client.get(URL).content.decode()
    assert "Vermoedelijke dubbels" in html and "gelijkaardige naam (100%)" in html
    link = f"?survivor={celine.pk}&amp;duplicate={again.pk}#merge-form"
    assert link in html
    # the link only fills in the form: nothing is merged until the coordinator presses Merge
    confirm = client.get(URL, {"survivor": celine.pk, "duplicate": again.pk}).content.decode()
    assert f'value="{celine.pk}"' in confirm and f'value="{again.pk}"' in confirm
    assert not Client.objects.filter(merged_into__isnull=False).exists()
    response = client.post(URL, {"survivor": celine.pk, "duplicate": again.pk})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.merged_into_id == celine.pk
    assert "Geen vermoedelijke dubbels." in client.get(URL).content.decode()


def test_the_list_shown_is_recorded_as_a_duplicate_check_without_names(personas: Any, client: Browser) -> None:
    celine, again = _pair(personas)
    client.force_login(personas.wouter)
    client.get(URL)
    entry = AuditEntry.objects.filter(action="clients.list.viewed").latest("pk")
    assert entry.changes["purpose"] == "duplicate_check"
    assert sorted(entry.changes["clients"]) == sorted([celine.pk, again.pk])
    assert "Céline" not in str(entry.changes) and "Broeck" not in str(entry.changes)


def test_a_coordinator_of_another_partnership_sees_no_pair_of_ours(personas: Any, client: Browser) -> None:
    _pair(personas)
    client.force_login(personas.nadia)
    html = client.get(URL).content.decode()
    assert "Geen vermoedelijke dubbels." in html and "Broeck" not in html


@pytest.mark.parametrize("persona", ["sofie", "els", "ine"])
def test_who_is_not_a_coordinator_gets_404(personas: Any, client: Browser, persona: str) -> None:
    _pair(personas)
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == 404


def test_junk_in_the_prefill_is_ignored(personas: Any, client: Browser) -> None:
    client.force_login(personas.wouter)
    assert client.get(URL, {"survivor": "abc", "duplicate": str(2**64), "page": "x"}).status_code == 200


def test_the_page_takes_the_same_number_of_queries_for_2_or_40_pairs(personas: Any, client: Browser) -> None:
    def make(count: int, start: int) -> None:
        for i in range(start, start + count):
            day = BORN + dt.timedelta(days=i)
            register_client(personas, first_name=f"Anna{i}", last_name="Peeters", birth_date=day)
            register_client(personas, first_name=f"Anna{i}", last_name="Peeters", birth_date=day)

    client.force_login(personas.wouter)
    make(2, 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    make(38, 2)
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"] for q in many.captured_queries]
    assert "Pagina 1 van 2" in html and html.count("gelijkaardige naam (100%)") == 20
