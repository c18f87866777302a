"""Batch requests on cells: repeatCell, updateCells, setDataValidation. CellData is decoded as Google
decodes it (schema.py): an unknown field or a value of the wrong type in a format is a 400."""

from __future__ import annotations

import copy
from typing import Any

from .. import protojson, schema
from ..a1 import col_letters, quote_title
from ..access import check_protection, grid_box
from ..cells import cell_from_extended_value
from ..errors import bad_request
from ..fields import update_masked
from ..ranges import shared
from ..store import Sheet, Spreadsheet
from .common import field_path, mask_of, sheet_of

CELL_FIELDS = {"userEnteredValue", "userEnteredFormat", "dataValidation", "note"}


SKIP_VALUE = object()  # "work the value out from the cell" (None is a real value: an empty cell)


class CellWriter:
    """Applies CellData under a field mask, to a box (repeatCell) or cell by cell (updateCells).
    Formats, rules and notes go into the sheet's range maps, so a format set on a whole column is one
    run, and stored values are never changed in place (a masked update builds a new format)."""

    def __init__(self, mask: Any, where: str):
        keys = set(mask) if mask is not None else set(CELL_FIELDS)
        self.keys = set(CELL_FIELDS) if "*" in keys else keys
        self.fmt_mask = mask.get("userEnteredFormat") if mask is not None and "*" not in mask else None
        self.where = where

    def value(self, cell: dict) -> Any:
        try:
            return cell_from_extended_value(cell.get("userEnteredValue") or {})
        except ValueError:
            raise bad_request(f"{self.where}Invalid userEnteredValue.") from None

    def _format(self, source: dict):
        if self.fmt_mask is None:
            replaced = shared(protojson.cell_format(source))
            return lambda _old: replaced

        def masked(old: dict | None) -> dict | None:
            fmt = copy.deepcopy(old or {})
            protojson.forget_pairs(fmt, self.fmt_mask)
            update_masked(fmt, source, self.fmt_mask)
            return shared(protojson.cell_format(fmt))

        return masked

    def apply(self, sheet: Sheet, box: tuple[int, int, int, int], cell: dict, value: Any = SKIP_VALUE) -> None:
        """Write one CellData into every cell of the box (1-based, inclusive)."""
        r1, c1, r2, c2 = box
        if "userEnteredFormat" in self.keys:
            sheet.formats.update(r1, c1, r2, c2, self._format(cell.get("userEnteredFormat") or {}))
        if "userEnteredValue" in self.keys:
            if value is SKIP_VALUE:
                value = self.value(cell)
            for key in ((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)):
                if value is None:
                    sheet.cells.pop(key, None)
                else:
                    sheet.cells[key] = value  # cells are never changed in place
        if "dataValidation" in self.keys:
            rule = shared(copy.deepcopy(cell.get("dataValidation")) or None)
            sheet.validations.update(r1, c1, r2, c2, lambda _old: rule)
        if "note" in self.keys:
            note = str(cell.get("note") or "") or None
            sheet.notes.update(r1, c1, r2, c2, lambda _old: note)


def req_repeat_cell(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    schema.check(p.get("cell"), schema.CELL_DATA, field_path(where, "cell"))
    writer = CellWriter(mask_of(p.get("fields"), where), where)
    cell = p.get("cell") or {}
    sheet, box = grid_box(ss, p.get("range") or {}, where)
    if box is None:
        return {}
    if "userEnteredValue" in writer.keys:
        check_protection(ss, sheet, box, email)
        writer.apply(sheet, box, cell, writer.value(cell))
    else:
        writer.apply(sheet, box, cell)
    return {}


def req_update_cells(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Rows of CellData from ``start`` (only the cells given), or over ``range`` (cells of the range
    that the rows do not reach are cleared for the masked fields)."""
    writer = CellWriter(mask_of(p.get("fields"), where), where)
    rows = p.get("rows") or []
    if not isinstance(rows, list):
        raise bad_request(f"{where}rows must be a list.")
    if ("start" in p) == ("range" in p):
        raise bad_request(f"{where}Exactly one of start or range must be set.")
    grid = [((row or {}).get("values") or []) for row in rows]
    for i, values in enumerate(grid):
        for j, cell in enumerate(values):
            schema.check(cell, schema.CELL_DATA, field_path(where, f"rows[{i}].values[{j}]"))
    if "start" in p:
        start = p.get("start") or {}
        sheet = sheet_of(ss, start.get("sheetId"), where)
        r0, c0 = int(start.get("rowIndex", 0)) + 1, int(start.get("columnIndex", 0)) + 1
        height, width = len(grid), max((len(r) for r in grid), default=0)
        if not height or not width:
            return {}
        if r0 + height - 1 > sheet.rows or c0 + width - 1 > sheet.cols:
            raise bad_request(f"{where}Range ({quote_title(sheet.title)}!{col_letters(c0)}{r0}:"
                              f"{col_letters(c0 + width - 1)}{r0 + height - 1}) exceeds grid limits. "
                              f"Max rows: {sheet.rows}, max columns: {sheet.cols}")
        box = (r0, c0, r0 + height - 1, c0 + width - 1)
        cells = [((r0 + i, c0 + j), cell) for i, row in enumerate(grid) for j, cell in enumerate(row)]
    else:
        sheet, box = grid_box(ss, p.get("range") or {}, where)
        if box is None:
            return {}
        r1, c1, r2, c2 = box
        cells = []
        for r in range(r1, r2 + 1):
            row = grid[r - r1] if r - r1 < len(grid) else []
            for c in range(c1, c2 + 1):
                cells.append(((r, c), row[c - c1] if c - c1 < len(row) else {}))
    if "userEnteredValue" in writer.keys:
        check_protection(ss, sheet, box, email)
    for (r, c), cell in cells:
        writer.apply(sheet, (r, c, r, c), cell if isinstance(cell, dict) else {})
    return {}


def req_set_data_validation(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    rule = p.get("rule")
    if rule is not None and not (isinstance(rule, dict) and rule.get("condition", {}).get("type")):
        raise bad_request(f"{where}Invalid DataValidationRule: a condition type is required.")
    sheet, box = grid_box(ss, p.get("range") or {}, where)
    if box is not None:
        stored = shared(copy.deepcopy(rule)) if rule else None  # never changed in place
        sheet.validations.update(*box, lambda _old: stored)
    return {}
