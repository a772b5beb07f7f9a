"""Issue 10 item 5: the coordinator's forms on a submitted candidacy (consensus, shortlist, decision) carry the
candidacy version they showed; a stale save is refused with the input kept and a Dutch message, and nothing is
written (no decision letter leaves). The same lock as the applicant's draft (apps.core.concurrency)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client as Browser

from apps.audit.models import AuditEntry
from apps.core.concurrency import EditConflict
from apps.partnership import services_decisions, services_jury
from apps.partnership.models import Candidacy
from apps.partnership.tests.conftest import make_candidacy
from tests.factories import RACES_NEED_POSTGRESQL, race

CONFLICT = "Iemand anders heeft deze kandidatuur bewaard terwijl je eraan werkte"


def _url(candidacy: Candidacy, action: str = "") -> str:
    return f"/oproep/oostende/jury/{candidacy.pk}/{action}"


def test_the_coordinators_forms_carry_the_version_of_the_candidacy(
    personas: Any, candidacy: Candidacy, client: Browser
) -> None:
    client.force_login(personas.wouter)
    page = client.get(_url(candidacy)).content.decode()
    assert page.count(f'name="version" value="{candidacy.version}"') == 3  # consensus, shortlist, decision


def test_wouters_stale_consensus_is_refused_with_his_input_kept_and_his_second_save_goes_through(
    personas: Any, candidacy: Candidacy, client: Browser
) -> None:
    opened_at = candidacy.version
    # Wouter opened the page; meanwhile, in another tab, the consensus was recorded after the jury meeting
    services_jury.consensus_record(
        candidacy=candidacy,
        actor=personas.wouter,
        score=Decimal("3"),
        motivation="Na de jury",
        expected_version=opened_at,
    )
    client.force_login(personas.wouter)
    response = client.post(
        _url(candidacy, "consensus/"), {"score": "4.5", "motivation": "Mijn motivatie", "version": str(opened_at)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT in html and "Mijn motivatie" in html
    assert f'name="version" value="{opened_at + 1}"' in html
    candidacy.refresh_from_db()
    assert (candidacy.consensus_score, candidacy.consensus_motivation) == (Decimal("3"), "Na de jury")
    assert AuditEntry.objects.filter(action="partnership.consensus.recorded").count() == 1
    # his second save, at the version the page now carries, is deliberate and goes through
    response = client.post(
        _url(candidacy, "consensus/"), {"score": "4.5", "motivation": "Mijn motivatie", "version": str(opened_at + 1)}
    )
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert (candidacy.consensus_score, candidacy.version) == (Decimal("4.5"), opened_at + 2)


def test_a_stale_decision_is_refused_and_no_letter_leaves(personas: Any, candidacy: Candidacy, client: Browser) -> None:
    opened_at = candidacy.version
    services_jury.shortlist_set(candidacy=candidacy, actor=personas.wouter, shortlisted=True)  # moves the version
    mail.outbox.clear()
    client.force_login(personas.wouter)
    response = client.post(
        _url(candidacy, "beslissing/"),
        {"decision": "not_selected", "motivation": "Geen aansluiting", "version": str(opened_at)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT in html and "Geen aansluiting" in html
    candidacy.refresh_from_db()
    assert candidacy.decision == Candidacy.Decision.PENDING and candidacy.decision_sent_at is None
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="partnership.decision.recorded").exists()


def test_a_stale_shortlist_button_is_refused_with_a_message(
    personas: Any, candidacy: Candidacy, client: Browser
) -> None:
    opened_at = candidacy.version
    services_jury.shortlist_set(candidacy=candidacy, actor=personas.wouter, shortlisted=True)
    client.force_login(personas.wouter)
    # the page Wouter opened still offered "put on the shortlist"; a colleague meanwhile took it on and he
    # presses "take off" on a page that is older still: refused
    response = client.post(_url(candidacy, "shortlist/"), {"shortlisted": "0", "version": str(opened_at)}, follow=True)
    assert CONFLICT in response.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.shortlisted
    assert client.post(_url(candidacy, "shortlist/"), {"shortlisted": "maybe"}).status_code == 400


def test_a_form_without_a_version_still_moves_the_version_on(personas: Any, candidacy: Candidacy) -> None:
    before = candidacy.version
    services_decisions.decision_record(candidacy=candidacy, actor=personas.wouter, decision="selected", motivation="Ja")
    assert Candidacy.objects.get(pk=candidacy.pk).version == before + 1
    with pytest.raises(EditConflict):
        services_jury.consensus_record(
            candidacy=candidacy, actor=personas.wouter, score=Decimal(2), motivation="x", expected_version=before
        )


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deciding_one_candidacy_at_once_let_exactly_one_win(
    personas: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    candidacy = make_candidacy(personas.region)
    opened_at = candidacy.version

    def decide(decision: str) -> None:
        fresh = Candidacy.objects.select_related("region__call").get(pk=candidacy.pk)
        services_decisions.decision_record(
            candidacy=fresh, actor=personas.wouter, decision=decision, motivation=decision,
            expected_version=opened_at,
        )  # fmt: skip

    results = race(selected=lambda: decide("selected"), not_selected=lambda: decide("not_selected"))
    assert sorted(results.values()) == ["EditConflict", "ok"], results
    stored = Candidacy.objects.get(pk=candidacy.pk)
    assert stored.version == opened_at + 1 and results[stored.decision] == "ok"
    assert AuditEntry.objects.filter(action="partnership.decision.recorded").count() == 1
