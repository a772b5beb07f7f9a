"""Group activities: a partner worker keeps the activities of their own offers, adds sessions and ticks the
clients present among those referred to the offer; the pathway shows the sessions attended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.consent.services import consent_record
from apps.groups.models import GroupActivity, GroupSession
from apps.groups.services import (
    group_activity_create,
    group_session_add,
    session_attendance_record,
)
from apps.offers.models import Offer
from apps.offers.services import offer_create
from apps.pathways.models import Pathway
from apps.pathways.services import pathway_start
from apps.referrals.models import Referral
from apps.regions.models import InterventionType, Obstacle
from conftest import register_client


def make_offer(personas: Any, organisation: Any, actor: Any, title: str = "Taalcafé") -> Offer:
    region = personas.region
    return offer_create(
        organisation=organisation,
        actor=actor,
        title=title,
        description="Elke week Nederlands oefenen.",
        delivery_mode="at_address",
        format="group",
        location_municipality=region.municipalities.get(code="oostende"),
        capacity=12,
        languages=["nl"],
        intervention_types=[InterventionType.objects.get(region=region, code="dutch-practice")],
        obstacles=list(Obstacle.objects.filter(region=region, code="limited-dutch")),
        municipalities=list(region.municipalities.filter(code="oostende")),
    )


def start(personas: Any, first: str, last: str, year: int) -> Pathway:
    client = register_client(personas, first_name=first, last_name=last, birth_date=dt.date(year, 3, 3))
    return pathway_start(client=client, actor=personas.sofie, organisation=personas.lb)


def refer(personas: Any, pathway: Pathway, offer: Offer, status: str) -> Referral:
    return Referral.objects.create(pathway=pathway, offer=offer, sent_by=personas.sofie, status=status)


@pytest.fixture
def setting(personas: Any) -> Any:
    offer = make_offer(personas, personas.brug, personas.els)
    referred = start(personas, "Mariam", "Tesfaye", 1990)
    started = start(personas, "Ahmed", "Haddou", 1985)
    waiting = start(personas, "Lieke", "Vermeulen", 1975)
    refer(personas, referred, offer, Referral.Status.ACCEPTED)
    refer(personas, started, offer, Referral.Status.STARTED)
    refer(personas, waiting, offer, Referral.Status.WAITING)
    consent_record(
        client=referred.client,
        organisations=[personas.brug],
        categories=["identity"],
        purposes=["referral"],
        method="written",
        given_on=dt.date(2026, 2, 1),
        actor=personas.sofie,
        actor_organisation=personas.lb,
    )
    return offer, referred, started, waiting


def sessions_attended(pathway: Any) -> list[Any]:
    """The group sessions the pathway page shows for ``pathway`` (apps/workspace/selectors.py)."""
    from apps.workspace.selectors import referrals_and_sessions

    return referrals_and_sessions(pathway)[1]


def test_a_partner_worker_records_a_session_and_its_attendance(personas: Any, client: Browser, setting: Any) -> None:
    offer, referred, started, waiting = setting
    client.force_login(personas.els)
    response = client.post("/groepsaanbod/nieuw/", {"offer": offer.pk, "title": "Taalcafé op dinsdag"})
    activity = GroupActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/groepsaanbod/{activity.pk}/"
    assert activity.offer == offer
    assert AuditEntry.objects.filter(action="pathways.group.created", object_id=str(activity.pk)).exists()

    held_on = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(f"/groepsaanbod/{activity.pk}/sessies/nieuw/", {"held_on": held_on.isoformat()})
    session = GroupSession.objects.get()
    assert response["Location"] == f"/groepsaanbod/{activity.pk}/sessies/{session.pk}/aanwezigheid/"
    assert AuditEntry.objects.filter(action="pathways.group.session_added", object_id=str(session.pk)).exists()

    url = f"/groepsaanbod/{activity.pk}/sessies/{session.pk}/aanwezigheid/"
    html = client.get(url).content.decode()
    assert "Mariam Tesfaye" in html  # consent gives De Brug her identity for the referral
    assert f'value="{started.pk}"' in html and "Ahmed" not in html  # referred, but no identity shared: a number
    assert f'value="{waiting.pk}"' not in html  # still on the waiting list: not linkable
    response = client.post(url, {"attendees": [referred.pk, started.pk]})
    assert response.status_code == 302
    assert set(session.attendees.all()) == {referred, started}
    entry = AuditEntry.objects.get(action="pathways.group.session_recorded")
    assert entry.actor == personas.els and entry.changes["added"] == sorted([referred.pk, started.pk])

    response = client.post(url, {"attendees": [referred.pk, waiting.pk]})  # not referred (yet)
    assert response.status_code == 200 and set(session.attendees.all()) == {referred, started}
    html = client.get(f"/groepsaanbod/{activity.pk}/").content.decode()
    assert "Taalcafé op dinsdag" in html


def test_sessions_attended_are_visible_for_the_pathway_in_one_query(
    personas: Any, setting: Any, django_assert_num_queries: Any
) -> None:
    offer, referred, started, _waiting = setting
    activity = group_activity_create(actor=personas.els, offer=offer, title="Taalcafé")
    atelier = group_activity_create(actor=personas.els, offer=offer, title="Naai-atelier")
    today = timezone.localdate()
    for days, act in [(14, activity), (7, atelier), (3, activity)]:
        session = group_session_add(activity=act, actor=personas.els, held_on=today - dt.timedelta(days=days))
        session_attendance_record(session=session, actor=personas.els, pathway_ids=[referred.pk])
    missed = group_session_add(activity=activity, actor=personas.els, held_on=today - dt.timedelta(days=1))
    session_attendance_record(session=missed, actor=personas.els, pathway_ids=[started.pk])
    with django_assert_num_queries(1):  # with the referrals, as the pathway page reads them
        sessions = sessions_attended(referred)
        titles = [(s.activity.title, s.held_on) for s in sessions]
    assert titles == [
        ("Taalcafé", today - dt.timedelta(days=3)),
        ("Naai-atelier", today - dt.timedelta(days=7)),
        ("Taalcafé", today - dt.timedelta(days=14)),
    ]
    assert [s.pk for s in sessions_attended(started)] == [missed.pk]


def test_attendance_waits_for_the_session_and_duplicates_are_refused(personas: Any, setting: Any) -> None:
    offer, referred, _started, _waiting = setting
    activity = group_activity_create(actor=personas.els, offer=offer, title="Taalcafé")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    future = group_session_add(activity=activity, actor=personas.els, held_on=tomorrow)
    with pytest.raises(ValidationError):
        session_attendance_record(session=future, actor=personas.els, pathway_ids=[referred.pk])
    with pytest.raises(ValidationError):
        group_session_add(activity=activity, actor=personas.els, held_on=future.held_on)


def test_a_partner_worker_keeps_only_their_own_organisations_activities(personas: Any, client: Browser) -> None:
    kompas_offer = make_offer(personas, personas.kompas, personas.olaf, "Kompas-atelier")
    with pytest.raises(ValidationError):
        group_activity_create(actor=personas.els, offer=kompas_offer, title="Overgenomen")
    client.force_login(personas.els)
    assert "Kompas-atelier" not in client.get("/groepsaanbod/nieuw/").content.decode()
    response = client.post("/groepsaanbod/nieuw/", {"offer": kompas_offer.pk, "title": "Overgenomen"})
    assert response.status_code == 200 and not GroupActivity.objects.exists()
    client.force_login(personas.ine)  # a jury member keeps no offers
    assert client.get("/groepsaanbod/").status_code == 404


def test_without_referrals_a_worker_may_tick_pathways_they_can_open(personas: Any, client: Browser) -> None:
    """Until the referrals app hands clients over, pathways the user can open are linkable too."""
    offer = make_offer(personas, personas.lb, personas.sofie, "Groepssessie solliciteren")
    own = start(personas, "Bart", "Claeys", 1970)
    activity = group_activity_create(actor=personas.sofie, offer=offer, title="Sollicitatietraining")
    session = group_session_add(activity=activity, actor=personas.sofie, held_on=timezone.localdate())
    client.force_login(personas.sofie)
    url = f"/groepsaanbod/{activity.pk}/sessies/{session.pk}/aanwezigheid/"
    assert "Bart Claeys" in client.get(url).content.decode()
    assert client.post(url, {"attendees": [own.pk]}).status_code == 302
    assert [s.pk for s in sessions_attended(own)] == [session.pk]


def test_outsiders_get_404_on_every_group_url(personas: Any, client: Browser, setting: Any) -> None:
    offer, referred, _started, _waiting = setting
    activity = group_activity_create(actor=personas.els, offer=offer, title="Taalcafé")
    session = group_session_add(activity=activity, actor=personas.els, held_on=timezone.localdate())
    urls = [
        ("get", f"/groepsaanbod/{activity.pk}/", {}),
        ("post", f"/groepsaanbod/{activity.pk}/sessies/nieuw/", {"held_on": "2026-01-05"}),
        ("get", f"/groepsaanbod/{activity.pk}/sessies/{session.pk}/aanwezigheid/", {}),
        ("post", f"/groepsaanbod/{activity.pk}/sessies/{session.pk}/aanwezigheid/", {"attendees": [referred.pk]}),
    ]
    for user in (personas.olaf, personas.nadia):
        client.force_login(user)
        for method, url, data in urls:
            assert getattr(client, method)(url, data).status_code == 404, (user, method, url)
        assert "Taalcafé" not in client.get("/groepsaanbod/").content.decode()
        # both may start group activities for their own offers: the form comes back refusing an offer not theirs
        response = client.post("/groepsaanbod/nieuw/", {"offer": offer.pk, "title": "Overgenomen"})
        assert response.status_code == 200 and response.context["form"].errors["offer"], user
    assert GroupSession.objects.count() == 1 and not session.attendees.exists()
    assert GroupActivity.objects.count() == 1


def test_the_attendance_page_costs_the_same_for_two_or_eight_referred_clients(
    personas: Any, client: Browser, setting: Any, django_assert_max_num_queries: Any
) -> None:
    """Issue 15: the pathways referred, attending or open to the worker are read in one query, not twice."""
    offer, referred, _started, _waiting = setting
    activity = group_activity_create(actor=personas.els, offer=offer, title="Taalcafé")
    session = group_session_add(activity=activity, actor=personas.els, held_on=timezone.localdate())
    session_attendance_record(session=session, actor=personas.els, pathway_ids=[referred.pk])
    url = f"/groepsaanbod/{activity.pk}/sessies/{session.pk}/aanwezigheid/"
    counts = []
    for user in (personas.els, personas.wouter):
        client.force_login(user)
        with django_assert_max_num_queries(11) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    for i in range(6):
        refer(personas, start(personas, f"Extra{i}", "Deelnemer", 1980 + i), offer, Referral.Status.ACCEPTED)
    client.force_login(personas.els)
    with django_assert_max_num_queries(counts[0]):
        html = client.get(url).content.decode()
    assert html.count('name="attendees"') == 8 and "Mariam Tesfaye" in html
