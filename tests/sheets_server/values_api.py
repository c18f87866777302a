"""Sheets API v4 handlers of spreadsheets.values.* (get, batchGet, update, batchUpdate, clear,
batchClear, append)."""

from __future__ import annotations

from typing import Any

from .access import PROTECTED_MESSAGE, check_protection, write_box
from .context import Ctx
from .errors import ApiError, bad_request, invalid_value
from .grid import (
    DATETIME_OPTIONS,
    DIMENSIONS,
    INPUT_OPTIONS,
    RENDER_OPTIONS,
    append_range,
    as_rows,
    clear_range,
    evaluator_for,
    grid_limits_error,
    read_range,
    write_range,
)
from .store import Sheet, Spreadsheet, require_spreadsheet


def _read_options(ctx: Ctx) -> tuple[str, str, str]:
    render = ctx.qenum("valueRenderOption", RENDER_OPTIONS, "FORMATTED_VALUE", "ValueRenderOption")
    dt_render = ctx.qenum("dateTimeRenderOption", DATETIME_OPTIONS, "SERIAL_NUMBER", "DateTimeRenderOption")
    major = ctx.qenum("majorDimension", DIMENSIONS, "ROWS", "Dimension")
    return render, dt_render, major  # type: ignore[return-value]


def _input_option(ctx: Ctx, value: str | None = None) -> str:
    option = value if value is not None else ctx.q("valueInputOption")
    if option is not None and option not in (*INPUT_OPTIONS, "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise invalid_value("value_input_option", "ValueInputOption", option)
    if option is None or option == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise bad_request("'valueInputOption' is required but not specified")
    return option


def _decode_value_range(item: Any, field: str) -> str:
    """Check what Google checks while decoding a ValueRange (before looking at its range) and return
    its major dimension. ``field`` names it in errors: ``data`` or ``data[2]``."""
    if not isinstance(item, dict):
        raise invalid_value(field, "ValueRange", item)
    major = item.get("majorDimension") or "ROWS"
    if major not in DIMENSIONS:
        raise invalid_value(f"{field}.major_dimension", "Dimension", major)
    as_rows(item.get("values"), major, f"{field}.values")
    return major


def _response_data(ctx: Ctx, ss: Spreadsheet, sheet: Sheet, updated: dict, body: dict | None = None) -> None:
    """includeValuesInResponse: echo what the written range now holds."""
    source = body or {}
    include = source.get("includeValuesInResponse", ctx.qbool("includeValuesInResponse"))
    if not include or "updatedRange" not in updated:
        return
    render = source.get("responseValueRenderOption") or ctx.q("responseValueRenderOption") or "FORMATTED_VALUE"
    dt_render = (source.get("responseDateTimeRenderOption") or ctx.q("responseDateTimeRenderOption")
                 or "SERIAL_NUMBER")
    _, rng = ss.resolve(updated["updatedRange"])
    updated["updatedData"] = read_range(ss, sheet, rng, render, dt_render, "ROWS")


def values_get(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    render, dt_render, major = _read_options(ctx)
    sheet, rng = ss.resolve(ctx.params["range"])
    return 200, read_range(ss, sheet, rng, render, dt_render, major)


def values_batch_get(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    render, dt_render, major = _read_options(ctx)
    ev = evaluator_for(ss)
    ranges = ctx.qlist("ranges")
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if ranges:
        out["valueRanges"] = [read_range(ss, *ss.resolve(text), render, dt_render, major, ev) for text in ranges]
    return 200, out


def values_update(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    body = ctx.json_body()
    major = _decode_value_range(body, "data")
    option = _input_option(ctx)
    sheet, rng = ss.resolve(ctx.params["range"])
    check_protection(ss, sheet, write_box(rng, sheet, body.get("values"), major), ctx.email)
    updated = write_range(ss, sheet, rng, body.get("values"), major, option)
    _response_data(ctx, ss, sheet, updated)
    ctx.store.touch(ss, ctx.email)
    return 200, updated


def values_batch_update(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    body = ctx.json_body()
    data = body.get("data") or []
    if not isinstance(data, list):
        raise invalid_value("data", "ValueRange", data)
    majors = [_decode_value_range(item, f"data[{i}]") for i, item in enumerate(data)]
    option = _input_option(ctx, body.get("valueInputOption") or "")
    planned = []
    for i, (item, major) in enumerate(zip(data, majors, strict=True)):  # all checked first: all or nothing
        try:
            sheet, rng = ss.resolve(str(item.get("range", "")))
            check_protection(ss, sheet, write_box(rng, sheet, item.get("values"), major), ctx.email)
            write_range(ss, sheet, rng, item.get("values"), major, option, dry_run=True)
        except ApiError as exc:
            if exc.message == PROTECTED_MESSAGE:
                raise
            raise bad_request(f"Invalid data[{i}]: {exc.message}") from None
        planned.append((sheet, rng, item.get("values"), major))
    responses = []
    for sheet, rng, values, major in planned:
        updated = write_range(ss, sheet, rng, values, major, option)
        _response_data(ctx, ss, sheet, updated, body)
        responses.append((sheet, updated))
    ctx.store.touch(ss, ctx.email)
    rows: set[tuple[int, int]] = set()
    cols: set[tuple[int, int]] = set()
    for sheet, updated in responses:
        if "updatedCells" not in updated:
            continue
        _, rng = ss.resolve(updated["updatedRange"])
        r2 = rng.r2 if rng.r2 is not None else rng.r1
        c2 = rng.c2 if rng.c2 is not None else rng.c1
        rows |= {(sheet.sheet_id, r) for r in range(rng.r1, r2 + 1)}
        cols |= {(sheet.sheet_id, c) for c in range(rng.c1, c2 + 1)}
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if responses:
        # Google's totals count distinct rows and columns (two A1:D1 / A4:D4 writes: 2 rows, 4 columns).
        out["totalUpdatedRows"] = len(rows)
        out["totalUpdatedColumns"] = len({c for _, c in cols})
        out["totalUpdatedCells"] = sum(u.get("updatedCells", 0) for _, u in responses)
        out["totalUpdatedSheets"] = len({s.sheet_id for s, u in responses if "updatedCells" in u})
        out["responses"] = [u for _, u in responses]
    return 200, out


def values_clear(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    sheet, rng = ss.resolve(ctx.params["range"])
    if not rng.starts_outside(sheet.rows, sheet.cols):
        check_protection(ss, sheet, rng.clipped(sheet.rows, sheet.cols), ctx.email)
    cleared = clear_range(ss, sheet, rng)
    ctx.store.touch(ss, ctx.email)
    return 200, {"spreadsheetId": ss.id, "clearedRange": cleared}


def values_batch_clear(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    ranges = ctx.json_body().get("ranges") or []
    planned = []
    for i, text in enumerate(ranges):  # check everything first: the batch is all or nothing
        try:
            sheet, rng = ss.resolve(str(text))
            if rng.starts_outside(sheet.rows, sheet.cols):
                raise grid_limits_error(rng, sheet)
            check_protection(ss, sheet, rng.clipped(sheet.rows, sheet.cols), ctx.email)
        except ApiError as exc:
            if exc.message == PROTECTED_MESSAGE:
                raise
            raise bad_request(f"Invalid range[{i}]: {exc.message}") from None
        planned.append((sheet, rng))
    cleared = [clear_range(ss, sheet, rng) for sheet, rng in planned]
    ctx.store.touch(ss, ctx.email)
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if cleared:
        out["clearedRanges"] = cleared
    return 200, out


def values_append(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    insert = ctx.qenum("insertDataOption", ("OVERWRITE", "INSERT_ROWS"), "OVERWRITE", "InsertDataOption")
    body = ctx.json_body()
    major = _decode_value_range(body, "data")
    option = _input_option(ctx)
    sheet, rng = ss.resolve(ctx.params["range"])

    def check(box: tuple[int, int, int, int]) -> None:
        check_protection(ss, sheet, box, ctx.email)

    result = append_range(ss, sheet, rng, body.get("values"), major, option, insert == "INSERT_ROWS", check)
    _response_data(ctx, ss, sheet, result["updates"])
    ctx.store.touch(ss, ctx.email)
    return 200, result
