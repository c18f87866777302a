"""Who may edit what: protected ranges, and the GridRange boxes requests name."""

from __future__ import annotations

import copy
from typing import Any

from . import protojson
from .a1 import A1Range, col_letters, quote_title
from .errors import bad_request
from .store import Sheet, Spreadsheet

PROTECTED_MESSAGE = ("You are trying to edit a protected cell or object. Please contact the spreadsheet "
                     "owner to remove protection if you need to edit.")


def protected_range_json(ss: Spreadsheet, pr: dict, email: str | None) -> dict:
    out = copy.deepcopy(pr)
    out["range"] = protojson.grid_range(pr["range"])
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


def write_box(rng: A1Range, sheet: Sheet, values: Any, major: str) -> tuple[int, int, int, int]:
    """The cells a values write would touch (for the protection check)."""
    rows = values if isinstance(values, list) else []
    height = len(rows)
    width = max((len(r) for r in rows if isinstance(r, list)), default=0)
    if major == "COLUMNS":
        height, width = width, height
    return rng.r1, rng.c1, rng.r1 + max(height, 1) - 1, rng.c1 + max(width, 1) - 1
