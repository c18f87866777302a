"""The JSON of a spreadsheet, as spreadsheets.get answers it (and batchUpdate's updatedSpreadsheet)."""

from __future__ import annotations

import copy
from typing import Any

from . import protojson
from .access import protected_range_json
from .batch import charts, metadata
from .errors import bad_request
from .grid import evaluator_for, grid_data
from .store import DEFAULT_FORMAT, SPREADSHEET_THEME, Sheet, Spreadsheet


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
    seen = metadata.visible(ss, email)
    sheets = []
    for sheet in ss.sheets:
        if wanted is not None and sheet.sheet_id not in wanted:
            continue
        item: dict[str, Any] = {"properties": copy.deepcopy(sheet.props)}
        if include_grid and ev is not None:
            boxes = wanted[sheet.sheet_id] if wanted is not None else [(1, 1, sheet.rows, sheet.cols)]
            item["data"] = [_with_dimension_metadata(grid_data(ss, sheet, *box, ev), box, sheet, seen)
                            for box in boxes]
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
        on_sheet = [metadata.metadata_json(md) for md in seen if md["location"].get("sheetId") == sheet.sheet_id
                    and "dimensionRange" not in md["location"]]
        if on_sheet:
            item["developerMetadata"] = on_sheet
        if sheet_charts := charts.charts_on(ss, sheet):
            item["charts"] = sheet_charts
        sheets.append(item)
    out: dict[str, Any] = {"spreadsheetId": ss.id, "properties": props, "sheets": sheets}
    on_spreadsheet = [metadata.metadata_json(md) for md in seen if md["location"].get("spreadsheet")]
    if on_spreadsheet:
        out["developerMetadata"] = on_spreadsheet
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{ss.id}/edit"
    return out


def _with_dimension_metadata(data: dict, box: tuple[int, int, int, int], sheet: Sheet, seen: list[dict]) -> dict:
    """Metadata on rows and columns shows in the rowMetadata and columnMetadata of the rows and
    columns it is on."""
    r1, c1, _, _ = box
    for md in seen:
        dr = md["location"].get("dimensionRange")
        if dr is None or dr.get("sheetId", 0) != sheet.sheet_id:
            continue
        key, first = ("rowMetadata", r1) if dr["dimension"] == "ROWS" else ("columnMetadata", c1)
        entries = data[key]
        for index in range(dr["startIndex"], dr["endIndex"]):
            if 0 <= index - (first - 1) < len(entries):
                entries[index - (first - 1)].setdefault("developerMetadata", []).append(metadata.metadata_json(md))
    return data
