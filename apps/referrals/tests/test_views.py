"""The referral pages: refer from the pathway or the recommendations, the inbox, the detail with its transitions;
outsiders get 404 everywhere; the receiving side sees no name without consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEntry
from apps.notifications.models import Notification
from apps.offers.models import Offer
from apps.pathways.services import pathway_start
from apps.referrals.models import Referral
from apps.referrals.permissions import TRANSITIONS
from apps.referrals.services import referral_accept, referral_send, referral_withdraw, referrals_escalate
from apps.referrals.tests.conftest import open_pathway
from conftest import complete_screening, register_client

S = Referral.Status


def sent(setup: Any, pathway: Any = None) -> Referral:
    return referral_send(pathway=pathway or setup.pathway, offer=setup.offer, actor=setup.p.sofie, note="Graag.")


def test_a_counsellor_refers_from_the_pathway(setup: Any, client: Browser) -> None:
    client.force_login(setup.p.sofie)
    url = f"/doorverwijzingen/nieuw/{setup.pathway.pk}/"
    page = client.get(f"{url}?offer={setup.offer.pk}&bron=aanbeveling")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="offer-info"' in html and setup.offer.title in html
    response = client.post(url, {"offer": setup.offer.pk, "note": "Mariam wil oefenen.", "from_recommendation": "True"})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/doorverwijzingen/{referral.pk}/"
    assert referral.from_recommendation and referral.sent_by == setup.p.sofie and referral.note == "Mariam wil oefenen."
    assert Notification.objects.filter(user=setup.p.els).count() == 1


def test_refer_without_consent_shows_the_error_and_saves_nothing(setup: Any, client: Browser) -> None:
    pathway = open_pathway(
        setup.p, consent=False, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2)
    )
    client.force_login(setup.p.sofie)
    response = client.post(f"/doorverwijzingen/nieuw/{pathway.pk}/", {"offer": setup.offer.pk, "note": ""})
    assert response.status_code == 400
    assert "De Brug vzw" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_form_announces_the_waiting_list_position(setup: Any, client: Browser) -> None:
    Offer.objects.filter(pk=setup.offer.pk).update(capacity=1, occupancy=1)
    other = open_pathway(setup.p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    sent(setup, other)
    client.force_login(setup.p.sofie)
    html = client.get(f"/doorverwijzingen/nieuw/{setup.pathway.pk}/?offer={setup.offer.pk}").content.decode()
    assert " 2." in html  # position 2 on the waiting list
    client.post(f"/doorverwijzingen/nieuw/{setup.pathway.pk}/", {"offer": setup.offer.pk})
    referral = Referral.objects.get(pathway=setup.pathway)
    assert referral.status == S.WAITING


def test_the_inbox_lists_incoming_with_waiting_positions_and_outgoing(setup: Any, client: Browser) -> None:
    Offer.objects.filter(pk=setup.offer.pk).update(capacity=1, occupancy=1)
    first = sent(setup)
    second = sent(setup, open_pathway(setup.p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2)))
    client.force_login(setup.p.els)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/doorverwijzingen/").content.decode()
    incoming = html.split('id="incoming"')[1].split('id="outgoing"')[0]
    assert f"/doorverwijzingen/{first.pk}/" in incoming and f"/doorverwijzingen/{second.pk}/" in incoming
    assert "Mariam T." in incoming and "Jonas P." in incoming and "Tesfaye" not in incoming
    assert "1" in incoming and "2" in incoming
    assert len(queries) < 15
    client.force_login(setup.p.sofie)
    html = client.get("/doorverwijzingen/").content.decode()
    outgoing = html.split('id="outgoing"')[1]
    assert "Mariam Tesfaye" in outgoing and f"/doorverwijzingen/{first.pk}/" in outgoing


def test_the_inbox_query_count_does_not_grow_with_the_list(setup: Any, client: Browser) -> None:
    sent(setup)
    client.force_login(setup.p.els)
    with CaptureQueriesContext(connection) as one:
        client.get("/doorverwijzingen/")
    for i in range(3):
        sent(setup, open_pathway(setup.p, first_name=f"Naam{i}", last_name="Test", birth_date=dt.date(1980, 1, i + 1)))
    with CaptureQueriesContext(connection) as four:
        client.get("/doorverwijzingen/")
    assert len(four) == len(one)


def test_the_inbox_pages_each_list_by_keyset_and_keeps_the_other_lists_page(
    setup: Any, client: Browser, monkeypatch: Any
) -> None:
    from apps.referrals import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    made = [sent(setup)]
    for i in range(4):
        pathway = open_pathway(setup.p, first_name=f"Naam{i}", last_name="Test", birth_date=dt.date(1980, 1, i + 1))
        made.append(sent(setup, pathway))
    newest_first = [r.pk for r in sorted(made, key=lambda r: (r.created_at, r.pk), reverse=True)]
    client.force_login(setup.p.sofie)  # she sent all five: her outgoing list has three pages
    first = client.get("/doorverwijzingen/")
    pages = [first.context["outgoing_page"]]
    while pages[-1].has_next:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/doorverwijzingen/?uit={pages[-1].next_cursor}")
        assert not any(" OFFSET " in q["sql"].upper() for q in queries.captured_queries)
        pages.append(response.context["outgoing_page"])
    assert [r.pk for p in pages for r in p] == newest_first and len(pages) == 3
    html = response.content.decode()
    assert 'id="keyset-nav-uit"' in html and "uit=" in html
    client.force_login(setup.p.els)  # she receives all five: paging incoming keeps the outgoing page in the links
    incoming = client.get("/doorverwijzingen/").context["incoming_page"]
    second = client.get(f"/doorverwijzingen/?in={incoming.next_cursor}")
    assert [r.pk for r in second.context["incoming_page"]] == newest_first[2:4]
    for junk in ("in=abc", "uit=abc", f"in={pages[0].next_cursor}"):  # another list's cursor is junk too
        assert client.get(f"/doorverwijzingen/?{junk}").status_code == 404, junk


def test_els_sees_the_referrals_to_answer_and_finds_the_withdrawn_one_under_handled(
    setup: Any, client: Browser
) -> None:
    waiting_for_her = sent(setup)
    withdrawn = sent(
        setup, open_pathway(setup.p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    )
    referral_withdraw(referral=withdrawn, actor=setup.p.sofie, note="Hij vond zelf werk.")
    client.force_login(setup.p.els)
    page = client.get("/doorverwijzingen/")
    incoming = page.content.decode().split('id="incoming"')[1].split('id="outgoing"')[0]
    assert [row.referral.pk for row in page.context["incoming"]] == [waiting_for_her.pk]
    assert f"/doorverwijzingen/{withdrawn.pk}/" not in incoming
    handled = client.get("/doorverwijzingen/?inkomend=afgehandeld")
    assert [row.referral.pk for row in handled.context["incoming"]] == [withdrawn.pk]
    assert 'active" aria-current="page" href="?inkomend=afgehandeld"' in handled.content.decode()
    for junk in ("inkomend=alles", "inkomend=", "inkomend=afgehandeld&in=abc"):
        assert client.get(f"/doorverwijzingen/?{junk}").status_code == 404, junk


def test_the_detail_shows_the_timeline_and_the_receiver_answers(setup: Any, client: Browser) -> None:
    referral = sent(setup)
    client.force_login(setup.p.els)
    html = client.get(f"/doorverwijzingen/{referral.pk}/").content.decode()
    assert 'id="timeline"' in html and "Mariam T." in html and "Tesfaye" not in html
    assert (
        f"/doorverwijzingen/{referral.pk}/aanvaarden/" in html and f"/doorverwijzingen/{referral.pk}/weigeren/" in html
    )
    assert f"/doorverwijzingen/{referral.pk}/intrekken/" not in html  # that is for the sending side
    response = client.post(f"/doorverwijzingen/{referral.pk}/aanvaarden/", {"aanvaarden-note": ""})
    assert response.status_code == 302
    client.post(f"/doorverwijzingen/{referral.pk}/starten/", {})
    client.post(f"/doorverwijzingen/{referral.pk}/afronden/", {"afronden-note": "Goed gelopen."})
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED
    assert referral.events.count() == 4
    assert AuditEntry.objects.filter(action="clients.client.viewed", actor=setup.p.els).exists()


def test_refusing_needs_a_reason(setup: Any, client: Browser) -> None:
    referral = sent(setup)
    client.force_login(setup.p.els)
    url = f"/doorverwijzingen/{referral.pk}/weigeren/"
    assert client.post(url, {"weigeren-note": "nee"}).status_code == 400
    assert client.post(url, {"weigeren-reason": "other"}).status_code == 400  # "other" needs an explanation
    assert client.post(url, {"weigeren-reason": "no_capacity", "weigeren-note": "Vol."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.REFUSED and referral.reason == "no_capacity"
    html = client.get(f"/doorverwijzingen/{referral.pk}/").content.decode()
    assert 'id="reason"' in html and "Vol." in html


def test_an_invalid_transition_by_url_is_404(setup: Any, client: Browser) -> None:
    referral = sent(setup)
    client.force_login(setup.p.els)
    assert client.post(f"/doorverwijzingen/{referral.pk}/afronden/", {}).status_code == 404
    assert client.post(f"/doorverwijzingen/{referral.pk}/bestaat-niet/", {}).status_code == 404
    assert client.get(f"/doorverwijzingen/{referral.pk}/aanvaarden/").status_code == 405


def test_the_sender_withdraws_and_plans_a_handover(setup: Any, client: Browser) -> None:
    referral = sent(setup)
    client.force_login(setup.p.sofie)
    html = client.get(f"/doorverwijzingen/{referral.pk}/").content.decode()
    assert "Mariam Tesfaye" in html and f"/doorverwijzingen/{referral.pk}/aanvaarden/" not in html
    at = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/doorverwijzingen/{referral.pk}/overdracht/", {"handover-at": at, "handover-place": "Onthaal De Brug"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.handover_place == "Onthaal De Brug"
    assert Notification.objects.filter(user=setup.p.els).count() == 2
    first = client.post(f"/doorverwijzingen/{referral.pk}/intrekken/", {"intrekken-note": "Verhuisd"})
    html = first.content.decode()  # the first POST asks, naming the consequence, and changes nothing
    assert first.status_code == 200 and 'id="consequence"' in html and "De Brug" in html and "partner" in html
    assert 'name="intrekken-note" value="Verhuisd"' in html
    referral.refresh_from_db()
    assert referral.status != S.WITHDRAWN
    confirmed = {"intrekken-note": "Verhuisd", "confirmed": "1"}
    assert client.post(f"/doorverwijzingen/{referral.pk}/intrekken/", confirmed).status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.WITHDRAWN


def test_the_receiving_side_sees_no_name_without_consent(setup: Any, client: Browser) -> None:
    from apps.consent.models import Consent

    referral = sent(setup)
    Consent.objects.filter(client=setup.client).update(withdrawn_on=dt.date(2026, 3, 1))
    client.force_login(setup.p.els)
    for url in ("/doorverwijzingen/", f"/doorverwijzingen/{referral.pk}/"):
        html = client.get(url).content.decode()
        assert "Mariam" not in html and "Tesfaye" not in html, url
        assert f"#{setup.client.pk}" in html, url


def referral_urls(referral: Referral) -> list[tuple[str, str]]:
    base = f"/doorverwijzingen/{referral.pk}/"
    return [("get", base), ("post", f"{base}overdracht/")] + [("post", f"{base}{slug}/") for slug in TRANSITIONS]


@pytest.mark.parametrize("outsider", ["olaf", "nadia", "ine"])
def test_outsiders_get_404_on_every_referral_url(setup: Any, client: Browser, outsider: str) -> None:
    p = setup.p
    referral = sent(setup)
    waiting = sent(setup, open_pathway(p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2)))
    referral_accept(referral=referral, actor=p.els)
    client.force_login(getattr(p, outsider))  # ine: a jury member of VDAB, in the region but on neither side
    for r in (referral, waiting):
        for method, url in referral_urls(r):
            response = getattr(client, method)(url, {"aanvaarden-note": "", "weigeren-reason": "other"})
            assert response.status_code == 404, (outsider, url)
    assert client.get(f"/doorverwijzingen/nieuw/{setup.pathway.pk}/").status_code == 404
    assert client.post(f"/doorverwijzingen/nieuw/{setup.pathway.pk}/", {"offer": setup.offer.pk}).status_code == 404
    html = client.get("/doorverwijzingen/").content.decode()
    assert "Mariam" not in html and f"/doorverwijzingen/{referral.pk}/" not in html
    referral.refresh_from_db()
    waiting.refresh_from_db()
    assert referral.status == S.ACCEPTED and waiting.status == S.SENT
    assert Referral.objects.count() == 2


def test_the_region_coordinator_sees_an_escalated_referral_read_only(setup: Any, client: Browser) -> None:
    from apps.accounts.models import Membership, Role

    p = setup.p
    referral = sent(setup)
    # a coordinator of the region who is not on the sending side (member of VDAB only)
    coordinator = p.ine
    Membership.objects.create(user=coordinator, organisation=p.vdab, role=Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(f"/doorverwijzingen/{referral.pk}/").status_code == 404
    Referral.objects.filter(pk=referral.pk).update(created_at=referral.created_at - dt.timedelta(days=9))
    referrals_escalate()
    assert Notification.objects.filter(user=coordinator).count() == 1
    html = client.get(f"/doorverwijzingen/{referral.pk}/").content.decode()
    assert "Mariam" not in html and f"/doorverwijzingen/{referral.pk}/aanvaarden/" not in html
    assert client.post(f"/doorverwijzingen/{referral.pk}/aanvaarden/", {}).status_code == 404
    client.force_login(p.nadia)
    assert client.get(f"/doorverwijzingen/{referral.pk}/").status_code == 404


def test_the_recommendations_page_offers_refer_for_the_open_pathway(personas: Any, client: Browser) -> None:
    from apps.offers.tests.test_views_offers import make_offer

    offer = make_offer(personas, personas.brug, personas.els)
    hulpvrager = register_client(personas)
    complete_screening(hulpvrager, personas.sofie, obstacles=["limited-dutch"])
    client.force_login(personas.sofie)
    html = client.get(f"/matching/hulpvrager/{hulpvrager.pk}/").content.decode()
    assert f"/trajecten/start/{hulpvrager.pk}/" in html and "/doorverwijzingen/nieuw/" not in html
    pathway = pathway_start(client=hulpvrager, actor=personas.sofie, organisation=personas.lb)
    html = client.get(f"/matching/hulpvrager/{hulpvrager.pk}/").content.decode()
    assert f"/doorverwijzingen/nieuw/{pathway.pk}/?offer={offer.pk}&amp;bron=aanbeveling" in html
    assert f"/trajecten/start/{hulpvrager.pk}/" not in html
