"""Batch requests on what lies over the cells: protected ranges, conditional formats, merges, the basic
filter."""

from __future__ import annotations

import copy
import random

from ..access import grid_box, protected_range_json
from ..errors import bad_request, invalid_value
from ..store import Spreadsheet
from .common import field_path, overlap, sheet_of


def req_add_protected_range(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Stored with the owner and the requester among its editors (warning-only too, as Google lists
    them); the reply echoes the requested editors (``{}`` when none), as Google's does."""
    pr = {k: v for k, v in copy.deepcopy(p.get("protectedRange") or {}).items() if v is not None}
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
    requested = {k: v for k, v in (pr.pop("editors", None) or {}).items() if v}
    stored = {"protectedRangeId": pr_id, **{k: v for k, v in pr.items() if k != "protectedRangeId"}}
    if not stored.get("warningOnly"):
        stored.pop("warningOnly", None)
    users = list(requested.get("users", []))
    for who in (ss.owner, email):
        if who and who not in users:
            users.append(who)
    stored["editors"] = {**requested, "users": users}
    sheet.protected_ranges.append(stored)
    reply = protected_range_json(ss, stored, email)
    reply["editors"] = requested
    return {"addProtectedRange": {"protectedRange": reply}}


def req_delete_protected_range(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    pr_id = p.get("protectedRangeId")
    for sheet in ss.sheets:
        for pr in sheet.protected_ranges:
            if pr.get("protectedRangeId") == pr_id:
                sheet.protected_ranges.remove(pr)
                return {}
    raise bad_request(f"{where}No protected range with id: {pr_id}")


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


MERGE_TYPES = ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS")


def req_merge_cells(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """MERGE_ALL makes one merge, MERGE_COLUMNS one per column, MERGE_ROWS one per row (as recorded
    from Google). Merges inside the range are replaced; one that sticks out of it is refused."""
    merge_type = p.get("mergeType") or "MERGE_ALL"
    if merge_type not in MERGE_TYPES:
        raise invalid_value(field_path(where, "merge_type"), "MergeType", merge_type)
    sheet, box = grid_box(ss, p.get("range") or {}, where)
    if box is None:
        return {}
    r1, c1, r2, c2 = box
    kept = []
    for m in sheet.merges:
        _, mbox = grid_box(ss, m, where)
        if mbox is None or not overlap(box, mbox):
            kept.append(m)
        elif not (r1 <= mbox[0] and mbox[2] <= r2 and c1 <= mbox[1] and mbox[3] <= c2):
            raise bad_request(f"{where}You can't merge cells that partially overlap an existing merge.")
    if merge_type == "MERGE_ALL":
        parts = [box]
    elif merge_type == "MERGE_COLUMNS":
        parts = [(r1, c, r2, c) for c in range(c1, c2 + 1)]
    else:
        parts = [(r, c1, r, c2) for r in range(r1, r2 + 1)]
    sheet.merges = kept + [
        {"sheetId": sheet.sheet_id, "startRowIndex": a - 1, "endRowIndex": c, "startColumnIndex": b - 1,
         "endColumnIndex": d}
        for a, b, c, d in parts if (a, b) != (c, d)  # a single cell is no merge
    ]
    return {}


def req_unmerge_cells(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Every merge that touches the range goes."""
    sheet, box = grid_box(ss, p.get("range") or {}, where)
    if box is None:
        return {}
    sheet.merges = [m for m in sheet.merges if not overlap(box, grid_box(ss, m, where)[1] or (0, 0, -1, -1))]
    return {}


def req_set_basic_filter(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    flt = copy.deepcopy(p.get("filter") or {})
    gr = flt.get("range")
    if not isinstance(gr, dict):
        raise bad_request(f"{where}A basic filter needs a range.")
    sheet, box = grid_box(ss, gr, where)
    if box is None:
        raise bad_request(f"{where}A basic filter needs a range with at least one cell.")
    r1, c1, r2, c2 = box  # Google stores the bounds it filters, also for a whole-sheet range
    flt["range"] = {"sheetId": sheet.sheet_id, "startRowIndex": r1 - 1, "endRowIndex": r2,
                    "startColumnIndex": c1 - 1, "endColumnIndex": c2}
    sheet.basic_filter = flt
    return {}


def req_clear_basic_filter(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet_of(ss, p.get("sheetId"), where).basic_filter = None
    return {}
