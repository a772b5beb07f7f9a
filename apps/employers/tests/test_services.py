from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.employers import isco
from apps.employers.models import CoachingContact, EmployerLink, PlacementStatus
from apps.employers.services import (
    LinkRefused,
    link_open,
    normalise_enterprise_number,
    placement_answer,
    placement_confirm_start,
    placement_end,
    placement_plan_intake,
    placement_withdraw,
)
from apps.employers.tests.conftest import make_employer, propose

pytestmark = pytest.mark.django_db


def test_the_enterprise_number_is_checked_with_its_check_digits() -> None:
    assert normalise_enterprise_number("BE 0202.239.951") == "0202239951"
    assert normalise_enterprise_number("202239951") == "0202239951"
    for wrong in ["0202.239.952", "12345", "abcdefghij", ""]:
        with pytest.raises(ValidationError) as exc:
            normalise_enterprise_number(wrong)
        assert "enterprise_number" in exc.value.message_dict


def test_els_cannot_register_an_employer_twice_or_with_a_wrong_number(personas: Any) -> None:
    make_employer(personas)
    with pytest.raises(ValidationError) as exc:
        make_employer(personas, name="Zeezicht bis", enterprise_number="0202239951")
    assert "enterprise_number" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_employer(personas, name="Fout", enterprise_number="0202.239.950")


def test_the_isco_list_holds_every_level_of_isco_08() -> None:
    levels: dict[str, int] = {}
    for o in isco.occupations().values():
        levels[o.level] = levels.get(o.level, 0) + 1
    assert levels == {"major": 10, "sub_major": 43, "minor": 130, "unit": 436}
    assert isco.occupations()["5"].title_nl and isco.occupations()["94"].title_nl
    assert isco.label("9412").startswith("9412 Kitchen helpers")


def test_an_opportunity_takes_its_rung_from_its_kind_and_needs_a_unit_group(personas: Any, world: Any) -> None:
    assert world.opportunity.rung == 4
    from apps.employers.tests.conftest import make_opportunity

    with pytest.raises(ValidationError) as exc:
        make_opportunity(personas, world.employer, isco_code="94")
    assert "isco_code" in exc.value.message_dict


def test_an_opportunity_needs_no_shift_and_no_support_ticked(personas: Any, world: Any) -> None:
    # the form marks both optional; the model agreed only after a new user's walk (they were refused as empty)
    from apps.employers.tests.conftest import make_opportunity

    opportunity = make_opportunity(personas, world.employer, shifts=[], supports=[])
    assert opportunity.shifts == [] and opportunity.supports == []


def test_an_expired_employer_link_is_refused_and_logged(personas: Any, world: Any) -> None:
    placement, token = propose(personas, world)
    EmployerLink.objects.filter(placement=placement).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(LinkRefused) as exc:
        link_open(token=token)
    assert exc.value.reason == "expired"
    assert AuditEntry.objects.filter(action="employers.link.refused", changes__reason="expired").exists()


def test_a_used_employer_link_is_refused_the_second_time(personas: Any, world: Any) -> None:
    placement, token = propose(personas, world)
    placement_answer(link=link_open(token=token), interested=True)
    with pytest.raises(LinkRefused) as exc:
        link_open(token=token)
    assert exc.value.reason == "used"
    actions = list(AuditEntry.objects.filter(action__startswith="employers.link").values_list("action", flat=True))
    assert {"employers.link.issued", "employers.link.opened", "employers.link.used", "employers.link.refused"} <= set(
        actions
    )


def test_an_unknown_token_is_refused(db: Any) -> None:
    with pytest.raises(LinkRefused) as exc:
        link_open(token="x" * 43)
    assert exc.value.reason == "unknown"


def test_the_token_is_never_stored(personas: Any, world: Any) -> None:
    placement, token = propose(personas, world)
    link = EmployerLink.objects.get(placement=placement)
    assert token not in link.token_digest
    assert not AuditEntry.objects.filter(changes__icontains=token).exists()


def test_declining_needs_a_reason(personas: Any, world: Any) -> None:
    placement, token = propose(personas, world)
    with pytest.raises(ValidationError):
        placement_answer(link=link_open(token=token), interested=False)
    placement_answer(link=link_open(token=token), interested=False, reason="no_place_now", note="Pas in de zomer.")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DECLINED and placement.refusal_reason == "no_place_now"


def test_a_placement_walks_its_states_and_plans_job_coaching_at_1_4_and_12_weeks(personas: Any, world: Any) -> None:
    placement, token = propose(personas, world)
    placement_answer(link=link_open(token=token), interested=True)
    placement.refresh_from_db()
    start_token = placement_plan_intake(
        actor=personas.sofie, placement=placement, intake_on=dt.date(2026, 4, 2), start_on=dt.date(2026, 4, 6)
    )
    placement_confirm_start(link=link_open(token=start_token), start_on=dt.date(2026, 4, 7))
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.STARTED and placement.start_confirmed_by_employer
    planned = list(CoachingContact.objects.filter(placement=placement).values_list("week", "planned_on"))
    assert planned == [
        (1, dt.date(2026, 4, 14)),
        (4, dt.date(2026, 5, 5)),
        (12, dt.date(2026, 6, 30)),
    ]
    with pytest.raises(ValidationError):
        placement_withdraw(actor=personas.sofie, placement=placement)
    placement_end(actor=personas.sofie, placement=placement, end_on=dt.date(2026, 9, 30), outcome="contract")
    assert placement.status == PlacementStatus.ENDED
    assert AuditEntry.objects.filter(action="employers.placement.started", object_id=str(placement.pk)).exists()
    assert AuditEntry.objects.filter(action="employers.placement.ended", object_id=str(placement.pk)).exists()


def test_a_client_cannot_be_proposed_twice_for_the_same_opportunity(personas: Any, world: Any) -> None:
    propose(personas, world)
    with pytest.raises(ValidationError):
        propose(personas, world)
