"""`line preview`: a LINE message as a run on a day would send it, with why it would (not) go out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.checker import Report
from sync.config import Config
from sync.delivery.ledger import Ledger
from sync.delivery.line.channel import LINE, summary_link
from sync.delivery.line.messages import LineMessage, district_message, province_message
from sync.delivery.policy import reminder_trigger, summary_trigger


def _ledger_note(config: Config, message: LineMessage, period: str) -> str:
    recorded = Ledger(Path(config.outputs.state), create=False).for_period(message.key, message.kind, period, LINE)
    if recorded:
        last = recorded[-1]
        when = last.sent_at or last.queued_at
        return f"ledger: this period's message is already {last.status} ({when}): a run would not send it again"
    return "ledger: nothing recorded for this period yet"


def preview(config: Config, report: Report, as_of: dt.date, code: str | None, backend=None):
    """(message, notes) for district `code`, or the province when `code` is None; message None: nothing to send."""
    notes = [] if config.line.enabled else ["line.enabled is false: a run sends no LINE message at all"]
    if code is None:
        trigger = summary_trigger(config, as_of)
        message = province_message(config, report, as_of, link=summary_link(config, backend))
        day = f"{as_of} is a summary day" if trigger else f"{as_of} is not a summary day (reminders.summary_day)"
        notes.append(f"policy: {day}")
    else:
        [result] = [r for r in report.districts if r.code == code]
        trigger = reminder_trigger(config, as_of)
        reason, due = (trigger.reason, trigger.due) if trigger else (None, None)
        link = result.raw.link if result.raw else ""
        message = district_message(config, result, as_of, reason=reason, due=due, link=link)
        if message is None:
            why = "could not be read" if not result.readable else f"has nothing needing action on {as_of}"
            return None, [*notes, f"district {code} {why}: no LINE message"]
        if trigger:
            notes.append(f"policy: {as_of} is a reminder day ({trigger.reason}, due {trigger.due})")
        else:
            notes.append(f"policy: {as_of} is not a reminder day: a run sends nothing (shown as `--resend` would)")
    notes.append(f"to: {message.to}" if message.to else "to: no LINE group configured: a run would not send it")
    if trigger:
        notes.append(_ledger_note(config, message, trigger.period))
    return message, notes
