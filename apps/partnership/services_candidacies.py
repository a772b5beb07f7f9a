"""Writes of the applicant: register, save the draft, attachments, submit (call for partners).

Every service runs in one transaction and writes its audit entry. Services that depend on the
clock take ``now`` (default: django.utils.timezone.now()), so tests fix the time by passing it.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from stdnum.be import vat

from apps.audit.services import audit_log
from apps.core.concurrency import versioned_update
from apps.core.search import compose_key
from apps.core.states import transition
from apps.partnership.mail import candidacy_link, recipients, send_after_commit
from apps.partnership.models import Attachment, Candidacy, CandidacyOffer
from apps.partnership.timeline import deadline_passed, local, now_or_clock
from apps.regions.models import InterventionType, Region

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


MAX_ATTACHMENTS = 10


LEGAL_FORMS = {"vzw", "asbl", "bv", "bvba", "nv", "sa", "cv", "cvba", "vof", "ivzw", "ov", "esv", "cvso"}


DRAFT_FIELDS = (
    "organisation_name", "enterprise_number", "address", "municipality", "website", "contact_name",
    "contact_email", "contact_phone", "languages", "outreach", "outreach_text", "low_threshold",
    "low_threshold_text", "holistic", "holistic_text", "expertise", "references", "budget_requested",
)  # fmt: skip


DRAFT_M2M = ("challenges", "municipalities")


def normalise_name(name: str) -> str:
    """The organisation name as a key: no accents, case, punctuation or legal form (vzw, bv, ...)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace(".", "")
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in LEGAL_FORMS]
    return "".join(words)


def candidacy_search_key(candidacy: Candidacy) -> str:
    """The candidacy's stored search key (apps/core/search.py): the organisation's name (words and as one
    token), the applicant and contact person, the reference and the KBO number. Set by every service that
    writes one of them (start, draft save, submission)."""
    return compose_key(
        texts=(candidacy.organisation_name,),
        names=(candidacy.applicant_name, candidacy.contact_name, candidacy.reference, candidacy.enterprise_number),
    )


def normalise_enterprise_number(value: str) -> str:
    """The KBO enterprise number as 10 digits, checked with its mod-97 check digits."""
    text = (value or "").strip().upper()
    compact = re.sub(r"[ .\-/]", "", text.removeprefix("BE"))
    if len(compact) == 9:
        compact = "0" + compact
    if len(compact) != 10 or not compact.isdigit() or not vat.is_valid(compact):
        raise ValidationError(
            {"enterprise_number": [_("This is not a valid enterprise number (10 digits, such as 0123.456.749).")]}
        )
    return compact


def candidacy_version_move(candidacy: Candidacy, expected_version: int | None) -> None:
    """Move the candidacy's version on (optimistic lock, ``apps.core.concurrency``); call first in a service's
    transaction, before any other write.

    ``expected_version``: the version the form showed (the applicant's draft, the coordinator's consensus,
    shortlist and decision forms); a stale one raises ``EditConflict`` and nothing is written. ``None`` (a
    write without a form): the version still moves on, so a form open elsewhere becomes stale. Sets
    ``candidacy.version`` to the stored version.
    """
    if expected_version is not None:
        candidacy.version = versioned_update(Candidacy, pk=candidacy.pk, expected_version=expected_version)
    else:
        Candidacy.objects.filter(pk=candidacy.pk).update(version=F("version") + 1)
        candidacy.version = Candidacy.objects.values_list("version", flat=True).get(pk=candidacy.pk)


def _check_open(candidacy: Candidacy, now: dt.datetime) -> None:
    if candidacy.is_submitted:
        raise ValidationError(_("This candidacy is submitted and can no longer be changed."))
    if deadline_passed(candidacy.region.call, now):
        raise ValidationError(_("The deadline for candidacies has passed."))


@transaction.atomic
def candidacy_start(
    *,
    region: Region,
    applicant_name: str,
    applicant_email: str,
    organisation_name: str,
    enterprise_number: str,
    site_url: str,
    now: dt.datetime | None = None,
) -> Candidacy:
    """Register an applicant: a draft candidacy and an e-mail with its private edit link."""
    now = now_or_clock(now)
    if deadline_passed(region.call, now):
        raise ValidationError(_("The deadline for candidacies has passed."))
    number = normalise_enterprise_number(enterprise_number)
    key = normalise_name(organisation_name)
    if not key:
        raise ValidationError({"organisation_name": [_("Enter the name of the organisation.")]})
    existing = Candidacy.objects.filter(region=region)
    errors: dict[str, list[str]] = {}
    if existing.filter(enterprise_number=number).exists():
        errors["enterprise_number"] = [_("This organisation already has a candidacy for this call.")]
    if existing.filter(name_key=key).exists():
        errors["organisation_name"] = [_("This organisation already has a candidacy for this call.")]
    if errors:
        raise ValidationError(errors)
    candidacy = Candidacy(
        region=region,
        token=secrets.token_urlsafe(32),
        applicant_name=applicant_name,
        applicant_email=applicant_email,
        organisation_name=organisation_name.strip(),
        name_key=key,
        enterprise_number=number,
        contact_name=applicant_name,
        contact_email=applicant_email,
    )
    candidacy.full_clean(exclude=["token", "name_key"])
    candidacy.search_key = candidacy_search_key(candidacy)
    try:
        with transaction.atomic():
            candidacy.save()
    except IntegrityError as exc:  # a concurrent registration of the same organisation
        raise ValidationError(_("This organisation already has a candidacy for this call.")) from exc
    audit_log(actor=None, action="partnership.candidacy.started", obj=candidacy, changes={"region": region.code})
    link = candidacy_link(candidacy, site_url)
    send_after_commit(
        subject=_("Your candidacy for the call of %(region)s") % {"region": region.name},
        body=render_to_string("partnership/email_link.txt", {"candidacy": candidacy, "link": link}),
        to=[applicant_email],
    )
    return candidacy


@transaction.atomic
def candidacy_save_draft(
    *,
    candidacy: Candidacy,
    offers: dict[int, int] | None = None,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
    **data: Any,
) -> Candidacy:
    """Save the applicant's draft. ``offers`` maps intervention type ids to yearly capacity.

    ``expected_version``: the version the draft form showed (several people of one organisation may share the
    private link); a stale one raises ``EditConflict`` and nothing is written (``apps.core.concurrency``).
    ``None`` (no form version): the save still moves the version on, so an open form becomes stale.
    """
    now = now_or_clock(now)
    _check_open(candidacy, now)
    candidacy_version_move(candidacy, expected_version)
    # read again under the row lock the UPDATE holds: a submission meanwhile closes the draft
    candidacy.version, candidacy.status = Candidacy.objects.values_list("version", "status").get(pk=candidacy.pk)
    _check_open(candidacy, now)
    m2m = {k: list(data.pop(k)) for k in DRAFT_M2M if k in data}
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown candidacy fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    if "enterprise_number" in data:
        try:
            data["enterprise_number"] = normalise_enterprise_number(data["enterprise_number"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    others = Candidacy.objects.filter(region=candidacy.region).exclude(pk=candidacy.pk)
    if "organisation_name" in data:
        data["organisation_name"] = data["organisation_name"].strip()
        candidacy.name_key = normalise_name(data["organisation_name"])
        if not candidacy.name_key:
            errors["organisation_name"] = [_("Enter the name of the organisation.")]
        elif others.filter(name_key=candidacy.name_key).exists():
            errors["organisation_name"] = [_("This organisation already has a candidacy for this call.")]
    if "enterprise_number" not in errors and others.filter(enterprise_number=data.get("enterprise_number")).exists():
        errors["enterprise_number"] = [_("This organisation already has a candidacy for this call.")]
    region_id = candidacy.region_id
    for name, items in m2m.items():
        if any(item.region_id != region_id for item in items):
            errors[name] = [_("Choose only items of the call's region.")]
    types = {}
    if offers:
        types = {t.pk: t for t in InterventionType.objects.filter(region_id=region_id, pk__in=list(offers))}
        if len(types) != len(offers):
            errors["offers"] = [_("Choose only items of the call's region.")]
    if errors:
        raise ValidationError(errors)
    for key, value in data.items():
        setattr(candidacy, key, value)
    candidacy.full_clean(exclude=["token", "name_key", "reference"])
    candidacy.search_key = candidacy_search_key(candidacy)
    candidacy.save()
    for name, items in m2m.items():
        getattr(candidacy, name).set(items)
    if offers is not None:
        candidacy.offers.exclude(intervention_type_id__in=list(offers)).delete()
        for type_id, capacity in offers.items():
            CandidacyOffer.objects.update_or_create(
                candidacy=candidacy, intervention_type=types[type_id], defaults={"yearly_capacity": capacity}
            )
    audit_log(
        actor=None,
        action="partnership.candidacy.draft_saved",
        obj=candidacy,
        changes={"fields": sorted(data) + sorted(m2m) + (["offers"] if offers is not None else [])},
    )
    return candidacy


def check_pdf(upload: Any) -> None:
    """A PDF by extension and by magic bytes, at most 10 MB."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".pdf"):
        raise ValidationError({"file": [_("Only PDF files are accepted.")]})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 10 MB.")]})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError({"file": [_("This file is not a PDF document.")]})


@transaction.atomic
def attachment_add(*, candidacy: Candidacy, upload: Any, now: dt.datetime | None = None) -> Attachment:
    _check_open(candidacy, now_or_clock(now))
    check_pdf(upload)
    if candidacy.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": [_("A candidacy has at most 10 attachments.")]})
    original = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    upload.name = f"{secrets.token_hex(16)}.pdf"  # no applicant-chosen names on disk
    attachment = Attachment.objects.create(candidacy=candidacy, file=upload, original_name=original, size=upload.size)
    audit_log(actor=None, action="partnership.attachment.added", obj=candidacy, changes={"attachment": attachment.pk})
    return attachment


@transaction.atomic
def attachment_remove(*, candidacy: Candidacy, attachment: Attachment, now: dt.datetime | None = None) -> None:
    _check_open(candidacy, now_or_clock(now))
    if attachment.candidacy_id != candidacy.pk:
        raise ValidationError(_("This attachment belongs to another candidacy."))
    pk = attachment.pk
    attachment.file.delete(save=False)
    attachment.delete()
    audit_log(actor=None, action="partnership.attachment.removed", obj=candidacy, changes={"attachment": pk})


def missing_for_submission(candidacy: Candidacy) -> dict[str, list[str]]:
    """What a candidacy still lacks before it can be submitted (field: messages)."""
    errors: dict[str, list[str]] = {}
    required = {
        "organisation_name": candidacy.organisation_name,
        "address": candidacy.address,
        "municipality": candidacy.municipality_id,
        "contact_name": candidacy.contact_name,
        "contact_email": candidacy.contact_email,
        "expertise": candidacy.expertise,
    }
    for name, value in required.items():
        if not value:
            errors[name] = [_("This field is needed to submit.")]
    if not candidacy.challenges.exists():
        errors["challenges"] = [_("Choose at least one challenge.")]
    if not candidacy.municipalities.exists():
        errors["municipalities"] = [_("Choose the municipalities you will serve.")]
    if not candidacy.offers.exists():
        errors["offers"] = [_("Offer at least one intervention type with its yearly capacity.")]
    if not candidacy.budget_requested or candidacy.budget_requested <= 0:
        errors["budget_requested"] = [_("Enter the budget you request.")]
    return errors


@transaction.atomic
def candidacy_submit(*, candidacy: Candidacy, now: dt.datetime | None = None) -> Candidacy:
    """Submit the candidacy (before the deadline), give it a reference number and e-mail a receipt."""
    now = now_or_clock(now)
    candidacy = Candidacy.objects.select_for_update(of=("self",)).select_related("region__call").get(pk=candidacy.pk)
    _check_open(candidacy, now)
    errors = missing_for_submission(candidacy)
    if errors:
        raise ValidationError(errors)
    region = candidacy.region
    Region.objects.select_for_update().filter(pk=region.pk).first()  # reference numbers are given one at a time
    year = local(region.call.candidacy_deadline).year
    prefix = f"{region.code.upper()}-{year}-"
    last = (
        Candidacy.objects.filter(region=region, reference__startswith=prefix).aggregate(m=Max("reference"))["m"] or ""
    )
    number = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    candidacy.reference = f"{prefix}{number:04d}"
    transition(candidacy, Candidacy.Status.SUBMITTED)
    candidacy.submitted_at = now
    candidacy.search_key = candidacy_search_key(candidacy)
    candidacy.version += 1  # a draft form still open elsewhere becomes stale
    candidacy.save(update_fields=["reference", "status", "submitted_at", "search_key", "version", "updated_at"])
    audit_log(
        actor=None,
        action="partnership.candidacy.submitted",
        obj=candidacy,
        changes={"reference": candidacy.reference, "submitted_at": now.isoformat()},
    )
    send_after_commit(
        subject=_("Receipt of your candidacy %(reference)s") % {"reference": candidacy.reference},
        body=render_to_string("partnership/email_receipt.txt", {"candidacy": candidacy, "submitted_local": local(now)}),
        to=recipients(candidacy),
    )
    return candidacy
