"""Role checks with named personas; an outsider from another organisation sees nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from apps.accounts.models import Membership, Role
from apps.accounts.permissions import get_organisation_for_user, memberships_of, roles_of
from apps.regions.permissions import get_region_for_user


def test_roles_come_from_active_memberships(personas: Any) -> None:
    assert roles_of(personas.sofie) == {Role.COUNSELLOR}
    assert roles_of(personas.wouter) == {Role.COORDINATOR}
    Membership.objects.filter(user=personas.sofie).update(is_active=False)
    personas.sofie._pw_memberships = None
    assert roles_of(personas.sofie) == set()


def test_memberships_of_an_inactive_organisation_do_not_count(personas: Any) -> None:
    personas.brug.is_active = False
    personas.brug.save()
    assert memberships_of(personas.els) == []


def test_members_see_their_region(personas: Any) -> None:
    for person in (personas.wouter, personas.sofie, personas.yonas, personas.els, personas.ine, personas.olaf):
        assert get_region_for_user(person, "oostende") == personas.region


def test_a_member_of_another_region_gets_404(personas: Any) -> None:
    with pytest.raises(Http404):
        get_region_for_user(personas.nadia, "oostende")
    assert get_region_for_user(personas.nadia, "westhoek-test").code == "westhoek-test"


def test_a_missing_region_and_a_forbidden_one_look_the_same(personas: Any) -> None:
    with pytest.raises(Http404):
        get_region_for_user(personas.nadia, "does-not-exist")


def test_an_administrator_sees_every_region(personas: Any) -> None:
    assert get_region_for_user(personas.glenn, "westhoek-test").code == "westhoek-test"


def test_an_outsider_cannot_open_another_organisation(personas: Any) -> None:
    assert get_organisation_for_user(personas.els, personas.brug.pk) == personas.brug
    with pytest.raises(Http404):
        get_organisation_for_user(personas.olaf, personas.brug.pk)
    with pytest.raises(Http404):
        get_organisation_for_user(personas.nadia, personas.brug.pk)


def test_the_coordinator_sees_every_organisation_of_the_region(personas: Any) -> None:
    assert get_organisation_for_user(personas.wouter, personas.kompas.pk) == personas.kompas
    with pytest.raises(Http404):
        get_organisation_for_user(personas.wouter, personas.westhoek_org.pk)


def test_only_coordinators_and_administrators_manage_memberships(personas: Any) -> None:
    region = personas.region
    assert personas.wouter.has_perm("accounts.manage_memberships", region)
    assert personas.glenn.has_perm("accounts.manage_memberships", region)
    for person in (personas.sofie, personas.yonas, personas.els, personas.ine, personas.olaf, personas.nadia):
        assert not person.has_perm("accounts.manage_memberships", region), person.username
