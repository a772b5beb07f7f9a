"""Pathways: the team sees it within consent, the plan loses no update, every write is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as Browser

from apps.audit.models import AuditEntry
from apps.consent.services import consent_withdraw
from apps.pathways.models import Action, Pathway, PlanChange
from apps.pathways.services import (
    PlanConflict,
    action_add,
    contact_log_add,
    pathway_close,
    pathway_start,
    plan_save,
    team_add,
    team_remove,
)
from apps.regions.models import LifeDomain, Obstacle
from tests.factories import RACES_NEED_POSTGRESQL, complete_screening, give_consent, race, register_client


def started(personas: Any) -> Pathway:
    client = register_client(personas)
    complete_screening(client, personas.sofie, obstacles=["limited-dutch", "no-network"])
    return pathway_start(client=client, actor=personas.sofie, organisation=personas.lb, started_on=dt.date(2026, 1, 15))


def goal(personas: Any, code: str = "language", text: str = "Nederlands leren") -> dict[str, Any]:
    return {
        "life_domain": LifeDomain.objects.get(region=personas.region, code=code),
        "description": text,
        "obstacles": list(Obstacle.objects.filter(region=personas.region, code="limited-dutch")),
    }


def test_a_partner_worker_sees_the_pathway_only_on_the_team_and_within_consent(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    url = f"/trajecten/{pathway.pk}/"
    client.force_login(personas.els)
    assert client.get(url).status_code == 404
    with pytest.raises(Exception, match="toestemming"):
        team_add(
            pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug, role="partner_worker"
        )
    consent = give_consent(
        personas, pathway.client, categories=["identity", "life_domains"], purposes=["guidance", "referral"]
    )
    member = team_add(
        pathway=pathway,
        actor=personas.sofie,
        user=personas.els,
        organisation=personas.brug,
        role="partner_worker",
        task="Taalcafé",
    )
    html = client.get(url).content.decode()
    assert "Taalcafé" in html and "Sofie" in html  # everyone sees who else is on the team and what they took on
    team_remove(member=member, actor=personas.sofie)
    assert client.get(url).status_code == 404
    member = team_add(
        pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug, role="partner_worker"
    )
    assert client.get(url).status_code == 200
    consent_withdraw(consent=consent, actor=personas.sofie)
    assert client.get(url).status_code == 404


def test_outsiders_get_404_on_every_pathway_page(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    plan_save(pathway=pathway, actor=personas.sofie, expected_version=1, client_words="werk", goals=[goal(personas)])
    action = action_add(
        pathway=pathway,
        actor=personas.sofie,
        description="Bellen",
        owner=personas.sofie,
        owner_organisation=personas.lb,
    )
    pathway_close(pathway=pathway, actor=personas.sofie, closed_on=dt.date(2026, 6, 1), outcome="training")
    base = f"/trajecten/{pathway.pk}"
    gets = [
        f"{base}/",
        f"{base}/plan/",
        f"{base}/team/",
        f"{base}/acties/nieuw/",
        f"{base}/contact/nieuw/",
        f"{base}/afsluiten/",
        f"{base}/opvolging/",
    ]
    posts = [
        f"{base}/acties/{action.pk}/status/",
        f"{base}/status/activeren/",
        f"{base}/status/pauzeren/",
        f"/trajecten/start/{pathway.client_id}/",
    ]
    for who in (personas.olaf, personas.nadia, personas.ine, personas.glenn, personas.els):
        client.force_login(who)
        for url in gets:
            assert client.get(url).status_code == 404, (who.username, url)
        for url in posts:
            assert client.post(url, {"status": "done"}).status_code == 404, (who.username, url)


def test_a_team_member_logs_contacts_but_cannot_change_the_plan(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    give_consent(personas, pathway.client, categories=["identity", "life_domains"], purposes=["guidance", "referral"])
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug, role="partner_worker"
    )
    client.force_login(personas.els)
    assert client.get(f"/trajecten/{pathway.pk}/plan/").status_code == 404
    response = client.post(
        f"/trajecten/{pathway.pk}/contact/nieuw/",
        {
            "happened_on": "2026-03-02",
            "place": "street",
            "present": "Els, hulpvrager",
            "summary": "Samen naar het taalcafé gestapt.",
            "next_step": "Volgende week opnieuw",
        },
    )
    assert response.status_code == 302
    contact = pathway.contacts.get()
    assert contact.author_organisation == personas.brug
    client.force_login(personas.sofie)
    assert "Samen naar het taalcafé gestapt." in client.get(f"/trajecten/{pathway.pk}/").content.decode()


def test_confidential_contacts_stay_within_the_organisation(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    give_consent(personas, pathway.client, categories=["identity", "life_domains"], purposes=["guidance", "referral"])
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug, role="partner_worker"
    )
    contact_log_add(
        pathway=pathway,
        actor=personas.sofie,
        organisation=personas.lb,
        happened_on=dt.date(2026, 3, 1),
        place="home",
        summary="Vertrouwelijk gesprek",
        confidential=True,
    )
    client.force_login(personas.els)
    assert "Vertrouwelijk gesprek" not in client.get(f"/trajecten/{pathway.pk}/").content.decode()


def test_two_saves_of_the_same_plan_lose_no_update(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    client.force_login(personas.sofie)
    form = {
        "version": "1",
        "client_words": "",
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
    }
    domain = LifeDomain.objects.get(region=personas.region, code="language").pk
    first = form | {
        "client_words": "Ik wil werken in de haven.",
        "goals-0-life_domain": domain,
        "goals-0-description": "Nederlands A2 halen",
    }
    second = form | {
        "client_words": "Ik wil eerst een woning.",
        "goals-0-life_domain": domain,
        "goals-0-description": "Woning zoeken",
    }
    assert client.post(f"/trajecten/{pathway.pk}/plan/", first).status_code == 302
    response = client.post(f"/trajecten/{pathway.pk}/plan/", second)  # opened at version 1, saved after the first
    html = response.content.decode()
    assert response.status_code == 200 and 'id="plan-conflict"' in html
    assert "Ik wil eerst een woning." in html and "Woning zoeken" in html  # their text back
    pathway.refresh_from_db()
    assert pathway.client_words == "Ik wil werken in de haven."
    assert pathway.plan_version == 2 and list(pathway.goals.values_list("description", flat=True)) == [
        "Nederlands A2 halen"
    ]


@RACES_NEED_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_the_database_let_exactly_one_win(personas: Any) -> None:
    pathway = started(personas)

    def save(name: str) -> None:
        plan_save(
            pathway=Pathway.objects.get(pk=pathway.pk),
            actor=personas.sofie,
            expected_version=1,
            client_words=name,
            goals=[],
        )

    results = race(A=lambda: save("A"), B=lambda: save("B"))
    assert sorted(results.values()) == [PlanConflict.__name__, "ok"], results
    pathway.refresh_from_db()
    assert pathway.plan_version == 2 and pathway.client_words in {"A", "B"}
    assert results[pathway.client_words] == "ok"


def test_every_write_leaves_an_audit_entry_with_actor(personas: Any) -> None:
    pathway = started(personas)
    give_consent(personas, pathway.client, categories=["identity", "life_domains"], purposes=["guidance", "referral"])
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.els, organisation=personas.brug, role="partner_worker"
    )
    plan_save(pathway=pathway, actor=personas.sofie, expected_version=1, client_words="x", goals=[goal(personas)])
    action_add(
        pathway=pathway,
        actor=personas.sofie,
        description="Bellen",
        owner=personas.els,
        owner_organisation=personas.brug,
        due_on=dt.date(2026, 4, 1),
    )
    contact_log_add(
        pathway=pathway,
        actor=personas.els,
        organisation=personas.brug,
        happened_on=dt.date(2026, 3, 1),
        place="phone",
        summary="Gebeld",
    )
    pathway_close(
        pathway=pathway, actor=personas.sofie, closed_on=dt.date(2026, 6, 1), outcome="regular_job", employed=True
    )
    entries = AuditEntry.objects.filter(action__startswith="pathways.")
    actions = set(entries.values_list("action", flat=True))
    assert {
        "pathways.pathway.started",
        "pathways.team.added",
        "pathways.plan.saved",
        "pathways.action.added",
        "pathways.contact.logged",
        "pathways.pathway.closed",
    } <= actions
    assert all(e.actor_id for e in entries)
    plan = entries.get(action="pathways.plan.saved")
    assert plan.changes["fields"] == ["client_words", "goals"]
    assert PlanChange.objects.filter(pathway=pathway).count() == 2  # plan + action


def test_closing_records_the_outcome_and_plans_the_follow_up(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    action_add(
        pathway=pathway, actor=personas.sofie, description="Open", owner=personas.sofie, owner_organisation=personas.lb
    )
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{pathway.pk}/afsluiten/",
        {"closed_on": "2026-06-01", "outcome": "social_economy", "results_now": "yes", "employed": "on", "note": ""},
    )
    assert response.status_code == 302
    pathway.refresh_from_db()
    # six calendar months (182 days gave 30 November: short of six months; apps/core/chronology.py)
    assert pathway.status == "closed" and pathway.closure.follow_up_due == dt.date(2026, 12, 1)
    assert not Action.objects.filter(pathway=pathway, status="open").exists()
    html = client.get("/").content.decode()
    assert f"/trajecten/{pathway.pk}/opvolging/" in html  # due within 30 days: on the home to-do list
    response = client.post(
        f"/trajecten/{pathway.pk}/opvolging/",
        {"followed_up_on": "2026-11-30", "employed": "on", "better_situation": "on"},
    )
    assert response.status_code == 302
    pathway.closure.refresh_from_db()
    assert pathway.closure.employed_after_6_months is True
