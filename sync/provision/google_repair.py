"""Repairing an existing Google spreadsheet: read its contract and status tabs (rows 1-2), then request only
what it lacks (frozen header rows, drop-downs, date formats, the status tab and its protection)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gspread.exceptions import APIError

from sync.backends.google import STATUS_SHEET_ID, header_format, quote_title, status_tab_format
from sync.normalise import find_columns, find_tab
from sync.provision.google_layout import STATUS_GRID, Layout, date_format
from sync.provision.report import InitError, Outcome
from sync.provision.template import LIST_KINDS, contract_tab, is_status_tab
from sync.provision.workbooks import Workbook
from sync.schema import STATUS, TABS, Kind

# What `init` reads of an existing spreadsheet: sheet properties, protections, conditional formats,
# and the cells of rows 1-2 (headers; the drop-down and number format of the first data row).
SAMPLE_FIELDS = (
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount,frozenRowCount)),"
    "protectedRanges(protectedRangeId,range(sheetId),warningOnly),conditionalFormats(ranges(sheetId)),"
    "data(rowData(values(userEnteredValue,userEnteredFormat(numberFormat),dataValidation))))"
)


@dataclass
class SheetState:
    sheet_id: int
    title: str
    frozen: int
    header: list[Any]
    second: list[dict]  # CellData of row 2 (drop-down, number format)
    protected: bool
    colour_rules: int

    @classmethod
    def from_json(cls, sheet: dict) -> SheetState:
        props = sheet["properties"]
        rows = (sheet.get("data") or [{}])[0].get("rowData") or []
        cells = [(rows[i].get("values") or []) if i < len(rows) else [] for i in (0, 1)]
        return cls(
            sheet_id=props["sheetId"],
            title=props["title"],
            frozen=props.get("gridProperties", {}).get("frozenRowCount", 0),
            header=[_plain(c.get("userEnteredValue")) for c in cells[0]],
            second=cells[1],
            protected=bool(sheet.get("protectedRanges")),
            colour_rules=len(sheet.get("conditionalFormats") or []),
        )


def _plain(ev: dict | None) -> Any:
    if not ev:
        return None
    return next(iter(ev.values()))


class Repair:
    """Reads an existing spreadsheet's contract and status tabs and says what it lacks; never touches officer cells."""

    def __init__(self, http, layout: Layout):
        self.http = http
        self.layout = layout

    def expected_titles(self, workbook: Workbook | Exception | None) -> list[str]:
        """The tabs a spreadsheet is expected to have: the uploaded workbook's contract tabs when
        there is a workbook (that is what an upload made), else every contract tab."""
        if isinstance(workbook, Workbook):
            titles = [t for t in workbook.tabs if contract_tab(t) and not is_status_tab(t)]
        else:
            titles = list(TABS)
        return [*titles, STATUS]

    def inspect(self, spreadsheet_id: str, expected: list[str]) -> tuple[list[SheetState], list[int] | None]:
        """The contract and status tabs of an existing spreadsheet (rows 1-2 of each): one request when
        the expected tabs are all there, three when not. For a bare spreadsheet (no contract or status
        tab, no value anywhere) the sheet ids of its empty tabs instead."""
        try:
            return self._sample(spreadsheet_id, expected), None
        except APIError as exc:
            if exc.code != 400:
                raise
        meta = self.http.fetch_sheet_metadata(spreadsheet_id, params={"fields": "sheets.properties(sheetId,title)"})
        sheets = meta.get("sheets", [])
        titles = [s["properties"]["title"] for s in sheets]
        ours = [t for t in titles if contract_tab(t) or is_status_tab(t)]
        if ours:
            return self._sample(spreadsheet_id, ours), None
        values = self.http.values_batch_get(spreadsheet_id, [quote_title(t) for t in titles]) if titles else {}
        if any(vr.get("values") for vr in values.get("valueRanges", [])):
            raise InitError(
                f"spreadsheet {spreadsheet_id} has none of the contract tabs but holds data"
                f" (tabs: {', '.join(titles)}): left alone; rename it, or name the district's spreadsheet"
                " in the configuration"
            )
        return [], [s["properties"]["sheetId"] for s in sheets]

    def _sample(self, spreadsheet_id: str, titles: list[str]) -> list[SheetState]:
        params = {
            "includeGridData": "true",
            "ranges": [f"{quote_title(t)}!1:2" for t in titles],
            "fields": SAMPLE_FIELDS,
        }
        meta = self.http.fetch_sheet_metadata(spreadsheet_id, params=params)
        return [SheetState.from_json(s) for s in meta.get("sheets", [])]

    # --- what to send -----------------------------------------------------------------------------------

    def repairs(self, sheets: list[SheetState], outcome: Outcome) -> list[dict]:
        """What an existing spreadsheet lacks, as batchUpdate requests (officer cells never touched)."""
        requests: list[dict] = []
        by_title = {s.title: s for s in sheets}
        for tab in TABS.values():
            title = find_tab(by_title, tab.name)
            if title is None:
                outcome.notes.append(
                    f"no tab {tab.name!r}: not added (init does not change the tabs of a spreadsheet in use;"
                    " the check reports it)"
                )
                continue
            sheet = by_title[title]
            if sheet.frozen < 1:
                requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": sheet.sheet_id, "gridProperties": {"frozenRowCount": 1}},
                            "fields": "gridProperties.frozenRowCount",
                        }
                    }
                )
                outcome.changes.append(f"froze the header row of {title}")
            if not any(v not in (None, "") for v in sheet.header) and not any(
                c.get("userEnteredValue") for c in sheet.second
            ):
                requests.append(
                    {
                        "updateCells": {
                            "start": {"sheetId": sheet.sheet_id, "rowIndex": 0, "columnIndex": 0},
                            "rows": [
                                {"values": [{"userEnteredValue": {"stringValue": c.header}} for c in tab.columns]}
                            ],
                            "fields": "userEnteredValue",
                        }
                    }
                )
                requests.append(header_format(sheet.sheet_id, width=len(tab.columns)))
                outcome.changes.append(f"wrote the headers of the empty tab {title}")
                columns = {c.header: i for i, c in enumerate(tab.columns)}
                second: list[dict] = []
            else:
                columns = find_columns(sheet.header, tab)
                second = sheet.second
                missing = [c.header for c in tab.columns if c.needed and c.header not in columns]
                if missing:
                    outcome.notes.append(f"{title}: no column {', '.join(missing)} (the check reports it)")
            for header, column in columns.items():
                kind = tab.column(header).kind
                cell = second[column] if column < len(second) else {}
                if kind in LIST_KINDS and not self.layout.same_list(cell.get("dataValidation"), kind):
                    requests.append(self.layout.validation(sheet.sheet_id, column, kind))
                    outcome.changes.append(f"drop-down on {title}!{header}")
                elif kind is Kind.DATE:
                    number_format = (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
                    if number_format.get("type") not in ("DATE", "DATE_TIME"):
                        requests.append(date_format(sheet.sheet_id, column))
                        outcome.changes.append(f"date format on {title}!{header}")
        status_title = STATUS if STATUS in by_title else None
        if status_title is None:
            taken = {s.sheet_id for s in sheets}
            sheet_id = STATUS_SHEET_ID if STATUS_SHEET_ID not in taken else max(taken) + 1
            add = {"sheetId": sheet_id, "title": STATUS, "gridProperties": dict(STATUS_GRID)}
            requests += [{"addSheet": {"properties": add}}, *status_tab_format(sheet_id)]
            outcome.changes.append("added the status tab")
        else:
            status = by_title[status_title]
            formats = status_tab_format(status.sheet_id)
            if not status.protected:
                requests += [r for r in formats if "addProtectedRange" in r]
                outcome.changes.append("protected the status tab (warning only)")
            if not status.colour_rules:
                requests += [r for r in formats if "addConditionalFormatRule" in r]
                outcome.changes.append("status colours on the status tab")
        return requests
