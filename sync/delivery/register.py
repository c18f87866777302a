"""The memo register (ทะเบียนหนังสือส่ง): the ที่ number of every memo the service sends.

Numbers run per calendar year and office prefix ("ชร ๐๐๑๙.๒/๑๒๓": number 123 of the year under
the prefix ชร ๐๐๑๙.๒), from 1, in SQLite in the state folder (register.sqlite). A number is given
to a memo when it is queued to be sent and is never given again, even when that memo is not
sent in the end (a newer memo replaced it). The same memo keeps its number: queued again after a
crash, or sent again with `--resend` (the same district, kind and content), it gets the number
it had. A preview never takes a number (`peek` only says which would be next).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sync.delivery.ledger import Key
from sync.textnorm import to_thai_digits

_SCHEMA = """
CREATE TABLE IF NOT EXISTS register (
    id INTEGER PRIMARY KEY,
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    subject TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    UNIQUE (prefix, year, number)
);
CREATE INDEX IF NOT EXISTS register_memo ON register (district, kind, content_hash);
"""


@dataclass(frozen=True)
class MemoNumber:
    prefix: str
    year: int  # calendar year (CE) of the memo's date
    number: int

    def __str__(self) -> str:
        """As the memo prints it: ชร ๐๐๑๙.๒/๑๒๓."""
        return f"{self.prefix}/{to_thai_digits(str(self.number))}"


class Register:
    def __init__(self, state_dir: Path, *, create: bool = True):
        """`create` False: read-only use (previews); a missing database reads as empty."""
        self.path = state_dir / "register.sqlite"
        self.exists = self.path.exists()
        if create:
            state_dir.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=30)) as db:
                db.executescript(_SCHEMA)
            self.exists = True

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.execute("PRAGMA synchronous = FULL")
            db.execute("BEGIN IMMEDIATE")  # one number at a time, whoever else holds the file
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _given(self, db, prefix: str, year: int, key: Key, any_period: bool) -> MemoNumber | None:
        query = "SELECT number FROM register WHERE prefix = ? AND year = ? AND district = ? AND kind = ?"
        query += " AND content_hash = ?" + ("" if any_period else " AND period = ?")
        params = (prefix, year, key.district, key.kind, key.content_hash) + (() if any_period else (key.period,))
        row = db.execute(query + " ORDER BY id DESC LIMIT 1", params).fetchone()
        return MemoNumber(prefix, year, row[0]) if row else None

    def _last(self, db, prefix: str, year: int) -> int:
        query = "SELECT COALESCE(MAX(number), 0) FROM register WHERE prefix = ? AND year = ?"
        return db.execute(query, (prefix, year)).fetchone()[0]

    def number(self, prefix: str, day: dt.date, key: Key, subject: str, *, resend: bool = False) -> MemoNumber:
        """The memo's number: the one it was given before (same district, kind, period and content;
        with `resend`, any period), else the next of the year under this prefix."""
        with self._db() as db:
            given = self._given(db, prefix, day.year, key, any_period=resend)
            if given:
                return given
            number = self._last(db, prefix, day.year) + 1
            db.execute(
                "INSERT INTO register (prefix, year, number, district, kind, period, content_hash, subject,"
                " assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (prefix, day.year, number, key.district, key.kind, key.period, key.content_hash, subject,
                 dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
            )
            return MemoNumber(prefix, day.year, number)

    def peek(self, prefix: str, day: dt.date, key: Key) -> tuple[MemoNumber | None, MemoNumber]:
        """(the number this memo already has or None, the next free number); takes none."""
        if not self.exists:
            return None, MemoNumber(prefix, day.year, 1)
        with self._db() as db:
            return self._given(db, prefix, day.year, key, any_period=False), MemoNumber(
                prefix, day.year, self._last(db, prefix, day.year) + 1
            )
