"""Batch requests on sheets and the spreadsheet: addSheet, deleteSheet, updateSheetProperties,
updateSpreadsheetProperties."""

from __future__ import annotations

import copy

from .. import protojson
from ..errors import bad_request
from ..fields import update_masked
from ..store import Sheet, Spreadsheet
from . import charts, metadata
from .common import check_cells, mask_of, sheet_of


def _check_title(ss: Spreadsheet, title: str, where: str, exclude: Sheet | None = None) -> None:
    if not title.strip():
        raise bad_request(f"{where}Sheet titles must not be empty.")
    for s in ss.sheets:
        if s is not exclude and s.title.casefold() == title.casefold():
            raise bad_request(f'{where}A sheet with the name "{title}" already exists. Please enter another '
                              "name.")


def req_add_sheet(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    props = copy.deepcopy(p.get("properties") or {})
    title = props.get("title")
    if not title:
        n = len(ss.sheets) + 1
        while any(s.title.casefold() == f"sheet{n}" for s in ss.sheets):
            n += 1
        title = f"Sheet{n}"
    _check_title(ss, title, where)
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ss.new_sheet_id()
    elif ss.sheet_by_id(int(sheet_id)) is not None:
        raise bad_request(f"{where}A sheet with the id {sheet_id} already exists.")
    grid = props.get("gridProperties") or {}
    rows, cols = int(grid.get("rowCount", 1000)), int(grid.get("columnCount", 26))
    if rows < 1 or cols < 1:
        raise bad_request(f"{where}rowCount and columnCount must be at least 1.")
    index = props.get("index")
    index = len(ss.sheets) if index is None else max(0, min(int(index), len(ss.sheets)))
    sheet = Sheet(int(sheet_id), title, index, rows, cols, extra=props)
    ss.sheets.insert(index, sheet)
    ss.reindex()
    check_cells(ss, where)
    return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}


def req_delete_sheet(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet = sheet_of(ss, p.get("sheetId"), where)
    if len(ss.sheets) == 1:
        raise bad_request(f"{where}You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.reindex()
    metadata.forget_sheet(ss, sheet.sheet_id)
    charts.forget_sheet(ss, sheet.sheet_id)
    return {}


def req_update_sheet_properties(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    props = p.get("properties") or {}
    sheet = sheet_of(ss, props.get("sheetId"), where)
    mask = mask_of(p.get("fields"), where)
    new = copy.deepcopy(sheet.props)
    protojson.forget_pairs(new, mask)
    update_masked(new, props, mask)
    new = protojson.sheet_properties(new)
    new["sheetId"] = sheet.sheet_id
    new.setdefault("sheetType", "GRID")
    grid = new.setdefault("gridProperties", {})
    grid.setdefault("rowCount", sheet.rows)
    grid.setdefault("columnCount", sheet.cols)
    if new.get("title") != sheet.title:
        _check_title(ss, str(new.get("title") or ""), where, exclude=sheet)
    if int(grid["rowCount"]) < 1 or int(grid["columnCount"]) < 1:
        raise bad_request(f"{where}rowCount and columnCount must be at least 1.")
    if new.get("hidden") and all(s.props.get("hidden") for s in ss.sheets if s is not sheet):
        raise bad_request(f"{where}You can't hide all the sheets in a document.")
    index = new.get("index", sheet.props["index"])
    sheet.props = new
    sheet.set_size(int(grid["rowCount"]), int(grid["columnCount"]))
    old_index = ss.sheets.index(sheet)
    if index != old_index:
        # Google counts the new index "before the move": moving the first of [A, B, C] to 2 gives [B, A, C].
        ss.sheets.remove(sheet)
        target = int(index) - 1 if int(index) > old_index else int(index)
        ss.sheets.insert(max(0, min(target, len(ss.sheets))), sheet)
    ss.reindex()
    check_cells(ss, where)
    return {}


def req_update_spreadsheet_properties(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    mask = mask_of(p.get("fields"), where)
    new = copy.deepcopy(ss.props)
    update_masked(new, p.get("properties") or {}, mask)
    for key in ("defaultFormat", "spreadsheetTheme"):
        new.pop(key, None)
    if not new.get("title"):
        raise bad_request(f"{where}The spreadsheet title must not be empty.")
    ss.props = new
    return {}
