"""The call's clock: when the call, the rebuttal window and the pitch weeks open and close (Europe/Brussels).

Pure reads of the region's call timeline (region file `call.*`); services and pages share them so the day a page
shows is the day a service enforces.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from apps.partnership.models import Candidacy
from apps.regions.models import CallTimeline

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def now_or_clock(now: dt.datetime | None) -> dt.datetime:
    """``now`` when a caller (a test) fixes the time, else the clock (django.utils.timezone.now())."""
    return now if now is not None else timezone.now()


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


def pitch_week_of(call: CallTimeline, day: dt.date) -> dt.date | None:
    """The pitch week (its Monday) that holds ``day`` (Monday to Friday), or None."""
    for monday in call.pitch_week_dates:
        if monday <= day <= monday + dt.timedelta(days=4):
            return monday
    return None


def rebuttal_open(candidacy: Candidacy, now: dt.datetime) -> bool:
    return (
        candidacy.decision_sent_at is not None
        and not hasattr(candidacy, "rebuttal")
        and now < rebuttal_closes_at(candidacy.region.call)
    )
