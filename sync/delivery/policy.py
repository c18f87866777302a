"""The reminder policy (config `reminders`): which memos are due on a day, and why.

- A district reminder on a *reminder day*: `due_soon_days` before a due date ('due soon') or
  `overdue_after_days` after it ('overdue', default the day after). Due dates: the documents'
  due date and every monthly report's (programme.deadlines, moved to the next working day when
  configured). Only districts with something open get one; a district that could not be read
  gets none (the operator sees it in the run; a reading failure is not the district's fault).
- The provincial summary on day `summary_day` of each month (only when every district was
  checked in the run).
- A day missed (the service did not run) is made up on the next `catch_up_days` days, but only
  when nothing has been recorded for that period yet.
- A day count of 0 switches that memo off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sync.checker import Report
from sync.config import Config
from sync.deadlines import effective_due, monthly_due, summary_date
from sync.delivery.ledger import Key
from sync.outputs.memos import Memo, reminder, summary

DUE_SOON, OVERDUE = "due_soon", "overdue"
KINDS = ("reminder", "summary")


@dataclass(frozen=True)
class Trigger:
    """A day the policy sends memos, and why."""

    kind: str  # "reminder" or "summary"
    day: dt.date
    reason: str | None = None  # reminders: "due_soon" or "overdue"
    due: dt.date | None = None  # reminders: the due date it is about

    @property
    def period(self) -> str:
        if self.kind == "summary":
            return self.day.strftime("%Y-%m")
        return f"{self.reason}:{self.due.isoformat()}"


def due_dates(config: Config) -> list[dt.date]:
    deadlines = config.programme.deadlines
    dates = {effective_due(deadlines.documents_due, deadlines)}
    dates |= {monthly_due(year, month, deadlines) for year, month in deadlines.reporting_months()}
    return sorted(dates)


def reminder_trigger(config: Config, as_of: dt.date) -> Trigger | None:
    """Today's reminder day: the latest one within the catch-up window (an overdue reminder wins a tie)."""
    policy = config.reminders
    triggers = []
    for due in due_dates(config):
        if policy.due_soon_days:
            triggers.append(Trigger("reminder", due - dt.timedelta(days=policy.due_soon_days), DUE_SOON, due))
        if policy.overdue_after_days:
            triggers.append(Trigger("reminder", due + dt.timedelta(days=policy.overdue_after_days), OVERDUE, due))
    active = [t for t in triggers if 0 <= (as_of - t.day).days <= policy.catch_up_days]
    return max(active, key=lambda t: (t.day, t.reason == OVERDUE, -t.due.toordinal()), default=None)


def summary_trigger(config: Config, as_of: dt.date) -> Trigger | None:
    policy = config.reminders
    if not policy.summary_day:
        return None
    working_days_only = config.schedule.working_days_only
    for back in range(policy.catch_up_days + 1):
        day = as_of - dt.timedelta(days=back)
        if day == summary_date(day.year, day.month, policy.summary_day, working_days_only):
            return Trigger("summary", day)
    return None


def reminder_for(config: Config, result, as_of: dt.date, trigger: Trigger | None) -> Memo | None:
    """The district's reminder, ending with the sentence of the policy's reason when there is one."""
    if trigger is None:
        return reminder(config, result, as_of)
    return reminder(config, result, as_of, reason=trigger.reason, due=trigger.due)


@dataclass
class Planned:
    memo: Memo
    period: str
    catch_up: bool = False  # after its policy day: sent only when its period has nothing recorded

    @property
    def key(self) -> Key:
        return Key(self.memo.key, self.memo.kind, self.period, self.memo.content_hash)


def plan(
    config: Config,
    report: Report,
    as_of: dt.date,
    *,
    whole_province: bool,
    resend: bool = False,
    kinds: Collection[str] = KINDS,
) -> list[Planned]:
    """The memos of `kinds` the policy sends on `as_of` (before the ledger has its say)."""
    planned = []
    manual = f"manual:{as_of.isoformat()}"
    trigger = reminder_trigger(config, as_of)
    if "reminder" in kinds and (trigger or resend):
        for result in report.districts:
            if not result.readable:
                continue
            memo = reminder_for(config, result, as_of, trigger)
            if memo:
                late = bool(trigger) and trigger.day < as_of
                planned.append(Planned(memo, trigger.period if trigger else manual, late))
    if whole_province and "summary" in kinds:
        trigger = summary_trigger(config, as_of)
        if trigger or resend:
            memo = summary(config, report, as_of)
            planned.append(Planned(memo, trigger.period if trigger else manual, bool(trigger) and trigger.day < as_of))
    return planned
