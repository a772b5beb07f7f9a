from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from apps.core.outputs import header_text
from apps.notifications.models import Notification


def notify(*, users: Iterable[Any], message: Any, url: str = "", email: bool = True) -> list[Notification]:
    """Tell people something happened: in the app, and by e-mail in each person's language.

    ``message`` is a lazy translatable string; messages name no client (privacy): the link leads there.
    The in-app notifications are rows of the caller's transaction (rolled back with it); the e-mails
    leave only after that transaction commits (``transaction.on_commit``), so a rolled-back write
    never tells anyone anything.
    """
    created = []
    for user in {u.pk: u for u in users if u is not None}.values():
        with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
            text = str(message)
        created.append(Notification.objects.create(user=user, message=text[:300], url=url))
        if email and user.email:
            transaction.on_commit(
                partial(
                    send_mail,
                    subject=header_text(f"Padwijzer: {text}", limit=90),  # one line (apps/core/outputs.py)
                    message=f"{text}\n\n{settings.SITE_URL}{url}",
                    from_email=None,
                    recipient_list=[user.email],
                    fail_silently=True,
                )
            )
    return created


def notification_mark_read(*, user: Any, notification_id: int) -> Notification | None:
    """Mark one of ``user``'s notifications read (now); ``None`` when it is not theirs or does not exist.

    No audit entry: a read receipt is the person's own reading state, not a change to anyone's data, and the
    audit app sits beside this one in the layers (docs/architecture.md)."""
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of ``user`` read; returns how many (one UPDATE)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
