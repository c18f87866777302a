"""Memos by e-mail, each once: SMTP or the outbox.

1. The policy (sync/delivery/policy.py) says what is due today.
2. The ledger (sync/delivery/ledger.py) drops what it has recorded: a memo is keyed by district, kind,
   period ("overdue:2025-01-20", "due_soon:2025-02-20", "2025-01" for a summary) and content hash.
   `resend` records and sends this run's memos again, even on a day the policy sends nothing
   (period "manual:<as-of>").
3. New memos are queued (message bytes, with the PDF, stored in the ledger), then everything
   queued and due is sent (sync/delivery/sending.py): by SMTP when `email.smtp.host` is set, else
   written as .eml files into the outbox (outbox-only mode, the default). An SMTP server that is
   down stops the sending; what is left stays queued for the next run. A try that may have
   delivered (connection lost after the message was handed over, or a run killed while sending)
   is repeated at most once, then held; refused memos back off (sync/delivery/attempts.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from sync.checker import Report
from sync.config import Config
from sync.delivery.attempts import DeliveryLedger
from sync.delivery.compose import queue_memos
from sync.delivery.ledger import HELD, REFUSED, SENT, Key, Ledger
from sync.delivery.policy import KINDS, Planned, plan
from sync.delivery.sending import send_smtp, write_outbox

log = logging.getLogger("khoknongna")


@dataclass
class Delivery:
    mode: str  # "smtp" or "outbox"
    dry_run: bool = False
    planned: list[str] = field(default_factory=list)  # memos queued by this run (dry run: would be)
    skipped: list[str] = field(default_factory=list)  # already sent (ledger): not sent again
    sent: list[str] = field(default_factory=list)  # delivered by this run (including earlier runs' queue)
    waiting: list[str] = field(default_factory=list)  # still queued after the run: a later run sends them
    backing_off: list[str] = field(default_factory=list)  # refused for now by the server, tried again later
    held: list[str] = field(default_factory=list)  # held by this run: may have arrived, not sent again
    given_up: list[str] = field(default_factory=list)  # refused for good by this run
    released: list[str] = field(default_factory=list)  # held memos that --resend queued again
    waiting_operator: list[str] = field(default_factory=list)  # held or given up by earlier runs
    rejected: list[str] = field(default_factory=list)  # refused before sending (bad header, no recipients)
    error: str = ""  # why sending stopped
    paths: list[Path] = field(default_factory=list)  # .eml copies of what was delivered

    @property
    def ok(self) -> bool:
        return not (self.waiting or self.rejected or self.error or self.held or self.given_up)

    def problems(self) -> list[str]:
        """What went wrong, one line each, for the run history."""
        lines = [f"memos not sent: {self.error}"] if self.error else []
        lines += [f"memo held (may have arrived; `sync --resend` sends it): {h}" for h in self.held]
        lines += [f"memo refused by the server, given up: {g}" for g in self.given_up]
        lines += [f"memo refused for now: {b}" for b in self.backing_off]
        lines += [f"memo not made: {r}" for r in self.rejected]
        return lines


def _fresh(planned: list[Planned], ledger: Ledger, resend: bool, released: set, delivery: Delivery) -> list[Planned]:
    """The planned memos the ledger has not recorded (all of them with `resend`, except those whose
    held message `resend` released: that message goes out itself)."""
    fresh = []
    for item in planned:
        if resend:
            if item.key not in released:
                fresh.append(item)
            continue
        recorded = ledger.recorded(item.key)
        if item.catch_up and not recorded:
            recorded = ledger.for_period(item.memo.key, item.memo.kind, item.period)
        if any(e.status == SENT for e in recorded):
            delivery.skipped.append(item.memo.file_name)
        elif any(e.status in (HELD, REFUSED) for e in recorded):
            delivery.waiting_operator.append(item.memo.file_name)
        elif not recorded:
            fresh.append(item)
    return fresh


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
        delivery.planned = [p.memo.file_name for p in _fresh(planned, ledger, resend, set(), delivery)]
        delivery.waiting = [e.file_name for e in ledger.pending()]
        return delivery
    ledger = DeliveryLedger(state, config.email.retry)
    with ledger.delivering():
        for entry in ledger.settle_leftovers(now):
            delivery.held.append(f"{entry.file_name}: the run that sent it was killed; the server may have it")
        released = set()
        if resend:
            codes = {d.code for d in report.districts} | ({"province"} if whole_province else set())
            for entry in ledger.release_held(codes, set(kinds)):
                released.add(Key(entry.district, entry.kind, entry.period, entry.content_hash))
                delivery.released.append(entry.file_name)
        queue_memos(config, ledger, _fresh(planned, ledger, resend, released, delivery), now, resend, delivery)
        (send_smtp if mode == "smtp" else write_outbox)(config, ledger, delivery, now)
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
    elif not (delivery.waiting or delivery.held or delivery.given_up or delivery.waiting_operator):
        lines.append("memos: nothing new to send" if delivery.skipped else "memos: none due today (config reminders)")
    if delivery.skipped:
        skipped = delivery.skipped
        lines.append(f"memos: {len(skipped)} already sent, not sent again (--resend forces): {names(skipped)}")
    if delivery.waiting_operator:
        waiting = delivery.waiting_operator
        lines.append(f"memos: {len(waiting)} held or refused earlier, not sent again (cli.py status): {names(waiting)}")
    if delivery.released:
        released = delivery.released
        lines.append(f"memos: {len(released)} held earlier, queued again by --resend: {names(released)}")
    if delivery.rejected:
        lines.append(f"memos: {len(delivery.rejected)} refused before sending: " + "; ".join(delivery.rejected))
    if delivery.held:
        lines.append(
            f"memos: {len(delivery.held)} held, not sent again: the server may have them (check with the recipients; "
            "`cli.py sync --resend --district CODE` sends one again): " + "; ".join(delivery.held)
        )
    if delivery.given_up:
        given_up = delivery.given_up
        lines.append(f"memos: {len(given_up)} refused by the server, given up: " + "; ".join(given_up))
    if delivery.backing_off:
        lines.append(f"memos: {len(delivery.backing_off)} refused for now: " + "; ".join(delivery.backing_off))
    if delivery.waiting and delivery.error:
        waiting = delivery.waiting
        lines.append(
            f"memos: {len(waiting)} queued, not sent ({delivery.error}); the next run tries again: {names(waiting)}"
        )
    elif delivery.error:
        lines.append(f"memos: sending stopped: {delivery.error}")
    elif delivery.waiting and not delivery.backing_off:
        lines.append(f"memos: {len(delivery.waiting)} still queued, a later run sends them: {names(delivery.waiting)}")
    return lines


def attention(state: Path, retry, now: dt.datetime) -> tuple[list[str], list[str]]:
    """For `cli.py status`: memos waiting for the operator (held, given up), and memos backing off."""
    ledger = DeliveryLedger(state, retry, create=False)
    if not ledger.exists:
        return [], []
    operator = []
    for entry in ledger.needing_operator():
        if entry.status == HELD:
            again = "" if entry.kind == "summary" else f" --district {entry.district}"
            what, fix = "held (it may have arrived)", f"`cli.py sync --resend{again}` sends it again"
        else:
            what, fix = "refused by the server, given up", "check its addresses; the next memo of its kind settles it"
        operator.append(f"memo {entry.file_name} of {entry.as_of} {what}: {entry.last_error} ({fix})")
    waiting = [
        f"memo {entry.file_name} of {entry.as_of} refused for now, tried again after {after} UTC: {entry.last_error}"
        for entry, after in ledger.waiting(now)
    ]
    return operator, waiting
