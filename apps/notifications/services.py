from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

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
                    subject=f"Padwijzer: {text[:80]}",
                    message=f"{text}\n\n{settings.SITE_URL}{url}",
                    from_email=None,
                    recipient_list=[user.email],
                    fail_silently=True,
                )
            )
    return created
