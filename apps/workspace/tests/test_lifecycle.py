"""Issue 10: a worker who leaves, an organisation that stops, a consent withdrawn: what depended on it ends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from apps.accounts.models import Membership
from apps.audit.models import AuditEntry
from apps.consent.models import Consent
from apps.offers.tests.test_views_offers import make_offer
from apps.pathways.models import TeamMember, TeamRole
from apps.pathways.services import consent_withdraw_with_team, team_add
from apps.referrals.models import Referral
from apps.referrals.services import referral_accept, referral_send
from apps.referrals.tests.conftest import open_pathway
from apps.workspace.services_lifecycle import membership_deactivate, organisation_deactivate
from tests.factories import give_consent

pytestmark = pytest.mark.django_db


def test_a_worker_who_leaves_loses_every_team_place_at_once(personas: Any) -> None:
    p = personas
    pathways = [
        open_pathway(p),
        open_pathway(p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2)),
    ]
    for pathway in pathways:
        team_add(pathway=pathway, actor=p.sofie, user=p.yonas, organisation=p.lb, role=TeamRole.PEER_COMPANION)
    result = membership_deactivate(membership=Membership.objects.get(user=p.yonas), actor=p.wouter)
    assert sorted(result["team_places_ended"]) == sorted(pw.pk for pw in pathways)
    assert not TeamMember.objects.filter(user=p.yonas, is_active=True).exists()
    assert AuditEntry.objects.filter(action="accounts.membership.deactivated").count() == 1
    with pytest.raises(ValidationError):
        membership_deactivate(membership=Membership.objects.get(user=p.yonas), actor=p.wouter)


def test_an_organisation_that_stops_ends_its_memberships_offers_and_team_places(personas: Any) -> None:
    p = personas
    offer = make_offer(p, p.brug, p.els)
    pathway = open_pathway(p)
    give_consent(p, pathway.client)  # identity for guidance: Els joins the team when she accepts
    accepted = referral_send(pathway=pathway, offer=offer, actor=p.sofie)
    referral_accept(referral=accepted, actor=p.els)
    other = open_pathway(p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    waiting = referral_send(pathway=other, offer=offer, actor=p.sofie)
    result = organisation_deactivate(organisation=p.brug, actor=p.wouter)
    p.brug.refresh_from_db()
    offer.refresh_from_db()
    waiting.refresh_from_db()
    assert not p.brug.is_active and not offer.is_active
    assert waiting.status == Referral.Status.REFUSED and result["referrals_refused"] == [waiting.pk]
    assert result["team_places_ended"] == [pathway.pk]
    assert not Membership.objects.filter(organisation=p.brug, is_active=True).exists()


def test_withdrawing_the_consent_ends_the_team_place_that_depended_on_it(personas: Any, client: Browser) -> None:
    p = personas
    offer = make_offer(p, p.brug, p.els)
    pathway = open_pathway(p)  # consent to De Brug for referral
    guidance = give_consent(p, pathway.client)  # identity for guidance: Els may join the team
    referral_accept(referral=referral_send(pathway=pathway, offer=offer, actor=p.sofie), actor=p.els)
    assert TeamMember.objects.filter(pathway=pathway, user=p.els, is_active=True).exists()
    client.force_login(p.sofie)
    url = f"/hulpvragers/{pathway.client_id}/toestemming/{guidance.pk}/intrekken/"
    asked = client.post(url)  # the first POST names the consequence and changes nothing
    assert asked.status_code == 200 and "De Brug vzw" in asked.content.decode()
    assert Consent.objects.get(pk=guidance.pk).withdrawn_on is None
    assert TeamMember.objects.filter(pathway=pathway, user=p.els, is_active=True).exists()
    response = client.post(url, {"confirmed": "1"}, follow=True)
    assert response.status_code == 200
    assert not TeamMember.objects.filter(pathway=pathway, user=p.els, is_active=True).exists()
    assert Consent.objects.get(pk=guidance.pk).withdrawn_on is not None
    with pytest.raises(ValidationError):
        consent_withdraw_with_team(consent=Consent.objects.get(pk=guidance.pk), actor=p.sofie)
    client.force_login(p.olaf)
    assert client.post(f"/hulpvragers/{pathway.client_id}/toestemming/{guidance.pk}/intrekken/").status_code == 404
