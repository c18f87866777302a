"""The production backend: one Google spreadsheet per district, through gspread's HTTP client.

Quota-frugal: one Drive `files.list` per sync (titles → ids, `modifiedTime`, whether we may edit),
then for each spreadsheet changed since its last read ONE `spreadsheets.get` with the grid data of
every tab (so a missing or renamed tab costs nothing more); an unchanged one is not read at all (its
tabs come from the cache in the state folder, and the rules still run with today's date). The status
tab is written with ONE `spreadsheets.batchUpdate` (adding the tab when it is missing, values and
look together) and only when its content changed; the provincial summary likewise, after one read
of its tab list. One more Drive listing at the end learns the `modifiedTime` of what was written.

The service's own status tab is recognised exactly: the tab titled exactly `สถานะ (อัตโนมัติ)`
whose sheet id is the one recorded in the cache (the first time: the one that exists). A tab an
officer named alike (`สถานะ(อัตโนมัติ)`) is never written.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import gspread
import requests
from google.auth.exceptions import GoogleAuthError
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError

from sync.backends import BackendUnavailable, SourceUnreadable, WriteFailed
from sync.backends.google_cache import Cache
from sync.backends.google_http import Limits, RetryPolicy, SheetsHTTPClient
from sync.backends.google_layout import (
    SPARE_ROWS,
    add_sheet,
    cell_value,
    extent,
    header_format,
    status_tab_format,
    write_sheet,
)
from sync.config import Config, ConfigError, District
from sync.model import RawWorkbook
from sync.outputs.sheet import Sheet
from sync.schema import STATUS

__all__ = [  # what `init` (sync/provision.py) uses besides the backend
    "DRIVE_FILES",
    "SPREADSHEET_ID",
    "SPREADSHEET_MIME",
    "STATUS_SHEET_ID",
    "GoogleBackend",
    "header_format",
    "list_spreadsheets",
    "open_client",
    "quote_title",
    "status_tab_format",
]

log = logging.getLogger("khoknongna.google")

SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
SPREADSHEET_ID = re.compile(r"^[A-Za-z0-9_-]{25,}$")
STATUS_SHEET_ID = 5700001  # our own sheetId for the status tab, so one batchUpdate can add and write it
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
LIST_FIELDS = "id,name,modifiedTime,capabilities(canEdit)"
SETTLE_FIELDS = "id,modifiedTime,lastModifyingUser(me,emailAddress)"
# One read of a district spreadsheet: every tab's id, title, size and cell values (as computed).
READ_FIELDS = (
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),data(rowData(values(effectiveValue))))"
)
SUMMARY_FIELDS = "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),charts(chartId))"
ERROR_TEXT = {  # effectiveValue.errorValue.type → what the cell shows (and values:batchGet returns)
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}
GOOGLE_FAILURES = (APIError, requests.RequestException, GoogleAuthError, ValueError)


def quote_title(title: str) -> str:
    """A sheet title as an A1 range prefix: 'It''s'."""
    return "'" + title.replace("'", "''") + "'"


def _credential_paths(config: Config) -> list[Path]:
    setting = config.backend.google.credentials
    paths = setting if isinstance(setting, list) else [setting] if setting else []
    if not paths and os.environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
        paths = [Path(os.environ["GOOGLE_APPLICATION_CREDENTIALS"])]
    if not paths:
        raise ConfigError("backend.google.credentials: not set and GOOGLE_APPLICATION_CREDENTIALS is empty")
    return paths


def _load_one(path: Path, endpoint: str | None) -> tuple[Credentials, str]:
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"backend.google.credentials: service-account file not found: {path}") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"backend.google.credentials: {path} is not a service-account JSON ({exc})") from None
    if endpoint:
        info["token_uri"] = endpoint.rstrip("/") + "/token"
    try:
        return Credentials.from_service_account_info(info, scopes=SCOPES), info["client_email"]
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"backend.google.credentials: {path} is not a service-account JSON ({exc})") from None


def load_credentials(config: Config) -> list[tuple[Credentials, str]]:
    """Every configured service account (token requests follow the endpoint override) with its client_email."""
    return [_load_one(path, config.backend.google.endpoint) for path in _credential_paths(config)]


def open_client(config: Config) -> tuple[gspread.Client, SheetsHTTPClient, str]:
    """A client paced to the configured limits, sending through every configured service account;
    the first one's client_email (it lists Drive, and `init` creates spreadsheets with it)."""
    accounts = load_credentials(config)
    client = gspread.Client(accounts[0][0], http_client=SheetsHTTPClient)
    http: SheetsHTTPClient = client.http_client
    settings = config.backend.google
    limits = Limits(
        settings.rate_limit_per_minute, settings.project_rate_limit_per_minute, settings.drive_rate_limit_per_minute
    )
    retry = RetryPolicy(max_retries=settings.max_retries)
    http.configure(settings.endpoint, limits, settings.timeout_seconds, retry, [c for c, _ in accounts[1:]])
    http.client_emails = [email for _, email in accounts]
    return client, http, accounts[0][1]


def list_spreadsheets(http: SheetsHTTPClient, fields: str) -> dict[str, dict]:
    """Every spreadsheet visible to the service account, by id, with `fields` of each: one Drive
    request per 1,000 files."""
    files: dict[str, dict] = {}
    token = None
    while True:
        params = {
            "q": f"mimeType='{SPREADSHEET_MIME}' and trashed=false",
            "pageSize": 1000,
            "fields": f"nextPageToken,files({fields})",
            "supportsAllDrives": True,
            "includeItemsFromAllDrives": True,
        }
        if token:
            params["pageToken"] = token
        page = http.request("get", DRIVE_FILES, params=params).json()
        files.update({f["id"]: f for f in page.get("files", [])})
        token = page.get("nextPageToken")
        if not token:
            return files


def failure(exc: Exception) -> str:
    """One line for an error of the Google APIs, the network or the credentials."""
    if isinstance(exc, APIError):
        return f"Google API error {exc.code}: {exc.error.get('message', '') if isinstance(exc.error, dict) else exc}"
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def rows_of(grid: dict) -> list[list[Any]]:
    """The values of one tab's grid data as values:batchGet gives them (UNFORMATTED_VALUE, dates as
    serial numbers): trailing empty cells and rows trimmed."""
    rows = []
    for row in grid.get("rowData", []):
        values = [_value(cell.get("effectiveValue")) for cell in row.get("values", [])]
        while values and values[-1] == "":
            values.pop()
        rows.append(values)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _value(effective: dict | None) -> Any:
    if not effective:
        return ""
    for key in ("stringValue", "numberValue", "boolValue"):
        if key in effective:
            return effective[key]
    error = effective.get("errorValue")
    return ERROR_TEXT.get(error.get("type"), "#ERROR!") if isinstance(error, dict) else ""


class GoogleBackend:
    def __init__(self, config: Config, client: gspread.Client | None = None):
        self.config = config
        self.settings = config.backend.google
        if client is None:
            client, http, self.client_email = open_client(config)
        else:
            http, self.client_email = client.http_client, ""
        self.client = client
        self.http: SheetsHTTPClient = http
        self.cache = Cache(Path(config.outputs.state))
        self.files: dict[str, dict] | None = None  # Drive listing of this sync: id → file
        self.listing = threading.Lock()
        self.layouts: dict[str, dict] = {}  # spreadsheet id → {"sheets": {title: {...}}, "statusSheetId": …}
        self.written: list[str] = []  # spreadsheets whose status tab this run wrote

    @property
    def location(self) -> str:
        """Where the status tabs are written, for the operator."""
        return "the district spreadsheets on Google Sheets"

    @property
    def api_requests(self) -> int:
        """Sheets and Drive requests sent by this backend so far (retries included)."""
        return sum(n for kind, n in self.http.counts.items() if kind != "retries")

    @property
    def parallel(self) -> int:
        """How many requests may usefully be in flight: one per service account."""
        return len(getattr(self.http, "sessions", [None]))

    @property
    def write_behind(self) -> int:
        """Status writes in flight while the next districts are read (each waits on the network)."""
        return self.parallel

    def _whom(self) -> str:
        return self.client_email or "the service account's client_email"

    # --- the Drive listing -------------------------------------------------------------------------------
    def list_files(self) -> dict[str, dict]:
        """Every spreadsheet the service account can see, listed once per sync; BackendUnavailable
        when Drive cannot be listed (after the retries)."""
        with self.listing:  # readers in several threads list once
            if self.files is None:
                try:
                    self.files = list_spreadsheets(self.http, LIST_FIELDS)
                except GOOGLE_FAILURES as exc:
                    reason = f"Google Drive: the spreadsheets could not be listed ({failure(exc)})"
                    raise BackendUnavailable(reason) from exc
        return self.files

    def spreadsheet_id(self, name: str) -> str:
        """A spreadsheet id from an id or an exact title (which must be unique)."""
        files = self.list_files()
        if SPREADSHEET_ID.match(name) and (name in files or not any(f["name"] == name for f in files.values())):
            return name
        matches = [f["id"] for f in files.values() if f["name"] == name]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SourceUnreadable(f"no spreadsheet titled {name!r} is shared with {self._whom()}")
        raise SourceUnreadable(f"{len(matches)} spreadsheets are titled {name!r}; name it by id instead")

    # --- reading -----------------------------------------------------------------------------------------
    def read(self, district: District) -> RawWorkbook:
        spreadsheet_id = self.spreadsheet_id(district.spreadsheet or f"{district.code} {district.name}")
        modified = self.list_files().get(spreadsheet_id, {}).get("modifiedTime", "")
        link = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}"
        max_age = dt.timedelta(hours=self.settings.cache_max_age_hours)
        entry = self.cache.fresh(spreadsheet_id, modified, max_age)
        if entry is None:
            known = self.cache.entry(spreadsheet_id)
            try:
                reply = self.http.fetch_sheet_metadata(
                    spreadsheet_id, params={"includeGridData": "true", "fields": READ_FIELDS}
                )
            except GOOGLE_FAILURES as exc:
                raise self._unreadable(exc, spreadsheet_id, district) from exc
            entry = self._entry(reply, known)
            self.cache.put(spreadsheet_id, entry, modified)
        self.layouts[spreadsheet_id] = {k: v for k, v in entry.items() if k != "tabs"}
        return RawWorkbook(spreadsheet_id, entry["tabs"], modified, link)

    @staticmethod
    def _entry(reply: dict, known: dict | None) -> dict:
        """A cache entry from a spreadsheets.get reply: tabs, layout, and which tab is ours."""
        tabs, sheets = {}, {}
        for item in reply.get("sheets", []):
            props = item.get("properties", {})
            title, grid = props.get("title", ""), props.get("gridProperties", {})
            tabs[title] = rows_of((item.get("data") or [{}])[0])
            sheets[title] = {
                "sheetId": props.get("sheetId"),
                "rows": grid.get("rowCount", 0),
                "columns": grid.get("columnCount", 0),
            }
        status_id = (known or {}).get("statusSheetId")
        exact = sheets.get(STATUS)
        if exact and status_id is None:
            status_id = exact["sheetId"]  # first sight: the tab init made (or an earlier version of us)
        return {"tabs": tabs, "sheets": sheets, "statusSheetId": status_id}

    def _unreadable(self, exc: Exception, spreadsheet_id: str, district: District) -> SourceUnreadable:
        where = f"spreadsheet {spreadsheet_id} of district {district.code}"
        if isinstance(exc, APIError) and exc.code == 403:
            return SourceUnreadable(f"{where} is not shared with the service account: share it with {self._whom()}")
        if isinstance(exc, APIError) and exc.code == 404:
            return SourceUnreadable(f"{where} not found (deleted?)")
        return SourceUnreadable(f"{where} could not be read: {failure(exc)}")

    # --- writing -----------------------------------------------------------------------------------------
    def write_status(self, district: District, raw: RawWorkbook, sheet: Sheet) -> None:
        """Write the status tab with one spreadsheets.batchUpdate (adding the tab when missing)."""
        spreadsheet_id = raw.source
        where = f"spreadsheet {spreadsheet_id} of district {district.code}"
        if not self.list_files().get(spreadsheet_id, {}).get("capabilities", {}).get("canEdit", True):
            raise WriteFailed(self._read_only(where))
        layout = self.layouts.get(spreadsheet_id) or {"sheets": {}, "statusSheetId": None}
        sheets, status_id = dict(layout["sheets"]), layout["statusSheetId"]
        ours = sheets.get(STATUS)
        if ours is not None and status_id is not None and ours["sheetId"] != status_id:
            raise WriteFailed(
                f"{where}: its tab {STATUS!r} was not made by the service (it replaced the service's own);"
                " rename or delete it, and the next sync adds the status tab again"
            )
        if ours is None:
            status_id = _free_sheet_id(s["sheetId"] for s in sheets.values())
            requests = add_sheet(status_id, sheet) + write_sheet(status_id, sheet, old_rows=0)
        else:
            grid = (ours["rows"], ours["columns"])
            requests = write_sheet(status_id, sheet, grid, old_rows=len(raw.tabs.get(STATUS, [])))
        try:
            self.http.batch_update(spreadsheet_id, {"requests": requests})
        except GOOGLE_FAILURES as exc:
            if isinstance(exc, APIError) and exc.code == 403:
                raise WriteFailed(self._read_only(where)) from exc
            replayed = ours is None and isinstance(exc, APIError) and exc.code == 400
            if not (replayed and self._added(spreadsheet_id, status_id)):
                raise WriteFailed(f"{where}: status tab not written ({failure(exc)})") from exc
            # The reply to the batch was lost and the client sent it again: the first one had added the
            # tab, so the second was refused. A batchUpdate is all or nothing: the tab is written.
        rows, columns = _grid_after(sheet, ours)
        sheets[STATUS] = {"sheetId": status_id, "rows": rows, "columns": columns}
        entry = {"tabs": {**raw.tabs, STATUS: _as_read(sheet.rows)}, "sheets": sheets, "statusSheetId": status_id}
        self.cache.put(spreadsheet_id, entry, "")  # its modifiedTime: learnt in finish_run
        self.written.append(spreadsheet_id)

    def _added(self, spreadsheet_id: str, sheet_id: int) -> bool:
        """Whether the spreadsheet has the service's status tab with `sheet_id` (one metadata read)."""
        try:
            meta = self.http.fetch_sheet_metadata(spreadsheet_id, params={"fields": "sheets.properties(sheetId,title)"})
        except GOOGLE_FAILURES:
            return False
        return any(
            s["properties"].get("sheetId") == sheet_id and s["properties"].get("title") == STATUS
            for s in meta.get("sheets", [])
        )

    def _read_only(self, where: str) -> str:
        return f"{where} is shared with {self._whom()} read-only: share it with {self._whom()} as editor"

    def write_summary(self, sheets: list[Sheet]) -> str:
        """Rewrite the provincial summary spreadsheet's tabs: one read of its tabs, one batchUpdate."""
        try:
            spreadsheet_id = self.spreadsheet_id(self.settings.summary_spreadsheet)
        except SourceUnreadable as exc:
            raise BackendUnavailable(f"the provincial summary spreadsheet: {exc}") from exc
        try:
            self._write_summary(spreadsheet_id, sheets)
        except GOOGLE_FAILURES as exc:
            where = f"the provincial summary spreadsheet {spreadsheet_id}"
            if isinstance(exc, APIError) and exc.code == 403:
                raise BackendUnavailable(self._read_only(where)) from exc
            raise BackendUnavailable(f"{where} could not be written ({failure(exc)})") from exc
        return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}"

    def _write_summary(self, spreadsheet_id: str, sheets: list[Sheet]) -> None:
        meta = self.http.fetch_sheet_metadata(spreadsheet_id, params={"fields": SUMMARY_FIELDS})
        present = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
        taken = [s["properties"]["sheetId"] for s in present.values()]
        requests: list[dict] = []
        for index, sheet in enumerate(sheets):
            tab = present.get(sheet.title)
            if tab is None:
                sheet_id = _free_sheet_id(taken)
                taken.append(sheet_id)
                requests += add_sheet(sheet_id, sheet, index) + write_sheet(sheet_id, sheet)
            else:
                props, grid = tab["properties"], tab["properties"].get("gridProperties", {})
                charts = [c["chartId"] for c in tab.get("charts", [])]
                size = (grid.get("rowCount", 0), grid.get("columnCount", 0))
                requests += write_sheet(props["sheetId"], sheet, size, charts)
        self.http.batch_update(spreadsheet_id, {"requests": requests})

    # --- the end of a run --------------------------------------------------------------------------------
    def finish_run(self) -> None:
        """Learn the `modifiedTime` of every spreadsheet written this run from one Drive listing, so
        the next sync need not read them again; keep the cache index."""
        if self.written:
            try:
                files = list_spreadsheets(self.http, SETTLE_FIELDS)
            except GOOGLE_FAILURES as exc:
                log.warning("written spreadsheets will be read again next time: %s", failure(exc))
                files = {}
            ours = {*self.http.client_emails, self.client_email}
            for spreadsheet_id in self.written:
                file = files.get(spreadsheet_id, {})
                last = file.get("lastModifyingUser", {})
                if last.get("me") or last.get("emailAddress") in ours:  # nobody edited after our write
                    self.cache.settle(spreadsheet_id, file["modifiedTime"])
            self.written = []
        self.cache.flush()


def _free_sheet_id(taken: Iterable[int]) -> int:
    taken = set(taken)
    sheet_id = STATUS_SHEET_ID
    while sheet_id in taken:
        sheet_id += 1
    return sheet_id


def _grid_after(sheet: Sheet, before: dict | None) -> tuple[int, int]:
    """The status tab's grid size after a write."""
    rows, columns = extent(sheet)
    if before is None:
        return rows + SPARE_ROWS, max(columns, 8)
    return max(rows, before["rows"]), max(columns, before["columns"])


def _plain(value: Any) -> Any:
    typed = cell_value(value)
    return "" if typed is None else next(iter(typed.values()))


def _as_read(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows as Sheets gives them back after a write: typed as written, trailing empty cells trimmed."""
    out = []
    for row in rows:
        row = [_plain(v) for v in row]
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    return out
