"""E-mails of the call for partners to the applicant: sent only once the writing transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from apps.partnership.models import Candidacy


def send_after_commit(
    *, subject: str, body: str, to: list[str], attachments: list[tuple[str, bytes, str]] | None = None
) -> None:
    """Send an e-mail once the current transaction commits (never for a write that rolls back)."""
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    transaction.on_commit(message.send)


def recipients(candidacy: Candidacy) -> list[str]:
    """The applicant's and the contact's e-mail addresses, each once, in that order."""
    return list(dict.fromkeys(e for e in [candidacy.applicant_email, candidacy.contact_email] if e))


def candidacy_link(candidacy: Candidacy, site_url: str) -> str:
    """The applicant's private edit link (absolute URL on ``site_url``)."""
    return site_url.rstrip("/") + reverse("partnership:candidacy", kwargs={"token": candidacy.token})
