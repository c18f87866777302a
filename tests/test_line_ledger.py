"""The ledger's channel and retry key: LINE rows beside e-mail rows, and ledgers of before channels migrated."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from sync.delivery.ledger import FAILED, SENT, UNCONFIRMED, Key, Ledger

# The table as ledgers written before channels have it.
OLD_SCHEMA = """
CREATE TABLE memos (
    id INTEGER PRIMARY KEY, district TEXT NOT NULL, kind TEXT NOT NULL, period TEXT NOT NULL,
    content_hash TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, as_of TEXT NOT NULL,
    file_name TEXT NOT NULL, subject TEXT NOT NULL, sender TEXT NOT NULL, recipients TEXT NOT NULL,
    message BLOB NOT NULL, queued_at TEXT NOT NULL, sent_at TEXT, transport TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    UNIQUE (district, kind, period, content_hash, generation)
);
CREATE INDEX memos_status ON memos (status);
"""
EMAIL_KEY = Key("5702", "reminder", "overdue:2025-01-20", "abc")
LINE_KEY = Key("5702", "reminder", "overdue:2025-01-20", "abc", "line")


def _queue(ledger: Ledger, key: Key, **extra) -> int:
    return ledger.queue(key, as_of="2025-01-21", file_name="5702-reminder", subject="s", sender="",
                        recipients=["x"], message=b"body", **extra)


def _old_ledger(state: Path) -> Path:
    state.mkdir(parents=True)
    path = state / "memos.sqlite"
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO memos (district, kind, period, content_hash, status, as_of, file_name, subject, sender,"
            " recipients, message, queued_at, sent_at, transport, attempts) VALUES"
            " ('5702', 'reminder', 'overdue:2025-01-20', 'abc', 'sent', '2025-01-21', '5702-reminder.eml', 'subj',"
            " 'a@b.c', '[\"d@e.f\"]', x'00ff', '2025-01-21T02:00:00+00:00', '2025-01-21T02:00:01+00:00', 'smtp', 1)"
        )
    return path


def test_an_old_ledger_is_read_as_email_rows_without_being_changed(tmp_path: Path):
    path = _old_ledger(tmp_path / "state")
    before = path.read_bytes()
    ledger = Ledger(tmp_path / "state", create=False)
    [entry] = ledger.recorded(EMAIL_KEY)
    assert (entry.channel, entry.status, entry.retry_key) == ("email", SENT, None)
    assert ledger.recorded(LINE_KEY) == [] and ledger.pending("line") == []
    assert path.read_bytes() == before


def test_an_old_ledger_is_migrated_and_its_rows_become_email_rows(tmp_path: Path):
    _old_ledger(tmp_path / "state")
    ledger = Ledger(tmp_path / "state")
    [entry] = ledger.entries()
    assert (entry.channel, entry.status, entry.file_name, entry.sent_at) == (
        "email", SENT, "5702-reminder.eml", "2025-01-21T02:00:01+00:00")
    assert ledger.message(entry.id) == b"\x00\xff"
    with pytest.raises(ValueError, match="already recorded"):
        _queue(ledger, EMAIL_KEY)  # still never twice
    _queue(ledger, LINE_KEY, retry_key="5b1f0d0e-8c52-4c1b-9d7e-3f0a1c2b4d5e")  # the same news on LINE is its own row
    assert [(e.channel, e.status) for e in ledger.entries()] == [("email", SENT), ("line", "queued")]
    Ledger(tmp_path / "state")  # opening it again changes nothing
    assert len(Ledger(tmp_path / "state").entries()) == 2


def test_the_retry_key_is_stored_before_any_attempt(tmp_path: Path):
    ledger = Ledger(tmp_path)
    entry_id = _queue(ledger, LINE_KEY, retry_key="5b1f0d0e-8c52-4c1b-9d7e-3f0a1c2b4d5e")
    [entry] = ledger.pending("line")
    assert (entry.id, entry.attempts, entry.retry_key) == (entry_id, 0, "5b1f0d0e-8c52-4c1b-9d7e-3f0a1c2b4d5e")
    assert ledger.pending() == []  # e-mail's queue is its own


def test_a_refused_line_row_no_longer_counts_an_unconfirmed_one_does(tmp_path: Path):
    ledger = Ledger(tmp_path)
    first = _queue(ledger, LINE_KEY, retry_key="k1")
    ledger.mark_refused(first, "400 The property, 'to', in the request body is invalid")
    assert ledger.recorded(LINE_KEY) == [] and ledger.entries()[0].status == FAILED
    second = _queue(ledger, LINE_KEY, retry_key="k2")  # the next run, with the group id fixed, sends it anew
    ledger.mark_unconfirmed(second, "retry key expired")
    assert [e.status for e in ledger.for_period("5702", "reminder", "overdue:2025-01-20", "line")] == [UNCONFIRMED]
    assert ledger.pending("line") == []
