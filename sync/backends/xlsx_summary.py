"""Workbooks the service makes whole with openpyxl: the provincial summary (a file of its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from sync.atomic import atomic_write
from sync.model import Status
from sync.outputs.sheet import COLOURS, Sheet


def write_workbook(path: Path, sheets: list[Sheet]) -> None:
    """A new workbook of `sheets`, written atomically over `path`."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        fill_sheet(book.create_sheet(sheet.title), sheet)
    atomic_write(path, book.save)


_FILLS = {status: PatternFill("solid", start_color=colour) for status, colour in COLOURS.items()}
_HEADER_FILL = PatternFill("solid", start_color="D9E1F2")


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def fill_sheet(ws: Worksheet, sheet: Sheet) -> None:
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
