"""Tries at sending a memo that did not deliver it, and what the next run does about each.

Table `attempts`, beside the ledger's `memos` in memos.sqlite: one row per such try.

- ambiguous: the connection was lost after the whole message was handed over; the server may have
  accepted it. interrupted: the run was killed while the memo was being sent (its row was left
  'sending'), so the same holds. Either is sent again at most `email.retry.ambiguous_retries`
  times (default once: at most one duplicate), then the memo is *held* for the operator.
- refused: the server refused the message. For now (4xx): sent again after a wait that doubles
  each time (`refused_backoff_minutes`), at most `refused_max_attempts` tries, then given up
  (status 'refused'). For good (5xx): given up at once.
- failed: the server could not be used before the message was handed over (down, login refused):
  no harm done, the next run tries again, with no limit.

`cli.py status` lists held and given-up memos; `sync --resend` sends a held memo again (its own
message, with its Message-ID, so a reader that has it can tell). A memo of the same district and
kind that is delivered later settles them (superseded).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.config import Retry
from sync.delivery.ledger import EMAIL, HELD, QUEUED, REFUSED, SENDING, SUPERSEDED, Entry, Ledger

AMBIGUOUS, INTERRUPTED, REFUSAL, FAILED = "ambiguous", "interrupted", "refused", "failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    memo_id INTEGER NOT NULL REFERENCES memos (id),
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT,
    retry_after TEXT
);
CREATE INDEX IF NOT EXISTS attempts_memo ON attempts (memo_id);
"""


def _utc(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


class DeliveryLedger(Ledger):
    """The ledger as the sender uses it: what is due now, and what each failed try means."""

    def __init__(self, state_dir: Path, retry: Retry, *, create: bool = True):
        super().__init__(state_dir, create=create)
        self.retry = retry
        if create:
            with self._db() as db:
                db.executescript(_SCHEMA)

    def _email(self, where: str, *params) -> list[Entry]:
        """E-mail rows only: LINE rows (channel 'line') have their own retries (sync/delivery/line)."""
        return self._rows(f"channel = ? AND {where}", (EMAIL, *params))

    def _note(self, entry_id: int, outcome: str, error: str, now: dt.datetime, retry_after=None) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO attempts (memo_id, at, outcome, error, retry_after) VALUES (?, ?, ?, ?, ?)",
                (entry_id, _utc(now), outcome, error, retry_after and _utc(retry_after)),
            )

    def _count(self, entry_id: int, *outcomes: str) -> int:
        marks = ", ".join("?" for _ in outcomes)
        with self._db() as db:
            query = f"SELECT COUNT(*) FROM attempts WHERE memo_id = ? AND outcome IN ({marks})"
            return db.execute(query, (entry_id, *outcomes)).fetchone()[0]

    def _set(self, entry_id: int, status: str, error: str) -> None:
        with self._db() as db:
            db.execute("UPDATE memos SET status = ?, last_error = ? WHERE id = ?", (status, error, entry_id))

    def _retry_after(self, entry_id: int) -> str | None:
        if not self.exists:
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT retry_after FROM attempts WHERE memo_id = ? ORDER BY id DESC LIMIT 1", (entry_id,)
            ).fetchone()
        return row[0] if row else None

    # --- before sending ---

    def settle_leftovers(self, now: dt.datetime) -> list[Entry]:
        """Rows left 'sending' by a killed run: sent again (the server may have them: at most
        `ambiguous_retries` times), else held. Returns the ones held now."""
        held = []
        for entry in self._email("status = ?", SENDING):
            error = "the run was killed while the memo was being sent; the server may have accepted it"
            if self._ambiguous(entry.id, INTERRUPTED, error, now):
                held.append(entry)
        return held

    def due(self, now: dt.datetime) -> list[Entry]:
        """Queued rows to send now (not waiting out a refusal), oldest first."""
        return [e for e in self._email("status = ?", QUEUED) if (self._retry_after(e.id) or "") <= _utc(now)]

    def waiting(self, now: dt.datetime) -> list[tuple[Entry, str]]:
        """Queued rows waiting out a refusal, with the time (UTC) they are sent again."""
        pairs = [(e, self._retry_after(e.id) or "") for e in self._email("status = ?", QUEUED)]
        return [(e, after) for e, after in pairs if after > _utc(now)]

    def needing_operator(self) -> list[Entry]:
        """Held memos (maybe delivered, not sent again) and memos the server refused for good."""
        return self._email("status IN (?, ?)", HELD, REFUSED)

    def release_held(self, districts: set[str], kinds: set[str]) -> list[Entry]:
        """Held memos of these districts and kinds back to the queue (an operator's --resend)."""
        released = [e for e in self._email("status = ?", HELD) if e.district in districts and e.kind in kinds]
        for entry in released:
            self._set(entry.id, QUEUED, entry.last_error)
        return released

    # --- after a try ---

    def _ambiguous(self, entry_id: int, outcome: str, error: str, now: dt.datetime) -> bool:
        self._note(entry_id, outcome, error, now)
        held = self._count(entry_id, AMBIGUOUS, INTERRUPTED) > self.retry.ambiguous_retries
        self._set(entry_id, HELD if held else QUEUED, error)
        return held

    def mark_ambiguous(self, entry_id: int, error: str, now: dt.datetime) -> bool:
        """The connection was lost after the message was handed over. True: held from now on."""
        return self._ambiguous(entry_id, AMBIGUOUS, error, now)

    def mark_refusal(self, entry_id: int, error: str, now: dt.datetime, *, permanent: bool) -> dt.datetime | None:
        """The server refused the message: the time it is tried again, or None when given up."""
        refusals = self._count(entry_id, REFUSAL)
        if permanent or refusals + 1 >= self.retry.refused_max_attempts:
            self._note(entry_id, REFUSAL, error, now)
            self._set(entry_id, REFUSED, error)
            return None
        after = now + dt.timedelta(minutes=self.retry.refused_backoff_minutes * 2**refusals)
        self._note(entry_id, REFUSAL, error, now, after)
        self._set(entry_id, QUEUED, error)
        return after

    def mark_unsent(self, entry_id: int, error: str, now: dt.datetime) -> None:
        """The server could not be used; nothing was handed over. Back to the queue."""
        self._note(entry_id, FAILED, error, now)
        self._set(entry_id, QUEUED, error)

    def settle_older(self, entry: Entry) -> None:
        """A memo went out: held and given-up memos of its district and kind are settled by it."""
        with self._db() as db:
            db.execute(
                "UPDATE memos SET status = ? WHERE district = ? AND kind = ? AND channel = ? AND status IN (?, ?)"
                " AND id < ?",
                (SUPERSEDED, entry.district, entry.kind, EMAIL, HELD, REFUSED, entry.id),
            )
