"""The JSON of a spreadsheet, as spreadsheets.get answers it (and batchUpdate's updatedSpreadsheet)."""

from __future__ import annotations

import copy
from typing import Any

from . import protojson
from .access import protected_range_json
from .errors import bad_request
from .grid import evaluator_for, grid_data
from .store import DEFAULT_FORMAT, SPREADSHEET_THEME, Spreadsheet


def spreadsheet_json(ss: Spreadsheet, email: str | None, include_grid: bool = False,
                     ranges: list[str] | None = None) -> dict:
    props = {k: copy.deepcopy(v) for k, v in ss.props.items()}
    props["defaultFormat"] = copy.deepcopy(DEFAULT_FORMAT)
    props["spreadsheetTheme"] = copy.deepcopy(SPREADSHEET_THEME)
    wanted: dict[int, list[tuple[int, int, int, int]]] | None = None
    if ranges:
        wanted = {}
        for text in ranges:
            sheet, rng = ss.resolve(text)
            if rng.starts_outside(sheet.rows, sheet.cols):
                raise bad_request(f"Range ({rng.described(sheet.title)}) exceeds grid limits. "
                                  f"Max rows: {sheet.rows}, max columns: {sheet.cols}")
            wanted.setdefault(sheet.sheet_id, []).append(rng.clipped(sheet.rows, sheet.cols))
    ev = evaluator_for(ss) if include_grid else None
    sheets = []
    for sheet in ss.sheets:
        if wanted is not None and sheet.sheet_id not in wanted:
            continue
        item: dict[str, Any] = {"properties": copy.deepcopy(sheet.props)}
        if include_grid and ev is not None:
            boxes = wanted[sheet.sheet_id] if wanted is not None else [(1, 1, sheet.rows, sheet.cols)]
            item["data"] = [grid_data(ss, sheet, *box, ev) for box in boxes]
        if sheet.merges:
            item["merges"] = [protojson.grid_range(m) for m in sheet.merges]
        if sheet.basic_filter:
            item["basicFilter"] = {**copy.deepcopy(sheet.basic_filter),
                                   "range": protojson.grid_range(sheet.basic_filter["range"])}
        if sheet.protected_ranges:
            item["protectedRanges"] = [protected_range_json(ss, pr, email) for pr in sheet.protected_ranges]
        if sheet.conditional_formats:
            item["conditionalFormats"] = [
                {**copy.deepcopy(rule), "ranges": [protojson.grid_range(r) for r in rule["ranges"]]}
                for rule in sheet.conditional_formats
            ]
        sheets.append(item)
    return {
        "spreadsheetId": ss.id,
        "properties": props,
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{ss.id}/edit",
    }
