"""Consent: recording and withdrawal (the reads that check consent are in selectors.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.consent.models import Consent, DataCategory, Decision, Method, Purpose
from apps.core.chronology import Dated, Event, check_dates, date_errors
from apps.core.concurrency import SubmissionKeyReused, remember_submission, submitted_before

# What a signed form may be, recognised by its first bytes (never by the name or the browser's claim).
FORM_SIGNATURES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}


def signed_form_kind(upload: Any) -> str:
    """The kind of a signed form (``pdf``, ``jpg`` or ``png``) from its first bytes.

    Raises ValidationError (field ``signed_form``) for an empty file, one larger than
    ``settings.CONSENT_FORM_MAX_BYTES`` or any other content (a renamed .exe, a Word file)."""
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError({"signed_form": [_("The file is empty.")]})
    if size > settings.CONSENT_FORM_MAX_BYTES:
        raise ValidationError(
            {
                "signed_form": [
                    _("The file is too large (at most %(mb)s MB).")
                    % {"mb": round(settings.CONSENT_FORM_MAX_BYTES / 1024 / 1024, 1)}
                ]
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, (magic, _mime) in FORM_SIGNATURES.items():
        if head.startswith(magic):
            return kind
    raise ValidationError({"signed_form": [_("Upload a scan or PDF: a PDF, JPEG or PNG file.")]})


def _store_form(consent: Consent, upload: UploadedFile) -> None:
    kind = signed_form_kind(upload)
    consent.signed_form.save(f"form.{kind}", upload, save=False)


class _SameSubmission(Exception):
    def __init__(self, consent_id: int):
        self.consent_id = consent_id


def consent_record(*, submission_key: str = "", submission_fingerprint: str = "", **data: Any) -> Consent:
    """Record a consent (arguments of :func:`_consent_record`); writes ``consent.consent.given``.

    ``submission_key``: the form's one-time key, or the API's ``Idempotency-Key`` (``apps.core.concurrency``);
    the same submission sent twice (a double click, a resent request, two at once) records one consent and
    returns it. ``submission_fingerprint``: a digest of the request for a key the sender chose (the API); the
    key with another request raises ``SubmissionKeyReused`` and writes nothing. Raises ``ValidationError`` by
    field (dates: ``apps.core.chronology``); nothing is saved on an error.
    """
    earlier = submitted_before(submission_key, "consent.record", submission_fingerprint)
    if earlier is not None:
        return Consent.objects.get(pk=earlier)
    try:
        return _consent_record(key=submission_key, fingerprint=submission_fingerprint, **data)
    except _SameSubmission as same:
        return Consent.objects.get(pk=same.consent_id)


@transaction.atomic
def _consent_record(
    *,
    key: str = "",
    fingerprint: str = "",
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
    decision: str = Decision.GIVEN,
    valid_until: dt.date | None = None,
    signed_form: UploadedFile | None = None,
) -> Consent:
    """Record a consent the client gave (or refused) to ``organisations`` for ``categories`` x ``purposes``.

    ``organisations``: the organisations of the client's partnership it lets see the data, never the client's
    own (the registering organisation holds the file anyway: consent to share with it means nothing and would
    read as if it were needed), except in a consent for a recipient outside the partnership
    (``external_recipient``, an employer), where it names the organisation that passes the data on.
    ``valid_until``: optional last day it is in force (inclusive); ``signed_form``: a PDF, JPEG or PNG scan
    (checked by content, at most ``CONSENT_FORM_MAX_BYTES``), stored in private storage. Raises
    ValidationError per field; nothing is saved then (the file neither)."""
    organisations = list(organisations)
    errors: dict[str, list[str]] = {}
    if not organisations:
        errors["organisations"] = [_("Choose at least one organisation.")]
    elif any(o.region_id != client.organisation.region_id for o in organisations):
        errors["organisations"] = [_("Choose only organisations of the client's partnership.")]
    elif not external_recipient.strip() and any(o.pk == client.organisation_id for o in organisations):
        errors["organisations"] = [
            _("%(org)s registered this client and holds the file already: choose only other organisations.")
            % {"org": client.organisation.name}
        ]
    if not categories or not set(categories) <= set(DataCategory.values):
        errors["categories"] = [_("Choose at least one data category.")]
    if not purposes or not set(purposes) <= set(Purpose.values):
        errors["purposes"] = [_("Choose at least one purpose.")]
    if method == Method.VERBAL_WITNESSED and not witness.strip():
        errors["witness"] = [_("Verbal consent needs the name of a witness.")]
    errors.update(
        date_errors({Event.CONSENT_GIVEN: Dated("given_on", given_on), Event.BIRTH: Dated(None, client.birth_date)})
    )
    if decision not in Decision.values:
        errors["decision"] = [_("Choose whether the client gave or refused consent.")]
    if valid_until is not None and valid_until < given_on:
        errors["valid_until"] = [_("The end date cannot be before the date it was given.")]
    if valid_until is not None and decision == Decision.REFUSED:
        errors["valid_until"] = [_("A refusal has no end date.")]
    if signed_form is not None:
        try:
            signed_form_kind(signed_form)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        client=client,
        categories=sorted(set(categories)),
        purposes=sorted(set(purposes)),
        method=method,
        witness=witness.strip(),
        external_recipient=external_recipient.strip(),
        decision=decision,
        given_on=given_on,
        valid_until=valid_until,
        recorded_by=actor,
        recorded_by_organisation=actor_organisation,
    )
    consent.full_clean()
    if signed_form is not None:
        _store_form(consent, signed_form)
    try:
        consent.save()
    except Exception:
        if consent.signed_form:
            consent.signed_form.delete(save=False)
        raise
    try:
        first = remember_submission(key, "consent.record", consent.pk, fingerprint)
    except SubmissionKeyReused:
        if consent.signed_form:
            consent.signed_form.delete(save=False)
        raise
    if first is not None:  # a concurrent submission of the same form won: roll this one back, its file too
        if consent.signed_form:
            consent.signed_form.delete(save=False)
        raise _SameSubmission(first)
    consent.organisations.set(organisations)
    changes = {
        "client": client.pk,
        "organisations": sorted(o.pk for o in organisations),
        "categories": consent.categories,
        "purposes": consent.purposes,
        "method": method,
        "external_recipient": bool(consent.external_recipient),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "signed_form": bool(consent.signed_form),
    }
    if decision == Decision.GIVEN:
        audit_log(actor=actor, action="consent.consent.given", obj=consent, changes=changes)
    else:
        audit_log(actor=actor, action="consent.consent.refused", obj=consent, changes=changes)
    return consent


@transaction.atomic
def consent_attach_form(*, consent: Consent, upload: UploadedFile, actor: Any) -> Consent:
    """Attach (or replace) the signed form of a consent: a PDF, JPEG or PNG scan, checked by content and size
    (``signed_form_kind``). The replaced file is removed once the transaction commits."""
    old_name = consent.signed_form.name if consent.signed_form else ""
    _store_form(consent, upload)
    consent.save(update_fields=["signed_form", "updated_at"])
    audit_log(
        actor=actor,
        action="consent.form.attached",
        obj=consent,
        changes={"client": consent.client_id, "replaced": bool(old_name)},
    )
    if old_name:
        storage = consent.signed_form.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor: Any, on: dt.date | None = None) -> Consent:
    """Withdraw a consent from ``on`` (default today): from the next request on it shares nothing.

    Raises ValidationError when it was already withdrawn or was a refusal."""
    if consent.decision == Decision.REFUSED:
        raise ValidationError(_("A refusal cannot be withdrawn."))
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
