"""In-memory state: spreadsheets (which are also the Drive files), their sheets and cells, sharing,
and a strictly increasing clock for ``createdTime``/``modifiedTime``."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import random
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from . import protojson
from .a1 import A1Range, RangeError, parse_range
from .cells import Cell
from .errors import ApiError, bad_request
from .ranges import RangeMap

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 3, "organizer": 3, "owner": 4}


def _rgb(r: float, g: float, b: float) -> dict:
    return {"red": r, "green": g, "blue": b}


# What a new spreadsheet reports (copied from the recorded responses; the contract test does not compare it).
DEFAULT_FORMAT = {
    "backgroundColor": _rgb(1, 1, 1),
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
        "italic": False, "strikethrough": False, "underline": False, "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": _rgb(1, 1, 1)},
}
SPREADSHEET_THEME = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": "TEXT", "color": {"rgbColor": {}}},
        {"colorType": "BACKGROUND", "color": {"rgbColor": _rgb(1, 1, 1)}},
        {"colorType": "ACCENT1", "color": {"rgbColor": _rgb(0.25882354, 0.52156866, 0.95686275)}},
        {"colorType": "ACCENT2", "color": {"rgbColor": _rgb(0.91764706, 0.2627451, 0.20784314)}},
        {"colorType": "ACCENT3", "color": {"rgbColor": _rgb(0.9843137, 0.7372549, 0.015686275)}},
        {"colorType": "ACCENT4", "color": {"rgbColor": _rgb(0.20392157, 0.65882355, 0.3254902)}},
        {"colorType": "ACCENT5", "color": {"rgbColor": _rgb(1, 0.42745098, 0.003921569)}},
        {"colorType": "ACCENT6", "color": {"rgbColor": _rgb(0.27450982, 0.7411765, 0.7764706)}},
        {"colorType": "LINK", "color": {"rgbColor": _rgb(0.06666667, 0.33333334, 0.8)}},
    ],
}


def rfc3339(ms: int) -> str:
    """Drive's timestamps: UTC with milliseconds, e.g. ``2024-12-20T03:04:05.678Z``."""
    when = dt.datetime.fromtimestamp(ms // 1000, tz=dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def parse_rfc3339(text: str) -> int:
    """Milliseconds since the epoch; a value without a zone is UTC (as Drive's ``q`` treats it)."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return int(when.timestamp() * 1000)


def new_file_id() -> str:
    """44 characters like Google's: "1" and 43 URL-safe characters."""
    return "1" + secrets.token_urlsafe(33)[:43]


class Sheet:
    """One tab. Cells are a sparse dict keyed by 1-based (row, col); formats, validation rules and notes
    are :class:`RangeMap` s (set on whole columns, they cost a run, not a dict entry per cell)."""

    def __init__(self, sheet_id: int, title: str, index: int, rows: int = DEFAULT_ROWS,
                 cols: int = DEFAULT_COLS, extra: dict | None = None):
        self.props: dict[str, Any] = {
            "sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": cols},
        }
        if extra:
            for k, v in extra.items():
                if k == "gridProperties":
                    self.props["gridProperties"].update(copy.deepcopy(v))
                elif k not in ("sheetId", "title", "index"):
                    self.props[k] = copy.deepcopy(v)
            self.props = protojson.sheet_properties(self.props)
        self.cells: dict[tuple[int, int], Cell] = {}
        self.formats = RangeMap()  # userEnteredFormat
        self.validations = RangeMap()  # dataValidation
        self.notes = RangeMap()  # note
        self.row_props = RangeMap()  # DimensionProperties of rows, at (row, 1)
        self.col_props = RangeMap()  # ... and of columns, at (column, 1)
        self.protected_ranges: list[dict] = []
        self.conditional_formats: list[dict] = []
        self.merges: list[dict] = []
        self.basic_filter: dict | None = None

    # --- properties -----------------------------------------------------------------------------------
    @property
    def sheet_id(self) -> int:
        return self.props["sheetId"]

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def rows(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def set_size(self, rows: int, cols: int) -> None:
        self.props["gridProperties"]["rowCount"] = rows
        self.props["gridProperties"]["columnCount"] = cols
        for key in [k for k in self.cells if k[0] > rows or k[1] > cols]:
            del self.cells[key]
        for attribute in self.attributes():
            attribute.truncate(rows, cols)
        self.row_props.truncate(rows, 1)
        self.col_props.truncate(cols, 1)

    def attributes(self) -> tuple[RangeMap, ...]:
        return (self.formats, self.validations, self.notes)

    def grow_to(self, rows: int, cols: int) -> None:
        if rows > self.rows or cols > self.cols:
            self.set_size(max(rows, self.rows), max(cols, self.cols))

    # --- cells ----------------------------------------------------------------------------------------
    def last_data_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    def last_data_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def clear_box(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > len(self.cells):
            for key in [k for k in self.cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
                del self.cells[key]
        else:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self.cells.pop((r, c), None)

    def shift(self, dimension: str, start: int, count: int) -> None:
        """Insert (count > 0) or delete (count < 0) rows/columns at 1-based ``start``."""
        axis = 0 if dimension == "ROWS" else 1

        def move(key: tuple[int, int]) -> tuple[int, int] | None:
            pos = key[axis]
            if pos < start:
                return key
            if count < 0 and pos < start - count:
                return None
            new = list(key)
            new[axis] = pos + count
            return (new[0], new[1])

        moved = {}
        for key, value in self.cells.items():
            new_key = move(key)
            if new_key is not None:
                moved[new_key] = value
        self.cells = moved
        for attribute in self.attributes():
            attribute.shift(dimension, start, count)
        (self.row_props if axis == 0 else self.col_props).shift("ROWS", start, count)
        grid = self.props["gridProperties"]
        grid["rowCount" if axis == 0 else "columnCount"] += count


class Spreadsheet:
    """A Drive file; for the spreadsheet mime type it also holds sheets."""

    def __init__(self, file_id: str, name: str, owner: str, mime_type: str, now_ms: int):
        self.id = file_id
        self.mime_type = mime_type
        self.owner = owner
        self.props: dict[str, Any] = {"title": name, "locale": "en_US", "autoRecalc": "ON_CHANGE",
                                      "timeZone": "Etc/GMT"}
        self.sheets: list[Sheet] = []
        self.permissions: list[dict] = [{
            "kind": "drive#permission", "id": permission_id(owner), "type": "user", "role": "owner",
            "emailAddress": owner,
        }]
        self.created_ms = now_ms
        self.modified_ms = now_ms
        self.version = 1
        self.trashed = False
        self.starred = False
        self.parents: list[str] = []
        self.description: str | None = None
        self.last_modifying_user = owner
        self.metadata: list[dict] = []  # DeveloperMetadata, each with "_project": the creator's project
        self.charts: list[dict] = []  # EmbeddedChart

    @property
    def name(self) -> str:
        return self.props["title"]

    @name.setter
    def name(self, value: str) -> None:
        self.props["title"] = value

    @property
    def is_spreadsheet(self) -> bool:
        return self.mime_type == SPREADSHEET_MIME

    # --- sheets ---------------------------------------------------------------------------------------
    def titles(self) -> list[str]:
        return [s.title for s in self.sheets]

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def new_sheet_id(self) -> int:
        used = {s.sheet_id for s in self.sheets}
        while True:
            candidate = random.randint(1, 2**31 - 1)
            if candidate not in used:
                return candidate

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.props["index"] = i

    def resolve(self, text: str) -> tuple[Sheet, A1Range]:
        """A range string -> (sheet, parsed range); 400 "Unable to parse range" like Google."""
        try:
            rng = parse_range(text, self.titles())
        except RangeError:
            raise bad_request(f"Unable to parse range: {text}") from None
        sheet = self.sheet_by_title(rng.title) if rng.title is not None else self.sheets[0]
        if sheet is None:
            raise bad_request(f"Unable to parse range: {text}")
        return sheet, rng

    # --- access ---------------------------------------------------------------------------------------
    def role_of(self, email: str | None) -> str | None:
        if email is None:
            return None
        email_l = email.lower()
        best: str | None = None
        for p in self.permissions:
            match = (
                (p.get("type") in ("user", "group") and str(p.get("emailAddress", "")).lower() == email_l)
                or (p.get("type") == "domain" and email_l.endswith("@" + str(p.get("domain", "")).lower()))
                or p.get("type") == "anyone"
            )
            if match and (best is None or ROLE_RANK.get(p["role"], 0) > ROLE_RANK.get(best, 0)):
                best = p["role"]
        return best

    def listed_for(self, email: str | None) -> bool:
        """Drive lists owned files and files shared with the user or the domain (not "anyone" links)."""
        if email is None:
            return False
        email_l = email.lower()
        return any(
            (p.get("type") in ("user", "group") and str(p.get("emailAddress", "")).lower() == email_l)
            or (p.get("type") == "domain" and email_l.endswith("@" + str(p.get("domain", "")).lower()))
            for p in self.permissions
        )

    def share(self, email: str | None, role: str = "writer", perm_type: str = "user",
              domain: str | None = None) -> dict:
        for p in self.permissions:
            if (perm_type in ("user", "group") and p.get("type") == perm_type
                    and str(p.get("emailAddress", "")).lower() == str(email).lower()) \
                    or (perm_type == "anyone" and p.get("type") == "anyone") \
                    or (perm_type == "domain" and p.get("type") == "domain" and p.get("domain") == domain):
                if p["role"] != "owner":
                    p["role"] = role
                return p
        perm: dict[str, Any] = {"kind": "drive#permission", "type": perm_type, "role": role}
        if perm_type in ("user", "group"):
            perm["id"] = permission_id(str(email))
            perm["emailAddress"] = email
        elif perm_type == "domain":
            perm["id"] = "domain-" + str(domain)
            perm["domain"] = domain
        else:
            perm["id"] = "anyoneWithLink"
        self.permissions.append(perm)
        return perm

    def snapshot(self) -> tuple:
        return copy.deepcopy((self.props, self.sheets, self.metadata, self.charts))

    def restore(self, snap: tuple) -> None:
        self.props, self.sheets, self.metadata, self.charts = snap


def permission_id(email: str) -> str:
    """A stable 20-digit id for a user's permission, like Drive's."""
    return str(int(hashlib.sha1(email.lower().encode()).hexdigest()[:16], 16)).rjust(20, "0")


class Store:
    """All files, guarded by one re-entrant lock. Handlers hold ``store.lock`` while they work."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.files: dict[str, Spreadsheet] = {}
        self.clock_offset_ms = 0
        self._last_ms = 0

    def now_ms(self) -> int:
        """Wall-clock milliseconds (plus any offset a test added), strictly increasing."""
        with self.lock:
            now = int(time.time() * 1000) + self.clock_offset_ms
            self._last_ms = max(now, self._last_ms + 1)
            return self._last_ms

    def monotonic(self) -> float:
        """Seconds for quota windows; follows :meth:`advance` like the timestamps do."""
        return time.monotonic() + self.clock_offset_ms / 1000

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.clock_offset_ms += int(seconds * 1000)

    def touch(self, ss: Spreadsheet, email: str | None = None) -> None:
        ss.modified_ms = self.now_ms()
        ss.version += 1
        if email:
            ss.last_modifying_user = email

    def create(self, name: str, owner: str, mime_type: str = SPREADSHEET_MIME,
               sheets: list[dict] | None = None, file_id: str | None = None) -> Spreadsheet:
        """A new file; a spreadsheet gets the given sheets' properties or one 1000x26 "Sheet1"."""
        with self.lock:
            fid = file_id or new_file_id()
            while fid in self.files:
                fid = new_file_id()
            ss = Spreadsheet(fid, name, owner, mime_type, self.now_ms())
            if ss.is_spreadsheet:
                for i, spec in enumerate(sheets or [{}]):
                    props = spec.get("properties", spec)
                    grid = props.get("gridProperties", {})
                    sheet_id = props.get("sheetId", 0 if i == 0 else ss.new_sheet_id())
                    title = props.get("title") or f"Sheet{i + 1}"
                    sheet = Sheet(sheet_id, title, i, int(grid.get("rowCount", DEFAULT_ROWS)),
                                  int(grid.get("columnCount", DEFAULT_COLS)), extra=props)
                    ss.sheets.append(sheet)
            self.files[fid] = ss
            return ss

    def get(self, file_id: str) -> Spreadsheet | None:
        return self.files.get(file_id)

    def delete(self, file_id: str) -> None:
        self.files.pop(file_id, None)

    def clear(self) -> None:
        with self.lock:
            self.files.clear()

    def sizes(self) -> dict[str, int]:
        """What is held: files, sheets, non-empty cells, and the runs of formats, rules and notes."""
        with self.lock:
            sheets = [sheet for ss in self.files.values() for sheet in ss.sheets]
            return {
                "files": len(self.files),
                "sheets": len(sheets),
                "cells": sum(len(sheet.cells) for sheet in sheets),
                "format_runs": sum(len(sheet.formats) for sheet in sheets),
                "validation_runs": sum(len(sheet.validations) for sheet in sheets),
                "note_runs": sum(len(sheet.notes) for sheet in sheets),
            }


def require_spreadsheet(store: Store, spreadsheet_id: str, email: str | None, write: bool = False,
                        check: Callable[[Spreadsheet], None] | None = None) -> Spreadsheet:
    """Sheets API access: 404 for an unknown id, 403 when the caller may not read (or write) it."""
    ss = store.get(spreadsheet_id)
    if ss is None:
        raise ApiError(404, "Requested entity was not found.")
    role = ss.role_of(email)
    if role is None or (write and ROLE_RANK.get(role, 0) < ROLE_RANK["writer"]):
        raise ApiError(403, "The caller does not have permission")
    if not ss.is_spreadsheet:
        raise ApiError(400, "This operation is not supported for this document", "FAILED_PRECONDITION")
    if check:
        check(ss)
    return ss
