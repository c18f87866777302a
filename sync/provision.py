"""Provision the district spreadsheets on Google Sheets (`python cli.py init --backend google`).

Plan, then apply, district by district, after ONE Drive `files.list` (titles, ids, sharing):

* No spreadsheet yet (none titled "CODE NAME", or the district's `spreadsheet` title): a Drive
  `files.create` (in `backend.google.folder` when set), then ONE `spreadsheets.batchUpdate` that lays
  it out: the contract tabs of DOMAIN.md §4 in order with their row-1 headers (with `--from-xlsx`:
  the district workbook's own tabs and cells instead), bold frozen header rows, drop-downs
  (ONE_OF_LIST, warning only: officers' synonyms stay accepted) from the programme configuration,
  date formats on date columns, the empty status tab formatted like the sync backend formats it
  (colours, warning-only protection), locale th_TH and time zone Asia/Bangkok. The batch is all or
  nothing: a failure leaves a complete spreadsheet or a bare one, which the next `init` lays out.
  Then one Drive permission per district address (writer, no notification mail).
* A spreadsheet exists: it is read (one `spreadsheets.get` of the header rows, more only when tabs
  are missing) and only repaired, never rewritten: a missing frozen header row, drop-down or date
  format of a contract column, the status tab or its protection and colours, sharing. Officer tabs
  are never added, removed or renamed there, officer cells never written, and a workbook is never
  uploaded over it (the upload is skipped with a note: init uploads only into a spreadsheet it
  creates). When nothing is missing nothing is written: the district is "unchanged".

Workbook upload (`read_workbook`): text and numbers go in as they are (typed values, never parsed,
so "20/12/2567" stays text), date cells become date serial numbers with a date format, formulas
go in as formulas. All of it travels in the one layout batchUpdate (`updateCells`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gspread
import openpyxl
from gspread.exceptions import APIError

from sync.backends import SourceUnreadable
from sync.backends.google import (
    DRIVE_FILES,
    SPREADSHEET_ID,
    SPREADSHEET_MIME,
    STATUS_SHEET_ID,
    header_format,
    list_spreadsheets,
    open_client,
    quote_title,
    status_tab_format,
)
from sync.config import Backend, Config, ConfigError, District
from sync.normalise import find_columns, find_tab
from sync.schema import STATUS, TABS, Kind, Tab

log = logging.getLogger("khoknongna.provision")

SERIAL_EPOCH = dt.datetime(1899, 12, 30)
DATE_PATTERN = "dd/mm/yyyy"
DATE_TIME_PATTERN = "dd/mm/yyyy hh:mm"
MONTH_PATTERN = "mmm yyyy"
LOCALE, TIME_ZONE = "th_TH", "Asia/Bangkok"
OFFICER_ROWS, OFFICER_COLUMNS, SPARE_ROWS = 1000, 26, 200  # Google's default grid; room below uploaded data
STATUS_GRID = {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 6}
FIRST_SHEET_ID = 5700101  # our sheetIds for the officer tabs of a new spreadsheet (the status tab: STATUS_SHEET_ID)
LIST_KINDS = (Kind.SECTOR, Kind.ROLE, Kind.CENTER_TYPE, Kind.DIMENSION, Kind.LEVEL)
WRITER_ROLES = {"writer", "owner", "organizer", "fileOrganizer"}
# What `init` reads of an existing spreadsheet: sheet properties, protections, conditional formats,
# and the cells of rows 1-2 (headers; the drop-down and number format of the first data row).
SAMPLE_FIELDS = (
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount,frozenRowCount)),"
    "protectedRanges(protectedRangeId,range(sheetId),warningOnly),conditionalFormats(ranges(sheetId)),"
    "data(rowData(values(userEnteredValue,userEnteredFormat(numberFormat),dataValidation))))"
)


class InitError(Exception):
    """This district cannot be provisioned; the message says why and what to do."""


# --- workbooks ---------------------------------------------------------------------------------------
class Formula(str):
    """A workbook cell's formula ("=SUM(E2:E28)"): uploaded as a formula, where text stays text."""


@dataclass
class Workbook:
    """A district workbook as it will be uploaded: tabs in workbook order, rows of cell values
    (str, int, float, bool, None, dates and datetimes, `Formula`)."""

    source: str
    tabs: dict[str, list[list[Any]]]


def _workbook_value(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        text = getattr(value, "text", value)
        return Formula(text if str(text).startswith("=") else f"={text}")
    if cell.data_type == "e":
        return str(value)
    return value


def read_workbook(path: Path) -> Workbook:
    """Every worksheet of an .xlsx workbook with openpyxl (formulas as formulas, dates as dates)."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several types for damaged files
        raise SourceUnreadable(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        tabs = {}
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows():
                values = [_workbook_value(c) for c in row]
                while values and values[-1] in (None, ""):
                    values.pop()
                rows.append(values)
            while rows and not rows[-1]:
                rows.pop()
            tabs[sheet.title] = rows
    finally:
        book.close()
    return Workbook(str(path), tabs)


def load_workbooks(config: Config, folder: Path, districts: Iterable[District]) -> dict[str, Workbook | Exception]:
    """Each district's workbook in `folder`, found the way the xlsx backend finds it; or why not."""
    from sync.backends.xlsx import XlsxBackend

    locator = XlsxBackend(config.model_copy(update={"backend": Backend(kind="xlsx", workbooks=Path(folder))}))
    found: dict[str, Workbook | Exception] = {}
    for district in districts:
        try:
            found[district.code] = read_workbook(locator.locate(district))
        except SourceUnreadable as exc:
            found[district.code] = exc
    return found


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


# --- outcomes ----------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What init did (or, in a dry run, would do) to one spreadsheet."""

    label: str  # "5701 เมืองเชียงราย" or "provincial summary"
    action: str = "unchanged"  # created | updated | unchanged | failed
    spreadsheet_id: str = ""
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}" if self.spreadsheet_id else ""

    def lines(self, dry_run: bool) -> list[str]:
        if self.action == "failed":
            head = f"{self.label}: FAILED: {self.error}"
        elif self.action == "unchanged":
            head = f"{self.label}: unchanged"
        else:
            verb = {
                "created": "would create" if dry_run else "created",
                "updated": "would update" if dry_run else "updated",
            }
            head = f"{self.label}: {verb[self.action]}" + (f" {self.url}" if self.url else "")
            head += (": " + "; ".join(self.changes)) if self.changes else ""
        return [head] + [f"    note: {note}" for note in self.notes]


@dataclass
class InitReport:
    outcomes: list[Outcome]
    dry_run: bool
    requests: Counter

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == "failed"]

    def totals(self) -> str:
        by_action = Counter(o.action for o in self.outcomes)
        parts = [f"{by_action[a]} {a}" for a in ("created", "updated", "unchanged", "failed")]
        sheets = {k: n for k, n in self.requests.items() if k.startswith("sheets.")}
        reads = sum(n for k, n in sheets.items() if k in ("sheets.get", "sheets.values.batchGet", "sheets.values.get"))
        drive = sum(n for k, n in self.requests.items() if k.startswith("drive."))
        prefix = "init (dry run, nothing written)" if self.dry_run else "init"
        return (
            f"{prefix}: {', '.join(parts)}; requests: {sum(sheets.values())} Sheets"
            f" ({reads} reads, {sum(sheets.values()) - reads} writes), {drive} Drive"
        )


# --- what is in an existing spreadsheet ---------------------------------------------------------------
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


# --- the provisioner ---------------------------------------------------------------------------------
class Provisioner:
    """Provision district spreadsheets through the backend's HTTP client (endpoint override, rate
    limit, bounded retries and request counts included)."""

    def __init__(self, config: Config, client: gspread.Client | None = None):
        if config.backend.google is None:
            raise ConfigError("backend.google: the Google settings are needed for `init --backend google`")
        self.config = config
        self.settings = config.backend.google
        if client is None:
            client, self.http, self.client_email = open_client(config)
        else:
            self.http, self.client_email = client.http_client, ""
        self.client = client
        self.files: dict[str, dict] | None = None
        programme = config.programme
        self.lists: dict[Kind, list[str]] = {
            Kind.SECTOR: [s.name for s in programme.sectors],
            Kind.ROLE: list(programme.roles),
            Kind.CENTER_TYPE: [t.name for t in programme.center_types],
            Kind.DIMENSION: [d.name for d in programme.dimensions],
            Kind.LEVEL: list(programme.assessment_levels),
        }

    # --- the run -------------------------------------------------------------------------------------
    def run(
        self,
        districts: Iterable[District],
        workbooks: Mapping[str, Workbook | Exception] | None = None,
        *,
        dry_run: bool = False,
        summary: bool = True,
    ) -> InitReport:
        """Provision `districts` (uploading `workbooks[code]` into spreadsheets it creates) and the
        provincial summary spreadsheet."""
        outcomes = []
        self.list_files()
        for district in districts:
            label = f"{district.code} {district.name}"
            workbook = workbooks.get(district.code) if workbooks is not None else None
            try:
                outcomes.append(self.district(district, workbook, dry_run=dry_run, expect_upload=workbooks is not None))
            except (InitError, SourceUnreadable) as exc:
                outcomes.append(Outcome(label, "failed", error=str(exc)))
            except APIError as exc:
                outcomes.append(Outcome(label, "failed", error=_api_message(exc)))
            log.info("%s", outcomes[-1].lines(dry_run)[0])
        if summary:
            try:
                outcomes.append(self.summary(dry_run=dry_run))
            except (InitError, APIError) as exc:
                error = _api_message(exc) if isinstance(exc, APIError) else str(exc)
                outcomes.append(Outcome("provincial summary", "failed", error=error))
        return InitReport(outcomes, dry_run, Counter(self.http.counts))

    def district(
        self,
        district: District,
        workbook: Workbook | Exception | None = None,
        *,
        dry_run: bool = False,
        expect_upload: bool = False,
    ) -> Outcome:
        title = district.spreadsheet or f"{district.code} {district.name}"
        outcome = Outcome(f"{district.code} {district.name}")
        spreadsheet_id = self.find(title)
        if spreadsheet_id is None:
            tabs = self._upload_tabs(workbook, expect_upload, outcome)
            outcome.action = "created"
            requests = self._layout(tabs, outcome, remove=[0])
            if not dry_run:
                spreadsheet_id = self._create_file(title)
                try:
                    self.http.batch_update(spreadsheet_id, {"requests": requests})
                except APIError as exc:
                    raise InitError(
                        f"created spreadsheet {spreadsheet_id} but could not lay it out ({_api_message(exc)});"
                        " it is empty: run init again to lay it out"
                    ) from exc
            outcome.spreadsheet_id = spreadsheet_id or ""
            shared = self._share(spreadsheet_id, district.emails, "writer", {}, outcome, dry_run)
            outcome.changes.append(f"shared with {shared} address(es)" if shared else "shared with nobody")
            return outcome

        outcome.spreadsheet_id = spreadsheet_id
        expected = self._expected_titles(workbook)
        sheets, bare = self._inspect(spreadsheet_id, expected)
        if bare is not None:  # no contract tab, no status tab, not a single value: lay it out
            tabs = self._upload_tabs(workbook, expect_upload, outcome)
            requests = self._layout(tabs, outcome, remove=bare)
            outcome.changes.insert(0, "laid out the empty spreadsheet")
        else:
            if isinstance(workbook, Workbook):
                outcome.notes.append("exists, so the workbook was not uploaded (init never uploads over a spreadsheet)")
            requests = self._repairs(sheets, outcome)
        if requests and not dry_run:
            self.http.batch_update(spreadsheet_id, {"requests": requests})
        self._share(spreadsheet_id, district.emails, "writer", self.files.get(spreadsheet_id, {}), outcome, dry_run)
        if outcome.changes:
            outcome.action = "updated"
        return outcome

    def summary(self, *, dry_run: bool = False) -> Outcome:
        """The provincial summary spreadsheet: created empty when missing (the sync adds its tabs),
        shared with the provincial staff as readers."""
        name = self.settings.summary_spreadsheet
        outcome = Outcome("provincial summary")
        spreadsheet_id = self.find(name)
        if spreadsheet_id is None:
            outcome.action = "created"
            outcome.changes.append(f"titled {name!r}")
            if not dry_run:
                spreadsheet_id = self._create_file(name)
        outcome.spreadsheet_id = spreadsheet_id or ""
        file = self.files.get(spreadsheet_id, {}) if spreadsheet_id else {}
        shared = self._share(spreadsheet_id, self.config.province.staff_emails, "reader", file, outcome, dry_run)
        if outcome.action == "created":
            outcome.changes.append(f"shared with {shared} staff address(es) (reader)")
        if outcome.changes and outcome.action == "unchanged":
            outcome.action = "updated"
        return outcome

    # --- Drive ---------------------------------------------------------------------------------------
    def list_files(self) -> dict[str, dict]:
        """Every spreadsheet the service account can see, with its sharing: one request per 1,000."""
        self.files = list_spreadsheets(self.http, "id,name,permissions(type,emailAddress,role)")
        return self.files

    def find(self, name: str) -> str | None:
        """The id of the spreadsheet that is `name` (an id or an exact, unique title), None if none is."""
        files = self.files if self.files is not None else self.list_files()
        if SPREADSHEET_ID.match(name) and name in files:
            return name
        matches = [f["id"] for f in files.values() if f["name"] == name]
        if len(matches) > 1:
            raise InitError(
                f"{len(matches)} spreadsheets are titled {name!r}: keep one, or name it by id in the configuration"
            )
        if not matches and SPREADSHEET_ID.match(name):
            raise InitError(
                f"spreadsheet {name} is not shared with {self.client_email or 'the service account'}"
                " (init creates spreadsheets by title, not by id)"
            )
        return matches[0] if matches else None

    def _create_file(self, title: str) -> str:
        body: dict[str, Any] = {"name": title, "mimeType": SPREADSHEET_MIME}
        if self.settings.folder:
            body["parents"] = [self.settings.folder]
        params = {"supportsAllDrives": True, "fields": "id,name"}
        created = self.http.request("post", DRIVE_FILES, params=params, json=body).json()
        self.files[created["id"]] = {"id": created["id"], "name": title, "permissions": []}
        return created["id"]

    def _share(
        self, spreadsheet_id: str | None, emails: list[str], role: str, file: dict, outcome: Outcome, dry_run: bool
    ) -> int:
        """Give each address `role` unless it already has it or more; returns how many were added."""
        wanted = WRITER_ROLES if role == "writer" else WRITER_ROLES | {"reader", "commenter"}
        if spreadsheet_id and file and "permissions" not in file:
            url = f"{DRIVE_FILES}/{spreadsheet_id}/permissions"
            params = {"supportsAllDrives": True, "fields": "permissions(type,emailAddress,role)"}
            file["permissions"] = self.http.request("get", url, params=params).json().get("permissions", [])
        have = {
            p.get("emailAddress", "").lower()
            for p in file.get("permissions", [])
            if p.get("type") in ("user", "group") and p.get("role") in wanted
        }
        missing = [e for e in emails if e.lower() not in have]
        for email in missing:
            if not dry_run:
                url = f"{DRIVE_FILES}/{spreadsheet_id}/permissions"
                params = {"sendNotificationEmail": False, "supportsAllDrives": True, "fields": "id"}
                body = {"type": "user", "role": role, "emailAddress": email}
                self.http.request("post", url, params=params, json=body)
                file.setdefault("permissions", []).append(body)
        if missing and outcome.action != "created":
            outcome.changes.append(f"shared with {', '.join(missing)} ({role})")
        return len(missing)

    # --- reading an existing spreadsheet --------------------------------------------------------------
    def _expected_titles(self, workbook: Workbook | Exception | None) -> list[str]:
        """The tabs a spreadsheet is expected to have: the uploaded workbook's contract tabs when
        there is a workbook (that is what an upload made), else every contract tab."""
        if isinstance(workbook, Workbook):
            titles = [t for t in workbook.tabs if _contract_tab(t) and find_tab({t: []}, STATUS) is None]
        else:
            titles = list(TABS)
        return [*titles, STATUS]

    def _inspect(self, spreadsheet_id: str, expected: list[str]) -> tuple[list[SheetState], list[int] | None]:
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
        ours = [t for t in titles if _contract_tab(t) or find_tab({t: []}, STATUS) is not None]
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
    def _upload_tabs(
        self, workbook: Workbook | Exception | None, expect_upload: bool, outcome: Outcome
    ) -> list[tuple[str, list[list[Any]]]]:
        """The officer tabs of a spreadsheet being laid out: the workbook's, or the contract's headers."""
        if isinstance(workbook, Exception):
            raise InitError(f"{workbook} (nothing created)")
        if workbook is None:
            if expect_upload:
                raise InitError("no workbook to upload (nothing created)")
            return [(tab.name, [[c.header for c in tab.columns]]) for tab in TABS.values()]
        tabs = []
        for title, rows in workbook.tabs.items():
            if find_tab({title: []}, STATUS) is not None:
                outcome.notes.append(f"the workbook's {title!r} tab is not uploaded: the next sync writes it")
                continue
            tabs.append((title, rows))
        present = {title: [] for title, _ in tabs}
        for tab in TABS.values():
            if find_tab(present, tab.name) is None:
                outcome.notes.append(f"the workbook has no tab {tab.name!r}: not added (the check reports it)")
        cells = sum(1 for _, rows in tabs for row in rows for v in row if v not in (None, ""))
        outcome.changes.append(f"uploaded {cells} cells of {len(tabs)} tabs from {Path(workbook.source).name}")
        return tabs

    def _layout(self, tabs: list[tuple[str, list[list[Any]]]], outcome: Outcome, remove: list[int]) -> list[dict]:
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
            tab = _contract_tab(title)
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
            missing = [c.header for c in tab.columns if c.required and c.header not in columns]
            if missing:
                outcome.notes.append(f"{title}: no column {', '.join(missing)} (the check reports it)")
            for header, column in columns.items():
                kind = tab.column(header).kind
                if kind in LIST_KINDS:
                    requests.append(self._validation(sheet_id, column, kind))
                    validations += 1
                elif kind is Kind.DATE:
                    requests.append(_date_format(sheet_id, column))
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

    def _repairs(self, sheets: list[SheetState], outcome: Outcome) -> list[dict]:
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
                missing = [c.header for c in tab.columns if c.required and c.header not in columns]
                if missing:
                    outcome.notes.append(f"{title}: no column {', '.join(missing)} (the check reports it)")
            for header, column in columns.items():
                kind = tab.column(header).kind
                cell = second[column] if column < len(second) else {}
                if kind in LIST_KINDS and not self._same_list(cell.get("dataValidation"), kind):
                    requests.append(self._validation(sheet.sheet_id, column, kind))
                    outcome.changes.append(f"drop-down on {title}!{header}")
                elif kind is Kind.DATE:
                    number_format = (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
                    if number_format.get("type") not in ("DATE", "DATE_TIME"):
                        requests.append(_date_format(sheet.sheet_id, column))
                        outcome.changes.append(f"date format on {title}!{header}")
        status_title = find_tab(by_title, STATUS)
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

    def _validation(self, sheet_id: int, column: int, kind: Kind) -> dict:
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

    def _same_list(self, rule: dict | None, kind: Kind) -> bool:
        condition = (rule or {}).get("condition") or {}
        values = [v.get("userEnteredValue") for v in condition.get("values") or []]
        return condition.get("type") == "ONE_OF_LIST" and values == self.lists[kind]


def _contract_tab(title: str) -> Tab | None:
    for tab in TABS.values():
        if find_tab({title: []}, tab.name) is not None:
            return tab
    return None


def _date_format(sheet_id: int, column: int) -> dict:
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


def _api_message(exc: APIError) -> str:
    if exc.code == 403:
        return f"permission denied ({exc.error.get('message', exc)}): share it with the service account"
    if exc.code == 429:
        return "Google's rate limit answered 429 after every retry: run init again later"
    return f"Google API error {exc.code}: {exc.error.get('message', exc)}"
