"""The memo ledger: every memo queued, being sent and sent, in SQLite in the state folder.

Key: (district, kind, period, content_hash, generation, channel)

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
- channel: how it goes out: "email" (memos) or "line" (LINE group messages, sync/delivery/line/).
  Each channel has its own rows: a memo e-mailed and the same news pushed to LINE are two rows.

A LINE row also stores its retry key (X-Line-Retry-Key, a UUID) from the moment it is queued, so
every attempt at it, in this run or after a crash, carries the same key and LINE executes it once.
A LINE row LINE refused (a 4xx) is 'failed': it no longer counts as recorded, so a run after the
configuration is fixed sends it anew. A row whose retry key has expired while its fate is unknown
is 'unconfirmed': it counts as recorded and is never sent again by itself.

Life of a row: queued → sending → sent. A row is set to 'sending' (committed) before the message
is handed to the SMTP server and to 'sent' (committed) right after the server accepted it, so a
crash between the two can repeat only that one message: the next run finds it 'sending' and sends
it again once (with the same Message-ID, stored with the message). A newer memo for the same district and kind
supersedes one still queued ('superseded': never sent, the newer one says more). Only one process
delivers at a time (an exclusive lock on a file beside the database). What a failed try at an
e-mail means for the next run (sent again, backed off, 'held' or 'refused' for the operator) is
sync/delivery/attempts.py.

Ledgers written before channels existed are migrated when opened for writing: every row becomes an
"email" row (read-only use reads them as such without changing the file).
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
FAILED, UNCONFIRMED = "failed", "unconfirmed"  # LINE rows: refused by LINE; retry key expired, fate unknown
_NOT_RECORDED = (SUPERSEDED, FAILED)
EMAIL = "email"
HELD, REFUSED = "held", "refused"  # e-mail rows waiting for the operator (sync/delivery/attempts.py)

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
    channel TEXT NOT NULL DEFAULT 'email',
    retry_key TEXT,
    UNIQUE (district, kind, period, content_hash, generation, channel)
);
CREATE INDEX IF NOT EXISTS memos_status ON memos (status);
"""
_FIELDS = (
    "id district kind period content_hash generation status as_of file_name subject sender recipients"
    " queued_at sent_at transport attempts last_error channel retry_key"
).split()
_OLD_COLUMNS = [f for f in _FIELDS if f not in ("channel", "retry_key")] + ["message"]


@dataclass(frozen=True)
class Key:
    district: str
    kind: str
    period: str
    content_hash: str
    channel: str = EMAIL


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
    channel: str = EMAIL
    retry_key: str | None = None

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
        self._channels = True  # False: a ledger of before channels, read without migrating it
        if create:
            state_dir.mkdir(parents=True, exist_ok=True)
            _migrate_to_channels(self.path)
            with self._db() as db:
                db.executescript(_SCHEMA)
            self.exists = True
        elif self.exists:
            with self._db() as db:
                self._channels = self._has_channels(db)

    @staticmethod
    def _has_channels(db: sqlite3.Connection) -> bool:
        columns = {row[1] for row in db.execute("PRAGMA table_info(memos)")}
        return not columns or "channel" in columns

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            db.execute("PRAGMA synchronous = FULL")
            yield db

    def _rows(self, where: str, params: tuple = ()) -> list[Entry]:
        if not self.exists:
            return []
        fields = _FIELDS if self._channels else [*_FIELDS[:-2], f"'{EMAIL}'", "NULL"]
        if not self._channels:
            where = where.replace("channel = ?", f"'{EMAIL}' = ?")
        with self._db() as db:
            rows = db.execute(f"SELECT {', '.join(fields)} FROM memos WHERE {where} ORDER BY id", params).fetchall()
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
        """Rows of this memo that count: queued, in flight, sent or unconfirmed (not superseded or failed)."""
        return self._rows(
            "district = ? AND kind = ? AND period = ? AND content_hash = ? AND channel = ? AND status NOT IN (?, ?)",
            (key.district, key.kind, key.period, key.content_hash, key.channel, *_NOT_RECORDED),
        )

    def for_period(self, district: str, kind: str, period: str, channel: str = EMAIL) -> list[Entry]:
        return self._rows(
            "district = ? AND kind = ? AND period = ? AND channel = ? AND status NOT IN (?, ?)",
            (district, kind, period, channel, *_NOT_RECORDED),
        )

    def pending(self, channel: str = EMAIL) -> list[Entry]:
        """Rows still to send, oldest first: left 'sending' by a crash, then queued."""
        return self._rows("channel = ? AND status IN (?, ?)", (channel, SENDING, QUEUED))

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
        retry_key: str | None = None,
    ) -> int:
        """Record a memo to send; older queued memos for the same district, kind and channel are superseded.

        A memo already recorded (queued, in flight, sent or unconfirmed) is recorded again, under the
        next generation, only with `resend`; otherwise that is an error (callers check `recorded`).
        `retry_key`: stored with the row before any attempt (LINE's X-Line-Retry-Key).
        """
        with self._db() as db:
            (generation, live) = db.execute(
                "SELECT COALESCE(MAX(generation) + 1, 0), COUNT(CASE WHEN status NOT IN (?, ?) THEN 1 END)"
                " FROM memos WHERE district = ? AND kind = ? AND period = ? AND content_hash = ? AND channel = ?",
                (*_NOT_RECORDED, key.district, key.kind, key.period, key.content_hash, key.channel),
            ).fetchone()
            if live and not resend:
                raise ValueError(f"memo {key} is already recorded")
            db.execute(
                "UPDATE memos SET status = ? WHERE district = ? AND kind = ? AND channel = ? AND status = ?",
                (SUPERSEDED, key.district, key.kind, key.channel, QUEUED),
            )
            cursor = db.execute(
                "INSERT INTO memos (district, kind, period, content_hash, generation, status, as_of, file_name,"
                " subject, sender, recipients, message, queued_at, channel, retry_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    key.channel,
                    retry_key,
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

    def mark_refused(self, entry_id: int, error: str) -> None:
        """Refused for good (LINE's 4xx): 'failed', no longer counted as recorded."""
        with self._db() as db:
            db.execute("UPDATE memos SET status = ?, last_error = ? WHERE id = ?", (FAILED, error, entry_id))

    def mark_unconfirmed(self, entry_id: int, note: str) -> None:
        """Its fate cannot be learnt any more (retry key expired): recorded, never sent again by itself."""
        with self._db() as db:
            db.execute("UPDATE memos SET status = ?, last_error = ? WHERE id = ?", (UNCONFIRMED, note, entry_id))


def _migrate_to_channels(path: Path) -> None:
    """Rebuild a ledger table of before channels (its UNIQUE key lacks the channel), in one transaction:
    its rows become e-mail rows. Nothing to do for a new or already migrated ledger."""
    with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            if Ledger._has_channels(db):
                db.execute("ROLLBACK")
                return
            columns = ", ".join(_OLD_COLUMNS)
            db.execute("ALTER TABLE memos RENAME TO memos_before_channels")
            db.execute("DROP INDEX IF EXISTS memos_status")
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            db.execute(
                f"INSERT INTO memos ({columns}, channel)"
                f" SELECT {columns}, '{EMAIL}' FROM memos_before_channels ORDER BY id"
            )
            db.execute("DROP TABLE memos_before_channels")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
