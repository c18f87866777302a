"""`memo preview`: a memo as a run on a day would render it, and whether it would be sent.

Nothing is sent or recorded, and no ที่ number is taken: a memo that already has one shows it,
another shows the number a run would give it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.checker import Report
from sync.config import Config
from sync.delivery.ledger import Key, Ledger
from sync.delivery.policy import Trigger, reminder_for, reminder_trigger, summary_trigger
from sync.delivery.register import Register
from sync.outputs.memos import Memo, numbered, summary


def _next_reminder_day(config: Config, as_of: dt.date) -> Trigger | None:
    for day in range(1, 400):
        trigger = reminder_trigger(config, as_of + dt.timedelta(days=day))
        if trigger and trigger.day > as_of:
            return trigger
    return None


def preview(config: Config, report: Report, as_of: dt.date, kind: str, code: str | None = None):
    """The memo of `kind` (for district `code`) as a run on `as_of` would render it, and notes on
    whether the policy and the ledger would send it. (None, notes) when there is no memo."""
    notes = []
    if kind == "summary":
        trigger = summary_trigger(config, as_of)
        memo = summary(config, report, as_of)
        if trigger:
            notes.append(f"policy: {as_of} is a summary day (period {trigger.period}): a run would send it")
        else:
            notes.append(f"policy: not a summary day (reminders.summary_day = {config.reminders.summary_day})")
    else:
        [result] = [r for r in report.districts if r.code == code]
        trigger = reminder_trigger(config, as_of)
        if not result.readable:
            return None, [f"district {code} could not be read: no reminder ({result.findings[0].message})"]
        memo = reminder_for(config, result, as_of, trigger)
        if memo is None:
            return None, [f"district {code} has nothing open on {as_of}: no reminder is sent"]
        if trigger:
            notes.append(
                f"policy: {as_of} is a reminder day ({trigger.reason}, due {trigger.due}, period {trigger.period})"
                + (f", made up for {trigger.day}" if trigger.day < as_of else "")
                + ": a run would send it"
            )
        else:
            upcoming = _next_reminder_day(config, as_of)
            after = f"; the next is {upcoming.day} ({upcoming.reason}, due {upcoming.due})" if upcoming else ""
            notes.append(f"policy: {as_of} is not a reminder day{after}")
    if trigger:
        ledger = Ledger(Path(config.outputs.state), create=False)
        recorded = ledger.recorded(Key(memo.key, memo.kind, trigger.period, memo.content_hash))
        earlier = ledger.for_period(memo.key, memo.kind, trigger.period) if trigger.day < as_of else []
        if recorded or earlier:
            last = (recorded or earlier)[-1]
            when = last.sent_at or last.queued_at
            notes.append(f"ledger: a memo of this period is already {last.status} ({when}): a run would not send it")
        else:
            notes.append("ledger: not recorded yet")
    period = trigger.period if trigger else f"manual:{as_of.isoformat()}"
    memo, note = _number(config, memo, Key(memo.key, memo.kind, period, memo.content_hash), as_of)
    return memo, notes + [note]


def _number(config: Config, memo: Memo, key: Key, as_of: dt.date) -> tuple[Memo, str]:
    """The memo with the ที่ number it already has (or marked ร่าง), and a note; takes no number."""
    if config.memo.numbering == "draft":
        return numbered(memo, None), "numbering: draft (memo.numbering): no ที่ number, the memo is marked ร่าง"
    given, next_free = Register(Path(config.outputs.state), create=False).peek(config.province.memo_prefix, as_of, key)
    if given:
        return numbered(memo, str(given)), f"register: this memo has ที่ {given}"
    return memo, f"register: a run would give it ที่ {next_free} (or the next free number); a preview takes none"
