"""Consent: recording and withdrawal (the reads that check consent are in selectors.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.consent.models import Consent, DataCategory, Method, Purpose
from apps.core.chronology import Dated, Event, check_dates, date_errors
from apps.core.concurrency import remember_submission, submitted_before


class _SameSubmission(Exception):
    def __init__(self, consent_id: int):
        self.consent_id = consent_id


def consent_record(*, submission_key: str = "", **data: Any) -> Consent:
    """Record a consent (arguments of :func:`_consent_record`); writes ``consent.consent.given``.

    ``submission_key``: the form's one-time key (``apps.core.concurrency``); the same form sent twice (a double
    click, a resent request, two at once) records one consent and returns it. Raises ``ValidationError`` by
    field (dates: ``apps.core.chronology``); nothing is saved on an error.
    """
    earlier = submitted_before(submission_key, "consent.record")
    if earlier is not None:
        return Consent.objects.get(pk=earlier)
    try:
        return _consent_record(key=submission_key, **data)
    except _SameSubmission as same:
        return Consent.objects.get(pk=same.consent_id)


@transaction.atomic
def _consent_record(
    *,
    key: str = "",
    client: Any,
    organisations: Iterable[Any],
    categories: list[str],
    purposes: list[str],
    method: str,
    given_on: dt.date,
    actor: Any,
    actor_organisation: Any,
    witness: str = "",
    external_recipient: str = "",
) -> Consent:
    organisations = list(organisations)
    errors: dict[str, list[str]] = {}
    if not organisations:
        errors["organisations"] = [_("Choose at least one organisation.")]
    elif any(o.region_id != client.organisation.region_id for o in organisations):
        errors["organisations"] = [_("Choose only organisations of the client's partnership.")]
    if not categories or not set(categories) <= set(DataCategory.values):
        errors["categories"] = [_("Choose at least one data category.")]
    if not purposes or not set(purposes) <= set(Purpose.values):
        errors["purposes"] = [_("Choose at least one purpose.")]
    if method == Method.VERBAL_WITNESSED and not witness.strip():
        errors["witness"] = [_("Verbal consent needs the name of a witness.")]
    errors.update(
        date_errors({Event.CONSENT_GIVEN: Dated("given_on", given_on), Event.BIRTH: Dated(None, client.birth_date)})
    )
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        client=client,
        categories=sorted(set(categories)),
        purposes=sorted(set(purposes)),
        method=method,
        witness=witness.strip(),
        external_recipient=external_recipient.strip(),
        given_on=given_on,
        recorded_by=actor,
        recorded_by_organisation=actor_organisation,
    )
    consent.full_clean()
    consent.save()
    first = remember_submission(key, "consent.record", consent.pk)
    if first is not None:  # a concurrent submission of the same form won: roll this one back
        raise _SameSubmission(first)
    consent.organisations.set(organisations)
    audit_log(
        actor=actor,
        action="consent.consent.given",
        obj=consent,
        changes={
            "client": client.pk,
            "organisations": sorted(o.pk for o in organisations),
            "categories": consent.categories,
            "purposes": consent.purposes,
            "method": method,
            "external_recipient": bool(consent.external_recipient),
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor: Any, on: dt.date | None = None) -> Consent:
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    on = on or timezone.localdate()
    check_dates(
        {
            Event.CONSENT_WITHDRAWN: Dated("withdrawn_on", on),
            Event.CONSENT_GIVEN: Dated(None, consent.given_on),
        }
    )
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on", "updated_at"])
    audit_log(
        actor=actor,
        action="consent.consent.withdrawn",
        obj=consent,
        changes={"client": consent.client_id, "withdrawn_on": consent.withdrawn_on.isoformat()},
    )
    return consent
