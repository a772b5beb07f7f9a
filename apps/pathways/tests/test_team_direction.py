"""The direction of a pathway (the counsellor's seat on the team) goes only to a counsellor, by every route:
adding a team member here, handing a caseload over in test_handover (addendum: the trajectbegeleider holds
the direction)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser

from apps.accounts.models import Membership, Role
from apps.audit.models import AuditEntry
from apps.pathways.models import Pathway, TeamMember, TeamRole
from apps.pathways.services import team_add
from apps.pathways.tests.test_pathways import started
from tests.factories import give_consent

pytestmark = pytest.mark.django_db


def test_a_peer_companion_cannot_be_given_the_counsellors_seat(personas: Any) -> None:
    pathway = started(personas)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        team_add(
            pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="counsellor"
        )
    assert "role" in refused.value.message_dict
    assert "Lokaal bestuur Oostende" in refused.value.message_dict["role"][0]
    assert not TeamMember.objects.filter(pathway=pathway, user=personas.yonas).exists()
    assert AuditEntry.objects.count() == audit_before  # nothing half-saved


def test_a_peer_companion_joins_in_their_own_role(personas: Any) -> None:
    pathway = started(personas)
    member = team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion"
    )
    assert member.role == TeamRole.PEER_COMPANION


def test_a_second_counsellor_of_the_organisation_may_share_the_direction(personas: Any) -> None:
    pathway = started(personas)
    Membership.objects.create(user=personas.yonas, organisation=personas.lb, role=Role.COUNSELLOR)
    member = team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="counsellor"
    )
    assert member.role == TeamRole.COUNSELLOR


def test_a_counsellor_membership_elsewhere_does_not_count_for_this_organisation(personas: Any) -> None:
    pathway = started(personas)
    Membership.objects.create(user=personas.yonas, organisation=personas.vdab, role=Role.COUNSELLOR)
    with pytest.raises(ValidationError, match="Lokaal bestuur Oostende"):
        team_add(
            pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="counsellor"
        )


def test_a_counsellor_of_another_organisation_cannot_take_the_direction(personas: Any) -> None:
    pathway = started(personas)  # held by Lokaal bestuur Oostende
    give_consent(personas, pathway.client, to=personas.kompas)
    with pytest.raises(ValidationError) as refused:
        team_add(
            pathway=pathway, actor=personas.sofie, user=personas.karim, organisation=personas.kompas, role="counsellor"
        )
    assert refused.value.message_dict["role"] == [
        "Alleen een trajectbegeleider van Lokaal bestuur Oostende kan de regie houden."
    ]
    karim = team_add(
        pathway=pathway, actor=personas.sofie, user=personas.karim, organisation=personas.kompas, role="partner_worker"
    )
    assert karim.role == TeamRole.PARTNER_WORKER  # on the team, without the direction


def test_a_counsellor_membership_that_ended_does_not_count(personas: Any) -> None:
    pathway = started(personas)
    Membership.objects.create(user=personas.yonas, organisation=personas.lb, role=Role.COUNSELLOR, is_active=False)
    with pytest.raises(ValidationError):
        team_add(
            pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="counsellor"
        )


def test_the_team_page_says_at_the_role_why_the_direction_was_refused(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    yonas_at_lb = Membership.objects.get(user=personas.yonas, organisation=personas.lb)
    client.force_login(personas.sofie)
    response = client.post(
        f"/trajecten/{pathway.pk}/team/", {"membership": str(yonas_at_lb.pk), "role": "counsellor", "task": "Regie"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["role"] == [
        "Alleen een trajectbegeleider van Lokaal bestuur Oostende kan de regie houden."
    ]
    assert "Alleen een trajectbegeleider van Lokaal bestuur Oostende" in response.content.decode()
    assert not TeamMember.objects.filter(pathway=pathway, user=personas.yonas).exists()


def test_only_a_counsellor_of_the_organisation_is_offered_and_allowed_to_start_a_pathway(
    personas: Any, client: Browser
) -> None:
    from tests.factories import complete_screening, register_client

    mariam = register_client(personas)
    complete_screening(mariam, personas.sofie, obstacles=["limited-dutch"])
    start = f'action="/trajecten/start/{mariam.pk}/"'
    client.force_login(personas.wouter)  # the coordinator of the registering organisation: sees the whole file
    for page in (f"/hulpvragers/{mariam.pk}/", f"/matching/hulpvrager/{mariam.pk}/"):
        html = client.get(page).content.decode()
        assert start not in html
    assert "Een trajectbegeleider van de organisatie houdt de regie en start het traject." in html
    response = client.post(f"/trajecten/start/{mariam.pk}/", follow=True)
    assert (  # an error is announced at once (role="alert"), not politely
        'role="alert">Alleen een trajectbegeleider van Lokaal bestuur Oostende kan een traject starten'
        in response.content.decode()
    )
    assert not Pathway.objects.filter(client=mariam).exists()
    client.force_login(personas.sofie)
    for page in (f"/hulpvragers/{mariam.pk}/", f"/matching/hulpvrager/{mariam.pk}/"):
        assert start in client.get(page).content.decode()
    client.post(f"/trajecten/start/{mariam.pk}/")
    seat = TeamMember.objects.get(pathway__client=mariam)
    assert (seat.user, seat.role) == (personas.sofie, TeamRole.COUNSELLOR)


def test_each_remove_button_on_the_team_page_names_its_member(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion"
    )
    client.force_login(personas.sofie)
    html = client.get(f"/trajecten/{pathway.pk}/team/").content.decode()
    labels = [f'aria-label="{user} uit het team halen"' for user in (personas.sofie, personas.yonas)]
    assert all(label in html for label in labels), html


def test_the_team_page_offers_only_people_not_on_the_team_yet(personas: Any, client: Browser) -> None:
    pathway = started(personas)
    client.force_login(personas.sofie)
    offered = dict(client.get(f"/trajecten/{pathway.pk}/team/").context["form"].fields["membership"].choices)
    sofie_at_lb = Membership.objects.get(user=personas.sofie, organisation=personas.lb)
    yonas_at_lb = Membership.objects.get(user=personas.yonas, organisation=personas.lb)
    assert str(sofie_at_lb.pk) not in offered and str(yonas_at_lb.pk) in offered
    team_add(
        pathway=pathway, actor=personas.sofie, user=personas.yonas, organisation=personas.lb, role="peer_companion"
    )
    offered = dict(client.get(f"/trajecten/{pathway.pk}/team/").context["form"].fields["membership"].choices)
    assert str(yonas_at_lb.pk) not in offered
