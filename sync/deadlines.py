"""Due dates and the status of something due: pure functions of dates."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from sync.config import Deadlines
from sync.model import Status

if TYPE_CHECKING:
    import holidays


@cache
def _thai_holidays(year: int) -> holidays.HolidayBase:
    import holidays  # loads every country's calendar (30 ms): only when a working day is asked for

    return holidays.country_holidays("TH", years=[year])


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a Thai public holiday."""
    return day.weekday() < 5 and day not in _thai_holidays(day.year)


def summary_date(year: int, month: int, summary_day: int, working_days_only: bool) -> dt.date:
    """The provincial summary's day in a month: `summary_day`, or the next working day after it
    when it is a day off and only working days count. The scheduler and the memo policy both ask here."""
    day = dt.date(year, month, summary_day)
    while working_days_only and not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def effective_due(due: dt.date, deadlines: Deadlines) -> dt.date:
    """The due date, moved to the next working day when configured and it falls on a day off."""
    if not deadlines.shift_to_next_working_day:
        return due
    while not is_working_day(due):
        due += dt.timedelta(days=1)
    return due


def monthly_due(year: int, month: int, deadlines: Deadlines) -> dt.date:
    return effective_due(dt.date(year, month, deadlines.monthly_due_day), deadlines)


def deadline_status(
    due: dt.date, submitted: dt.date | None, as_of: dt.date, soon_days: int
) -> tuple[Status, int | None]:
    """Status and days late of something due on `due`, sent on `submitted` (None: not yet).

    A submission dated after `as_of` has not happened yet as of that day.
    """
    if submitted is not None and submitted <= as_of:
        late = (submitted - due).days
        return (Status.LATE, late) if late > 0 else (Status.OK, 0)
    if as_of > due:
        return Status.OVERDUE, (as_of - due).days
    if (due - as_of).days <= soon_days:
        return Status.DUE_SOON, None
    return Status.PENDING, None


def judge(due: dt.date, submitted: dt.date | None, as_of: dt.date, soon_days: int) -> tuple[Status, dict]:
    """`deadline_status` with the JSON details every deadline finding carries."""
    status, days_late = deadline_status(due, submitted, as_of, soon_days)
    details = {
        "due": due.isoformat(),
        "submitted": submitted.isoformat() if submitted else None,
        "days_late": days_late,
    }
    return status, details
