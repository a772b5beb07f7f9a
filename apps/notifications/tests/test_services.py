"""Notifications: in the app within the write's transaction, e-mails only after it commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.notifications.models import Notification
from apps.notifications.services import notify


class Rollback(Exception):
    pass


def test_a_committed_notification_is_shown_and_mailed_in_the_persons_language(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    personas.els.preferred_language = "en"
    personas.els.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify(users=[personas.els, personas.els, None], message=_("Referral accepted"), url="/doorverwijzingen/1/")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert Notification.objects.get(user=personas.els).message == "Referral accepted"
    assert [m.to for m in mail.outbox] == [[personas.els.email]]
    assert mail.outbox[0].body.endswith("/doorverwijzingen/1/")


def test_nothing_is_sent_when_the_transaction_rolls_back(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        notify(users=[personas.els, personas.sofie], message=_("Referral accepted"), url="/doorverwijzingen/1/")
        raise Rollback
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists()


def test_a_rolled_back_partnership_email_is_never_sent(personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    from apps.partnership.mail import send_after_commit

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        send_after_commit(subject="Padwijzer", body="Uw kandidatuur", to=["an@example.org"])
        raise Rollback
    assert callbacks == [] and mail.outbox == []
