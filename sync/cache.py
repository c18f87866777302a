"""The parsed-tables cache: an unchanged district workbook is neither read nor parsed again.

A sync reads every district workbook. When a workbook is the one last read, its tabs as read and
as parsed come from `parsed-cache.sqlite` in the state folder instead of python-calamine and the
parser; the rules still run, with the day's date. An entry is found by the workbook's path:

- its size, mtime, ctime and inode unchanged: a hit without opening the file (any write, and any
  tool that sets the mtime back, changes the ctime; a file that changed while it was read, or
  within two seconds before, is hashed the next time: timestamps move in ticks);
- otherwise its sha256 unchanged (touched, copied back): a hit, once the file is hashed;
- otherwise read again; when every officer tab reads as before (only formats or the status tab
  changed) the parse is kept, else the workbook is parsed again.

After the service writes a workbook's status tab, the entry follows the new file: once the file is
seen to hold the bytes written, only its status tab is read (the zip-level writer changes nothing
else, sync/backends/xlsx_package.py). The entry of a workbook just read is held in memory (a few
dozen at most) until its status write is known, so that each entry is written once; the rest are
written when the run ends (a run that crashes only leaves them to be read again).

Entries belong to one version of the parsing code and of the programme configuration; others are
dropped, and so are those of files no longer there. A cache that cannot be opened or written is
left out of the run with a warning: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sync.backends import SourceUnreadable
from sync.config import District, Programme
from sync.model import RawWorkbook
from sync.normalise import Parser
from sync.schema import STATUS
from sync.tagged_json import decode, decode_workbook, encode, encode_workbook

log = logging.getLogger("khoknongna.cache")

FILE = "parsed-cache.sqlite"
_SCHEMA = 2  # the layout of the table: another one is dropped
# What a parse depends on besides the workbook and the programme: this code and these packages.
_CODE = (
    "sync.cache",
    "sync.tagged_json",
    "sync.backends.xlsx",
    "sync.normalise",
    "sync.textnorm",
    "sync.dates",
    "sync.schema",
    "sync.model",
)
_PACKAGES = ("python-calamine", "pythainlp")

Loader = Callable[[Path], bytes]  # the backend's read of a file (its errors say what is wrong)
# The backend's read of a workbook's bytes; the tabs of the mapping, if given, are known and not read.
Reader = Callable[[Path, bytes, dict[str, list[list[Any]]] | None], RawWorkbook]
_SETTLED_NS = 2_000_000_000  # a file changed less recently than this is trusted by its stamp
_SHARED = {"check_same_thread": False}  # one connection for the run's threads, used under ParsedCache.lock
_MOST_ROWS = 10_000  # rows of a workbook whose entry is kept (a district's has some hundreds)
_PENDING = 32  # entries held until their workbook's status write is known (a sync writes right behind its reads)


class Stamp(NamedTuple):
    """What a stat says about a file's version."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> Stamp:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class ParsedCache:
    """Workbooks as read and parsed, by path, for one programme; `write=False` only looks up."""

    def __init__(self, state: Path, programme: Programme, *, write: bool = True):
        self.path = Path(state) / FILE
        self.parser = Parser(programme)
        self.version = _version(programme)
        self.write = write
        self.lock = threading.Lock()  # reads and status writes may run in threads of their own
        self.db = self._connect()
        self._read: dict[Path, str] = {}  # sha256 of each workbook this run read, by path
        # Entries of workbooks just read, not yet stored: when the run then writes the workbook's status,
        # only the entry that follows the new file is stored (one write of each entry, not two).
        self._pending: dict[Path, Entry] = {}

    def flush(self) -> None:
        """Store the entries still held (the end of a run)."""
        with self.lock:
            while self._pending:
                self._store(*self._pending.popitem())

    def _connect(self) -> sqlite3.Connection | None:
        """The cache database; a damaged one is made anew (it only ever saves time); None when
        it cannot be used at all, with a warning."""
        try:
            return self._open()
        except (sqlite3.Error, OSError) as exc:
            damaged = getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT")
            if not (damaged and self.write):  # e.g. a read-only state folder
                log.warning("parsed-tables cache %s not used: %s", self.path, exc)
                return None
            log.warning("parsed-tables cache %s is damaged (%s): made anew", self.path, exc)
        try:
            for suffix in ("", "-wal", "-shm"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
            return self._open()
        except (sqlite3.Error, OSError) as exc:
            log.warning("parsed-tables cache %s not used: %s", self.path, exc)
            return None

    def _open(self) -> sqlite3.Connection | None:
        if not self.write:
            if not self.path.exists():
                return None
            return sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, isolation_level=None, **_SHARED)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, **_SHARED)  # autocommit: one entry, one write
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: no fsync per entry, never corrupt
            if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA:  # made by another layout
                db.execute("DROP TABLE IF EXISTS workbooks")
                db.execute(f"PRAGMA user_version = {_SCHEMA}")
            db.execute(
                "CREATE TABLE IF NOT EXISTS workbooks (path TEXT PRIMARY KEY, version TEXT NOT NULL, size INTEGER,"
                " mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, sha256 TEXT, raw TEXT, parsed TEXT)"
            )
            db.execute("DELETE FROM workbooks WHERE version != ?", (self.version,))
            gone = [(p,) for (p,) in db.execute("SELECT path FROM workbooks") if not os.path.exists(p)]
            db.executemany("DELETE FROM workbooks WHERE path = ?", gone)  # renamed or removed workbooks
        except sqlite3.Error:
            db.close()
            raise
        return db

    def read(self, path: Path, district: District, load: Loader, reader: Reader) -> RawWorkbook:
        """The workbook at `path`, with `parsed` set: from the cache when unchanged, else read with
        `load` and `reader`, parsed, and kept."""
        entry = self._entry(path)
        if entry is not None and entry.stamp is not None and entry.stamp == _stamp(path):
            hit = self._decoded(entry, district)
            if hit is not None:
                self._read[path] = entry.sha256
                return hit
        stamp, data = _loaded(path, load)
        digest = hashlib.sha256(data).hexdigest()
        self._read[path] = digest
        if entry is not None and entry.sha256 == digest:
            hit = self._decoded(entry, district)
            if hit is not None:
                self._hold(path, entry._replace(stamp=stamp))
                return hit
        raw = reader(path, data, None)
        kept = self._decoded(entry, district) if entry is not None else None
        if kept is not None and _officer_tabs(kept) == _officer_tabs(raw):  # only formats or the status tab changed
            raw.parsed, parsed_text = kept.parsed, entry.parsed
        else:
            raw.parsed = self.parser.parse(raw, district.code, district.name)
            parsed_text = _encoded(raw.parsed) if _keepable(path, raw) else None
        self._keep(path, stamp, digest, raw, parsed_text)
        return raw

    def written(self, path: Path, raw: RawWorkbook, written: bytes, load: Loader, reader: Reader) -> None:
        """After the service wrote `written` over the workbook read as `raw` (at `path`), changing
        only its status tab: the entry follows the new file, once the file is seen to hold exactly
        those bytes (else an officer saved it since, and the next read parses it)."""
        with self.lock:
            held = self._pending.pop(path, None)
        entry = held or self._entry(path)
        if entry is None or entry.sha256 != self._read.get(path):  # not kept when this run read it
            if held is not None:
                self._put(path, held)
            return
        try:
            stamp, data = _loaded(path, load)
            if data != written:
                new = None
            else:
                new = reader(path, data, _officer_tabs(raw))  # only the status tab is read again
        except SourceUnreadable as exc:  # the next sync reads it again and says what is wrong
            log.warning("parsed-tables cache: %s not read back after writing: %s", path, exc)
            new = None
        if new is None:  # an officer saved it since: the entry of what this run read stays
            if held is not None:
                self._put(path, held)
            return
        self._keep(path, stamp, hashlib.sha256(data).hexdigest(), new, entry.parsed, hold=False)

    # --- storage -------------------------------------------------------------------------------
    def _entry(self, path: Path) -> Entry | None:
        with self.lock:
            if path in self._pending:
                return self._pending[path]
            if self.db is None:
                return None
            try:
                row = self.db.execute(
                    "SELECT size, mtime_ns, ctime_ns, inode, sha256, raw, parsed FROM workbooks"
                    " WHERE path = ? AND version = ?",
                    (str(path), self.version),
                ).fetchone()
            except sqlite3.Error as exc:
                self._drop(exc)
                return None
        if row is None:
            return None
        return Entry(Stamp(*row[:4]) if row[0] is not None else None, *row[4:])

    def _decoded(self, entry: Entry, district: District) -> RawWorkbook | None:
        """The workbook of `entry` with its parse; None (and a warning) if it cannot be decoded."""
        try:
            raw = decode_workbook(entry.raw)
            raw.parsed = decode(entry.parsed)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("parsed-tables cache: an entry could not be decoded (%s); reading the workbook", exc)
            return None
        raw.parsed.code, raw.parsed.name = district.code, district.name
        return raw

    def _keep(
        self, path: Path, stamp: Stamp | None, digest: str, raw: RawWorkbook, parsed: str | None, *, hold: bool = True
    ) -> None:
        """Keep the entry of `raw`: stored now, or (`hold`, a workbook just read) held until its
        status write is known."""
        if parsed is not None and self.db is not None and self.write:
            read = _encoded(raw, encode_workbook)
            if read is not None:
                entry = Entry(stamp, digest, read, parsed)
                if hold:
                    self._hold(path, entry)
                else:
                    self._put(path, entry)

    def _hold(self, path: Path, entry: Entry) -> None:
        with self.lock:
            self._pending.pop(path, None)
            self._pending[path] = entry
            while len(self._pending) > _PENDING:  # the oldest, whose status was not written, are stored
                oldest = next(iter(self._pending))
                self._store(oldest, self._pending.pop(oldest))

    def _put(self, path: Path, entry: Entry) -> None:
        with self.lock:
            self._store(path, entry)

    def _store(self, path: Path, entry: Entry) -> None:
        """Write one entry (holding the lock)."""
        if self.db is None or not self.write:
            return
        stamp = entry.stamp or (None,) * 4
        try:
            self.db.execute(
                "INSERT OR REPLACE INTO workbooks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(path), self.version, *stamp, entry.sha256, entry.raw, entry.parsed),
            )
        except sqlite3.Error as exc:
            self._drop(exc)

    def _drop(self, exc: Exception) -> None:
        """Leave the cache out of the rest of the run (holding the lock)."""
        log.warning("parsed-tables cache %s left out of this run: %s", self.path, exc)
        db, self.db = self.db, None
        with contextlib.suppress(sqlite3.Error):
            db.close()


class Entry(NamedTuple):
    """A workbook as kept: the stamp and sha256 of its file, and its tabs as read and as parsed."""

    stamp: Stamp | None  # None: check the sha256 the next time
    sha256: str
    raw: str  # the RawWorkbook as read (without `parsed`), encoded
    parsed: str  # its DistrictData, encoded


def _encoded(value: Any, encoder: Callable[[Any], str] = encode) -> str | None:
    try:
        return encoder(value)
    except (ValueError, TypeError, RecursionError) as exc:
        log.info("parsed-tables cache: not kept (%s)", exc)
        return None


def _keepable(path: Path, raw: RawWorkbook) -> bool:
    """Whether a workbook is small enough to keep. A district's workbook has some hundreds of rows;
    one of tens of thousands (pasted by mistake) would take more memory as text than reading it
    again costs time: a sync of a 50,000-row tab grew from 376 to 483 MiB keeping it."""
    rows = sum(map(len, raw.tabs.values()))
    if rows > _MOST_ROWS:
        log.info("parsed-tables cache: %s not kept (%d rows; at most %d)", path, rows, _MOST_ROWS)
    return rows <= _MOST_ROWS


def _stamp(path: Path) -> Stamp | None:
    try:
        return Stamp.of(path.stat())
    except OSError:
        return None


def _loaded(path: Path, load: Loader) -> tuple[Stamp | None, bytes]:
    """The file's bytes and the stamp they belong to; no stamp (so the next read hashes the file)
    when it changed while being read, or so shortly before that another change could share the
    stamp (timestamps move in ticks of a few milliseconds)."""
    before = _stamp(path)
    data = load(path)
    after = _stamp(path)
    if before != after or after is None or time.time_ns() - after.mtime_ns < _SETTLED_NS:
        return None, data
    return after, data


def _officer_tabs(raw: RawWorkbook) -> dict[str, list[list[Any]]]:
    """Every tab but the service's own (titled exactly so), as read: what a parse depends on."""
    return {title: rows for title, rows in raw.tabs.items() if title != STATUS}


def _version(programme: Programme) -> str:
    """A digest of what a parse depends on: the programme, the parsing code, calamine and pythainlp."""
    digest = hashlib.sha256(programme.model_dump_json().encode())
    for name in _CODE:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    for package in _PACKAGES:
        digest.update(importlib.metadata.version(package).encode())
    return digest.hexdigest()
