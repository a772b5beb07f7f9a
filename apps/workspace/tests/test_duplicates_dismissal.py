"""Issue 10 (the duplicates worklist): "not the same person". A coordinator dismisses a suggested pair; the
dismissal is audited, stored once per pair (a unique constraint on the ordered pair) and can be undone.

Wouter coordinates the Oostende partnership; Nadia coordinates Westhoek. Sofie (Lokaal bestuur) registered
Céline Van den Broeck; Els (De Brug) registered another Céline Van den Broeck born the same day: two people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test.client import Client as Browser
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.clients.models import DistinctPair
from apps.clients.selectors import suspected_duplicates
from apps.clients.services_duplicates import duplicate_pair_dismiss, duplicate_pair_restore
from apps.workspace.services_merge import client_merge
from tests.factories import register_client

BORN = dt.date(1987, 9, 12)
URL = "/hulpvragers/samenvoegen/"
DISMISS = URL + "niet-dezelfde/"


def _two_celines(personas: Any) -> tuple[Any, Any]:
    celine = register_client(personas, first_name="Céline", last_name="Van den Broeck", birth_date=BORN)
    other = register_client(
        personas, organisation=personas.brug, actor=personas.els, first_name="Celine", last_name="Van den Broeck",
        birth_date=BORN,
    )  # fmt: skip
    return celine, other


def test_wouter_marks_the_two_celines_as_different_people_and_the_pair_is_no_longer_suggested(
    personas: Any, client: Browser
) -> None:
    celine, other = _two_celines(personas)
    client.force_login(personas.wouter)
    page = client.get(URL).content.decode()
    assert f"{celine.pk} en {other.pk} zijn niet dezelfde persoon" in page
    response = client.post(DISMISS, {"first": other.pk, "second": celine.pk}, follow=True)
    html = response.content.decode()
    assert "als twee verschillende personen gemarkeerd" in html
    assert "Geen vermoedelijke dubbels." in html
    assert 'id="dismissed-pairs"' in html and f"hulpvragernummer {other.pk}, De Brug vzw" in html
    pair = DistinctPair.objects.get()
    assert (pair.first_id, pair.second_id, pair.dismissed_by) == (celine.pk, other.pk, personas.wouter)
    entry = AuditEntry.objects.get(action="clients.duplicates.dismissed")
    assert entry.changes == {"clients": [celine.pk, other.pk]} and entry.actor == personas.wouter
    assert suspected_duplicates(region_ids={personas.region.pk}) == []


def test_undoing_the_dismissal_suggests_the_pair_again_and_dismissing_again_reuses_the_row(
    personas: Any, client: Browser
) -> None:
    celine, other = _two_celines(personas)
    pair = duplicate_pair_dismiss(first=celine, second=other, actor=personas.wouter)
    client.force_login(personas.wouter)
    response = client.post(f"{DISMISS}{pair.pk}/ongedaan/", follow=True)
    assert "Het paar wordt opnieuw voorgesteld." in response.content.decode()
    assert [(p.first.pk, p.second.pk) for p in suspected_duplicates(region_ids={personas.region.pk})] == [
        (celine.pk, other.pk)
    ]
    assert AuditEntry.objects.filter(action="clients.duplicates.restored").count() == 1
    duplicate_pair_restore(pair=pair, actor=personas.wouter)  # undone already: nothing more
    assert AuditEntry.objects.filter(action="clients.duplicates.restored").count() == 1
    again = duplicate_pair_dismiss(first=other, second=celine, actor=personas.wouter)
    assert again.pk == pair.pk and again.undone_at is None and DistinctPair.objects.count() == 1
    duplicate_pair_dismiss(first=celine, second=other, actor=personas.wouter)  # dismissed already: nothing more
    assert AuditEntry.objects.filter(action="clients.duplicates.dismissed").count() == 2


def test_the_database_keeps_one_row_per_pair_in_order(personas: Any) -> None:
    celine, other = _two_celines(personas)
    now = timezone.now()
    DistinctPair.objects.create(first=celine, second=other, dismissed_by=personas.wouter, dismissed_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        DistinctPair.objects.create(first=celine, second=other, dismissed_by=personas.wouter, dismissed_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        DistinctPair.objects.create(first=other, second=celine, dismissed_by=personas.wouter, dismissed_at=now)


def test_a_record_cannot_be_dismissed_against_itself_or_across_partnerships(personas: Any, client: Browser) -> None:
    celine, _other = _two_celines(personas)
    client.force_login(personas.wouter)
    response = client.post(DISMISS, {"first": celine.pk, "second": celine.pk}, follow=True)
    assert "Kies twee verschillende dossiers." in response.content.decode()
    assert not DistinctPair.objects.exists()


@pytest.mark.parametrize("persona", ["sofie", "els", "nadia"])
def test_who_does_not_coordinate_the_partnership_gets_404(personas: Any, client: Browser, persona: str) -> None:
    celine, other = _two_celines(personas)
    pair = duplicate_pair_dismiss(first=celine, second=other, actor=personas.wouter)
    client.force_login(getattr(personas, persona))
    assert client.post(DISMISS, {"first": celine.pk, "second": other.pk}).status_code == 404
    assert client.post(f"{DISMISS}{pair.pk}/ongedaan/").status_code == 404
    pair.refresh_from_db()
    assert pair.undone_at is None


@pytest.mark.parametrize("junk", [{"first": "abc", "second": "1"}, {"first": str(2**64), "second": "1"}, {}])
def test_junk_in_the_dismissal_is_a_message_not_an_error(personas: Any, client: Browser, junk: dict[str, str]) -> None:
    client.force_login(personas.wouter)
    response = client.post(DISMISS, junk, follow=True)
    assert response.status_code == 200 and "Kies het paar uit de lijst" in response.content.decode()
    assert client.get(DISMISS).status_code == 405


def test_a_merge_leaves_the_dismissal_where_it_is(personas: Any) -> None:
    celine, other = _two_celines(personas)
    pair = duplicate_pair_dismiss(first=celine, second=other, actor=personas.wouter)
    third = register_client(personas, first_name="Céline", last_name="Van den Broeck", birth_date=BORN)
    client_merge(survivor=celine, duplicate=third, actor=personas.wouter)
    pair.refresh_from_db()
    assert (pair.first_id, pair.second_id, pair.undone_at) == (celine.pk, other.pk, None)
