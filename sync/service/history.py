"""Run history: one row per sync run, in SQLite in the state folder.

A run is begun (status ``running``) when it starts and finished when it ends, so a run killed
half-way stays visible: the next run, which holds the run lock and therefore knows nobody else is
running, marks such rows ``interrupted``. A run may write its figures before it ends (the summary's
history tab shows the run that writes it): that row stays ``running`` until the run ends, so a
kill after it is still an interrupted run, never an ``ok`` one. Tables of older versions get the
new columns added.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

RUNNING, OK, FAILED, STOPPED, INTERRUPTED = "running", "ok", "failed", "stopped", "interrupted"


@dataclass
class Run:
    started: str
    finished: str
    as_of: str
    districts_ok: int = 0
    districts_failed: int = 0
    open_findings: int = 0
    emails: int = 0
    status: str = OK  # running, ok, failed, stopped (SIGTERM/SIGINT), interrupted (killed)
    trigger: str = "manual"  # manual, schedule, catch-up
    memos: str = ""  # memo kinds the run was asked for, comma-separated: reminder, summary
    findings: dict[str, int] = field(default_factory=dict)  # findings by status
    api_requests: int = 0
    errors: list[str] = field(default_factory=list)
    pid: int | None = None
    host: str = ""
    id: int | None = None

    @property
    def memo_kinds(self) -> set[str]:
        return {kind for kind in self.memos.split(",") if kind}


# column name -> SQL type; the first eight are the original table
_SQL = {
    "started": "TEXT",
    "finished": "TEXT",
    "as_of": "TEXT",
    "districts_ok": "INTEGER",
    "districts_failed": "INTEGER",
    "open_findings": "INTEGER",
    "emails": "INTEGER",
    "status": "TEXT",
    "trigger": "TEXT",
    "memos": "TEXT",
    "findings": "TEXT",
    "api_requests": "INTEGER",
    "errors": "TEXT",
    "pid": "INTEGER",
    "host": "TEXT",
}
_NAMES = [f.name for f in fields(Run) if f.name != "id"]
assert _NAMES == list(_SQL)
_JSON = {"findings", "errors"}


def _to_row(run: Run) -> tuple:
    return tuple(json.dumps(getattr(run, n), ensure_ascii=False) if n in _JSON else getattr(run, n) for n in _NAMES)


def _from_row(row: tuple) -> Run:
    run_id, *values = row
    data = dict(zip(_NAMES, values, strict=True))
    defaults = Run("", "", "")
    for name, value in data.items():
        if value is None and name != "pid":
            data[name] = getattr(defaults, name)  # columns added after the row was written
        elif name in _JSON:
            data[name] = json.loads(value)
    return Run(**data, id=run_id)


class History:
    def __init__(self, state_dir: Path):
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "history.sqlite"
        with closing(self._connect()) as db:
            db.isolation_level = None  # explicit transaction: two processes may open the history at once
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, started TEXT, finished TEXT, as_of TEXT,"
                    " districts_ok INTEGER, districts_failed INTEGER, open_findings INTEGER, emails INTEGER)"
                )
                present = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
                for name, sql_type in _SQL.items():
                    if name not in present:
                        db.execute(f"ALTER TABLE runs ADD COLUMN {name} {sql_type}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def record(self, run: Run) -> Run:
        """Add a row; returns the run with its id."""
        placeholders = ", ".join("?" for _ in _NAMES)
        with closing(self._connect()) as db, db:
            cursor = db.execute(f"INSERT INTO runs ({', '.join(_NAMES)}) VALUES ({placeholders})", _to_row(run))
            run.id = cursor.lastrowid
        return run

    def begin(self, run: Run) -> Run:
        """Record a run that is starting. Call it holding the run lock: rows still ``running`` then
        belong to runs that were killed, and are marked ``interrupted``."""
        with closing(self._connect()) as db, db:
            db.execute("UPDATE runs SET status = ? WHERE status = ?", (INTERRUPTED, RUNNING))
        run.status = RUNNING
        return self.record(run)

    def finish(self, run: Run, *, provisional: bool = False) -> None:
        """Update the row of a begun run with its current fields. `provisional`: the run is not over
        yet; its row keeps the status ``running`` (a kill from here on reads as interrupted)."""
        if run.id is None:
            raise ValueError("finish() needs a run returned by begin() or record()")
        row = _to_row(replace(run, status=RUNNING) if provisional else run)
        assignments = ", ".join(f"{n} = ?" for n in _NAMES)
        with closing(self._connect()) as db, db:
            db.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*row, run.id))

    def recent(self, limit: int = 50, current: Run | None = None) -> list[Run]:
        """The latest runs, newest first; `current` (a run still in progress) as it will be recorded."""
        with closing(self._connect()) as db:
            rows = db.execute(f"SELECT id, {', '.join(_NAMES)} FROM runs ORDER BY id DESC LIMIT ?", (limit,))
            runs = [_from_row(row) for row in rows.fetchall()]
        return [current if current is not None and r.id == current.id else r for r in runs]

    def last(self, status: str | None = None, memo: str | None = None) -> Run | None:
        """The newest run with this status and asked for this memo kind (None: any)."""
        query, params = f"SELECT id, {', '.join(_NAMES)} FROM runs WHERE 1=1", []
        if status is not None:
            query += " AND COALESCE(status, 'ok') = ?"
            params.append(status)
        if memo is not None:
            query += " AND (',' || COALESCE(memos, '') || ',') LIKE ?"
            params.append(f"%,{memo},%")
        with closing(self._connect()) as db:
            row = db.execute(query + " ORDER BY id DESC LIMIT 1", params).fetchone()
        return _from_row(row) if row else None
