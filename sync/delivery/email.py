"""Memos by e-mail, each once: SMTP or the outbox.

1. The policy (sync/delivery/policy.py) says what is due today.
2. The ledger (sync/delivery/ledger.py) drops what it has recorded: a memo is keyed by district, kind,
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
from sync.delivery.ledger import Entry, Ledger
from sync.delivery.message import Attachment, HeaderError, to_email, wire_bytes
from sync.delivery.policy import KINDS, Planned, plan
from sync.outputs.memos import keep_whole

log = logging.getLogger("khoknongna")


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
            from sync.outputs.pdf import render_pdf

            pdf = render_pdf(memo.html, keep_whole(config))
    except Exception as exc:  # a rendering bug must not stop the other memos; the next run tries again
        log.exception("memo %s not sent: its PDF could not be made", memo.file_name)
        delivery.rejected.append(f"{memo.file_name}: PDF not made: {type(exc).__name__}: {exc}")
        return
    try:
        attachments = (Attachment(pdf, "application", "pdf", memo.attachment_name),) if pdf is not None else ()
        message = to_email(memo, config, now, attachments=attachments)
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
        message=wire_bytes(message),
        resend=resend,
    )
    delivery.planned.append(memo.file_name)


def _send_smtp(config: Config, ledger: Ledger, delivery: Delivery) -> None:
    from sync.delivery.mailer import Mailer, MailError

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

