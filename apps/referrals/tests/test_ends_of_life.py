"""Issue 10, part 3: closing closes what depends on it, and every other end of life does the same.

Sofie (Lokaal bestuur) holds Mariam's pathway; Els (De Brug) receives its referrals; Olaf is an outsider.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.notifications.models import Notification
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import offer_update, waiting_list_add
from apps.offers.tests.test_views_offers import make_offer
from apps.pathways.models import Action, Closure, Pathway, TeamMember, TeamRole
from apps.pathways.services import (
    action_add,
    action_set_status,
    pathway_reopen,
    plan_save,
    team_add,
    team_places_end,
    team_remove,
)
from apps.referrals.models import Referral
from apps.referrals.services import (
    offer_deactivate,
    pathway_close_with_referrals,
    referral_accept,
    referral_send,
    referrals_escalate,
)
from apps.referrals.tests.conftest import open_pathway

S = Referral.Status


def close(setup: Any) -> dict[str, Any]:
    return pathway_close_with_referrals(
        pathway=setup.pathway, actor=setup.p.sofie, closed_on=timezone.localdate(), outcome="training"
    )


def test_closing_withdraws_every_open_referral_frees_places_and_closes_the_waiting_list(setup: Any) -> None:
    p = setup.p
    accepted = referral_send(pathway=setup.pathway, offer=setup.offer, actor=p.sofie)
    referral_accept(referral=accepted, actor=p.els)
    full = make_offer(p, p.brug, p.els, title="Volzet")
    Offer.objects.filter(pk=full.pk).update(capacity=0)
    waiting = referral_send(pathway=setup.pathway, offer=full, actor=p.sofie)
    unanswered = referral_send(pathway=setup.pathway, offer=make_offer(p, p.brug, p.els, title="Stil"), actor=p.sofie)
    waiting_list_add(client=setup.client, actor=p.sofie)
    action = action_add(
        pathway=setup.pathway, actor=p.sofie, description="Bellen", owner=p.sofie, owner_organisation=p.lb
    )
    Notification.objects.all().delete()

    result = close(setup)

    assert sorted(result["withdrawn"]) == sorted([accepted.pk, waiting.pk, unanswered.pk])
    for referral in (accepted, waiting, unanswered):
        referral.refresh_from_db()
        assert referral.status == S.WITHDRAWN and referral.reason == "pathway_closed"
    setup.offer.refresh_from_db()
    assert setup.offer.occupancy == 0  # the accepted place is free again
    assert not WaitingListEntry.objects.filter(client=setup.client, is_open=True).exists()
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED
    assert Notification.objects.filter(user=p.els).count() == 3  # the partner is told, once per referral
    # escalation stopped: nothing of this pathway is escalated, however long one waits
    assert referrals_escalate(now=timezone.now() + dt.timedelta(days=60)) == []
    closed = AuditEntry.objects.get(action="pathways.pathway.closed")
    assert closed.changes["actions_cancelled"] == [action.pk]


def test_a_closed_pathway_is_read_only_until_it_is_reopened_with_a_reason(setup: Any) -> None:
    p = setup.p
    action = action_add(
        pathway=setup.pathway, actor=p.sofie, description="Bellen", owner=p.sofie, owner_organisation=p.lb
    )
    close(setup)
    pathway = Pathway.objects.get(pk=setup.pathway.pk)
    member = TeamMember.objects.get(pathway=pathway, user=p.sofie)
    refusals = [
        lambda: plan_save(pathway=pathway, actor=p.sofie, expected_version=pathway.plan_version, client_words="x",
                          goals=[]),
        lambda: action_add(pathway=pathway, actor=p.sofie, description="Nog", owner=p.sofie, owner_organisation=p.lb),
        lambda: action_set_status(action=Action.objects.get(pk=action.pk), actor=p.sofie, status="open"),
        lambda: team_add(pathway=pathway, actor=p.sofie, user=p.yonas, organisation=p.lb, role="peer_companion"),
        lambda: team_remove(member=member, actor=p.sofie),
    ]  # fmt: skip
    for attempt in refusals:
        with pytest.raises(ValidationError):
            attempt()
    with pytest.raises(ValidationError):  # a reason is required
        pathway_reopen(pathway=pathway, actor=p.sofie, reason="  ")
    pathway_reopen(pathway=pathway, actor=p.sofie, reason="Mariam vraagt opnieuw begeleiding.")
    pathway.refresh_from_db()
    assert pathway.status == Pathway.Status.ACTIVE and not Closure.objects.filter(pathway=pathway).exists()
    entry = AuditEntry.objects.get(action="pathways.pathway.reopened")
    assert entry.changes["closure"]["outcome"] == "training" and "Mariam" not in str(entry.changes)
    action_add(pathway=pathway, actor=p.sofie, description="Nog", owner=p.sofie, owner_organisation=p.lb)
    close(setup)  # and it can be closed again


def test_a_pathway_is_not_reopened_while_the_client_has_another_open_one(setup: Any) -> None:
    from apps.pathways.services import pathway_start

    p = setup.p
    close(setup)
    pathway_start(client=setup.client, actor=p.sofie, organisation=p.lb)
    with pytest.raises(ValidationError):
        pathway_reopen(pathway=setup.pathway, actor=p.sofie, reason="Vergissing")


def test_removing_a_team_member_hands_their_open_actions_to_the_counsellor(setup: Any) -> None:
    p = setup.p
    yonas = team_add(pathway=setup.pathway, actor=p.sofie, user=p.yonas, organisation=p.lb, role="peer_companion")
    action = action_add(
        pathway=setup.pathway, actor=p.sofie, description="Meegaan", owner=p.yonas, owner_organisation=p.lb
    )
    team_remove(member=yonas, actor=p.sofie)
    action.refresh_from_db()
    assert action.owner == p.sofie and action.status == Action.Status.OPEN
    sofie = TeamMember.objects.get(pathway=setup.pathway, user=p.sofie, is_active=True)
    with pytest.raises(ValidationError):  # the only counsellor who holds the direction stays
        team_remove(member=sofie, actor=p.sofie)


def test_a_worker_who_leaves_loses_every_team_place_at_once(setup: Any) -> None:
    p = setup.p
    second = open_pathway(p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    for pathway in (setup.pathway, second):
        team_add(pathway=pathway, actor=p.sofie, user=p.yonas, organisation=p.lb, role=TeamRole.PEER_COMPANION)
    ended = team_places_end(user=p.yonas, actor=p.wouter, organisation=p.lb, reason="membership_ended")
    assert len(ended) == 2
    assert not TeamMember.objects.filter(user=p.yonas, is_active=True).exists()


def test_stopping_an_offer_answers_what_waits_for_it_and_keeps_running_places(setup: Any) -> None:
    p = setup.p
    running = referral_send(pathway=setup.pathway, offer=setup.offer, actor=p.sofie)
    referral_accept(referral=running, actor=p.els)
    other = open_pathway(p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    unanswered = referral_send(pathway=other, offer=setup.offer, actor=p.sofie)
    with pytest.raises(ValidationError) as exc:  # the edit form cannot leave a referral without an answer
        offer_update(offer=setup.offer, actor=p.els, is_active=False)
    assert "is_active" in exc.value.message_dict
    result = offer_deactivate(offer=setup.offer, actor=p.els)
    unanswered.refresh_from_db()
    running.refresh_from_db()
    setup.offer.refresh_from_db()
    assert unanswered.status == S.REFUSED and unanswered.reason == "offer_ended"
    assert running.status == S.ACCEPTED and result["running"] == [running.pk]
    assert not setup.offer.is_active and setup.offer.occupancy == 1
    assert not WaitingListEntry.objects.filter(offer=setup.offer, is_open=True).exists()


def test_the_closing_page_says_what_is_still_open_and_asks_for_an_exit_screening(
    setup: Any, client: Browser, django_assert_max_num_queries: Any
) -> None:
    p = setup.p
    referral_send(pathway=setup.pathway, offer=setup.offer, actor=p.sofie)
    client.force_login(p.sofie)
    with django_assert_max_num_queries(25):
        html = client.get(f"/trajecten/{setup.pathway.pk}/afsluiten/").content.decode()
    assert 'id="closing-summary"' in html and "Taalcafé" in html
    assert "niet verplicht" in html  # the exit screening is asked, not forced
    response = client.post(
        f"/trajecten/{setup.pathway.pk}/afsluiten/",
        {"closed_on": "2026-06-01", "outcome": "training", "results_now": "yes"},
    )
    assert response.status_code == 302
    assert Referral.objects.get().status == S.WITHDRAWN
    page = client.get(f"/trajecten/{setup.pathway.pk}/").content.decode()
    assert "/plan/" not in page and f"/trajecten/{setup.pathway.pk}/heropenen/" in page
    response = client.post(f"/trajecten/{setup.pathway.pk}/heropenen/", {"reason": ""})
    assert response.status_code == 200  # the reason is asked again
    assert client.post(f"/trajecten/{setup.pathway.pk}/heropenen/", {"reason": "Terug"}).status_code == 302


def test_an_outsider_gets_404_on_closing_and_reopening(setup: Any, client: Browser) -> None:
    client.force_login(setup.p.olaf)
    assert client.get(f"/trajecten/{setup.pathway.pk}/afsluiten/").status_code == 404
    assert client.post(f"/trajecten/{setup.pathway.pk}/heropenen/", {"reason": "x"}).status_code == 404


def test_the_closing_page_names_only_what_is_open_and_dates_the_last_screening_in_the_belgian_short_format(
    setup: Any, client: Browser
) -> None:
    # Tried as a new user: the page listed "0 open plaatsen op de wachtlijst: ze worden afgesloten." and dated
    # the last screening "01/03/2026" while every other page writes "1-3-2026".
    from tests.factories import complete_screening

    p = setup.p
    complete_screening(setup.client, p.sofie, obstacles=[], on=dt.date(2026, 3, 1))
    client.force_login(p.sofie)
    html = client.get(f"/trajecten/{setup.pathway.pk}/afsluiten/").content.decode()
    assert "dateert van 1-3-2026" in html and "01/03/2026" not in html
    assert "0 open" not in html and "0 teamleden" not in html
    summary = html.split('id="closing-summary"')[1].split("</section>")[0]
    assert "1 teamlid houdt leestoegang" in summary and "actie" not in summary and "wachtlijst" not in summary
