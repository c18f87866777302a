"""Run history: one row per sync run, in SQLite in the state folder."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import astuple, dataclass, fields
from pathlib import Path


@dataclass
class Run:
    started: str
    finished: str
    as_of: str
    districts_ok: int
    districts_failed: int
    open_findings: int
    emails: int


_COLUMNS = ", ".join(f.name for f in fields(Run))


class History:
    def __init__(self, state_dir: Path):
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "history.sqlite"
        with closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, started TEXT, finished TEXT, as_of TEXT,"
                " districts_ok INTEGER, districts_failed INTEGER, open_findings INTEGER, emails INTEGER)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def record(self, run: Run) -> None:
        with closing(self._connect()) as db, db:
            db.execute(f"INSERT INTO runs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", astuple(run))

    def recent(self, limit: int = 50) -> list[Run]:
        with closing(self._connect()) as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [Run(*row) for row in rows]
