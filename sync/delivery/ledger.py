"""The memo ledger: every memo queued, being sent and sent, in SQLite in the state folder.

Key: (district, kind, period, content_hash, generation)

- district: the district code, or "province" for the provincial summary.
- kind: "reminder" or "summary".
- period: why the memo exists, from the reminder policy (sync/delivery/policy.py):
  "overdue:2025-01-20" (the overdue reminder for things due on 2025-01-20),
  "due_soon:2025-02-20", "2025-01" (the summary of January 2025), or "manual:2025-01-23"
  (sent with `--resend` on a day the policy sends nothing).
- content_hash: sha256 of the memo's substance (Memo.substance: the open findings it lists, without
  the day counts that grow every day; for the summary, every district's item statuses). The same
  memo for the same period is therefore recorded once, whatever day or hour it is rendered again;
  a memo for the same period that says something different is a new memo.
- generation: 0; `--resend` records the memo again with the next number.

Life of a row: queued → sending → sent. A row is set to 'sending' (committed) before the message
is handed to the SMTP server and to 'sent' (committed) right after the server accepted it, so a
crash between the two can repeat only that one message: the next run finds it 'sending' and sends
it again once (with the same Message-ID, stored with the message). A newer memo for the same district and kind
supersedes one still queued ('superseded': never sent, the newer one says more). Only one process
delivers at a time (an exclusive lock on a file beside the database). What a failed try means for
the next run (sent again, backed off, 'held' or 'refused' for the operator) is
sync/delivery/attempts.py.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

QUEUED, SENDING, SENT, SUPERSEDED = "queued", "sending", "sent", "superseded"
HELD, REFUSED = "held", "refused"  # waiting for the operator (sync/delivery/attempts.py)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS memos (
    id INTEGER PRIMARY KEY,
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    as_of TEXT NOT NULL,
    file_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    message BLOB NOT NULL,
    queued_at TEXT NOT NULL,
    sent_at TEXT,
    transport TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    UNIQUE (district, kind, period, content_hash, generation)
);
CREATE INDEX IF NOT EXISTS memos_status ON memos (status);
"""
_FIELDS = (
    "id district kind period content_hash generation status as_of file_name subject sender recipients"
    " queued_at sent_at transport attempts last_error"
).split()


@dataclass(frozen=True)
class Key:
    district: str
    kind: str
    period: str
    content_hash: str


@dataclass
class Entry:
    id: int
    district: str
    kind: str
    period: str
    content_hash: str
    generation: int
    status: str
    as_of: str
    file_name: str
    subject: str
    sender: str
    recipients: list[str]
    queued_at: str
    sent_at: str | None
    transport: str | None
    attempts: int
    last_error: str | None

    @property
    def label(self) -> str:
        return f"{self.district}-{self.kind} ({self.period})"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    def __init__(self, state_dir: Path, *, create: bool = True):
        """`create` False: read-only use (dry runs); a missing database reads as empty."""
        self.path = state_dir / "memos.sqlite"
        self.lock_path = state_dir / "memos.lock"
        self.exists = self.path.exists()
        if create:
            state_dir.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.executescript(_SCHEMA)
            self.exists = True

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            db.execute("PRAGMA synchronous = FULL")
            yield db

    def _rows(self, where: str, params: tuple = ()) -> list[Entry]:
        if not self.exists:
            return []
        with self._db() as db:
            rows = db.execute(f"SELECT {', '.join(_FIELDS)} FROM memos WHERE {where} ORDER BY id", params).fetchall()
        entries = []
        for row in rows:
            values = dict(zip(_FIELDS, row, strict=True))
            values["recipients"] = json.loads(values["recipients"])
            entries.append(Entry(**values))
        return entries

    @contextmanager
    def delivering(self) -> Iterator[None]:
        """Hold the delivery lock: one process sends at a time, so 'sending' rows are crash leftovers."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- what is recorded ---

    def recorded(self, key: Key) -> list[Entry]:
        """Rows of this memo that count: queued, in flight or sent (not superseded)."""
        return self._rows(
            "district = ? AND kind = ? AND period = ? AND content_hash = ? AND status != ?",
            (key.district, key.kind, key.period, key.content_hash, SUPERSEDED),
        )

    def for_period(self, district: str, kind: str, period: str) -> list[Entry]:
        return self._rows(
            "district = ? AND kind = ? AND period = ? AND status != ?", (district, kind, period, SUPERSEDED)
        )

    def pending(self) -> list[Entry]:
        """Rows still to send, oldest first: left 'sending' by a crash, then queued."""
        return self._rows("status IN (?, ?)", (SENDING, QUEUED))

    def entries(self) -> list[Entry]:
        return self._rows("1")

    def message(self, entry_id: int) -> bytes:
        with self._db() as db:
            return db.execute("SELECT message FROM memos WHERE id = ?", (entry_id,)).fetchone()[0]

    # --- changes, each committed on its own ---

    def queue(
        self,
        key: Key,
        *,
        as_of: str,
        file_name: str,
        subject: str,
        sender: str,
        recipients: list[str],
        message: bytes,
        resend: bool = False,
    ) -> int:
        """Record a memo to send; older queued memos for the same district and kind are superseded.

        A memo already recorded (queued, in flight or sent) is recorded again, under the next
        generation, only with `resend`; otherwise that is an error (callers check `recorded`).
        """
        with self._db() as db:
            (generation, live) = db.execute(
                "SELECT COALESCE(MAX(generation) + 1, 0), COUNT(CASE WHEN status != ? THEN 1 END) FROM memos"
                " WHERE district = ? AND kind = ? AND period = ? AND content_hash = ?",
                (SUPERSEDED, key.district, key.kind, key.period, key.content_hash),
            ).fetchone()
            if live and not resend:
                raise ValueError(f"memo {key} is already recorded")
            db.execute(
                "UPDATE memos SET status = ? WHERE district = ? AND kind = ? AND status = ?",
                (SUPERSEDED, key.district, key.kind, QUEUED),
            )
            cursor = db.execute(
                "INSERT INTO memos (district, kind, period, content_hash, generation, status, as_of, file_name,"
                " subject, sender, recipients, message, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key.district,
                    key.kind,
                    key.period,
                    key.content_hash,
                    generation,
                    QUEUED,
                    as_of,
                    file_name,
                    subject,
                    sender,
                    json.dumps(recipients),
                    message,
                    _now(),
                ),
            )
            return cursor.lastrowid

    def mark_sending(self, entry_id: int) -> None:
        with self._db() as db:
            db.execute("UPDATE memos SET status = ?, attempts = attempts + 1 WHERE id = ?", (SENDING, entry_id))

    def mark_sent(self, entry_id: int, transport: str, note: str | None = None) -> None:
        """Delivered (`note`: e.g. the recipients the server refused while accepting the others)."""
        with self._db() as db:
            db.execute(
                "UPDATE memos SET status = ?, sent_at = ?, transport = ?, last_error = ? WHERE id = ?",
                (SENT, _now(), transport, note, entry_id),
            )

    def mark_failed(self, entry_id: int, error: str) -> None:
        """Back to the queue: the next run tries again."""
        with self._db() as db:
            db.execute("UPDATE memos SET status = ?, last_error = ? WHERE id = ?", (QUEUED, error, entry_id))
