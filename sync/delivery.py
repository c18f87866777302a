"""The delivery step of a sync: which memos go out today, each once, by SMTP or into the outbox.

1. Policy (config `reminders`) decides what is due today:
   - a district reminder on a *reminder day*: `due_soon_days` before a due date ('due soon') or
     `overdue_after_days` after it ('overdue', default the day after). Due dates: the documents'
     due date and every monthly report's (programme.deadlines, moved to the next working day when
     configured). Only districts with something open get one; a district that could not be read
     gets none (the operator sees it in the run; a reading failure is not the district's fault).
   - the provincial summary on day `summary_day` of each month (only when every district was
     checked in the run).
   - A day missed (the service did not run) is made up on the next `catch_up_days` days, but only
     when nothing has been recorded for that period yet.
   - A day count of 0 switches that memo off.
2. The ledger (sync/ledger.py) drops what it has recorded: a memo is keyed by district, kind,
   period ("overdue:2025-01-20", "due_soon:2025-02-20", "2025-01" for a summary) and content hash.
   `resend` records and sends this run's memos again, even on a day the policy sends nothing
   (period "manual:<as-of>").
3. New memos are queued (message bytes, with the PDF, stored in the ledger), then everything
   queued is sent: by SMTP when `email.smtp.host` is set, else written as .eml files into the
   outbox (outbox-only mode, the default). An SMTP server that is down stops the sending; what is
   left stays queued for the next run. Every delivered memo is also kept as an .eml copy in
   outbox/<as-of>/.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from sync.atomic import atomic_write
from sync.checker import Report
from sync.config import Config
from sync.deadlines import effective_due, monthly_due, summary_date
from sync.ledger import Entry, Key, Ledger
from sync.memos import HeaderError, Memo, keep_whole, reminder, summary, to_email

log = logging.getLogger("khoknongna")

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


@dataclass
class Delivery:
    mode: str  # "smtp" or "outbox"
    dry_run: bool = False
    planned: list[str] = field(default_factory=list)  # memos queued by this run (dry run: would be)
    skipped: list[str] = field(default_factory=list)  # already recorded in the ledger: not sent again
    sent: list[str] = field(default_factory=list)  # delivered by this run (including earlier runs' queue)
    waiting: list[str] = field(default_factory=list)  # still queued after the run: the next run sends them
    rejected: list[str] = field(default_factory=list)  # refused before sending (bad header, no recipients)
    error: str = ""  # why sending stopped
    paths: list[Path] = field(default_factory=list)  # .eml copies of what was delivered

    @property
    def ok(self) -> bool:
        return not (self.waiting or self.rejected or self.error)


def _fresh(planned: list[Planned], ledger: Ledger, resend: bool, delivery: Delivery) -> list[Planned]:
    fresh = []
    for item in planned:
        if resend:
            fresh.append(item)
        elif item.catch_up and ledger.for_period(item.memo.key, item.memo.kind, item.period):
            delivery.skipped.append(item.memo.file_name)
        elif ledger.recorded(item.key):
            delivery.skipped.append(item.memo.file_name)
        else:
            fresh.append(item)
    return fresh


def _outbox_copy(config: Config, entry: Entry, message: bytes) -> Path:
    """Write the delivered message as outbox/<as-of>/<file name>; a different message of the same
    name (a changed memo, a resend) gets -2, -3, ... instead of replacing it."""
    folder = Path(config.outputs.outbox) / entry.as_of
    stem, suffix = entry.file_name.rsplit(".", 1)
    path, number = folder / entry.file_name, 1
    while path.exists() and path.read_bytes() != message:
        number += 1
        path = folder / f"{stem}-{number}.{suffix}"
    atomic_write(path, lambda handle: handle.write(message))
    return path


def _queue(config: Config, ledger: Ledger, item: Planned, now: dt.datetime, resend: bool, delivery: Delivery):
    memo = item.memo
    pdf = None
    try:
        if config.email.attach_pdf:
            from sync.pdf import render_pdf

            pdf = render_pdf(memo.html, keep_whole(config))
    except Exception as exc:  # a rendering bug must not stop the other memos; the next run tries again
        log.exception("memo %s not sent: its PDF could not be made", memo.file_name)
        delivery.rejected.append(f"{memo.file_name}: PDF not made: {type(exc).__name__}: {exc}")
        return
    try:
        message = to_email(memo, config, now, pdf=pdf)
    except HeaderError as exc:
        log.error("memo %s not sent: %s", memo.file_name, exc)
        delivery.rejected.append(f"{memo.file_name}: {exc}")
        return
    ledger.queue(
        item.key,
        as_of=(memo.as_of or now.date()).isoformat(),
        file_name=memo.file_name,
        subject=memo.subject,
        sender=config.email.sender,
        recipients=list(dict.fromkeys(memo.recipients + memo.cc)),
        message=message.as_bytes(policy=message.policy.clone(linesep="\r\n")),  # SMTP wants CRLF lines
        resend=resend,
    )
    delivery.planned.append(memo.file_name)


def _send_smtp(config: Config, ledger: Ledger, delivery: Delivery) -> None:
    from sync.mailer import Mailer, MailError

    pending = ledger.pending()
    if not pending:
        return
    try:
        with Mailer(config.email.smtp) as mailer:
            for entry in pending:
                message = ledger.message(entry.id)
                ledger.mark_sending(entry.id)
                try:
                    refused = mailer.send(entry.sender, entry.recipients, message)
                except MailError as exc:
                    ledger.mark_failed(entry.id, str(exc))
                    log.warning("memo %s not sent: %s", entry.label, exc)
                    if exc.connection:
                        delivery.error = str(exc)
                        return
                    delivery.error = delivery.error or str(exc)
                    continue
                note = f"refused for {', '.join(refused)}" if refused else None
                ledger.mark_sent(entry.id, "smtp", note)
                if note:
                    log.warning("memo %s sent, but %s", entry.label, note)
                delivery.sent.append(entry.file_name)
                try:
                    delivery.paths.append(_outbox_copy(config, entry, message))
                except OSError as exc:  # only the copy: the memo went out
                    log.warning("memo %s sent, but its copy was not written: %s", entry.label, exc)
    except MailError as exc:
        log.warning("memos not sent: %s", exc)
        delivery.error = str(exc)


def _write_outbox(config: Config, ledger: Ledger, delivery: Delivery) -> None:
    for entry in ledger.pending():
        message = ledger.message(entry.id)
        ledger.mark_sending(entry.id)
        try:
            path = _outbox_copy(config, entry, message)
        except OSError as exc:
            ledger.mark_failed(entry.id, f"outbox: {exc}")
            delivery.error = f"outbox {config.outputs.outbox}: {exc}"
            return
        ledger.mark_sent(entry.id, "outbox")
        delivery.sent.append(entry.file_name)
        delivery.paths.append(path)


def deliver(
    config: Config,
    report: Report,
    as_of: dt.date,
    *,
    whole_province: bool,
    now: dt.datetime,
    dry_run: bool = False,
    resend: bool = False,
    kinds: Collection[str] = KINDS,
) -> Delivery:
    """Plan, filter through the ledger, queue and send. A dry run only says what it would queue."""
    mode = "smtp" if config.email.smtp.host else "outbox"
    delivery = Delivery(mode, dry_run)
    state = Path(config.outputs.state)
    planned = plan(config, report, as_of, whole_province=whole_province, resend=resend, kinds=kinds)
    if dry_run:
        ledger = Ledger(state, create=False)
        delivery.planned = [p.memo.file_name for p in _fresh(planned, ledger, resend, delivery)]
        delivery.waiting = [e.file_name for e in ledger.pending()]
        return delivery
    ledger = Ledger(state)
    with ledger.delivering():
        for item in _fresh(planned, ledger, resend, delivery):
            _queue(config, ledger, item, now, resend, delivery)
        if mode == "smtp":
            _send_smtp(config, ledger, delivery)
        else:
            _write_outbox(config, ledger, delivery)
        delivery.waiting = [e.file_name for e in ledger.pending()]
    return delivery


def describe(delivery: Delivery, config: Config) -> list[str]:
    """What the run did with memos, for the operator (English); a dry run says what would be sent."""
    names = ", ".join
    if delivery.dry_run:
        waiting = delivery.waiting
        return [f"memos: {len(waiting)} queued by earlier runs would be sent: {names(waiting)}"] if waiting else []
    lines = []
    sent = delivery.sent
    if sent and delivery.mode == "smtp":
        smtp = config.email.smtp
        lines.append(f"memos: sent {len(sent)} by SMTP {smtp.host}:{smtp.effective_port}: {names(sent)}")
    elif sent:
        lines.append(f"memos: outbox-only (email.smtp.host is not set): {len(sent)} written as .eml, none emailed")
    elif not delivery.waiting:
        lines.append("memos: nothing new to send" if delivery.skipped else "memos: none due today (config reminders)")
    if delivery.skipped:
        skipped = delivery.skipped
        lines.append(f"memos: {len(skipped)} already sent, not sent again (--resend forces): {names(skipped)}")
    if delivery.rejected:
        lines.append(f"memos: {len(delivery.rejected)} refused before sending: " + "; ".join(delivery.rejected))
    if delivery.error:
        lines.append(f"memos: sending failed: {delivery.error}")
    if delivery.waiting:
        lines.append(f"memos: {len(delivery.waiting)} still queued, the next run sends them: {names(delivery.waiting)}")
    return lines


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
    return memo, notes
