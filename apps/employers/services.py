"""Employer engagement writes: one typed service per write, in one transaction with its audit entry.

Placement transitions follow ``PLACEMENT_TRANSITIONS`` (models.py); each has one service here.
Employer links: the raw token is returned once, only its SHA-256 digest is stored; every opening,
use and refusal of a link is written to the audit trail (actor: none, the employer has no account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.be import vat

from apps.audit.services import audit_log
from apps.consent.models import Consent, DataCategory, Purpose
from apps.consent.services import consent_record
from apps.core.chronology import Dated, Event, check_dates
from apps.employers import isco
from apps.employers.models import (
    KIND_RUNG,
    PLACEMENT_TRANSITIONS,
    CoachingContact,
    Employer,
    EmployerContact,
    EmployerLink,
    EngagementActivity,
    Opportunity,
    Placement,
    PlacementStatus,
    Shift,
    Support,
    WorkWish,
)
from apps.notifications.services import notify
from apps.pathways.models import Pathway

LINK_DAYS: dict[str, int] = {EmployerLink.Purpose.ANSWER: 14, EmployerLink.Purpose.CONFIRM_START: 30}
COACHING_WEEKS = (1, 4, 12)  # the default job-coaching follow-up contacts, in weeks after the start
DUTCH_LEVELS = ["A0", "A1", "A2", "B1", "B2", "C1", "C2"]


class LinkRefused(Exception):
    """An employer link that is unknown, expired or already used. ``reason`` is one of those three words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_enterprise_number(value: str) -> str:
    """The KBO/BCE enterprise number as 10 digits, checked with python-stdnum ``stdnum.be.vat``
    (mod-97 check digits; numbers start with 0 or 1). Accepts dots, spaces and a "BE" prefix.

    Raises ValidationError on the field ``enterprise_number``.
    """
    text = (value or "").strip().upper()
    compact = re.sub(r"[ .\-/]", "", text.removeprefix("BE"))
    if len(compact) == 9:
        compact = "0" + compact
    if len(compact) != 10 or not compact.isdigit() or not vat.is_valid(compact):
        raise ValidationError(
            {"enterprise_number": [_("This is not a valid enterprise number (10 digits, such as 0123.456.749).")]}
        )
    return compact


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- employers ---------------------------------------------------------------------------


@transaction.atomic
def employer_register(
    *,
    actor: Any,
    region: Any,
    holder: Any,
    name: str,
    enterprise_number: str,
    sector: str,
    municipality: Any,
    size: str,
    nace_code: str = "",
) -> Employer:
    """Register an employer; the enterprise number must be valid and new in the region."""
    number = normalise_enterprise_number(enterprise_number)
    if Employer.objects.filter(region=region, enterprise_number=number).exists():
        raise ValidationError({"enterprise_number": [_("This employer is already registered.")]})
    if holder.region_id != region.pk or municipality.region_id != region.pk:
        raise ValidationError(_("The organisation and the municipality must belong to the partnership."))
    if nace_code and not re.fullmatch(r"\d{2}(\.\d{1,3})?", nace_code.strip()):
        raise ValidationError({"nace_code": [_("A NACE code looks like 56.101.")]})
    employer = Employer(
        region=region,
        holder=holder,
        name=name.strip(),
        enterprise_number=number,
        sector=sector,
        nace_code=nace_code.strip(),
        municipality=municipality,
        size=size,
        created_by=actor,
    )
    employer.full_clean()
    employer.save()
    audit_log(actor=actor, action="employers.employer.registered", obj=employer, changes={"sector": sector})
    return employer


@transaction.atomic
def employer_contact_add(*, actor: Any, employer: Employer, **data: Any) -> EmployerContact:
    contact = EmployerContact(employer=employer, **data)
    contact.full_clean()
    contact.save()
    audit_log(actor=actor, action="employers.contact.added", obj=contact, changes={"employer": employer.pk})
    return contact


@transaction.atomic
def activity_log(*, actor: Any, organisation: Any, employer: Employer, **data: Any) -> EngagementActivity:
    activity = EngagementActivity(employer=employer, author=actor, author_organisation=organisation, **data)
    activity.full_clean()
    activity.save()
    audit_log(
        actor=actor,
        action="employers.activity.logged",
        obj=activity,
        changes={"employer": employer.pk, "kind": activity.kind},
    )
    return activity


@transaction.atomic
def activity_follow_up_done(*, actor: Any, activity: EngagementActivity) -> EngagementActivity:
    if activity.follow_up_done:
        raise ValidationError(_("This follow-up was already done."))
    activity.follow_up_done = True
    activity.save(update_fields=["follow_up_done", "updated_at"])
    audit_log(actor=actor, action="employers.activity.follow_up_done", obj=activity)
    return activity


# --- opportunities -----------------------------------------------------------------------


@transaction.atomic
def opportunity_create(*, actor: Any, employer: Employer, **data: Any) -> Opportunity:
    """An opportunity; its rung follows from its kind (``KIND_RUNG``), its occupation is an ISCO-08 unit group."""
    errors: dict[str, list[str]] = {}
    if not isco.is_unit(data.get("isco_code", "")):
        errors["isco_code"] = [_("Choose an ISCO-08 unit group (4 digits).")]
    if data.get("dutch_level") not in DUTCH_LEVELS:
        errors["dutch_level"] = [_("Choose a level of Dutch.")]
    if not set(data.get("shifts", [])) <= set(Shift.values):
        errors["shifts"] = [_("Unknown shift.")]
    if not set(data.get("supports", [])) <= set(Support.values):
        errors["supports"] = [_("Unknown kind of support.")]
    if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = [_("The end comes before the start.")]
    municipality = data.get("municipality")
    if municipality is not None and municipality.region_id != employer.region_id:
        errors["municipality"] = [_("Choose a municipality of the partnership.")]
    if errors:
        raise ValidationError(errors)
    opportunity = Opportunity(employer=employer, created_by=actor, rung=KIND_RUNG.get(data.get("kind", ""), 0), **data)
    opportunity.full_clean()
    opportunity.save()
    audit_log(
        actor=actor,
        action="employers.opportunity.created",
        obj=opportunity,
        changes={"employer": employer.pk, "kind": opportunity.kind, "rung": opportunity.rung},
    )
    return opportunity


@transaction.atomic
def opportunity_close(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    if opportunity.status == Opportunity.Status.CLOSED:
        raise ValidationError(_("This opportunity is already closed."))
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="employers.opportunity.closed", obj=opportunity)
    return opportunity


@transaction.atomic
def work_wish_save(*, actor: Any, client: Any, **data: Any) -> WorkWish:
    codes = [c.strip() for c in data.get("occupations", []) if c.strip()]
    unknown = [c for c in codes if c not in isco.occupations()]
    if unknown:
        raise ValidationError({"occupations": [_("Unknown ISCO-08 code: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    data["occupations"] = codes
    wish, _created = WorkWish.objects.get_or_create(client=client)
    for key, value in data.items():
        setattr(wish, key, value)
    wish.full_clean()
    wish.save()
    audit_log(actor=actor, action="employers.work_wish.saved", obj=wish, changes={"client": client.pk})
    return wish


# --- placements --------------------------------------------------------------------------


def _transition(placement: Placement, to: str) -> None:
    if placement.status not in PLACEMENT_TRANSITIONS[to]:
        raise ValidationError(
            _("A placement with status '%(status)s' cannot become '%(to)s'.")
            % {"status": placement.get_status_display(), "to": PlacementStatus(to).label}
        )
    placement.status = to


def _issue_link(*, placement: Placement, purpose: str, actor: Any) -> str:
    """A new link for the employer (earlier unused links of the same purpose stop working). Returns the token."""
    now = timezone.now()
    EmployerLink.objects.filter(placement=placement, purpose=purpose, used_at__isnull=True).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    link = EmployerLink.objects.create(
        placement=placement,
        purpose=purpose,
        token_digest=_digest(token),
        created_by=actor,
        expires_at=now + dt.timedelta(days=LINK_DAYS[purpose]),
    )
    audit_log(
        actor=actor, action="employers.link.issued", obj=link, changes={"placement": placement.pk, "purpose": purpose}
    )
    return token


def link_url(token: str) -> str:
    return reverse("employers:link", kwargs={"token": token})


@transaction.atomic
def placement_propose(
    *, actor: Any, organisation: Any, opportunity: Opportunity, client: Any, motivation: str = ""
) -> tuple[Placement, str]:
    """Propose a candidate to the employer. The client needs an open pathway; the employer will see an
    anonymised profile until the client consents to employer mediation. Returns the placement and the
    token of the employer's answer link (shown once)."""
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError(_("This opportunity is closed."))
    pathway = Pathway.objects.filter(client=client).exclude(status=Pathway.Status.CLOSED).first()
    if pathway is None:
        raise ValidationError(_("Start a pathway for the client first."))
    placement = Placement(
        opportunity=opportunity,
        client=client,
        pathway=pathway,
        organisation=organisation,
        proposed_by=actor,
        motivation=motivation.strip(),
    )
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError:
        raise ValidationError(_("This client is already proposed for this opportunity.")) from None
    audit_log(
        actor=actor,
        action="employers.placement.proposed",
        obj=placement,
        changes={"opportunity": opportunity.pk, "client": client.pk},
    )
    token = _issue_link(placement=placement, purpose=EmployerLink.Purpose.ANSWER, actor=actor)
    return placement, token


@transaction.atomic
def placement_link_renew(*, actor: Any, placement: Placement) -> str:
    """A fresh link for the step the employer is at (answer, or confirm the start)."""
    if placement.status == PlacementStatus.PROPOSED:
        purpose = EmployerLink.Purpose.ANSWER
    elif placement.status == PlacementStatus.INTAKE and not placement.start_confirmed_by_employer:
        purpose = EmployerLink.Purpose.CONFIRM_START
    else:
        raise ValidationError(_("The employer has nothing to answer at this step."))
    return _issue_link(placement=placement, purpose=purpose, actor=actor)


@transaction.atomic
def placement_consent_record(
    *, actor: Any, organisation: Any, placement: Placement, method: str, given_on: dt.date, witness: str = ""
) -> Consent:
    """The client's consent to share identity and work data with this employer (purpose employer mediation)."""
    consent = consent_record(
        client=placement.client,
        organisations=[placement.organisation],
        categories=[DataCategory.IDENTITY, DataCategory.WORK_EDUCATION],
        purposes=[Purpose.EMPLOYER_MEDIATION],
        method=method,
        given_on=given_on,
        witness=witness,
        actor=actor,
        actor_organisation=organisation,
        external_recipient=placement.opportunity.employer.name,
    )
    placement.consent = consent
    placement.save(update_fields=["consent", "updated_at"])
    audit_log(actor=actor, action="employers.placement.consented", obj=placement, changes={"consent": consent.pk})
    return consent


def employer_may_see_identity(placement: Placement) -> bool:
    """True only under an active consent for employer mediation naming this employer."""
    consent = placement.consent
    return (
        consent is not None
        and consent.is_active
        and Purpose.EMPLOYER_MEDIATION in consent.purposes
        and DataCategory.IDENTITY in consent.categories
        and consent.external_recipient == placement.opportunity.employer.name
    )


def link_open(*, token: str) -> EmployerLink:
    """The link behind a token, if it is known, unexpired and unused; its opening is logged.

    Raises LinkRefused("unknown" | "expired" | "used"), also logged (no token in the log).
    """
    link = (
        EmployerLink.objects.select_related(
            "placement__opportunity__employer",
            "placement__opportunity__municipality",
            "placement__client__municipality",
            "placement__consent",
        )
        .filter(token_digest=_digest(token or ""))
        .first()
    )
    if link is None:
        audit_log(actor=None, action="employers.link.refused", changes={"reason": "unknown"})
        raise LinkRefused("unknown")
    reason = "used" if link.used_at else "expired" if link.expires_at <= timezone.now() else ""
    if reason:
        audit_log(actor=None, action="employers.link.refused", obj=link, changes={"reason": reason})
        raise LinkRefused(reason)
    audit_log(actor=None, action="employers.link.opened", obj=link, changes={"placement": link.placement_id})
    return link


def _use_link(link: EmployerLink, purpose: str) -> None:
    """Mark the link used with one conditional UPDATE: a second use (even a concurrent one) is refused."""
    if link.purpose != purpose:
        raise LinkRefused("unknown")
    updated = EmployerLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=timezone.now()).update(
        used_at=timezone.now()
    )
    if not updated:
        raise LinkRefused("used")
    audit_log(actor=None, action="employers.link.used", obj=link, changes={"purpose": purpose})


def _notify_team(placement: Placement, message: Any) -> None:
    url = reverse("employers:placement", kwargs={"pk": placement.pk})
    notify(users=[placement.proposed_by], message=message, url=url)


@transaction.atomic
def placement_answer(
    *, link: EmployerLink, interested: bool, reason: str = "", note: str = "", on: dt.datetime | None = None
) -> Placement:
    """The employer's answer through the private link: interested, or not now with a reason."""
    placement = Placement.objects.select_for_update().get(pk=link.placement_id)
    if not interested and not reason:
        raise ValidationError({"reason": [_("Tell us why, so we can propose better next time.")]})
    _use_link(link, EmployerLink.Purpose.ANSWER)
    _transition(placement, PlacementStatus.INTERESTED if interested else PlacementStatus.DECLINED)
    placement.answered_at = on or timezone.now()
    placement.refusal_reason = "" if interested else reason
    placement.refusal_note = "" if interested else note.strip()[:300]
    placement.full_clean()
    placement.save()
    audit_log(
        actor=None,
        action="employers.placement.answered",
        obj=placement,
        changes={"interested": interested, "reason": placement.refusal_reason},
    )
    _notify_team(
        placement,
        gettext_lazy("An employer answered a proposal: interested.")
        if interested
        else gettext_lazy("An employer answered a proposal: not now."),
    )
    return placement


@transaction.atomic
def placement_plan_intake(*, actor: Any, placement: Placement, intake_on: dt.date, start_on: dt.date) -> str:
    """The intake interview is planned with the expected start; returns the employer's confirm-start link token."""
    check_dates(
        {
            Event.PLACEMENT_INTAKE: Dated("intake_on", intake_on),
            Event.PLACEMENT_START: Dated("start_on", start_on),
            Event.BIRTH: Dated(None, placement.client.birth_date),
        }
    )
    _transition(placement, PlacementStatus.INTAKE)
    placement.intake_on = intake_on
    placement.start_on = start_on
    placement.save()
    audit_log(
        actor=actor,
        action="employers.placement.intake_planned",
        obj=placement,
        changes={"intake_on": intake_on.isoformat(), "start_on": start_on.isoformat()},
    )
    return _issue_link(placement=placement, purpose=EmployerLink.Purpose.CONFIRM_START, actor=actor)


def _start(placement: Placement, start_on: dt.date, actor: Any, by_employer: bool) -> Placement:
    check_dates(
        {
            Event.PLACEMENT_START: Dated("start_on", start_on),
            Event.PLACEMENT_INTAKE: Dated(None, placement.intake_on),
            Event.BIRTH: Dated(None, placement.client.birth_date),
        }
    )
    _transition(placement, PlacementStatus.STARTED)
    placement.start_on = start_on
    placement.start_confirmed_by_employer = placement.start_confirmed_by_employer or by_employer
    placement.save()
    CoachingContact.objects.bulk_create(
        CoachingContact(placement=placement, planned_on=start_on + dt.timedelta(weeks=w), week=w)
        for w in COACHING_WEEKS
    )
    audit_log(
        actor=actor,
        action="employers.placement.started",
        obj=placement,
        changes={"start_on": start_on.isoformat(), "by_employer": by_employer},
    )
    return placement


@transaction.atomic
def placement_start(*, actor: Any, placement: Placement, start_on: dt.date) -> Placement:
    """The worker records the start; job-coaching contacts are planned at 1, 4 and 12 weeks."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    return _start(placement, start_on, actor, by_employer=False)


@transaction.atomic
def placement_confirm_start(*, link: EmployerLink, start_on: dt.date) -> Placement:
    """The employer confirms the start through the private link."""
    placement = Placement.objects.select_for_update().get(pk=link.placement_id)
    _use_link(link, EmployerLink.Purpose.CONFIRM_START)
    _start(placement, start_on, None, by_employer=True)
    _notify_team(placement, gettext_lazy("An employer confirmed the start of a placement."))
    return placement


@transaction.atomic
def coaching_contact_record(
    *, actor: Any, contact: CoachingContact, done_on: dt.date, with_whom: str, summary: str, still_working: bool
) -> CoachingContact:
    if contact.done_on is not None:
        raise ValidationError(_("This contact was already recorded."))
    if contact.placement.status not in {PlacementStatus.STARTED, PlacementStatus.ENDED}:
        raise ValidationError(_("Coaching contacts follow a started placement."))
    check_dates(
        {
            Event.COACHING_DONE: Dated("done_on", done_on),
            Event.PLACEMENT_START: Dated(None, contact.placement.start_on),
        }
    )
    contact.done_on = done_on
    contact.with_whom = with_whom
    contact.summary = summary.strip()
    contact.still_working = still_working
    contact.author = actor
    contact.full_clean()
    contact.save()
    audit_log(
        actor=actor,
        action="employers.coaching.recorded",
        obj=contact,
        changes={"placement": contact.placement_id, "week": contact.week, "still_working": still_working},
    )
    return contact


@transaction.atomic
def placement_end(*, actor: Any, placement: Placement, end_on: dt.date, outcome: str) -> Placement:
    _transition(placement, PlacementStatus.ENDED)
    check_dates({Event.PLACEMENT_END: Dated("end_on", end_on), Event.PLACEMENT_START: Dated(None, placement.start_on)})
    placement.end_on = end_on
    placement.outcome = outcome
    placement.full_clean()
    placement.save()
    audit_log(actor=actor, action="employers.placement.ended", obj=placement, changes={"outcome": outcome})
    return placement


@transaction.atomic
def placement_withdraw(*, actor: Any, placement: Placement) -> Placement:
    _transition(placement, PlacementStatus.WITHDRAWN)
    placement.save()
    EmployerLink.objects.filter(placement=placement, used_at__isnull=True).update(expires_at=timezone.now())
    audit_log(actor=actor, action="employers.placement.withdrawn", obj=placement)
    return placement
