"""Case conferences and signals: only participants see a conference, and each sees the clients discussed
only as far as they may open the pathway; signals reach the region's coordinator without client names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.conferences.models import CaseConference, SystemSignal
from apps.conferences.services import (
    conference_record_decisions,
    conference_schedule,
    signal_raise,
)
from apps.consent.services import consent_record
from apps.notifications.models import Notification
from apps.pathways.models import Pathway
from apps.pathways.permissions import pathway_access, pathway_accesses
from apps.pathways.services import pathway_start, plan_save, team_add
from conftest import register_client

NAMES = [("Mariam", "Tesfaye"), ("Ahmed", "Haddou"), ("Lieke", "Vermeulen"), ("Bart", "Claeys"), ("Nour", "Amrani")]


def start(personas: Any, index: int = 0, organisation: Any = None, actor: Any = None) -> Pathway:
    first, last = NAMES[index % len(NAMES)]
    organisation = organisation or personas.lb
    actor = actor or personas.sofie
    client = register_client(
        personas,
        organisation=organisation,
        actor=actor,
        first_name=first,
        last_name=f"{last}{index // len(NAMES) or ''}",
        birth_date=dt.date(1980 + index, 1 + index % 12, 1 + index % 28),
    )
    return pathway_start(client=client, actor=actor, organisation=organisation, started_on=dt.date(2026, 1, 15))


def share_with(personas: Any, pathway: Pathway, user: Any, organisation: Any) -> None:
    """Consent for ``organisation`` and put ``user`` on the team (so they may open the pathway)."""
    consent_record(
        client=pathway.client,
        organisations=[organisation],
        categories=["identity"],
        purposes=["guidance"],
        method="written",
        given_on=dt.date(2026, 2, 1),
        actor=personas.sofie,
        actor_organisation=personas.lb,
    )
    team_add(pathway=pathway, actor=personas.sofie, user=user, organisation=organisation, role="partner_worker")


def schedule(
    personas: Any, pathways: list[Pathway], participants: list[Any] | None = None, when: dt.datetime | None = None
) -> CaseConference:
    return conference_schedule(
        actor=personas.sofie,
        region=personas.region,
        scheduled_at=when or timezone.now() - dt.timedelta(hours=2),
        place="Vindictivelaan 1",
        participants=participants if participants is not None else [personas.els],
        pathway_ids=[p.pk for p in pathways],
    )


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# --- access -------------------------------------------------------------------------------------


def test_bulk_access_agrees_with_get_pathway_for_user(personas: Any) -> None:
    own = start(personas, 0)
    shared = start(personas, 1)
    share_with(personas, shared, personas.els, personas.brug)
    on_team_without_consent = start(personas, 2)
    kompas = start(personas, 3, organisation=personas.kompas, actor=personas.karim)
    pathways = list(Pathway.objects.select_related("client", "organisation").prefetch_related("team"))
    assert {own, shared, on_team_without_consent, kompas} == set(pathways)
    for user in vars(personas).values():
        if not hasattr(user, "memberships"):
            continue
        bulk = pathway_accesses(user, pathways)
        for pathway in pathways:
            single = pathway_access(user, pathway)
            assert (pathway.pk in bulk) == (single is not None), (user, pathway)
            if single is not None:
                assert bulk[pathway.pk].owner == single.owner
                assert bulk[pathway.pk].categories == single.categories


# --- scheduling ---------------------------------------------------------------------------------


def test_a_counsellor_schedules_and_the_participants_are_notified(personas: Any, client: Browser) -> None:
    mine = start(personas, 0)
    kompas = start(personas, 1, organisation=personas.kompas, actor=personas.karim)
    client.force_login(personas.sofie)
    form = client.get("/casusoverleg/nieuw/").content.decode()
    assert "Mariam Tesfaye" in form and "Ahmed" not in form  # only pathways she can open
    assert "Els" in form and "Nadia" not in form  # only people of the partnership
    when = timezone.now() + dt.timedelta(days=3)
    response = client.post(
        "/casusoverleg/nieuw/",
        {
            "region": personas.region.pk,
            "scheduled_at": local(when),
            "place": "Stadhuis, zaal 2",
            "participants": [personas.els.pk, personas.yonas.pk],
            "pathways": [mine.pk],
        },
    )
    conference = CaseConference.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/casusoverleg/{conference.pk}/"
    assert set(conference.participants.all()) == {personas.sofie, personas.els, personas.yonas}
    assert list(conference.pathways.all()) == [mine]
    assert conference.organised_by == personas.sofie and conference.region == personas.region
    notified = Notification.objects.filter(url=f"/casusoverleg/{conference.pk}/")
    assert {n.user for n in notified} == {personas.els, personas.yonas}
    assert all("Mariam" not in n.message and "Tesfaye" not in n.message for n in notified)
    entry = AuditEntry.objects.get(action="pathways.conference.scheduled")
    assert entry.object_id == str(conference.pk) and entry.changes["pathways"] == [mine.pk]
    # a pathway she cannot open cannot be slipped into the form
    response = client.post(
        "/casusoverleg/nieuw/",
        {
            "region": personas.region.pk,
            "scheduled_at": local(when),
            "pathways": [kompas.pk],
        },
    )
    assert response.status_code == 200 and CaseConference.objects.count() == 1
    with pytest.raises(ValidationError):
        schedule(personas, [kompas])
    with pytest.raises(ValidationError):
        schedule(personas, [mine], participants=[personas.nadia])  # another region's person


def test_only_counsellors_and_coordinators_schedule(personas: Any, client: Browser) -> None:
    for user, status in [
        (personas.els, 404),
        (personas.yonas, 404),
        (personas.ine, 404),
        (personas.sofie, 200),
        (personas.wouter, 200),
    ]:
        client.force_login(user)
        assert client.get("/casusoverleg/nieuw/").status_code == status, user


def test_scheduling_can_start_from_a_pathway(personas: Any, client: Browser) -> None:
    pathway = start(personas, 0)
    client.force_login(personas.sofie)
    html = client.get(f"/casusoverleg/nieuw/?traject={pathway.pk}").content.decode()
    assert f'value="{pathway.pk}" checked' in html.replace("\n", "")


# --- decisions and plan changes -----------------------------------------------------------------


def test_decisions_are_recorded_and_linked_plan_changes_shown(personas: Any, client: Browser) -> None:
    first, second = start(personas, 0), start(personas, 1)
    conference = schedule(personas, [first, second])
    client.force_login(personas.els)
    response = client.post(f"/casusoverleg/{conference.pk}/besluiten/", {"decisions": "Wachtlijst taalles bespreken."})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.decisions == "Wachtlijst taalles bespreken."
    entry = AuditEntry.objects.get(action="pathways.conference.decisions_recorded")
    assert entry.actor == personas.els and "Wachtlijst" not in str(entry.changes)
    assert Notification.objects.filter(user=personas.sofie, url=f"/casusoverleg/{conference.pk}/").exists()

    client.force_login(personas.sofie)
    html = client.get(f"/casusoverleg/{conference.pk}/").content.decode()
    assert "Wachtlijst taalles bespreken." in html
    assert f"/trajecten/{first.pk}/plan/?casusoverleg={conference.pk}" in html
    assert f"/trajecten/{second.pk}/plan/?casusoverleg={conference.pk}" in html

    plan_save(
        pathway=first,
        actor=personas.sofie,
        expected_version=first.plan_version,
        client_words="Ik wil werken in de zorg.",
        goals=[],
        case_conference=conference,
    )
    plan_save(
        pathway=second,
        actor=personas.sofie,
        expected_version=second.plan_version,
        client_words="Eerst Nederlands.",
        goals=[],
    )  # not linked to the conference
    html = client.get(f"/casusoverleg/{conference.pk}/").content.decode()
    section = html.split(f"/trajecten/{first.pk}/plan/", 1)[1].split(f"/trajecten/{second.pk}/", 1)[0]
    assert "client_words" in section  # the linked change of the first pathway
    assert html.count("client_words") == 1  # the second pathway's unlinked change is not listed


def test_decisions_wait_for_the_meeting(personas: Any) -> None:
    conference = schedule(personas, [start(personas, 0)], when=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        conference_record_decisions(conference=conference, actor=personas.sofie, decisions="Te vroeg")
    with pytest.raises(ValidationError):
        conference_record_decisions(conference=conference, actor=personas.wouter, decisions="Niet uitgenodigd")


# --- who sees what ------------------------------------------------------------------------------


def test_participants_see_names_only_of_pathways_they_may_open(personas: Any, client: Browser) -> None:
    hidden = start(personas, 0)  # Mariam: Els is not on her team
    shared = start(personas, 1)  # Ahmed: Els is on the team, with consent
    share_with(personas, shared, personas.els, personas.brug)
    conference = schedule(personas, [hidden, shared])
    client.force_login(personas.els)
    html = client.get(f"/casusoverleg/{conference.pk}/").content.decode()
    assert "Mariam" not in html and "Tesfaye" not in html
    assert f"#{hidden.pk}" in html and f"/trajecten/{hidden.pk}/" not in html
    assert "Ahmed Haddou" in html and f"/trajecten/{shared.pk}/" in html
    assert f"/trajecten/{shared.pk}/plan/" not in html  # a team member from another organisation does not edit it
    client.force_login(personas.sofie)
    html = client.get(f"/casusoverleg/{conference.pk}/").content.decode()
    assert "Mariam Tesfaye" in html and "Ahmed Haddou" in html


def test_outsiders_get_404_on_every_conference_and_signal_url(personas: Any, client: Browser) -> None:
    pathway = start(personas, 0)
    conference = schedule(personas, [pathway], participants=[personas.yonas])
    signal = signal_raise(
        actor=personas.sofie, kind="waiting_list", description="Acht weken wachten op taalles.", pathway=pathway
    )
    urls = [
        ("get", f"/casusoverleg/{conference.pk}/", {}),
        ("get", f"/casusoverleg/{conference.pk}/besluiten/", {}),
        ("post", f"/casusoverleg/{conference.pk}/besluiten/", {"decisions": "x"}),
        ("get", f"/casusoverleg/signalen/nieuw/?casusoverleg={conference.pk}", {}),
        ("post", f"/casusoverleg/signalen/nieuw/?casusoverleg={conference.pk}", {"kind": "gap", "description": "x"}),
        ("get", f"/casusoverleg/signalen/nieuw/?traject={pathway.pk}", {}),
        ("post", f"/casusoverleg/signalen/nieuw/?traject={pathway.pk}", {"kind": "gap", "description": "x"}),
        ("post", f"/casusoverleg/signalen/{signal.pk}/opgelost/", {}),
        ("get", "/casusoverleg/nieuw/?region=" + str(personas.region.pk), {}),
    ]
    for user in (personas.olaf, personas.nadia, personas.els):
        client.force_login(user)
        for method, url, data in urls:
            if user == personas.nadia and url.startswith("/casusoverleg/nieuw/"):
                continue  # nadia schedules in her own region: another region is a 404 (checked below)
            assert getattr(client, method)(url, data).status_code == 404, (user, method, url)
        for url in ("/casusoverleg/", "/casusoverleg/signalen/"):
            html = client.get(url).content.decode()
            assert f"/casusoverleg/{conference.pk}/" not in html and "Acht weken" not in html
    client.force_login(personas.nadia)
    assert client.get(f"/casusoverleg/nieuw/?region={personas.region.pk}").status_code == 404
    assert conference.decisions == "" and not SystemSignal.objects.exclude(pk=signal.pk).exists()
    assert not SystemSignal.objects.filter(resolved=True).exists()
    client.force_login(personas.yonas)  # a participant
    assert client.get(f"/casusoverleg/{conference.pk}/").status_code == 200


# --- signals ------------------------------------------------------------------------------------


def test_signals_go_to_the_regions_coordinator(personas: Any, client: Browser) -> None:
    pathway = start(personas, 0)
    conference = schedule(personas, [pathway], participants=[personas.els])
    client.force_login(personas.sofie)
    response = client.post(
        f"/casusoverleg/signalen/nieuw/?traject={pathway.pk}",
        {"kind": "waiting_list", "description": "Mariam wacht al acht weken op taalles."},
    )
    assert response.status_code == 200 and not SystemSignal.objects.exists()  # a client's name is refused
    response = client.post(
        f"/casusoverleg/signalen/nieuw/?traject={pathway.pk}",
        {"kind": "waiting_list", "description": "Acht weken wachten op taalles."},
    )
    assert response.status_code == 302
    from_pathway = SystemSignal.objects.get()
    assert from_pathway.pathway == pathway and from_pathway.region == personas.region
    assert AuditEntry.objects.filter(action="pathways.signal.raised", object_id=str(from_pathway.pk)).exists()
    assert Notification.objects.filter(user=personas.wouter, url="/casusoverleg/signalen/").exists()
    client.force_login(personas.els)
    assert (
        client.post(
            f"/casusoverleg/signalen/nieuw/?casusoverleg={conference.pk}",
            {"kind": "rule", "description": "Leefloon vervalt bij opleiding."},
        ).status_code
        == 302
    )
    client.force_login(personas.olaf)
    assert (
        client.post(
            "/casusoverleg/signalen/nieuw/", {"kind": "gap", "description": "Geen kinderopvang bij avondcursus."}
        ).status_code
        == 302
    )

    def seen(user: Any, query: str = "") -> set[str]:
        client.force_login(user)
        response = client.get(f"/casusoverleg/signalen/{query}")
        assert response.status_code == 200
        html = response.content.decode()
        return {text for text in ("Acht weken", "Leefloon", "kinderopvang") if text in html}

    assert seen(personas.wouter) == {"Acht weken", "Leefloon", "kinderopvang"}
    assert seen(personas.wouter, "?kind=rule") == {"Leefloon"}
    assert seen(personas.sofie) == {"Acht weken"}
    assert seen(personas.els) == {"Leefloon"}
    assert seen(personas.nadia) == set()

    client.force_login(personas.sofie)
    assert client.post(f"/casusoverleg/signalen/{from_pathway.pk}/opgelost/").status_code == 404
    client.force_login(personas.wouter)
    assert client.post(f"/casusoverleg/signalen/{from_pathway.pk}/opgelost/").status_code == 302
    from_pathway.refresh_from_db()
    assert from_pathway.resolved
    assert AuditEntry.objects.filter(action="pathways.signal.resolved", actor=personas.wouter).exists()
    assert Notification.objects.filter(user=personas.sofie, url="/casusoverleg/signalen/").exists()
    assert seen(personas.wouter, "?status=resolved") == {"Acht weken"}
    assert seen(personas.wouter, "?status=open") == {"Leefloon", "kinderopvang"}


# --- query counts -------------------------------------------------------------------------------


def _page_queries(client: Browser, user: Any, conference: CaseConference) -> int:
    client.force_login(user)
    client.get(f"/casusoverleg/{conference.pk}/")  # warm up (session, caches)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/casusoverleg/{conference.pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_the_conference_page_does_not_grow_with_the_number_of_clients(personas: Any, client: Browser) -> None:
    pathways = [start(personas, i) for i in range(6)]
    for p in pathways[::2]:
        share_with(personas, p, personas.els, personas.brug)
    small = schedule(personas, pathways[:2])
    large = schedule(personas, pathways)
    for p in pathways:
        plan_save(
            pathway=p,
            actor=personas.sofie,
            expected_version=p.plan_version,
            client_words="Werk",
            goals=[],
            case_conference=large if p.pk % 2 else small,
        )
    for user in (personas.sofie, personas.els):
        assert _page_queries(client, user, small) == _page_queries(client, user, large), user
