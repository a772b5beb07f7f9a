"""Writes of the call for partners: candidacies, the jury's work, decisions, rebuttals and conversion.

Every service runs in one transaction and writes its audit entry. Services that depend on the
clock take ``now`` (default: django.utils.timezone.now()), so tests fix the time by passing it.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from stdnum.be import vat

from apps.accounts.models import Membership, Organisation, Role, User
from apps.accounts.services import organisation_search_key
from apps.audit.services import audit_log
from apps.core.outputs import header_text
from apps.core.search import compose_key
from apps.core.states import transition
from apps.offers.models import DeliveryMode, Period
from apps.offers.services import offer_create
from apps.partnership.models import (
    Attachment,
    Candidacy,
    CandidacyOffer,
    ConflictDeclaration,
    Criterion,
    PitchSlot,
    Rebuttal,
    Round,
    Score,
    ScoreChange,
)
from apps.regions.models import CallTimeline, InterventionType, Obstacle, Region

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
LEGAL_FORMS = {"vzw", "asbl", "bv", "bvba", "nv", "sa", "cv", "cvba", "vof", "ivzw", "ov", "esv", "cvso"}

DRAFT_FIELDS = (
    "organisation_name", "enterprise_number", "address", "municipality", "website", "contact_name",
    "contact_email", "contact_phone", "languages", "outreach", "outreach_text", "low_threshold",
    "low_threshold_text", "holistic", "holistic_text", "expertise", "references", "budget_requested",
)  # fmt: skip
DRAFT_M2M = ("challenges", "municipalities")


# --- helpers ----------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


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


def deadline_passed(call: CallTimeline, now: dt.datetime) -> bool:
    """The call closes exactly at the deadline: open while now < deadline."""
    return now >= call.candidacy_deadline


def day_closes_at(last_day: dt.date) -> dt.datetime:
    """The moment an inclusive last day ("tot en met <last_day>") closes: the start of the next day, Brussels time.

    Every date-only deadline of the call timeline (region file, `call.*_by`) is inclusive: the page shows
    `last_day` itself and the service refuses from the returned moment on, so shown and enforced day are the same.
    """
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=BRUSSELS)


def rebuttal_last_day(call: CallTimeline) -> dt.date:
    """The last day (inclusive) a rebuttal can be submitted: the region file's `rebuttal_by`."""
    return call.rebuttal_by


def rebuttal_closes_at(call: CallTimeline) -> dt.datetime:
    """The end of the rebuttal date (Europe/Brussels): the start of the day after `rebuttal_last_day`."""
    return day_closes_at(rebuttal_last_day(call))


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(BRUSSELS)


def _check_open(candidacy: Candidacy, now: dt.datetime) -> None:
    if candidacy.is_submitted:
        raise ValidationError(_("This candidacy is submitted and can no longer be changed."))
    if deadline_passed(candidacy.region.call, now):
        raise ValidationError(_("The deadline for candidacies has passed."))


def _send(*, subject: str, body: str, to: list[str], attachments: list[tuple[str, bytes, str]] | None = None) -> None:
    """Send an e-mail once the current transaction commits (never for a write that rolls back)."""
    message = EmailMessage(
        subject=header_text(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )  # the subject may carry typed text: one line, never a header break (apps/core/outputs.py)
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    transaction.on_commit(message.send)


def _recipients(candidacy: Candidacy) -> list[str]:
    return list(dict.fromkeys(e for e in [candidacy.applicant_email, candidacy.contact_email] if e))


def candidacy_link(candidacy: Candidacy, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("partnership:candidacy", kwargs={"token": candidacy.token})


# --- the applicant ----------------------------------------------------------------------


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
    now = _now(now)
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
    _send(
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
    **data: Any,
) -> Candidacy:
    """Save the applicant's draft. ``offers`` maps intervention type ids to yearly capacity."""
    now = _now(now)
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
    _check_open(candidacy, _now(now))
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
    _check_open(candidacy, _now(now))
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
    now = _now(now)
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
    candidacy.save(update_fields=["reference", "status", "submitted_at", "search_key", "updated_at"])
    audit_log(
        actor=None,
        action="partnership.candidacy.submitted",
        obj=candidacy,
        changes={"reference": candidacy.reference, "submitted_at": now.isoformat()},
    )
    _send(
        subject=_("Receipt of your candidacy %(reference)s") % {"reference": candidacy.reference},
        body=render_to_string("partnership/email_receipt.txt", {"candidacy": candidacy, "submitted_local": local(now)}),
        to=_recipients(candidacy),
    )
    return candidacy


# --- the jury ---------------------------------------------------------------------------


@transaction.atomic
def jury_member_add(
    *, region: Region, organisation: Organisation, email: str, first_name: str, last_name: str, actor: Any
) -> Membership:
    if organisation.region_id != region.pk:
        raise ValidationError({"organisation": [_("Choose an organisation of the region.")]})
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=Role.JURY_MEMBER, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    audit_log(
        actor=actor, action="partnership.jury_member.added", obj=membership, changes={"user": user.pk, "email": email}
    )
    return membership


@transaction.atomic
def jury_member_remove(*, membership: Membership, actor: Any) -> Membership:
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_log(actor=actor, action="partnership.jury_member.removed", obj=membership, changes={})
    return membership


@transaction.atomic
def criterion_save(
    *, region: Region, actor: Any, name: str, weight: int, description: str = "", criterion: Criterion | None = None
) -> Criterion:
    before = None
    if criterion is None:
        position = (Criterion.objects.filter(region=region).aggregate(m=Max("position"))["m"] or 0) + 1
        criterion = Criterion(region=region, position=position)
    else:
        if criterion.region_id != region.pk:
            raise ValidationError(_("This criterion belongs to another region."))
        before = {"name": criterion.name, "weight": criterion.weight}
    criterion.name, criterion.weight, criterion.description = name, weight, description
    criterion.full_clean()
    criterion.save()
    audit_log(
        actor=actor,
        action="partnership.criterion.saved",
        obj=criterion,
        changes={"before": before, "after": {"name": name, "weight": weight}},
    )
    return criterion


@transaction.atomic
def conflict_declare(*, candidacy: Candidacy, member: Any, has_conflict: bool, explanation: str = "") -> Any:
    if has_conflict and not explanation.strip():
        raise ValidationError({"explanation": [_("Explain the conflict of interest.")]})
    existing = ConflictDeclaration.objects.filter(candidacy=candidacy, member=member).first()
    if existing is not None and existing.has_conflict and not has_conflict:
        raise ValidationError(_("A declared conflict of interest cannot be withdrawn; ask the coordinator."))
    declaration, _created = ConflictDeclaration.objects.update_or_create(
        candidacy=candidacy, member=member, defaults={"has_conflict": has_conflict, "explanation": explanation}
    )
    audit_log(
        actor=member,
        action="partnership.conflict.declared",
        obj=candidacy,
        changes={"has_conflict": has_conflict, "member": member.pk},
    )
    return declaration


@transaction.atomic
def scores_save(
    *,
    candidacy: Candidacy,
    member: Any,
    round: int,
    values: dict[int, tuple[int, str]],
    now: dt.datetime | None = None,
) -> list[Score]:
    """A jury member's scores for one round: criterion id -> (1-5, motivation). Every change is kept."""
    now = _now(now)
    if not candidacy.is_submitted:
        raise ValidationError(_("Only submitted candidacies are scored."))
    declaration = ConflictDeclaration.objects.filter(candidacy=candidacy, member=member).first()
    if declaration is None:
        raise ValidationError(_("Declare first whether you have a conflict of interest."))
    if declaration.has_conflict:
        raise ValidationError(_("You declared a conflict of interest for this candidacy and cannot score it."))
    if round == Round.PITCH and not candidacy.shortlisted:
        raise ValidationError(_("Only shortlisted candidacies are scored in round 2."))
    if round not in Round.values:
        raise ValidationError(_("Unknown round."))
    criteria = {c.pk: c for c in Criterion.objects.filter(region_id=candidacy.region_id)}
    errors: dict[str, list[str]] = {}
    for pk, (value, motivation) in values.items():
        if pk not in criteria:
            errors["__all__"] = [_("Unknown criterion.")]
        elif not 1 <= int(value) <= 5:
            errors[f"score_{pk}"] = [_("A score is from 1 to 5.")]
        elif not motivation.strip():
            errors[f"motivation_{pk}"] = [_("Motivate the score.")]
    if errors:
        raise ValidationError(errors)
    saved = []
    changes = {}
    for pk, (value, motivation) in values.items():
        score = Score.objects.filter(candidacy=candidacy, member=member, criterion_id=pk, round=round).first()
        if score is not None and score.value == value and score.motivation == motivation:
            saved.append(score)
            continue
        old = score.value if score is not None else None
        if score is None:
            score = Score(candidacy=candidacy, member=member, criterion=criteria[pk], round=round)
        score.value, score.motivation = value, motivation
        score.save()
        ScoreChange.objects.create(score=score, value=value, motivation=motivation, changed_by=member, changed_at=now)
        changes[str(pk)] = [old, value]
        saved.append(score)
    if changes:
        audit_log(
            actor=member,
            action="partnership.scores.saved",
            obj=candidacy,
            changes={"round": round, "member": member.pk, "criteria": changes},
        )
    return saved


@transaction.atomic
def consensus_record(*, candidacy: Candidacy, actor: Any, score: Decimal, motivation: str) -> Candidacy:
    if not Decimal(1) <= score <= Decimal(5):
        raise ValidationError({"score": [_("A score is from 1 to 5.")]})
    if not motivation.strip():
        raise ValidationError({"motivation": [_("Motivate the score.")]})
    old = candidacy.consensus_score
    candidacy.consensus_score, candidacy.consensus_motivation = score, motivation
    candidacy.save(update_fields=["consensus_score", "consensus_motivation", "updated_at"])
    audit_log(
        actor=actor,
        action="partnership.consensus.recorded",
        obj=candidacy,
        changes={"before": str(old) if old is not None else None, "after": str(score), "motivation": motivation},
    )
    return candidacy


@transaction.atomic
def shortlist_set(*, candidacy: Candidacy, actor: Any, shortlisted: bool) -> Candidacy:
    candidacy.shortlisted = shortlisted
    candidacy.save(update_fields=["shortlisted", "updated_at"])
    audit_log(actor=actor, action="partnership.shortlist.set", obj=candidacy, changes={"shortlisted": shortlisted})
    return candidacy


def pitch_week_of(call: CallTimeline, day: dt.date) -> dt.date | None:
    """The pitch week (its Monday) that holds ``day`` (Monday to Friday), or None."""
    for monday in call.pitch_week_dates:
        if monday <= day <= monday + dt.timedelta(days=4):
            return monday
    return None


def pitch_ics(slot: PitchSlot, call: CallTimeline) -> bytes:
    """The invitation as an iCalendar (.ics) file."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Padwijzer//partnership//NL")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"pitch-{slot.candidacy.token[:16]}@padwijzer")
    event.add("sequence", slot.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", local(slot.starts_at))
    event.add("dtend", local(slot.starts_at + dt.timedelta(minutes=slot.duration_minutes)))
    event.add("summary", _("Pitch %(reference)s") % {"reference": slot.candidacy.reference})
    event.add("location", slot.location)
    organizer = icalendar.vCalAddress(f"mailto:{call.contact_email}")
    organizer.params["cn"] = icalendar.vText(call.contact_name)
    event["organizer"] = organizer
    for email in _recipients(slot.candidacy):
        event.add("attendee", f"mailto:{email}")
    cal.add_component(event)
    return cal.to_ical()


@transaction.atomic
def pitch_schedule(
    *,
    candidacy: Candidacy,
    actor: Any,
    starts_at: dt.datetime,
    location: str,
    duration_minutes: int = 30,
    now: dt.datetime | None = None,
) -> PitchSlot:
    """Schedule (or move) the pitch within one of the pitch weeks and e-mail the invitation with an .ics."""
    now = _now(now)
    call = candidacy.region.call
    if not candidacy.shortlisted:
        raise ValidationError(_("Only shortlisted candidacies are invited to pitch."))
    if timezone.is_naive(starts_at):
        starts_at = starts_at.replace(tzinfo=BRUSSELS)
    if pitch_week_of(call, local(starts_at).date()) is None:
        weeks = ", ".join(f"{d:%d/%m/%Y}" for d in call.pitch_week_dates)
        raise ValidationError(
            {"starts_at": [_("Choose a weekday in one of the pitch weeks (%(weeks)s).") % {"weeks": weeks}]}
        )
    slot = PitchSlot.objects.filter(candidacy=candidacy).first()
    if slot is None:
        slot = PitchSlot(candidacy=candidacy)
    else:
        slot.sequence += 1
    slot.starts_at, slot.location, slot.duration_minutes, slot.invited_at = starts_at, location, duration_minutes, now
    slot.full_clean(exclude=["candidacy"])
    slot.save()
    audit_log(
        actor=actor,
        action="partnership.pitch.scheduled",
        obj=candidacy,
        changes={"starts_at": starts_at.isoformat(), "location": location, "sequence": slot.sequence},
    )
    _send(
        subject=_("Invitation to pitch your candidacy %(reference)s") % {"reference": candidacy.reference},
        body=render_to_string(
            "partnership/email_pitch.txt", {"candidacy": candidacy, "slot": slot, "starts_local": local(starts_at)}
        ),
        to=_recipients(candidacy),
        attachments=[("pitch.ics", pitch_ics(slot, call), "text/calendar")],
    )
    return slot


@transaction.atomic
def decision_record(
    *, candidacy: Candidacy, actor: Any, decision: str, motivation: str, now: dt.datetime | None = None
) -> Candidacy:
    """Record the decision and send the decision letter (PDF) by e-mail; this opens the rebuttal window."""
    from apps.partnership.letters import decision_letter_pdf

    now = _now(now)
    if decision not in (Candidacy.Decision.SELECTED, Candidacy.Decision.NOT_SELECTED):
        raise ValidationError({"decision": [_("Choose selected or not selected.")]})
    if not motivation.strip():
        raise ValidationError({"motivation": [_("Motivate the decision.")]})
    before = candidacy.decision
    candidacy.decision, candidacy.decision_motivation = decision, motivation
    candidacy.decided_at = candidacy.decision_sent_at = now
    candidacy.save(update_fields=["decision", "decision_motivation", "decided_at", "decision_sent_at", "updated_at"])
    audit_log(
        actor=actor,
        action="partnership.decision.recorded",
        obj=candidacy,
        changes={"before": before, "after": decision},
    )
    with translation.override(settings.LANGUAGE_CODE):
        pdf = decision_letter_pdf(candidacy)
        _send(
            subject=_("Decision on your candidacy %(reference)s") % {"reference": candidacy.reference},
            body=render_to_string(
                "partnership/email_decision.txt",
                {"candidacy": candidacy, "rebuttal_by": candidacy.region.call.rebuttal_by},
            ),
            to=_recipients(candidacy),
            attachments=[(f"beslissing-{candidacy.reference}.pdf", pdf, "application/pdf")],
        )
    return candidacy


def rebuttal_open(candidacy: Candidacy, now: dt.datetime) -> bool:
    return (
        candidacy.decision_sent_at is not None
        and not hasattr(candidacy, "rebuttal")
        and now < rebuttal_closes_at(candidacy.region.call)
    )


@transaction.atomic
def rebuttal_submit(*, candidacy: Candidacy, text: str, now: dt.datetime | None = None) -> Rebuttal:
    now = _now(now)
    if candidacy.decision_sent_at is None:
        raise ValidationError(_("There is no decision to respond to yet."))
    if Rebuttal.objects.filter(candidacy=candidacy).exists():
        raise ValidationError(_("A rebuttal was already submitted."))
    if now >= rebuttal_closes_at(candidacy.region.call):
        raise ValidationError(_("The rebuttal period has ended."))
    if not text.strip():
        raise ValidationError({"text": [_("Write your rebuttal.")]})
    rebuttal = Rebuttal.objects.create(candidacy=candidacy, text=text, submitted_at=now)
    audit_log(actor=None, action="partnership.rebuttal.submitted", obj=candidacy, changes={"rebuttal": rebuttal.pk})
    return rebuttal


@transaction.atomic
def rebuttal_handle(
    *, rebuttal: Rebuttal, actor: Any, handling: str, outcome: str, now: dt.datetime | None = None
) -> Rebuttal:
    if outcome not in (Rebuttal.Outcome.UPHELD, Rebuttal.Outcome.REJECTED):
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    if not handling.strip():
        raise ValidationError({"handling": [_("Describe how the rebuttal was handled.")]})
    rebuttal.handling, rebuttal.outcome = handling, outcome
    rebuttal.handled_by, rebuttal.handled_at = actor, _now(now)
    rebuttal.save()
    audit_log(actor=actor, action="partnership.rebuttal.handled", obj=rebuttal.candidacy, changes={"outcome": outcome})
    return rebuttal


# --- conversion to partner organisations -------------------------------------------------


def _unique_code(region: Region, name: str) -> str:
    base = slugify(name)[:50] or "partner"
    code, n = base, 1
    while Organisation.objects.filter(region=region, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def selected_candidacies_convert(*, region: Region, actor: Any) -> list[Candidacy]:
    """Selected candidacies become partner organisations with one offer per intervention type offered.

    Idempotent: an existing organisation or offer made from the candidacy is kept, never duplicated.
    """
    converted = []
    selected = (
        Candidacy.objects.select_for_update()
        .filter(region=region, decision=Candidacy.Decision.SELECTED, status=Candidacy.Status.SUBMITTED)
        .order_by("pk")
    )
    for candidacy in selected:
        created_offers = []
        organisation = candidacy.partner_organisation
        new_organisation = organisation is None
        if organisation is None:
            organisation = Organisation(
                region=region,
                code=_unique_code(region, candidacy.organisation_name),
                name=candidacy.organisation_name,
                kind=Organisation.Kind.PARTNER,
                municipality=candidacy.municipality,
            )
            organisation.search_key = organisation_search_key(organisation)
            organisation.save()
            candidacy.partner_organisation = organisation
            candidacy.save(update_fields=["partner_organisation", "updated_at"])
        challenge_obstacles = list(
            Obstacle.objects.filter(challenge_lines__challenge__in=candidacy.challenges.all()).distinct()
        )
        municipalities = list(candidacy.municipalities.all())
        for line in candidacy.offers.select_related("intervention_type").filter(offer__isnull=True):
            itype = line.intervention_type
            obstacles = [o for o in challenge_obstacles if itype.pk in {t.pk for t in o.intervention_types.all()}]
            outreach = candidacy.outreach
            offer = offer_create(
                organisation=organisation,
                actor=actor,
                title=f"{itype.label_nl} – {candidacy.organisation_name}"[:200],
                description=candidacy.outreach_text if outreach and candidacy.outreach_text else candidacy.expertise,
                delivery_mode=DeliveryMode.OUTREACH if outreach else DeliveryMode.AT_ADDRESS,
                address="" if outreach else candidacy.address,
                location_municipality=None if outreach else (candidacy.municipality or municipalities[0]),
                languages=list(candidacy.languages),
                capacity=line.yearly_capacity,
                capacity_period=Period.YEAR,
                intervention_types=[itype],
                obstacles=obstacles or challenge_obstacles,
                municipalities=municipalities,
            )
            line.offer = offer
            line.save(update_fields=["offer"])
            created_offers.append(offer.pk)
        if new_organisation or created_offers:
            audit_log(
                actor=actor,
                action="partnership.candidacy.converted",
                obj=candidacy,
                changes={"organisation": organisation.pk, "offers": created_offers},
            )
        converted.append(candidacy)
    return converted
