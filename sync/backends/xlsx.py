"""The local backend: a folder of .xlsx workbooks, one per district.

Reads with python-calamine (fast); writes only the status tab with openpyxl, atomically, after
checking that the workbook did not change since it was read.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from sync.atomic import atomic_write
from sync.backends import SourceUnreadable, WriteConflict
from sync.config import Config, District
from sync.model import RawWorkbook, Status
from sync.normalise import find_tab
from sync.outputs.sheet import COLOURS, Sheet
from sync.schema import STATUS


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class XlsxBackend:
    def __init__(self, config: Config):
        self.folder = Path(config.backend.workbooks)
        self.summary_path = Path(config.outputs.summary)

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
        data = path.read_bytes()
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
        _fill(book.create_sheet(STATUS, index), sheet)
        book[STATUS].protection.sheet = True
        atomic_write(path, book.save, before_replace=unchanged)

    def write_summary(self, sheets: list[Sheet]) -> str:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for sheet in sheets:
            _fill(book.create_sheet(sheet.title), sheet)
        atomic_write(self.summary_path, book.save)
        return str(self.summary_path)


_FILLS = {status: PatternFill("solid", start_color=colour) for status, colour in COLOURS.items()}
_HEADER_FILL = PatternFill("solid", start_color="D9E1F2")


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _fill(ws: Worksheet, sheet: Sheet) -> None:
    """Write a Sheet's values as plain values (text never becomes a formula) with its styles."""
    for r, row in enumerate(sheet.rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            cell.value = _plain(value)
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for (r, c), style in sheet.styles.items():
        cell = ws.cell(r + 1, c + 1)
        if style == "title":
            cell.font = Font(bold=True, size=14)
            cell.alignment = Alignment(wrap_text=False, vertical="top")
        elif style == "header":
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
        elif isinstance(style, Status):
            cell.fill = _FILLS[style]
        elif style == "link":
            cell.hyperlink = cell.value
            cell.font = Font(color="0563C1", underline="single")
    for c, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = width
    if sheet.frozen_rows:
        ws.freeze_panes = ws.cell(sheet.frozen_rows + 1, 1)
