"""A real SMTP server (aiosmtpd on 127.0.0.1) with faults to inject, and the count of memos
duplicated or lost: what the server took, against what the ledger says.

- duplicated: every copy of a message (by Message-ID) the server took more than once;
- lost: a memo the ledger records as sent that never reached the server, or one the fault expects
  (`Lab.expected_memos`) that never arrived and that the ledger does not hold to send either.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def message_id(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=policy.default)["Message-ID"] or "").strip()


class Mailbox:
    """The server's side. Faults: `refuse` (a reply to every RCPT, e.g. "451 …" or "550 …");
    `drop_after_data` (the next N messages are taken, then the connection is closed before the
    reply: the client cannot know; -1: every message); `on_data` (called with the number of the
    message just taken, before the reply: e.g. to SIGKILL the sender)."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.tries = 0  # MAIL commands: messages a client began to send
        self.refuse: str | None = None
        self.drop_after_data = 0
        self.on_data: Callable[[int], None] | None = None
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.tries += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.original_content)
            number = len(self.messages)
        if self.on_data:
            self.on_data(number)
        if self.drop_after_data:
            if self.drop_after_data > 0:
                self.drop_after_data -= 1
            server.transport.close()  # taken, but the client never hears so
        return "250 OK"

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(message_id(raw) for raw in self.messages)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 at a port of its own; `start()` may come later than the first run
    (SMTP down, then up)."""

    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        if self.controller is None:
            self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def kill_sender(process_pid: Callable[[], int | None], at: int = 1) -> Callable[[int], None]:
    """An `on_data` that SIGKILLs the sending process once the server has taken message `at`."""

    def on_data(number: int) -> None:
        pid = process_pid()
        if number == at and pid:
            os.kill(pid, signal.SIGKILL)

    return on_data


def ledger_rows(state: Path) -> list[tuple[str, str, str]]:
    """(status, file name, Message-ID) of every memo the ledger holds (read-only)."""
    path = state / "memos.sqlite"
    if not path.exists():
        return []
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT status, file_name, message FROM memos ORDER BY id").fetchall()
    return [(status, name, message_id(raw)) for status, name, raw in rows]


def account(mailbox: Mailbox, state: Path, expected: set[str]) -> tuple[int, int, list[str]]:
    """(duplicated, lost, what was lost) for one fault. A memo the ledger still holds to send (queued,
    held for the operator, refused) is not lost: it waits, and the run says so."""
    arrived = mailbox.ids()
    duplicated = sum(n - 1 for n in arrived.values())
    rows = ledger_rows(state)
    lost = [f"{name} (the ledger says sent)" for status, name, mid in rows if status == "sent" and mid not in arrived]
    delivered = {name for _, name, mid in rows if mid in arrived}
    waiting = {name for status, name, _ in rows if status not in ("sent", "superseded")}
    lost += [f"{name} (expected, never arrived)" for name in sorted(expected - delivered - waiting)]
    return duplicated, len(lost), lost


def delivered(mailbox: Mailbox, state: Path) -> set[str]:
    """File names of the memos that reached the server."""
    arrived = mailbox.ids()
    return {name for _, name, mid in ledger_rows(state) if mid in arrived}
