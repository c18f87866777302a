"""Laying out a new Google spreadsheet: the requests of its one layout batchUpdate (tabs, cells, drop-downs,
date formats, the status tab, locale), from the shared template (`sync.provision.template`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sync.backends.google import STATUS_SHEET_ID, header_format, status_tab_format
from sync.config import Programme
from sync.normalise import find_columns, find_tab
from sync.provision.report import InitError, Outcome
from sync.provision.template import (
    DATE_PATTERN,
    DATE_TIME_PATTERN,
    LIST_KINDS,
    MONTH_PATTERN,
    choices,
    contract_tab,
    contract_tabs,
    is_status_tab,
)
from sync.provision.workbooks import Formula, Workbook
from sync.schema import STATUS, Kind

SERIAL_EPOCH = dt.datetime(1899, 12, 30)
LOCALE, TIME_ZONE = "th_TH", "Asia/Bangkok"
OFFICER_ROWS, OFFICER_COLUMNS, SPARE_ROWS = 1000, 26, 200  # Google's default grid; room below uploaded data
STATUS_GRID = {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 6}
FIRST_SHEET_ID = 5700101  # our sheetIds for the officer tabs of a new spreadsheet (the status tab: STATUS_SHEET_ID)


def _serial(value: dt.date | dt.datetime) -> float | int:
    if not isinstance(value, dt.datetime):
        return (value - SERIAL_EPOCH.date()).days
    delta = value - SERIAL_EPOCH
    return delta.days if not (delta.seconds or delta.microseconds) else delta.days + delta.seconds / 86400


def extended_value(value: Any) -> dict | None:
    """A cell value as a Sheets ExtendedValue (None: an empty cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, Formula):
        return {"formulaValue": str(value)}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    if isinstance(value, dt.datetime | dt.date):
        return {"numberValue": _serial(value)}
    if isinstance(value, dt.time):
        return {"numberValue": (value.hour * 3600 + value.minute * 60 + value.second) / 86400}
    if isinstance(value, dt.timedelta):
        return {"numberValue": value.total_seconds() / 86400}
    return {"stringValue": str(value)}


def _cell_data(value: Any, month_column: bool) -> dict:
    ev = extended_value(value)
    out: dict[str, Any] = {"userEnteredValue": ev} if ev else {}
    if isinstance(value, dt.datetime | dt.date):
        timed = isinstance(value, dt.datetime) and (value.hour or value.minute or value.second)
        fmt = ("DATE_TIME", DATE_TIME_PATTERN) if timed else ("DATE", MONTH_PATTERN if month_column else DATE_PATTERN)
        out["userEnteredFormat"] = {"numberFormat": {"type": fmt[0], "pattern": fmt[1]}}
    return out



class Layout:
    """The batchUpdate requests that lay out a new spreadsheet, with the programme's drop-down values."""

    def __init__(self, programme: Programme):
        self.lists = choices(programme)
        self.tabs = contract_tabs(programme)

    def upload_tabs(
        self, workbook: Workbook | Exception | None, expect_upload: bool, outcome: Outcome
    ) -> list[tuple[str, list[list[Any]]]]:
        """The officer tabs of a spreadsheet being laid out: the workbook's, or the contract's headers."""
        if isinstance(workbook, Exception):
            raise InitError(f"{workbook} (nothing created)")
        if workbook is None:
            if expect_upload:
                raise InitError("no workbook to upload (nothing created)")
            return [(tab.name, [tab.headers]) for tab in self.tabs]
        tabs = []
        for title, rows in workbook.tabs.items():
            if is_status_tab(title):
                outcome.notes.append(f"the workbook's {title!r} tab is not uploaded: the next sync writes it")
                continue
            tabs.append((title, rows))
        present = {title: [] for title, _ in tabs}
        for tab in self.tabs:
            if find_tab(present, tab.name) is None:
                outcome.notes.append(f"the workbook has no tab {tab.name!r}: not added (the check reports it)")
        cells = sum(1 for _, rows in tabs for row in rows for v in row if v not in (None, ""))
        outcome.changes.append(f"uploaded {cells} cells of {len(tabs)} tabs from {Path(workbook.source).name}")
        return tabs

    def layout(self, tabs: list[tuple[str, list[list[Any]]]], outcome: Outcome, remove: list[int]) -> list[dict]:
        """One batch: the officer tabs with their cells and formats, the status tab, locale, and the
        removal of the spreadsheet's previous (empty) tabs."""
        requests: list[dict] = []
        used = set(remove)
        next_id = FIRST_SHEET_ID
        validations = 0
        for index, (title, rows) in enumerate(tabs):
            while next_id in used or next_id == STATUS_SHEET_ID:
                next_id += 1
            sheet_id, next_id = next_id, next_id + 1
            used.add(sheet_id)
            tab = contract_tab(title)
            width = max((len(r) for r in rows), default=1)
            grid = {
                "rowCount": max(OFFICER_ROWS, len(rows) + SPARE_ROWS),
                "columnCount": max(OFFICER_COLUMNS, width),
                "frozenRowCount": 1 if tab else 0,
            }
            add = {"sheetId": sheet_id, "title": title, "index": index, "gridProperties": grid}
            requests.append({"addSheet": {"properties": add}})
            columns = find_columns(rows[0] if rows else [], tab) if tab else {}
            month_columns = {i for h, i in columns.items() if tab.column(h).kind is Kind.MONTH}
            if rows:
                data = [{"values": [_cell_data(v, c in month_columns) for c, v in enumerate(row)]} for row in rows]
                requests.append(
                    {
                        "updateCells": {
                            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                            "rows": data,
                            "fields": "userEnteredValue,userEnteredFormat.numberFormat",
                        }
                    }
                )
            if tab is None:
                continue
            requests.append(header_format(sheet_id, width=len(rows[0]) if rows else 0))
            missing = [c.header for c in tab.columns if c.needed and c.header not in columns]
            if missing:
                outcome.notes.append(f"{title}: no column {', '.join(missing)} (the check reports it)")
            for header, column in columns.items():
                kind = tab.column(header).kind
                if kind in LIST_KINDS:
                    requests.append(self.validation(sheet_id, column, kind))
                    validations += 1
                elif kind is Kind.DATE:
                    requests.append(date_format(sheet_id, column))
        requests.append(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": STATUS_SHEET_ID,
                        "title": STATUS,
                        "index": len(tabs),
                        "gridProperties": dict(STATUS_GRID),
                    }
                }
            }
        )
        requests += status_tab_format(STATUS_SHEET_ID)
        requests.append(
            {
                "updateSpreadsheetProperties": {
                    "properties": {"locale": LOCALE, "timeZone": TIME_ZONE},
                    "fields": "locale,timeZone",
                }
            }
        )
        requests += [{"deleteSheet": {"sheetId": sheet_id}} for sheet_id in remove]
        if not any(c.startswith("uploaded") for c in outcome.changes):
            outcome.changes.append(f"{len(tabs)} tabs with headers")
        outcome.changes.append(f"{validations} drop-downs, frozen headers, date formats, the protected status tab")
        return requests


    def validation(self, sheet_id: int, column: int, kind: Kind) -> dict:
        return {
            "setDataValidation": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": 1,
                    "startColumnIndex": column,
                    "endColumnIndex": column + 1,
                },
                "rule": {
                    "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in self.lists[kind]]},
                    "showCustomUi": True,
                    "strict": False,  # warn only: the check accepts synonyms and spelling variants
                },
            }
        }

    def same_list(self, rule: dict | None, kind: Kind) -> bool:
        condition = (rule or {}).get("condition") or {}
        values = [v.get("userEnteredValue") for v in condition.get("values") or []]
        return condition.get("type") == "ONE_OF_LIST" and values == self.lists[kind]



def date_format(sheet_id: int, column: int) -> dict:
    return {
        "repeatCell": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": 1,
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            },
            "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": DATE_PATTERN}}},
            "fields": "userEnteredFormat.numberFormat",
        }
    }
