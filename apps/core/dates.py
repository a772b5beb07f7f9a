"""Calendar arithmetic shared by the apps (domain-free)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (negative allowed), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def at_least_months_after(day: dt.date, months: int) -> dt.date:
    """The first date at least ``months`` calendar months after ``day``: the same day number ``months`` later,
    or, when that month is too short (31 August + 6 months), the first day of the month after it (1 March).

    Used for the ESF+ six-month follow-up, due "six months after leaving" (Reg. (EU) 2021/1057, Annex I,
    longer-term result indicators): a due date never falls before the six months are over.
    """
    later = add_months(day, months)
    return later if later.day == day.day else later + dt.timedelta(days=1)
