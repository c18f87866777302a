"""The local backend: a folder of .xlsx workbooks, one per district.

Reads with python-calamine (fast); writes only the status tab with openpyxl, atomically, after
checking that the workbook did not change since it was read.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
from python_calamine import CalamineWorkbook

from sync.atomic import atomic_write
from sync.backends import SourceUnreadable, WriteConflict
from sync.backends.xlsx_summary import fill_sheet, write_workbook
from sync.config import Config, District
from sync.model import RawWorkbook
from sync.normalise import find_tab
from sync.outputs.sheet import Sheet
from sync.schema import STATUS

if TYPE_CHECKING:
    from sync.cache import ParsedCache


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class XlsxBackend:
    def __init__(self, config: Config, cache: ParsedCache | None = None):
        self.folder = Path(config.backend.workbooks)
        self.summary_path = Path(config.outputs.summary)
        self.cache = cache  # workbooks as last read and parsed (a sync), or None (a check)

    @property
    def location(self) -> str:
        """Where the status tabs are written, for the operator."""
        return str(self.folder)

    def locate(self, district: District) -> Path:
        """The district's workbook: the configured file, else the one named after its code."""
        if district.spreadsheet:
            path = self.folder / district.spreadsheet
            if not path.is_file():
                raise SourceUnreadable(f"{path}: workbook of district {district.code} {district.name} not found")
            return path
        if not self.folder.is_dir():
            raise SourceUnreadable(f"{self.folder}: workbooks folder not found")
        pattern = re.compile(rf"^{district.code}(\D|$)")
        found = sorted(
            p for p in self.folder.glob("*.xlsx") if pattern.match(p.stem) and not p.name.startswith(("~$", "."))
        )
        if not found:
            raise SourceUnreadable(
                f"{self.folder}: no workbook for district {district.code} {district.name} "
                f"(expected '{district.code} {district.name}.xlsx' or '{district.code}.xlsx')"
            )
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise SourceUnreadable(f"{self.folder}: several workbooks for district {district.code}: {names}")
        return found[0]

    def read(self, district: District) -> RawWorkbook:
        path = self.locate(district)
        if self.cache is not None:
            return self.cache.read(path, district, self._from_bytes)
        return self._from_bytes(path, path.read_bytes())

    def _from_bytes(self, path: Path, data: bytes) -> RawWorkbook:
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            tabs = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
        except Exception as exc:  # calamine raises several types for damaged files
            raise SourceUnreadable(f"{path}: not a readable .xlsx workbook ({exc})") from exc
        return RawWorkbook(source=str(path), tabs=tabs, fingerprint=_fingerprint(data), link=path.resolve().as_uri())

    def write_status(self, district: District, raw: RawWorkbook, sheet: Sheet) -> None:
        """Replace the status tab of the workbook read as `raw`; every other sheet stays as it was."""
        path = Path(raw.source)

        def unchanged() -> None:
            if _fingerprint(path.read_bytes()) != raw.fingerprint:
                raise WriteConflict(f"{path}: changed since it was read; status not written this run")

        unchanged()
        book = openpyxl.load_workbook(path)
        existing = find_tab({ws.title: [] for ws in book.worksheets}, STATUS)
        index = len(book.worksheets)
        if existing is not None:
            index = book.sheetnames.index(existing)
            del book[existing]
        fill_sheet(book.create_sheet(STATUS, index), sheet)
        book[STATUS].protection.sheet = True
        atomic_write(path, book.save, before_replace=unchanged)
        if self.cache is not None:
            self.cache.written(path, raw, self._from_bytes)

    def write_summary(self, sheets: list[Sheet]) -> str:
        write_workbook(self.summary_path, sheets)
        return str(self.summary_path)


