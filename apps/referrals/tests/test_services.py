"""The closed loop of a referral: every transition writes an event, an audit entry and tells the people concerned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.notifications.models import Notification
from apps.offers.models import Offer, WaitingListEntry
from apps.offers.services import offer_update
from apps.offers.tests.test_views_offers import make_offer
from apps.referrals.models import Referral, ReferralEvent
from apps.referrals.selectors import waiting_positions
from apps.referrals.services import (
    referral_accept,
    referral_complete,
    referral_not_complete,
    referral_plan_handover,
    referral_refuse,
    referral_send,
    referral_start,
    referral_withdraw,
    referrals_escalate,
    waiting_position,
)
from apps.referrals.tasks import escalate_referrals
from apps.referrals.tests.conftest import open_pathway

S = Referral.Status


def send(setup: Any, **kwargs: Any) -> Referral:
    return referral_send(
        pathway=kwargs.pop("pathway", setup.pathway),
        offer=kwargs.pop("offer", setup.offer),
        actor=setup.p.sofie,
        note=kwargs.pop("note", "Mariam wil Nederlands oefenen."),
        from_recommendation=kwargs.pop("from_recommendation", True),
    )


def audit_actions(referral: Referral) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="referrals.referral", object_id=str(referral.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_full_loop_send_accept_start_complete(setup: Any, django_capture_on_commit_callbacks: Any) -> None:
    p = setup.p
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(setup)
    assert referral.status == S.SENT and referral.from_recommendation
    assert Notification.objects.filter(user=p.els, url=f"/doorverwijzingen/{referral.pk}/").count() == 1
    assert any("els@example.org" in m.to for m in mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(referral=referral, actor=p.els)
    setup.offer.refresh_from_db()
    assert setup.offer.occupancy == 1
    assert referral.answered_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        referral_start(referral=referral, actor=p.els)
        referral_complete(referral=referral, actor=p.els, note="Doel bereikt.")
    referral.refresh_from_db()
    setup.offer.refresh_from_db()
    assert referral.status == S.COMPLETED
    assert setup.offer.occupancy == 0  # the place is free again
    assert list(referral.events.values_list("status", flat=True)) == [S.SENT, S.ACCEPTED, S.STARTED, S.COMPLETED]
    assert referral.events.last().actor == p.els  # type: ignore[union-attr]
    assert audit_actions(referral) == [
        "referrals.referral.sent",
        "referrals.referral.accepted",
        "referrals.referral.started",
        "referrals.referral.completed",
    ]
    # the sender (also the pathway's counsellor) heard of each answer, once per answer
    assert Notification.objects.filter(user=p.sofie, url=f"/doorverwijzingen/{referral.pk}/").count() == 3
    assert sum("sofie@example.org" in m.to for m in mail.outbox) == 3
    # messages name no client
    assert not Notification.objects.filter(message__icontains="Mariam").exists()


def test_refuse_with_a_reason(setup: Any) -> None:
    p = setup.p
    referral = send(setup)
    with pytest.raises(ValidationError):
        referral_refuse(referral=referral, actor=p.els, reason="nonsense")
    with pytest.raises(ValidationError):  # "other" needs an explanation
        referral_refuse(referral=referral, actor=p.els, reason=Referral.RefusalReason.OTHER)
    referral_refuse(referral=referral, actor=p.els, reason=Referral.RefusalReason.NOT_ELIGIBLE, note="Te jong.")
    referral.refresh_from_db()
    assert referral.status == S.REFUSED and referral.reason == "not_eligible" and referral.reason_note == "Te jong."
    assert referral.events.last().status == S.REFUSED  # type: ignore[union-attr]
    assert "referrals.referral.refused" in audit_actions(referral)
    assert Notification.objects.filter(user=p.sofie).exists()
    with pytest.raises(ValidationError):  # a refused referral cannot be accepted any more
        referral_accept(referral=referral, actor=p.els)


def test_a_full_offer_puts_referrals_on_its_waiting_list_in_order(setup: Any) -> None:
    p = setup.p
    Offer.objects.filter(pk=setup.offer.pk).update(capacity=1, occupancy=1)
    first = send(setup)
    other = open_pathway(p, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    second = send(setup, pathway=other)
    assert first.status == second.status == S.WAITING
    assert list(first.events.values_list("status", flat=True)) == [S.SENT, S.WAITING]
    entries = WaitingListEntry.objects.filter(offer=setup.offer, is_open=True)
    assert entries.count() == 2
    assert waiting_positions([first, second]) == {first.pk: 1, second.pk: 2}
    assert [waiting_position(e) for e in entries.order_by("id")] == [1, 2]

    with pytest.raises(ValidationError):  # issue 10: a full offer takes nobody in, not even "anyway"
        referral_accept(referral=first, actor=p.els)
    first.refresh_from_db()
    assert first.status == S.WAITING
    setup.offer.refresh_from_db()
    assert setup.offer.occupancy == 1
    offer_update(offer=setup.offer, actor=p.els, capacity=2)  # the partner makes room first
    referral_accept(referral=first, actor=p.els)
    assert not WaitingListEntry.objects.get(client=setup.client, offer=setup.offer).is_open
    assert waiting_positions([second]) == {second.pk: 1}
    setup.offer.refresh_from_db()
    assert setup.offer.occupancy == 2


def test_without_consent_the_referral_is_refused_with_a_clear_error_and_nothing_is_saved(setup: Any) -> None:
    p = setup.p
    pathway = open_pathway(p, consent=False, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    audits, notes = AuditEntry.objects.count(), Notification.objects.count()
    with pytest.raises(ValidationError) as exc:
        send(setup, pathway=pathway)
    assert "De Brug vzw" in " ".join(exc.value.messages)
    assert not Referral.objects.exists() and not ReferralEvent.objects.exists()
    assert AuditEntry.objects.count() == audits and Notification.objects.count() == notes


def test_guidance_consent_also_covers_a_referral(setup: Any) -> None:
    from tests.factories import give_consent

    p = setup.p
    pathway = open_pathway(p, consent=False, first_name="Jonas", last_name="Peeters", birth_date=dt.date(1990, 1, 2))
    give_consent(p, pathway.client, purposes=["guidance"])
    assert send(setup, pathway=pathway).status == S.SENT


def test_only_active_offers_of_the_region(setup: Any) -> None:
    Offer.objects.filter(pk=setup.offer.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        send(setup)
    other_region = make_offer(setup.p, setup.p.kompas, setup.p.olaf, "Elders")
    Offer.objects.filter(pk=other_region.pk).update(organisation=setup.p.westhoek_org)
    with pytest.raises(ValidationError):
        send(setup, offer=other_region)
    assert not Referral.objects.exists()


def test_one_open_referral_per_offer_and_pathway(setup: Any) -> None:
    send(setup)
    with pytest.raises(ValidationError):
        send(setup)


def test_invalid_transitions_are_refused(setup: Any) -> None:
    p = setup.p
    referral = send(setup)
    with pytest.raises(ValidationError):
        referral_start(referral=referral, actor=p.els)
    with pytest.raises(ValidationError):
        referral_complete(referral=referral, actor=p.els)
    referral_withdraw(referral=referral, actor=p.sofie)
    with pytest.raises(ValidationError):
        referral_withdraw(referral=referral, actor=p.sofie)
    assert Notification.objects.filter(user=p.els).count() == 2  # sent, withdrawn


def test_not_completed_with_a_reason_frees_the_place(setup: Any) -> None:
    p = setup.p
    referral = send(setup)
    referral_accept(referral=referral, actor=p.els)
    with pytest.raises(ValidationError):
        referral_not_complete(referral=referral, actor=p.els, reason="bogus")
    referral_not_complete(referral=referral, actor=p.els, reason=Referral.EndReason.DROPPED_OUT)
    setup.offer.refresh_from_db()
    assert referral.status == S.NOT_COMPLETED and setup.offer.occupancy == 0
    assert "referrals.referral.not_completed" in audit_actions(referral)


@pytest.mark.parametrize("outsider", ["olaf", "nadia", "wouter"])
def test_outsiders_cannot_answer_and_the_receiver_cannot_withdraw(setup: Any, outsider: str) -> None:
    p = setup.p
    referral = send(setup)
    with pytest.raises(PermissionDenied):
        referral_accept(referral=referral, actor=getattr(p, outsider))
    with pytest.raises(PermissionDenied):
        referral_refuse(referral=referral, actor=getattr(p, outsider), reason="no_capacity")
    with pytest.raises(PermissionDenied):
        referral_withdraw(referral=referral, actor=p.els)
    if outsider != "wouter":  # the coordinator of the pathway's organisation is on the sending side
        with pytest.raises(PermissionDenied):
            referral_withdraw(referral=referral, actor=getattr(p, outsider))
        with pytest.raises(PermissionDenied):
            referral_plan_handover(
                referral=referral, actor=getattr(p, outsider), at=timezone.now() + dt.timedelta(days=2), place="De Brug"
            )
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_a_warm_handover_tells_both_sides(setup: Any) -> None:
    p = setup.p
    referral = send(setup)
    with pytest.raises(ValidationError):
        referral_plan_handover(referral=referral, actor=p.sofie, at=timezone.now() - dt.timedelta(days=1), place="x")
    at = timezone.now() + dt.timedelta(days=3)
    referral_plan_handover(referral=referral, actor=p.els, at=at, place="Onthaal De Brug")
    referral.refresh_from_db()
    assert referral.handover_at == at and referral.handover_place == "Onthaal De Brug"
    assert Notification.objects.filter(user=p.sofie).count() == 1
    referral_plan_handover(referral=referral, actor=p.sofie, at=at, place="Onthaal De Brug")
    assert Notification.objects.filter(user=p.els).count() == 2  # the referral, the handover
    assert audit_actions(referral).count("referrals.referral.handover_planned") == 2


def test_escalation_after_the_set_days_reaches_the_coordinator_once(setup: Any) -> None:
    p = setup.p
    referral = send(setup)
    answered = send(setup, offer=make_offer(p, p.brug, p.els, "Fietsles"))
    referral_accept(referral=answered, actor=p.els)
    now = timezone.now()
    assert referrals_escalate(now=now + dt.timedelta(days=4)) == []
    escalated = referrals_escalate(now=now + dt.timedelta(days=6))
    assert [r.pk for r in escalated] == [referral.pk]
    assert referrals_escalate(now=now + dt.timedelta(days=7)) == []
    referral.refresh_from_db()
    assert referral.escalated_at is not None and referral.status == S.SENT
    assert Notification.objects.filter(user=p.wouter, url=f"/doorverwijzingen/{referral.pk}/").count() == 1
    assert not Notification.objects.filter(user=p.nadia).exists()  # another region's coordinator
    assert audit_actions(referral).count("referrals.referral.escalated") == 1
    assert referral.events.count() == 2


def test_the_escalation_setting_is_read(setup: Any, settings: Any) -> None:
    settings.REFERRAL_ESCALATION_DAYS = 1
    send(setup)
    assert len(referrals_escalate(now=timezone.now() + dt.timedelta(days=1, minutes=1))) == 1


def test_the_command_and_the_task_escalate_idempotently(setup: Any, django_capture_on_commit_callbacks: Any) -> None:
    p = setup.p
    referral = send(setup)
    waiting_offer = make_offer(p, p.brug, p.els, "Vol")
    Offer.objects.filter(pk=waiting_offer.pk).update(capacity=0)
    waiting = send(setup, offer=waiting_offer)
    Referral.objects.filter(pk__in=[referral.pk, waiting.pk]).update(created_at=timezone.now() - dt.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_referrals", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("escalate_referrals", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert escalate_referrals.call() == 0
    assert Notification.objects.filter(user=p.wouter).count() == 1  # only the unanswered (sent) one
    assert mail.outbox and sum("wouter@example.org" in m.to for m in mail.outbox) == 1
    waiting.refresh_from_db()
    assert waiting.escalated_at is None


def test_the_task_escalates(setup: Any) -> None:
    referral = send(setup)
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - dt.timedelta(days=6))
    assert escalate_referrals.call() == 1
    assert escalate_referrals.call() == 0


def test_accepting_joins_the_case_team_only_under_a_guidance_consent(setup: Any) -> None:
    from tests.factories import give_consent

    referral = send(setup)  # the setup's consent covers referral only
    referral_accept(referral=referral, actor=setup.p.els)
    assert not setup.pathway.team.filter(user=setup.p.els, is_active=True).exists()

    other = open_pathway(setup.p, first_name="Saled")
    give_consent(setup.p, other.client, purposes=["referral", "guidance"])
    second = send(setup, pathway=other)
    referral_accept(referral=second, actor=setup.p.els)
    member = other.team.get(user=setup.p.els, is_active=True)
    assert member.organisation == setup.p.brug and member.task == setup.offer.title


def test_the_social_map_cache_follows_an_accepted_referral(setup: Any) -> None:
    from apps.matching.selectors import offer_profiles

    before = {p.id: p.free_places for p in offer_profiles(region_id=setup.p.region.pk)}[setup.offer.pk]
    referral_accept(referral=send(setup), actor=setup.p.els)
    after = {p.id: p.free_places for p in offer_profiles(region_id=setup.p.region.pk)}[setup.offer.pk]
    assert after == before - 1
