"""The parsed-tables cache: an unchanged district workbook is neither read nor parsed again.

A sync reads every district workbook. When a workbook is the one last read, its tabs as read and
as parsed come from `parsed-cache.sqlite` in the state folder instead of python-calamine and the
parser; the rules still run, with the day's date. An entry is found by the workbook's path:

- its size, mtime, ctime and inode unchanged: a hit without opening the file (any write, and any
  tool that sets the mtime back, changes the ctime);
- otherwise its sha256 unchanged (touched, copied back): a hit, once the file is hashed;
- otherwise read again; when every officer tab reads as before (only formats or the status tab
  changed) the parse is kept, else the workbook is parsed again.

After the service writes a workbook's status tab, the entry follows the new file once a read of it
shows every officer tab as it was. Entries belong to one version of the parsing code and of the
programme configuration; others are dropped. A cache that cannot be opened or written is left
out of the run with a warning: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import logging
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, NamedTuple

from sync.backends import SourceUnreadable
from sync.config import District, Programme
from sync.model import RawWorkbook
from sync.normalise import Parser, find_tab
from sync.schema import STATUS
from sync.tagged_json import decode, encode

log = logging.getLogger("khoknongna.cache")

FILE = "parsed-cache.sqlite"
# What a parse depends on besides the workbook and the programme: this code and these packages.
_CODE = ("sync.cache", "sync.tagged_json", "sync.normalise", "sync.textnorm", "sync.dates", "sync.schema", "sync.model")
_CODE += ("sync.backends.xlsx",)
_PACKAGES = ("python-calamine", "pythainlp")

Reader = Callable[[Path, bytes], RawWorkbook]  # the backend's read of a workbook's bytes


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
        self.db = self._connect()

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
            return sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, isolation_level=None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # autocommit: one entry, one write
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: no fsync per entry, never corrupt
            db.execute(
                "CREATE TABLE IF NOT EXISTS workbooks (path TEXT PRIMARY KEY, version TEXT NOT NULL,"
                " size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, sha256 TEXT, entry TEXT)"
            )
            db.execute("DELETE FROM workbooks WHERE version != ?", (self.version,))
        except sqlite3.Error:
            db.close()
            raise
        return db

    def read(self, path: Path, district: District, reader: Reader) -> RawWorkbook:
        """The workbook at `path`, with `parsed` set: from the cache when unchanged, else through
        `reader` and the parser (and then kept)."""
        row = self._row(path)
        if row is not None and Stamp(*row[:4]) == Stamp.of(path.stat()):
            hit = self._hit(row[5], district)
            if hit is not None:
                return hit
        with open(path, "rb") as handle:
            stamp, data = Stamp.of(os.fstat(handle.fileno())), handle.read()
        digest = hashlib.sha256(data).hexdigest()
        kept = self._hit(row[5], district) if row is not None else None
        if kept is not None and row[4] == digest:
            self._put(path, stamp, digest, row[5])
            return kept
        raw = reader(path, data)
        if kept is not None and _officer_tabs(kept) == _officer_tabs(raw):
            raw.parsed = kept.parsed
        else:
            raw.parsed = self.parser.parse(raw, district.code, district.name)
        self._keep(path, stamp, digest, raw)
        return raw

    def written(self, path: Path, raw: RawWorkbook, reader: Reader) -> None:
        """After the service wrote the status tab of the workbook read as `raw`: the entry follows
        the new file, if its officer tabs read as in `raw` (else the next read parses it again)."""
        if self.db is None or not self.write or raw.parsed is None:
            return
        with open(path, "rb") as handle:
            stamp, data = Stamp.of(os.fstat(handle.fileno())), handle.read()
        try:
            new = reader(path, data)
        except SourceUnreadable as exc:  # the next sync reads it again and says what is wrong
            log.warning("parsed-tables cache: %s not read back after writing: %s", path, exc)
            return
        if _officer_tabs(new) == _officer_tabs(raw):
            new.parsed = raw.parsed
            self._keep(path, stamp, hashlib.sha256(data).hexdigest(), new)

    # --- storage -------------------------------------------------------------------------------
    def _row(self, path: Path) -> tuple | None:
        if self.db is None:
            return None
        try:
            return self.db.execute(
                "SELECT size, mtime_ns, ctime_ns, inode, sha256, entry FROM workbooks WHERE path = ?"
                " AND version = ?",
                (str(path), self.version),
            ).fetchone()
        except sqlite3.Error as exc:
            self._drop(exc)
            return None

    def _hit(self, entry: str, district: District) -> RawWorkbook | None:
        try:
            raw = decode(entry)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("parsed-tables cache: an entry could not be decoded (%s); reading the workbook", exc)
            return None
        raw.parsed.code, raw.parsed.name = district.code, district.name
        return raw

    def _keep(self, path: Path, stamp: Stamp, digest: str, raw: RawWorkbook) -> None:
        if self.db is None or not self.write:
            return
        try:
            entry = encode(raw, compact=True)
        except (ValueError, TypeError, RecursionError) as exc:
            log.info("parsed-tables cache: %s not kept (%s)", path, exc)
            return
        self._put(path, stamp, digest, entry)

    def _put(self, path: Path, stamp: Stamp, digest: str, entry: str) -> None:
        if self.db is None or not self.write:
            return
        try:
            self.db.execute(
                "INSERT OR REPLACE INTO workbooks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (str(path), self.version, *stamp, digest, entry),
            )
        except sqlite3.Error as exc:
            self._drop(exc)

    def _drop(self, exc: Exception) -> None:
        log.warning("parsed-tables cache %s left out of this run: %s", self.path, exc)
        with closing(self.db):
            self.db = None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _officer_tabs(raw: RawWorkbook) -> dict[str, list[list[Any]]]:
    """Every tab but the service's own, as read."""
    status = find_tab(raw.tabs, STATUS)
    return {title: rows for title, rows in raw.tabs.items() if title != status}


def _version(programme: Programme) -> str:
    """A digest of what a parse depends on: the programme, the parsing code, calamine and pythainlp."""
    digest = hashlib.sha256(programme.model_dump_json().encode())
    for name in _CODE:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    for package in _PACKAGES:
        digest.update(importlib.metadata.version(package).encode())
    return digest.hexdigest()
