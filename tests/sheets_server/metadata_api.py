"""Sheets API v4 handlers of what DataFilters select: spreadsheets.developerMetadata.get and .search,
and spreadsheets.values.batchGetByDataFilter (the values where metadata sits, or of an a1Range or
gridRange)."""

from __future__ import annotations

from typing import Any

from .a1 import format_range
from .batch.common import sheet_of
from .batch.metadata import metadata_json, selected, visible
from .context import Ctx
from .errors import ApiError, invalid_value
from .grid import DATETIME_OPTIONS, DIMENSIONS, RENDER_OPTIONS, evaluator_for, read_range
from .store import Spreadsheet, require_spreadsheet


def developer_metadata_get(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    wanted = ctx.params["metadataId"]
    for md in visible(ss, ctx.email):
        if str(md["metadataId"]) == wanted:
            return 200, metadata_json(md)
    raise ApiError(404, f"No developer metadata with id {wanted}.")


def developer_metadata_search(ctx: Ctx) -> tuple[int, dict]:
    """Each metadata any filter selects, once, with the filters that selected it."""
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    filters = ctx.json_body().get("dataFilters") or []
    found: list[tuple[dict, list[dict]]] = []
    for i, data_filter in enumerate(filters):
        for md in selected(ss, data_filter, ctx.email, f"data_filters[{i}]", ""):
            entry = next((e for e in found if e[0] is md), None)
            if entry is None:
                found.append((md, [data_filter]))
            else:
                entry[1].append(data_filter)
    if not found:
        return 200, {}
    return 200, {"matchedDeveloperMetadata": [{"developerMetadata": metadata_json(md), "dataFilters": matched}
                                              for md, matched in found]}


def _boxes(ss: Spreadsheet, data_filter: dict, email: str | None, path: str) -> list[str]:
    """The A1 ranges a DataFilter selects: its a1Range, its gridRange, or where the metadata it finds
    sits (a sheet: all of it; rows or columns: those). Metadata on the spreadsheet selects no cells."""
    if data_filter.get("a1Range"):
        return [str(data_filter["a1Range"])]
    if data_filter.get("gridRange") is not None:
        gr = data_filter["gridRange"]
        sheet = sheet_of(ss, gr.get("sheetId"), "")
        return [format_range(sheet.title, int(gr.get("startRowIndex", 0)) + 1, int(gr.get("startColumnIndex", 0)) + 1,
                             int(gr.get("endRowIndex", sheet.rows)), int(gr.get("endColumnIndex", sheet.cols)))]
    texts = []
    for md in selected(ss, data_filter, email, path, ""):
        location = md["location"]
        if location.get("spreadsheet"):
            continue
        dr = location.get("dimensionRange")
        sheet = sheet_of(ss, dr.get("sheetId", 0) if dr else location["sheetId"], "")
        if dr is None:
            box = (1, 1, sheet.rows, sheet.cols)
        elif dr["dimension"] == "ROWS":
            box = (dr["startIndex"] + 1, 1, dr["endIndex"], sheet.cols)
        else:
            box = (1, dr["startIndex"] + 1, sheet.rows, dr["endIndex"])
        texts.append(format_range(sheet.title, *box))
    return texts


def values_batch_get_by_data_filter(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    body = ctx.json_body()
    render = _enum(body, "valueRenderOption", RENDER_OPTIONS, "FORMATTED_VALUE")
    dt_render = _enum(body, "dateTimeRenderOption", DATETIME_OPTIONS, "SERIAL_NUMBER")
    major = _enum(body, "majorDimension", DIMENSIONS, "ROWS")
    ev = evaluator_for(ss)
    found: list[dict[str, Any]] = []
    for i, data_filter in enumerate(body.get("dataFilters") or []):
        for text in _boxes(ss, data_filter, ctx.email, f"data_filters[{i}]"):
            value_range = read_range(ss, *ss.resolve(text), render, dt_render, major, ev)
            found.append({"valueRange": value_range, "dataFilters": [data_filter]})
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if found:
        out["valueRanges"] = found
    return 200, out


def _enum(body: dict, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(key) or default
    if value not in allowed:
        proto = {"valueRenderOption": "ValueRenderOption", "dateTimeRenderOption": "DateTimeRenderOption",
                 "majorDimension": "Dimension"}[key]
        raise invalid_value("".join("_" + c.lower() if c.isupper() else c for c in key), proto, value)
    return value
