"""Pitches of shortlisted candidacies: scheduling within the pitch weeks and the .ics invitation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_log
from apps.partnership.mail import recipients, send_after_commit
from apps.partnership.models import Candidacy, PitchSlot
from apps.partnership.timeline import BRUSSELS, local, now_or_clock, pitch_week_of
from apps.regions.models import CallTimeline


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
    for email in recipients(slot.candidacy):
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
    now = now_or_clock(now)
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
    send_after_commit(
        subject=_("Invitation to pitch your candidacy %(reference)s") % {"reference": candidacy.reference},
        body=render_to_string(
            "partnership/email_pitch.txt", {"candidacy": candidacy, "slot": slot, "starts_local": local(starts_at)}
        ),
        to=recipients(candidacy),
        attachments=[("pitch.ics", pitch_ics(slot, call), "text/calendar")],
    )
    return slot
