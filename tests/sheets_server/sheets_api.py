"""Sheets API v4 handlers: spreadsheets.get/create/batchUpdate and spreadsheets.values.*.

Every handler runs under ``store.lock`` (taken by the HTTP layer) and returns ``(status, json)``."""

from __future__ import annotations

import copy
import random
from typing import Any

from .a1 import A1Range, col_letters, quote_title
from .cells import cell_from_extended_value
from .context import Ctx
from .errors import ApiError, bad_request
from .fields import MaskError, parse_mask, update_masked
from .grid import (
    DATETIME_OPTIONS,
    DEFAULT_COLUMN_PIXELS,
    DEFAULT_ROW_PIXELS,
    DIMENSIONS,
    INPUT_OPTIONS,
    RENDER_OPTIONS,
    append_range,
    clear_range,
    evaluator_for,
    grid_data,
    grid_limits_error,
    read_range,
    write_range,
)
from .store import DEFAULT_FORMAT, SPREADSHEET_THEME, Sheet, Spreadsheet, require_spreadsheet

MAX_CELLS = 10_000_000
PROTECTED_MESSAGE = ("You are trying to edit a protected cell or object. Please contact the spreadsheet "
                     "owner to remove protection if you need to edit.")


# --------------------------------------------------------------------------------------------------
# JSON of a spreadsheet
# --------------------------------------------------------------------------------------------------


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
            item["merges"] = copy.deepcopy(sheet.merges)
        if sheet.basic_filter:
            item["basicFilter"] = copy.deepcopy(sheet.basic_filter)
        if sheet.protected_ranges:
            item["protectedRanges"] = [protected_range_json(ss, pr, email) for pr in sheet.protected_ranges]
        if sheet.conditional_formats:
            item["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
        if sheet.charts:
            item["charts"] = copy.deepcopy(sheet.charts)
        sheets.append(item)
    return {
        "spreadsheetId": ss.id,
        "properties": props,
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{ss.id}/edit",
    }


def protected_range_json(ss: Spreadsheet, pr: dict, email: str | None) -> dict:
    out = copy.deepcopy(pr)
    out["requestingUserCanEdit"] = can_edit_protected(ss, pr, email)
    return out


def can_edit_protected(ss: Spreadsheet, pr: dict, email: str | None) -> bool:
    if pr.get("warningOnly") or ss.role_of(email) == "owner":
        return True
    users = [u.lower() for u in pr.get("editors", {}).get("users", [])]
    return email is not None and email.lower() in users


def grid_box(ss: Spreadsheet, gr: dict, where: str) -> tuple[Sheet, tuple[int, int, int, int] | None]:
    """A GridRange -> (sheet, 1-based inclusive box clipped to the grid, or None when empty)."""
    sheet = ss.sheet_by_id(int(gr.get("sheetId", 0)))
    if sheet is None:
        raise bad_request(f"{where}No grid with id: {gr.get('sheetId', 0)}")
    sr, er = gr.get("startRowIndex"), gr.get("endRowIndex")
    sc, ec = gr.get("startColumnIndex"), gr.get("endColumnIndex")
    r_start, c_start = int(sr or 0), int(sc or 0)
    if (sr is not None and r_start >= sheet.rows) or (sc is not None and c_start >= sheet.cols):
        left = f"{col_letters(c_start + 1)}{r_start + 1}"
        right = (col_letters(int(ec)) if ec is not None else "") + (str(int(er)) if er is not None else "")
        desc = f"{quote_title(sheet.title)}!{left}" + (f":{right}" if right else "")
        raise bad_request(f"{where}Range ({desc}) exceeds grid limits. "
                          f"Max rows: {sheet.rows}, max columns: {sheet.cols}")
    r_end = sheet.rows if er is None else min(int(er), sheet.rows)
    c_end = sheet.cols if ec is None else min(int(ec), sheet.cols)
    if r_end <= r_start or c_end <= c_start:
        return sheet, None
    return sheet, (r_start + 1, c_start + 1, r_end, c_end)


def check_protection(ss: Spreadsheet, sheet: Sheet, box: tuple[int, int, int, int], email: str | None) -> None:
    for pr in sheet.protected_ranges:
        if can_edit_protected(ss, pr, email):
            continue
        _, pbox = grid_box(ss, {**pr.get("range", {}), "sheetId": sheet.sheet_id}, "")
        if pbox is None:
            continue
        r1, c1, r2, c2 = box
        p1, q1, p2, q2 = pbox
        if r1 <= p2 and p1 <= r2 and c1 <= q2 and q1 <= c2:
            raise bad_request(PROTECTED_MESSAGE)


def _write_box(rng: A1Range, sheet: Sheet, values: Any, major: str) -> tuple[int, int, int, int]:
    """The cells a values write would touch (for the protection check)."""
    rows = values if isinstance(values, list) else []
    height = len(rows)
    width = max((len(r) for r in rows if isinstance(r, list)), default=0)
    if major == "COLUMNS":
        height, width = width, height
    return rng.r1, rng.c1, rng.r1 + max(height, 1) - 1, rng.c1 + max(width, 1) - 1


# --------------------------------------------------------------------------------------------------
# spreadsheets.*
# --------------------------------------------------------------------------------------------------


def spreadsheets_create(ctx: Ctx) -> tuple[int, dict]:
    body = ctx.json_body()
    props = body.get("properties", {}) or {}
    sheets = body.get("sheets") or None
    titles = [((s.get("properties") or {}).get("title") or "") for s in (sheets or [])]
    if len({t.casefold() for t in titles if t}) != len([t for t in titles if t]):
        raise bad_request("Invalid spreadsheet: duplicate sheet titles")
    ss = ctx.store.create(props.get("title") or "Untitled spreadsheet", ctx.email or "", sheets=sheets)
    for key in ("locale", "timeZone", "autoRecalc"):
        if key in props:
            ss.props[key] = props[key]
    return 200, spreadsheet_json(ss, ctx.email)


def spreadsheets_get(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    include = ctx.qbool("includeGridData")
    return 200, spreadsheet_json(ss, ctx.email, include, ctx.qlist("ranges") or None)


def spreadsheets_batch_update(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    body = ctx.json_body()
    requests = body.get("requests") or []
    if not isinstance(requests, list):
        raise bad_request("Invalid JSON payload received. 'requests' must be a list.")
    snap = ss.snapshot()
    replies = []
    try:
        for i, req in enumerate(requests):
            if not isinstance(req, dict) or len(req) != 1:
                raise bad_request(f"Invalid requests[{i}]: exactly one request kind must be set.")
            kind, payload = next(iter(req.items()))
            handler = BATCH_REQUESTS.get(kind)
            if handler is None:
                raise bad_request(f"Invalid requests[{i}]: the request kind '{kind}' is not supported by the "
                                  "local Sheets emulator.")
            replies.append(handler(ss, payload or {}, f"Invalid requests[{i}].{kind}: ", ctx.email))
    except Exception:
        ss.restore(snap)
        raise
    ctx.store.touch(ss, ctx.email)
    out: dict[str, Any] = {"spreadsheetId": ss.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = spreadsheet_json(ss, ctx.email, bool(body.get("responseIncludeGridData")),
                                                     body.get("responseRanges") or None)
    return 200, out


def _mask(fields: Any, where: str):
    if not fields:
        raise bad_request(f"{where}At least one field must be specified in 'fields'.")
    try:
        return parse_mask(str(fields))
    except MaskError:
        raise bad_request(f"{where}Invalid field mask: {fields}") from None


def _check_title(ss: Spreadsheet, title: str, where: str, exclude: Sheet | None = None) -> None:
    if not title.strip():
        raise bad_request(f"{where}Sheet titles must not be empty.")
    for s in ss.sheets:
        if s is not exclude and s.title.casefold() == title.casefold():
            raise bad_request(f'{where}A sheet with the name "{title}" already exists. Please enter another '
                              "name.")


def _check_cells(ss: Spreadsheet, where: str) -> None:
    if sum(s.rows * s.cols for s in ss.sheets) > MAX_CELLS:
        raise bad_request(f"{where}This action would increase the number of cells in the workbook above the "
                          f"limit of {MAX_CELLS} cells.")


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
    _check_cells(ss, where)
    return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}


def _sheet(ss: Spreadsheet, sheet_id: Any, where: str) -> Sheet:
    sheet = ss.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise bad_request(f"{where}No grid with id: {sheet_id or 0}")
    return sheet


def req_delete_sheet(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet = _sheet(ss, p.get("sheetId"), where)
    if len(ss.sheets) == 1:
        raise bad_request(f"{where}You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.reindex()
    return {}


def req_update_sheet_properties(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    props = p.get("properties") or {}
    sheet = _sheet(ss, props.get("sheetId"), where)
    mask = _mask(p.get("fields"), where)
    new = copy.deepcopy(sheet.props)
    update_masked(new, props, mask)
    new["sheetId"] = sheet.sheet_id
    new.setdefault("sheetType", "GRID")
    grid = new.setdefault("gridProperties", {})
    grid.setdefault("rowCount", sheet.rows)
    grid.setdefault("columnCount", sheet.cols)
    if new.get("title") != sheet.title:
        _check_title(ss, str(new.get("title") or ""), where, exclude=sheet)
    if int(grid["rowCount"]) < 1 or int(grid["columnCount"]) < 1:
        raise bad_request(f"{where}rowCount and columnCount must be at least 1.")
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
    _check_cells(ss, where)
    return {}


def req_update_spreadsheet_properties(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    mask = _mask(p.get("fields"), where)
    new = copy.deepcopy(ss.props)
    update_masked(new, p.get("properties") or {}, mask)
    for key in ("defaultFormat", "spreadsheetTheme"):
        new.pop(key, None)
    if not new.get("title"):
        raise bad_request(f"{where}The spreadsheet title must not be empty.")
    ss.props = new
    return {}


def _boxes(ss: Spreadsheet, gr: dict, where: str, email: str | None,
           protect: bool = False) -> tuple[Sheet, list[tuple[int, int]]]:
    sheet, box = grid_box(ss, gr or {}, where)
    if box is None:
        return sheet, []
    if protect:
        check_protection(ss, sheet, box, email)
    r1, c1, r2, c2 = box
    return sheet, [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


CELL_FIELDS = {"userEnteredValue", "userEnteredFormat", "dataValidation"}
SKIP_VALUE = object()  # "work the value out from the cell" (None is a real value: an empty cell)


class _CellWriter:
    """Applies CellData under a field mask, cell by cell, for repeatCell and updateCells. Formats and
    validation rules that come out the same are stored once and shared by the cells (they are never
    changed in place), so a rule set on a whole column costs a reference per cell, not a copy."""

    def __init__(self, mask: Any, where: str):
        keys = set(mask) if mask is not None else set(CELL_FIELDS)
        self.keys = set(CELL_FIELDS) if "*" in keys else keys
        self.fmt_mask = mask.get("userEnteredFormat") if mask is not None and "*" not in mask else None
        self.where = where
        self._formats: dict[tuple[int, int], tuple[Any, dict]] = {}  # ids of (old, source) -> (old, new)
        self._rules: dict[int, dict] = {}

    def value(self, cell: dict) -> Any:
        try:
            return cell_from_extended_value(cell.get("userEnteredValue") or {})
        except ValueError:
            raise bad_request(f"{self.where}Invalid userEnteredValue.") from None

    def apply(self, sheet: Sheet, key: tuple[int, int], cell: dict, value: Any = SKIP_VALUE) -> None:
        if "userEnteredFormat" in self.keys:
            source = cell.get("userEnteredFormat") or {}
            old = sheet.formats.get(key)
            memo = (id(old), id(source))
            known = self._formats.get(memo)
            if known is not None and known[0] is old:
                fmt = known[1]
            else:
                if self.fmt_mask is None:
                    fmt = copy.deepcopy(source)
                else:
                    fmt = copy.deepcopy(old or {})
                    update_masked(fmt, source, self.fmt_mask)
                self._formats[memo] = (old, fmt)  # keeps `old` alive, so its id is not reused
            if fmt:
                sheet.formats[key] = fmt
            else:
                sheet.formats.pop(key, None)
        if "userEnteredValue" in self.keys:
            if value is SKIP_VALUE:
                value = self.value(cell)
            if value is None:
                sheet.cells.pop(key, None)
            else:
                sheet.cells[key] = copy.deepcopy(value)
        if "dataValidation" in self.keys:
            rule = cell.get("dataValidation")
            if rule:
                shared = self._rules.get(id(rule))
                if shared is None:
                    shared = self._rules[id(rule)] = copy.deepcopy(rule)
                sheet.validations[key] = shared
            else:
                sheet.validations.pop(key, None)


def req_repeat_cell(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    writer = _CellWriter(_mask(p.get("fields"), where), where)
    cell = p.get("cell") or {}
    sheet, cells = _boxes(ss, p.get("range"), where, email, protect="userEnteredValue" in writer.keys)
    value = writer.value(cell) if "userEnteredValue" in writer.keys else None
    for key in cells:
        writer.apply(sheet, key, cell, value)
    return {}


def req_update_cells(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Rows of CellData from ``start`` (only the cells given), or over ``range`` (cells of the range
    that the rows do not reach are cleared for the masked fields)."""
    writer = _CellWriter(_mask(p.get("fields"), where), where)
    rows = p.get("rows") or []
    if not isinstance(rows, list):
        raise bad_request(f"{where}rows must be a list.")
    if ("start" in p) == ("range" in p):
        raise bad_request(f"{where}Exactly one of start or range must be set.")
    grid = [((row or {}).get("values") or []) for row in rows]
    if "start" in p:
        start = p.get("start") or {}
        sheet = _sheet(ss, start.get("sheetId"), where)
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
    for key, cell in cells:
        writer.apply(sheet, key, cell if isinstance(cell, dict) else {})
    return {}


def req_set_data_validation(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    rule = p.get("rule")
    if rule is not None and not (isinstance(rule, dict) and rule.get("condition", {}).get("type")):
        raise bad_request(f"{where}Invalid DataValidationRule: a condition type is required.")
    sheet, cells = _boxes(ss, p.get("range"), where, email)
    shared = copy.deepcopy(rule) if rule else None  # one rule object for the whole range (never changed in place)
    for key in cells:
        if shared:
            sheet.validations[key] = shared
        else:
            sheet.validations.pop(key, None)
    return {}


def req_add_protected_range(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    pr = copy.deepcopy(p.get("protectedRange") or {})
    gr = pr.get("range")
    if not isinstance(gr, dict):
        raise bad_request(f"{where}A protected range needs a range.")
    sheet, _ = grid_box(ss, gr, where)
    gr.setdefault("sheetId", sheet.sheet_id)
    used = {x.get("protectedRangeId") for s in ss.sheets for x in s.protected_ranges}
    pr_id = pr.get("protectedRangeId") or random.randint(1, 2**31 - 1)
    while pr_id in used:
        pr_id = random.randint(1, 2**31 - 1)
    pr.pop("requestingUserCanEdit", None)
    stored = {"protectedRangeId": pr_id, **{k: v for k, v in pr.items() if k != "protectedRangeId"}}
    if not stored.get("warningOnly"):
        editors = stored.setdefault("editors", {})
        users = editors.setdefault("users", [])
        for who in (ss.owner, email):
            if who and who not in users:
                users.append(who)
    sheet.protected_ranges.append(stored)
    return {"addProtectedRange": {"protectedRange": protected_range_json(ss, stored, email)}}


def req_add_conditional_format_rule(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Stored and returned by GET; it has no effect on values (nor, here, on formats)."""
    rule = copy.deepcopy(p.get("rule") or {})
    ranges = rule.get("ranges")
    if not isinstance(ranges, list) or not ranges:
        raise bad_request(f"{where}A conditional format rule needs at least one range.")
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise bad_request(f"{where}A conditional format rule needs exactly one of booleanRule or gradientRule.")
    sheets = {id(grid_box(ss, gr, where)[0]): grid_box(ss, gr, where)[0] for gr in ranges}
    if len(sheets) != 1:
        raise bad_request(f"{where}All ranges of a conditional format rule must be on the same sheet.")
    sheet = next(iter(sheets.values()))
    index = int(p.get("index", len(sheet.conditional_formats)))
    sheet.conditional_formats.insert(min(index, len(sheet.conditional_formats)), rule)
    return {}


def req_delete_protected_range(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    pr_id = p.get("protectedRangeId")
    for sheet in ss.sheets:
        for pr in sheet.protected_ranges:
            if pr.get("protectedRangeId") == pr_id:
                sheet.protected_ranges.remove(pr)
                return {}
    raise bad_request(f"{where}No protected range with id: {pr_id}")


def _dimension_range(ss: Spreadsheet, dr: dict, where: str) -> tuple[Sheet, str, int, int]:
    sheet = _sheet(ss, dr.get("sheetId"), where)
    dim = dr.get("dimension")
    if dim not in DIMENSIONS:
        raise bad_request(f"{where}dimension must be ROWS or COLUMNS.")
    size = sheet.rows if dim == "ROWS" else sheet.cols
    start = int(dr.get("startIndex", 0))
    end = int(dr.get("endIndex", size))
    if start < 0 or end < start:
        raise bad_request(f"{where}Invalid dimension range [{start}, {end}).")
    return sheet, dim, start, end


def req_insert_dimension(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet, dim, start, end = _dimension_range(ss, p.get("range") or {}, where)
    size = sheet.rows if dim == "ROWS" else sheet.cols
    if start > size:
        raise bad_request(f"{where}Range start index {start} is past the end of the grid ({size}).")
    if end > start:
        sheet.shift(dim, start + 1, end - start)
    _check_cells(ss, where)
    return {}


def req_delete_dimension(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet, dim, start, end = _dimension_range(ss, p.get("range") or {}, where)
    size = sheet.rows if dim == "ROWS" else sheet.cols
    end = min(end, size)
    if start >= size:
        raise bad_request(f"{where}Range start index {start} is past the end of the grid ({size}).")
    if end - start >= size:
        what = "rows" if dim == "ROWS" else "columns"
        raise bad_request(f"{where}You can't delete all the {what} on the sheet.")
    if end > start:
        sheet.shift(dim, start + 1, -(end - start))
    return {}


def req_append_dimension(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet = _sheet(ss, p.get("sheetId"), where)
    length = int(p.get("length", 0))
    if p.get("dimension") not in DIMENSIONS or length < 1:
        raise bad_request(f"{where}dimension must be ROWS or COLUMNS and length at least 1.")
    if p["dimension"] == "ROWS":
        sheet.set_size(sheet.rows + length, sheet.cols)
    else:
        sheet.set_size(sheet.rows, sheet.cols + length)
    _check_cells(ss, where)
    return {}


def req_merge_cells(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    gr = copy.deepcopy(p.get("range") or {})
    sheet, box = grid_box(ss, gr, where)
    if box is not None:
        gr.setdefault("sheetId", sheet.sheet_id)
        sheet.merges.append(gr)
    return {}


def req_unmerge_cells(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet, box = grid_box(ss, p.get("range") or {}, where)
    if box is None:
        return {}
    keep = []
    for m in sheet.merges:
        _, mbox = grid_box(ss, m, where)
        if mbox and box[0] <= mbox[2] and mbox[0] <= box[2] and box[1] <= mbox[3] and mbox[1] <= box[3]:
            continue
        keep.append(m)
    sheet.merges = keep
    return {}


def req_set_basic_filter(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    flt = copy.deepcopy(p.get("filter") or {})
    gr = flt.get("range")
    if not isinstance(gr, dict):
        raise bad_request(f"{where}A basic filter needs a range.")
    sheet, _ = grid_box(ss, gr, where)
    gr.setdefault("sheetId", sheet.sheet_id)
    sheet.basic_filter = flt
    return {}


def req_clear_basic_filter(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    _sheet(ss, p.get("sheetId"), where).basic_filter = None
    return {}


def req_update_dimension_properties(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Row heights and column widths (pixelSize), shown in grid data's rowMetadata/columnMetadata."""
    sheet, dim, start, end = _dimension_range(ss, p.get("range") or {}, where)
    pixels = (p.get("properties") or {}).get("pixelSize")
    if "pixelSize" not in str(p.get("fields", "")) or pixels is None:
        return {}
    rows = dim == "ROWS"
    sizes, default = (sheet.row_sizes, DEFAULT_ROW_PIXELS) if rows else (sheet.col_sizes, DEFAULT_COLUMN_PIXELS)
    if int(pixels) == default and start == 0 and end >= (sheet.rows if rows else sheet.cols):
        sizes.clear()
        return {}
    for index in range(start, end):
        if int(pixels) == default:
            sizes.pop(index, None)
        else:
            sizes[index] = int(pixels)
    return {}


def _chart_sheets(ss: Spreadsheet, chart: dict, where: str) -> Sheet:
    """The sheet a chart floats over; every source range must name an existing sheet."""
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell")
    if not anchor:
        raise bad_request(f"{where}The emulator supports charts with an overlayPosition.anchorCell only.")
    spec = chart.get("spec") or {}
    basic = spec.get("basicChart") or {}
    parts = [d.get("domain") for d in basic.get("domains", [])] + [s.get("series") for s in basic.get("series", [])]
    for part in parts:
        for source in ((part or {}).get("sourceRange") or {}).get("sources", []):
            _sheet(ss, source.get("sheetId"), where)
    return _sheet(ss, anchor.get("sheetId"), where)


def req_add_chart(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    chart = copy.deepcopy(p.get("chart") or {})
    sheet = _chart_sheets(ss, chart, where)
    taken = {c["chartId"] for s in ss.sheets for c in s.charts}
    chart_id = chart.get("chartId")
    if chart_id is None:
        chart_id = random.randint(1, 2**31 - 1)
        while chart_id in taken:
            chart_id = random.randint(1, 2**31 - 1)
    elif chart_id in taken:
        raise bad_request(f"{where}An object with id {chart_id} already exists.")
    chart["chartId"] = chart_id
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def req_delete_embedded_object(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    object_id = p.get("objectId")
    for sheet in ss.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == object_id:
                sheet.charts.remove(chart)
                return {}
    raise bad_request(f"{where}No object with id: {object_id}")


def req_cosmetic(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Accepted and validated only for the sheet id; no visible effect through the values API."""
    dr = p.get("range") or p.get("dimensions") or {}
    if isinstance(dr, dict) and "sheetId" in dr:
        _sheet(ss, dr.get("sheetId"), where)
    return {}


BATCH_REQUESTS = {
    "addSheet": req_add_sheet,
    "deleteSheet": req_delete_sheet,
    "updateSheetProperties": req_update_sheet_properties,
    "updateSpreadsheetProperties": req_update_spreadsheet_properties,
    "repeatCell": req_repeat_cell,
    "updateCells": req_update_cells,
    "setDataValidation": req_set_data_validation,
    "addProtectedRange": req_add_protected_range,
    "deleteProtectedRange": req_delete_protected_range,
    "addConditionalFormatRule": req_add_conditional_format_rule,
    "insertDimension": req_insert_dimension,
    "deleteDimension": req_delete_dimension,
    "appendDimension": req_append_dimension,
    "mergeCells": req_merge_cells,
    "unmergeCells": req_unmerge_cells,
    "setBasicFilter": req_set_basic_filter,
    "clearBasicFilter": req_clear_basic_filter,
    "updateDimensionProperties": req_update_dimension_properties,
    "addChart": req_add_chart,
    "deleteEmbeddedObject": req_delete_embedded_object,
    "autoResizeDimensions": req_cosmetic,
    "updateBorders": req_cosmetic,
}


# --------------------------------------------------------------------------------------------------
# spreadsheets.values.*
# --------------------------------------------------------------------------------------------------


def _read_options(ctx: Ctx) -> tuple[str, str, str]:
    render = ctx.qenum("valueRenderOption", RENDER_OPTIONS, "FORMATTED_VALUE", "ValueRenderOption")
    dt_render = ctx.qenum("dateTimeRenderOption", DATETIME_OPTIONS, "SERIAL_NUMBER", "DateTimeRenderOption")
    major = ctx.qenum("majorDimension", DIMENSIONS, "ROWS", "Dimension")
    return render, dt_render, major  # type: ignore[return-value]


def _input_option(ctx: Ctx, value: str | None = None) -> str:
    option = value if value is not None else ctx.q("valueInputOption")
    if option is None or option == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise bad_request("'valueInputOption' is required but not specified")
    if option not in INPUT_OPTIONS:
        raise bad_request(f"Invalid value at 'value_input_option' "
                          f"(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"{option}\"")
    return option


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
    option = _input_option(ctx)
    body = ctx.json_body()
    major = body.get("majorDimension") or "ROWS"
    if major not in DIMENSIONS:
        raise bad_request(f"Invalid value at 'data.major_dimension', \"{major}\"")
    sheet, rng = ss.resolve(ctx.params["range"])
    check_protection(ss, sheet, _write_box(rng, sheet, body.get("values"), major), ctx.email)
    updated = write_range(ss, sheet, rng, body.get("values"), major, option)
    _response_data(ctx, ss, sheet, updated)
    ctx.store.touch(ss, ctx.email)
    return 200, updated


def values_batch_update(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    body = ctx.json_body()
    option = _input_option(ctx, body.get("valueInputOption") or "")
    data = body.get("data") or []
    if not isinstance(data, list):
        raise bad_request("Invalid JSON payload received. 'data' must be a list.")
    planned = []
    for i, item in enumerate(data):  # check everything first: the batch is all or nothing
        try:
            if not isinstance(item, dict):
                raise bad_request("Invalid ValueRange.")
            major = item.get("majorDimension") or "ROWS"
            if major not in DIMENSIONS:
                raise bad_request(f"Invalid value at 'data.major_dimension', \"{major}\"")
            sheet, rng = ss.resolve(str(item.get("range", "")))
            check_protection(ss, sheet, _write_box(rng, sheet, item.get("values"), major), ctx.email)
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
    option = _input_option(ctx)
    insert = ctx.q("insertDataOption", "OVERWRITE")
    if insert not in ("OVERWRITE", "INSERT_ROWS"):
        raise bad_request(f"Invalid value at 'insert_data_option' "
                          f"(type.googleapis.com/google.apps.sheets.v4.InsertDataOption), \"{insert}\"")
    body = ctx.json_body()
    major = body.get("majorDimension") or "ROWS"
    if major not in DIMENSIONS:
        raise bad_request(f"Invalid value at 'data.major_dimension', \"{major}\"")
    sheet, rng = ss.resolve(ctx.params["range"])

    def check(box: tuple[int, int, int, int]) -> None:
        check_protection(ss, sheet, box, ctx.email)

    result = append_range(ss, sheet, rng, body.get("values"), major, option, insert == "INSERT_ROWS", check)
    _response_data(ctx, ss, sheet, result["updates"])
    ctx.store.touch(ss, ctx.email)
    return 200, result

