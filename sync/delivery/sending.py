"""Hand queued memos over: to the SMTP server, or as .eml files into the outbox (outbox-only mode).

Each try that does not deliver is recorded with what it means for the next run
(sync/delivery/attempts.py). Every delivered memo is also kept as an .eml copy in outbox/<as-of>/.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from sync.atomic import atomic_write
from sync.config import Config
from sync.delivery.attempts import DeliveryLedger
from sync.delivery.ledger import Entry
from sync.delivery.mailer import MailError
from sync.texts import moment

log = logging.getLogger("khoknongna")


def outbox_copy(config: Config, entry: Entry, message: bytes) -> Path:
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


def _failed(ledger: DeliveryLedger, entry: Entry, exc: MailError, now: dt.datetime, delivery) -> bool:
    """Record a try that did not deliver; False when the connection is gone (stop sending)."""
    log.warning("memo %s not sent: %s", entry.label, exc)
    if exc.ambiguous:
        if ledger.mark_ambiguous(entry.id, str(exc), now):
            delivery.held.append(f"{entry.file_name}: {exc}")
        delivery.error = str(exc)
        return False
    if exc.connection:
        ledger.mark_unsent(entry.id, str(exc), now)
        delivery.error = str(exc)
        return False
    again = ledger.mark_refusal(entry.id, str(exc), now, permanent=exc.permanent)
    if again is None:
        delivery.given_up.append(f"{entry.file_name}: {exc}")
    else:
        delivery.backing_off.append(f"{entry.file_name} (tried again from {moment(again.astimezone(now.tzinfo))})")
    return True


def send_smtp(config: Config, ledger: DeliveryLedger, delivery, now: dt.datetime) -> None:
    from sync.delivery.mailer import Mailer

    due = ledger.due(now)
    if not due:
        return
    try:
        with Mailer(config.email.smtp) as mailer:
            for entry in due:
                message = ledger.message(entry.id)
                ledger.mark_sending(entry.id)
                try:
                    refused = mailer.send(entry.sender, entry.recipients, message)
                except MailError as exc:
                    if _failed(ledger, entry, exc, now, delivery):
                        continue
                    return
                note = f"refused for {', '.join(refused)}" if refused else None
                ledger.mark_sent(entry.id, "smtp", note)
                ledger.settle_older(entry)
                delivery.sent.append(entry.file_name)
                if note:
                    log.warning("memo %s sent, but %s", entry.label, note)
                try:
                    delivery.paths.append(outbox_copy(config, entry, message))
                except OSError as exc:  # only the copy: the memo went out
                    log.warning("memo %s sent, but its copy was not written: %s", entry.label, exc)
    except MailError as exc:  # no session: nothing was handed over
        log.warning("memos not sent: %s", exc)
        delivery.error = str(exc)


def write_outbox(config: Config, ledger: DeliveryLedger, delivery, now: dt.datetime) -> None:
    for entry in ledger.due(now):
        message = ledger.message(entry.id)
        ledger.mark_sending(entry.id)
        try:
            path = outbox_copy(config, entry, message)
        except OSError as exc:
            ledger.mark_unsent(entry.id, f"outbox: {exc}", now)
            delivery.error = f"outbox {config.outputs.outbox}: {exc}"
            return
        ledger.mark_sent(entry.id, "outbox")
        ledger.settle_older(entry)
        delivery.sent.append(entry.file_name)
        delivery.paths.append(path)
