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


@transaction.atomic
def consent_record(
    *,
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
    if given_on > timezone.localdate():
        errors["given_on"] = [_("The date cannot be in the future.")]
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
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on", "updated_at"])
    audit_log(
        actor=actor,
        action="consent.consent.withdrawn",
        obj=consent,
        changes={"client": consent.client_id, "withdrawn_on": consent.withdrawn_on.isoformat()},
    )
    return consent
