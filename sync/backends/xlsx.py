"""The local backend: a folder of workbooks, one per district.

Reads .xlsx, .xlsm and .ods with python-calamine (fast); refuses .xls and encrypted workbooks
with a finding that says what to do. Writes only the status tab, at the zip level
(`xlsx_package`): every other part of the officer's file stays byte for byte as it was. The write
is atomic and abandoned when the workbook changed since it was read. An .ods workbook cannot take
the status tab: its status goes to the provincial summary only.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import olefile
from python_calamine import CalamineWorkbook

from sync.atomic import atomic_write
from sync.backends import SourceUnreadable, WriteConflict
from sync.backends.xlsx_folder import READ_ONLY, REFUSED, WorkbookFolder
from sync.backends.xlsx_package import PackageError, write_tab
from sync.config import Config, ConfigError, District
from sync.model import RawWorkbook
from sync.outputs.sheet import Sheet
from sync.texts import texts

log = logging.getLogger("khoknongna.xlsx")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .xls, or an encrypted .xlsx

if TYPE_CHECKING:
    from sync.cache import ParsedCache


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refuse(path: Path, reason: str) -> SourceUnreadable:
    return SourceUnreadable(f"{path.name}: {texts()['workbook'][reason]}")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise SourceUnreadable(f"{path}: permission denied (the service's user cannot read it)") from None
    except IsADirectoryError:
        raise SourceUnreadable(f"{path}: a folder, not a workbook file") from None
    except FileNotFoundError:
        raise SourceUnreadable(f"{path}: not found (removed, or a link to nothing)") from None
    except OSError as exc:
        raise SourceUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _check_format(path: Path, data: bytes) -> None:
    """Refuse what calamine should not be asked to read, saying what the officer can do."""
    if path.suffix.lower() in REFUSED:
        raise _refuse(path, "xls")
    if data.startswith(OLE_MAGIC):
        try:
            encrypted = olefile.OleFileIO(data).exists("EncryptedPackage")
        except OSError:
            encrypted = False
        raise _refuse(path, "encrypted" if encrypted else "xls")
    if path.suffix.lower() in READ_ONLY and zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            try:
                manifest = package.read("META-INF/manifest.xml")
            except KeyError:
                manifest = b""
        if b"encryption-data" in manifest:
            raise _refuse(path, "encrypted")


class XlsxBackend:
    # A status write here is CPU work (a zip built in memory) and one fsync. In a thread of its own
    # it contended for the interpreter with the reads and checks: 1.2 s more CPU for a first sync of
    # 878 districts, and no shorter. So each is written in the run's own thread, as it is checked.
    write_behind = 0

    def __init__(self, config: Config, cache: ParsedCache | None = None):
        self.folder = WorkbookFolder(Path(config.backend.workbooks))
        self.summary_path = Path(config.outputs.summary) if config.outputs.summary else None
        self.cache = cache  # workbooks as last read and parsed (a sync), or None (a check)

    @property
    def location(self) -> str:
        """Where the status tabs are written, for the operator."""
        return str(self.folder.folder)

    def finish_run(self) -> None:
        """Store what the parsed-tables cache still holds."""
        if self.cache is not None:
            self.cache.flush()

    def locate(self, district: District) -> Path:
        """The district's workbook (the folder is listed once, on the first call)."""
        return self.folder.locate(district)

    def read(self, district: District) -> RawWorkbook:
        path = self.locate(district)
        if self.cache is not None:
            return self.cache.read(path, district, _read_bytes, self._from_bytes)
        return self._from_bytes(path, _read_bytes(path))

    def _from_bytes(self, path: Path, data: bytes, known: dict[str, list[list]] | None = None) -> RawWorkbook:
        """The workbook in `data`; the tabs in `known` are taken as they are there, not read again."""
        _check_format(path, data)
        known = known or {}
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            tabs = {
                name: known[name] if name in known else book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in book.sheet_names
            }
        except Exception as exc:  # calamine raises several types for damaged files
            raise SourceUnreadable(f"{path}: not a readable {path.suffix} workbook ({exc})") from exc
        return RawWorkbook(source=str(path), tabs=tabs, fingerprint=_fingerprint(data), link=path.resolve().as_uri())

    def write_status(self, district: District, raw: RawWorkbook, sheet: Sheet) -> None:
        """Replace (or add) the status tab of the workbook read as `raw`; nothing else in it changes.

        A link is followed: the file it points at is replaced, in its own folder, and the link stays.
        """
        path = Path(raw.source).resolve()
        if path.suffix.lower() in READ_ONLY:
            log.info("%s: an OpenDocument spreadsheet; its status goes to the summary only", path.name)
            return

        def unchanged() -> bytes:
            data = _read_bytes(path)
            if _fingerprint(data) != raw.fingerprint:
                raise WriteConflict(f"{path}: changed since it was read; status not written this run")
            return data

        try:
            new = write_tab(unchanged(), sheet)
        except PackageError as exc:
            raise WriteConflict(f"{path}: status not written: {exc}") from exc
        atomic_write(path, lambda handle: handle.write(new), before_replace=unchanged)
        if self.cache is not None:
            self.cache.written(Path(raw.source), raw, new, _read_bytes, self._from_bytes)

    def write_summary(self, sheets: list[Sheet]) -> str:
        if self.summary_path is None:
            raise ConfigError("outputs.summary: not set, so the provincial summary has nowhere to go")
        from sync.backends.xlsx_summary import write_workbook  # openpyxl: a check never needs it

        write_workbook(self.summary_path, sheets)
        return str(self.summary_path)
