"""Memos against a real SMTP server (aiosmtpd on 127.0.0.1) that is down, refuses, or takes a message
and drops the connection before its reply; and kill -9 while a memo is in flight. Three districts
with work open on 2025-01-21: three reminders and the provincial summary, each to arrive once (one
duplicate allowed per kill and per send cut off after the server took it)."""

from __future__ import annotations

from tests.faults import checks as c
from tests.faults import mail
from tests.faults.lab import Lab
from tests.faults.mail import kill_sender
from tests.faults.model import Fault

ALL = {"5701-reminder.eml", "5702-reminder.eml", "5703-reminder.eml", "province-summary.eml"}
STATUS_AGE = "44640"  # minutes (a month, the most `status` takes): it judges the runs and memos, not the age


def districts_and_smtp(*, up: bool = True, expected: set[str] = frozenset(ALL)):
    def setup(lab: Lab) -> None:
        lab.districts()
        lab.with_smtp(up=up)
        lab.expected_memos = set(expected)

    return setup


def all_arrived(lab: Lab) -> str | None:
    """Every memo the fault expects reached the server (once the fault is over)."""
    missing = lab.expected_memos - mail.delivered(lab.smtp.mailbox, lab.state)
    return f"memos that never arrived: {sorted(missing)}" if missing else None


def status(lab: Lab):
    return lab.cli("status", "--config", str(lab.config_path), "--max-age", STATUS_AGE)


def down_then_up(lab: Lab) -> None:
    lab.sync()
    lab.smtp.start()
    lab.sync()
    lab.sync()


def down_twice(lab: Lab) -> None:
    lab.sync()
    lab.sync()


def refused(reply: str, runs: int = 4):
    def run(lab: Lab) -> None:
        lab.smtp.mailbox.refuse = reply
        for _ in range(runs):
            lab.sync()
        status(lab)

    return run


def tries_at_most(per_memo: int) -> c.Check:
    def check(lab: Lab) -> str | None:
        tries, limit = lab.smtp.mailbox.tries, per_memo * len(ALL)
        return f"the server saw {tries} tries for {len(ALL)} memos (at most {limit})" if tries > limit else None

    return check


def dropped_after_data(times: int, runs: int):
    """The server takes the next `times` messages (-1: all) and hangs up before its reply."""

    def run(lab: Lab) -> None:
        lab.smtp.mailbox.drop_after_data = times
        lab.ambiguous = len(ALL) if times < 0 else times
        for _ in range(runs):
            lab.sync()
        status(lab)

    return run


def killed_while_rendering(lab: Lab) -> None:
    """kill -9 once the second memo is queued, while worker processes still render the others' PDFs."""
    lab.configure(email={"attach_pdf": True})
    lab.sync(hooks=("sync.delivery.ledger:Ledger.queue@2=kill",))
    lab.kills += 1
    lab.sync()


def at_most_twice_each(lab: Lab) -> str | None:
    over = {mid: n for mid, n in lab.smtp.mailbox.ids().items() if n > 2}
    return f"memos sent more than twice: {over}" if over else None


def killed_by_the_server(lab: Lab) -> None:
    """The server takes the second message, then the sender is killed before it hears the reply."""
    lab.smtp.mailbox.on_data = kill_sender(lambda: lab.current and lab.current.pid, at=2)
    lab.sync()
    lab.kills += 1
    lab.smtp.mailbox.on_data = None
    lab.sync()
    lab.sync()


def killed_before_the_ledger(times: int):
    """kill -9 right after the server accepted a memo, before the ledger records it sent."""

    def run(lab: Lab) -> None:
        for _ in range(times):
            lab.sync(hooks=("sync.delivery.ledger:Ledger.mark_sent=kill",))
            lab.kills += 1
        lab.sync()
        lab.sync()

    return run


FAULTS = [
    Fault("smtp.down_then_up", "SMTP down: memos stay queued (exit 1); up again: each sent once",
          districts_and_smtp(up=False), down_then_up,
          (c.exits(1, run=0), c.exits(0, run=1), c.exits(0, run=2), all_arrived, c.no_traceback)),
    Fault("smtp.down_says_queued", "SMTP down for two runs: the second says 'queued, not sent (SMTP …)', "
          "never 'already sent' (issue 11)", districts_and_smtp(up=False, expected=set()), down_twice,
          (c.exits(1), c.says("queued, not sent (SMTP"), c.never_says("already sent"), c.no_traceback)),
    Fault("smtp.refused_for_now", "the server refuses every recipient for now (451) for four runs: the memos "
          "back off instead of being retried every run, and status lists them (issue 11)",
          districts_and_smtp(expected=set()), refused("451 4.3.0 try again later"),
          (tries_at_most(2), c.says("5701-reminder.eml", where="stdout"), c.no_traceback)),
    Fault("smtp.refused_for_good", "the server refuses every recipient for good (550): given up at once and "
          "listed by status, exit 1 (issue 11)", districts_and_smtp(expected=set()),
          refused("550 5.1.1 mailbox unavailable", runs=3),
          (tries_at_most(1), c.exits(1), c.says("5701-reminder.eml", where="stdout"), c.no_traceback)),
    Fault("smtp.drop_after_data", "the server takes every message and drops the connection before its reply: "
          "each memo sent at most twice, then held and listed by status (issue 11)",
          districts_and_smtp(), dropped_after_data(-1, runs=4),
          (at_most_twice_each, c.exits(1), c.says("held", where="stdout"), c.no_traceback)),
    Fault("smtp.drop_after_data_once", "one message taken and the connection dropped before the reply: sent once "
          "more by the next run, then every memo sent, nothing again", districts_and_smtp(),
          dropped_after_data(1, runs=3), (at_most_twice_each, all_arrived, c.no_traceback)),
    Fault("kill.smtp_accepted_before_reply", "kill -9 of the sync once the server took a memo, before its reply: "
          "that memo at most once more, the run recorded interrupted", districts_and_smtp(), killed_by_the_server,
          (c.exits(-9, run=0), c.exits(0, run=1), c.history("interrupted", run=2), all_arrived, c.no_traceback)),
    Fault("kill.before_ledger_commit", "kill -9 between the server's acceptance and the ledger commit: exactly one "
          "duplicate (issue 11)", districts_and_smtp(), killed_before_the_ledger(1),
          (c.exits(-9, run=0), c.history("interrupted", run=2), all_arrived, c.no_traceback)),
    Fault("kill.while_rendering_memos", "kill -9 while memo PDFs are rendered by worker processes: no "
          "process is left behind, every memo sent once the next run is over", districts_and_smtp(),
          killed_while_rendering,
          (c.exits(-9, run=0), all_arrived, c.no_traceback)),
    Fault("kill.before_ledger_commit_twice", "the same memo killed in flight in two runs in a row: then held, "
          "not sent a third time", districts_and_smtp(), killed_before_the_ledger(2),
          (c.exits(-9, run=1), at_most_twice_each, c.no_traceback)),
]
