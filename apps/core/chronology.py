"""Dates that agree with each other: the one table of order rules for the dates of a person's case.

Issue 10 item 6. Every service that writes one of these dates calls :func:`check_dates` with the dates it
writes (each named by the form field that carries it) and the dates already known (field ``None``: context,
not being entered). Pages, the API and the bulk import all call those services, so one rule holds everywhere;
the errors are Dutch (``gettext``) and point at the field being entered (a ``ValidationError`` dict), which
forms show at the field and the import at the row and column.

The rules (source: issue 10 item 6, docs/decisions/0017-dates-agree.md):

- past events are not in the future: birth, consent given and withdrawn, screening, pathway start, contact,
  closure, follow-up done, ESF+ entry, leaving and follow-up, coaching contact done;
- a birth date lies at most ``OLDEST_AGE`` years back;
- nothing of a person's case lies before their birth;
- consent withdrawn not before given; contact, closure not before the pathway's start; follow-up done not
  before the closure, follow-up due at least ``FOLLOW_UP_MONTHS`` months after the closure;
- a case conference (it may be planned ahead) not before the pathway's start;
- ESF+ leaving not before entry, follow-up not before leaving;
- placement start not before the intake interview, end not before the start, a coaching contact not before
  the start.

This module knows events by name only (no model imports), so ``apps.core`` stays domain-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

OLDEST_AGE = 120
FOLLOW_UP_MONTHS = 6


class Event(StrEnum):
    BIRTH = "birth"
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    SCREENING = "screening"
    PATHWAY_START = "pathway_start"
    CONTACT = "contact"
    CLOSURE = "closure"
    FOLLOW_UP_DUE = "follow_up_due"
    FOLLOW_UP_DONE = "follow_up_done"
    CONFERENCE = "conference"
    ESF_ENTRY = "esf_entry"
    ESF_LEAVING = "esf_leaving"
    ESF_FOLLOW_UP = "esf_follow_up"
    PLACEMENT_INTAKE = "placement_intake"
    PLACEMENT_START = "placement_start"
    PLACEMENT_END = "placement_end"
    COACHING_DONE = "coaching_done"


# How a message names the earlier event ("lies before <the birth date> (03/04/1990)").
NAMES: dict[Event, Promise] = {
    Event.BIRTH: _("the birth date"),
    Event.CONSENT_GIVEN: _("the date the consent was given"),
    Event.CONSENT_WITHDRAWN: _("the date the consent was withdrawn"),
    Event.SCREENING: _("the date of the screening"),
    Event.PATHWAY_START: _("the start of the pathway"),
    Event.CONTACT: _("the date of the contact"),
    Event.CLOSURE: _("the closing date of the pathway"),
    Event.FOLLOW_UP_DUE: _("the follow-up date"),
    Event.FOLLOW_UP_DONE: _("the date of the follow-up"),
    Event.CONFERENCE: _("the date of the case conference"),
    Event.ESF_ENTRY: _("the ESF+ entry date"),
    Event.ESF_LEAVING: _("the ESF+ leaving date"),
    Event.ESF_FOLLOW_UP: _("the ESF+ follow-up date"),
    Event.PLACEMENT_INTAKE: _("the intake interview"),
    Event.PLACEMENT_START: _("the start of the placement"),
    Event.PLACEMENT_END: _("the end of the placement"),
    Event.COACHING_DONE: _("the coaching contact"),
}

# Events that have happened when recorded: never in the future.
PAST = frozenset(
    {
        Event.BIRTH,
        Event.CONSENT_GIVEN,
        Event.CONSENT_WITHDRAWN,
        Event.SCREENING,
        Event.PATHWAY_START,
        Event.CONTACT,
        Event.CLOSURE,
        Event.FOLLOW_UP_DONE,
        Event.ESF_ENTRY,
        Event.ESF_LEAVING,
        Event.ESF_FOLLOW_UP,
        Event.COACHING_DONE,
    }
)


class Order(NamedTuple):
    later: Event
    earlier: Event
    months: int = 0  # the later date lies at least this many months after the earlier one


_CASE = (
    Event.CONSENT_GIVEN, Event.CONSENT_WITHDRAWN, Event.SCREENING, Event.PATHWAY_START, Event.CONTACT,
    Event.CLOSURE, Event.FOLLOW_UP_DONE, Event.CONFERENCE, Event.ESF_ENTRY, Event.ESF_LEAVING,
    Event.ESF_FOLLOW_UP, Event.PLACEMENT_INTAKE, Event.PLACEMENT_START, Event.PLACEMENT_END, Event.COACHING_DONE,
)  # fmt: skip

ORDER: tuple[Order, ...] = (
    *(Order(event, Event.BIRTH) for event in _CASE),
    Order(Event.CONSENT_WITHDRAWN, Event.CONSENT_GIVEN),
    Order(Event.CONTACT, Event.PATHWAY_START),
    Order(Event.CLOSURE, Event.PATHWAY_START),
    Order(Event.CONFERENCE, Event.PATHWAY_START),
    Order(Event.FOLLOW_UP_DONE, Event.CLOSURE),
    Order(Event.FOLLOW_UP_DUE, Event.CLOSURE, FOLLOW_UP_MONTHS),
    Order(Event.ESF_LEAVING, Event.ESF_ENTRY),
    Order(Event.ESF_FOLLOW_UP, Event.ESF_LEAVING),
    Order(Event.PLACEMENT_START, Event.PLACEMENT_INTAKE),
    Order(Event.PLACEMENT_END, Event.PLACEMENT_START),
    Order(Event.COACHING_DONE, Event.PLACEMENT_START),
)


class Dated(NamedTuple):
    """One date in a check: ``field`` is the form field (or import column) being entered, ``None`` for a
    date already on record (context: a rule broken by context alone is not this entry's fault)."""

    field: str | None
    value: dt.date | None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def date_errors(dates: Mapping[Event, Dated], *, today: dt.date | None = None) -> dict[str, list[str]]:
    """The broken rules among ``dates``: ``{field: [Dutch messages]}`` (empty when all agree).

    ``dates``: event -> :class:`Dated`; missing events and ``None`` values are skipped. Only entered dates
    (``field`` not ``None``) get errors; an order rule between an entered and a recorded date names the
    recorded one with its date. ``today`` defaults to the local date (Europe/Brussels).
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    for event, (field, value) in dates.items():
        if field is None or value is None:
            continue
        if event in PAST and value > today:
            add(field, gettext("This date lies in the future; enter the day it happened."))
        if event is Event.BIRTH and value < add_months(today, -12 * OLDEST_AGE):
            add(field, gettext("This birth date lies more than %(years)s years back.") % {"years": OLDEST_AGE})
    for later, earlier, months in ORDER:
        if later not in dates or earlier not in dates:
            continue
        late, early = dates[later], dates[earlier]
        if late.value is None or early.value is None or (late.field is None and early.field is None):
            continue
        if late.value >= add_months(early.value, months):
            continue
        if late.field is not None:
            if months:
                message = gettext("This date must lie at least %(months)s months after %(event)s (%(date)s).") % {
                    "months": months,
                    "event": NAMES[earlier],
                    "date": _fmt(early.value),
                }
            else:
                message = gettext("This date lies before %(event)s (%(date)s).") % {
                    "event": NAMES[earlier],
                    "date": _fmt(early.value),
                }
            add(late.field, message)
        else:
            assert early.field is not None
            add(
                early.field,
                gettext("This date lies after %(event)s (%(date)s).")
                % {"event": NAMES[later], "date": _fmt(late.value)},
            )
    return errors


def check_dates(dates: Mapping[Event, Dated], *, today: dt.date | None = None) -> None:
    """Raise ``ValidationError({field: [messages]})`` when any rule of :func:`date_errors` is broken."""
    errors = date_errors(dates, today=today)
    if errors:
        raise ValidationError(errors)
