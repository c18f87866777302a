"""The production backend: one Google spreadsheet per district, through gspread.

Quota-frugal: one Drive `files.list` per sync (titles → ids and `modifiedTime`), then for each
spreadsheet changed since its last read one `values:batchGet` of every tab; an unchanged one is
not read at all (its parsed tabs come from the cache in the state folder, and the rules still run
with today's date). The status tab is written with one `values:batchUpdate` (RAW) and only when
its content changed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import gspread
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError

from sync.atomic import atomic_write
from sync.backends import SourceUnreadable
from sync.backends.google_http import RetryPolicy, SheetsHTTPClient
from sync.config import Config, ConfigError, District
from sync.model import RawWorkbook, Status, column_letter
from sync.normalise import find_tab
from sync.outputs.sheet import COLOURS, Sheet
from sync.schema import STATUS, TABS
from sync.texts import status_label, texts

log = logging.getLogger("khoknongna.google")

SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
SPREADSHEET_ID = re.compile(r"^[A-Za-z0-9_-]{25,}$")
STATUS_SHEET_ID = 5700001  # our own sheetId for the status tab, so one batchUpdate can add and format it
READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}


def quote_title(title: str) -> str:
    """A sheet title as an A1 range prefix: 'It''s'."""
    return "'" + title.replace("'", "''") + "'"


def load_credentials(config: Config) -> tuple[Credentials, str]:
    """Service-account credentials (token requests follow the endpoint override) and client_email."""
    settings = config.backend.google
    path = settings.credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if not path:
        raise ConfigError("backend.google.credentials: not set and GOOGLE_APPLICATION_CREDENTIALS is empty")
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"backend.google.credentials: service-account file not found: {path}") from None
    except ValueError as exc:
        raise ConfigError(f"backend.google.credentials: {path} is not a service-account JSON ({exc})") from None
    if settings.endpoint:
        info["token_uri"] = settings.endpoint.rstrip("/") + "/token"
    try:
        credentials = Credentials.from_service_account_info(info, scopes=SCOPES)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"backend.google.credentials: {path} is not a service-account JSON ({exc})") from None
    return credentials, info["client_email"]


def open_client(config: Config) -> tuple[gspread.Client, SheetsHTTPClient, str]:
    credentials, email = load_credentials(config)
    client = gspread.Client(credentials, http_client=SheetsHTTPClient)
    http: SheetsHTTPClient = client.http_client
    settings = config.backend.google
    http.configure(
        settings.endpoint,
        settings.rate_limit_per_minute,
        settings.timeout_seconds,
        RetryPolicy(max_retries=settings.max_retries),
        settings.drive_rate_limit_per_minute,
    )
    return client, http, email


DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"


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


class Cache:
    """Raw tabs of each spreadsheet as last read, with the `modifiedTime` they belong to."""

    def __init__(self, folder: Path):
        self.folder = folder / "google-cache"

    def _path(self, spreadsheet_id: str) -> Path:
        return self.folder / f"{spreadsheet_id}.json"

    def get(self, spreadsheet_id: str) -> dict | None:
        try:
            return json.loads(self._path(spreadsheet_id).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def put(self, spreadsheet_id: str, entry: dict) -> None:
        data = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        atomic_write(self._path(spreadsheet_id), lambda handle: handle.write(data))


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

    @property
    def location(self) -> str:
        """Where the status tabs are written, for the operator."""
        return "the district spreadsheets on Google Sheets"

    @property
    def api_requests(self) -> int:
        """Sheets and Drive requests sent by this backend so far (retries included)."""
        return sum(n for kind, n in self.http.counts.items() if kind != "retries")

    # --- the Drive listing -------------------------------------------------------------------
    def list_files(self) -> dict[str, dict]:
        """Every spreadsheet the service account can see, listed once per sync."""
        if self.files is None:
            self.files = list_spreadsheets(self.http, "id,name,modifiedTime")
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
            raise SourceUnreadable(
                f"no spreadsheet titled {name!r} is shared with {self.client_email or 'the service account'}"
            )
        raise SourceUnreadable(f"{len(matches)} spreadsheets are titled {name!r}; name it by id instead")

    def _district_sheet(self, district: District) -> str:
        return self.spreadsheet_id(district.spreadsheet or f"{district.code} {district.name}")

    # --- reading ---------------------------------------------------------------------------------
    def read(self, district: District) -> RawWorkbook:
        spreadsheet_id = self._district_sheet(district)
        modified = self.list_files().get(spreadsheet_id, {}).get("modifiedTime", "")
        link = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}"
        cached = self.cache.get(spreadsheet_id)
        if cached and modified and cached["modifiedTime"] == modified and self._fresh(cached):
            return RawWorkbook(spreadsheet_id, cached["tabs"], modified, link)
        titles = [*TABS, STATUS]
        if cached:  # the titles read last time, and any contract tab they lack (an officer may have added it)
            titles = [*cached["tabs"], *(t for t in titles if find_tab(cached["tabs"], t) is None)]
        tabs = self._fetch(spreadsheet_id, district, titles)
        self.cache.put(spreadsheet_id, {"modifiedTime": modified, "readAt": _now(), "tabs": tabs})
        return RawWorkbook(spreadsheet_id, tabs, modified, link)

    def _fresh(self, cached: dict) -> bool:
        age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(cached["readAt"])
        return age <= dt.timedelta(hours=self.settings.cache_max_age_hours)

    def _fetch(self, spreadsheet_id: str, district: District, titles: list[str]) -> dict[str, list[list[Any]]]:
        """All tabs in one values:batchGet; when a tab is missing or renamed (400), ask for the
        real titles first (one more request, once: the cache remembers them)."""
        try:
            return self._batch_get(spreadsheet_id, titles)
        except APIError as exc:
            if exc.code != 400:
                raise self._unreadable(exc, spreadsheet_id, district) from exc
        try:
            meta = self.http.fetch_sheet_metadata(spreadsheet_id, params={"fields": "sheets.properties.title"})
            actual = [s["properties"]["title"] for s in meta.get("sheets", [])]
            return self._batch_get(spreadsheet_id, actual) if actual else {}
        except APIError as exc:
            raise self._unreadable(exc, spreadsheet_id, district) from exc

    def _batch_get(self, spreadsheet_id: str, titles: list[str]) -> dict[str, list[list[Any]]]:
        response = self.http.values_batch_get(spreadsheet_id, [quote_title(t) for t in titles], params=READ_PARAMS)
        return {title: vr.get("values", []) for title, vr in zip(titles, response.get("valueRanges", []), strict=True)}

    def _unreadable(self, exc: APIError, spreadsheet_id: str, district: District) -> SourceUnreadable:
        if exc.code == 403:
            return SourceUnreadable(
                f"spreadsheet {spreadsheet_id} of district {district.code} is not shared with the service account:"
                f" share it with {self.client_email or 'the service account client_email'}"
            )
        if exc.code == 404:
            return SourceUnreadable(f"spreadsheet {spreadsheet_id} of district {district.code} not found (deleted?)")
        return SourceUnreadable(f"spreadsheet {spreadsheet_id} of district {district.code}: {exc}")

    # --- writing ---------------------------------------------------------------------------------
    def write_status(self, district: District, raw: RawWorkbook, sheet: Sheet) -> None:
        """Write the status tab with one RAW values:batchUpdate (creating the tab first if missing)."""
        spreadsheet_id = raw.source
        existing = find_tab(raw.tabs, STATUS)
        if existing is None:
            self._add_status_tab(spreadsheet_id, len(sheet.rows), len(sheet.rows[5]) if len(sheet.rows) > 5 else 6)
            existing = STATUS
        old_rows = raw.tabs.get(existing, [])
        self._write_values(spreadsheet_id, existing, sheet.rows, old_rows)
        # Our own write changes modifiedTime: refresh the cache so the next sync need not re-read.
        self.cache.put(
            spreadsheet_id,
            {
                "modifiedTime": self._modified_time(spreadsheet_id),
                "readAt": _now(),
                "tabs": {**raw.tabs, existing: _as_read(sheet.rows)},
            },
        )

    def _modified_time(self, spreadsheet_id: str) -> str:
        url = f"https://www.googleapis.com/drive/v3/files/{spreadsheet_id}"
        return self.http.request("get", url, params={"fields": "modifiedTime", "supportsAllDrives": True}).json()[
            "modifiedTime"
        ]

    def _write_values(self, spreadsheet_id: str, title: str, rows: list[list[Any]], old_rows: list[list[Any]]) -> None:
        self.http.values_batch_update(
            spreadsheet_id, {"valueInputOption": "RAW", "data": [_value_range(title, rows, old_rows)]}
        )

    def _add_status_tab(self, spreadsheet_id: str, rows: int, columns: int) -> None:
        """Add the status tab with its header format, colours and warning-only protection: one request."""
        sheet_id = STATUS_SHEET_ID
        grid = {"rowCount": max(200, rows + 50), "columnCount": max(8, columns), "frozenRowCount": 6}
        add = {"addSheet": {"properties": {"sheetId": sheet_id, "title": STATUS, "gridProperties": grid}}}
        self.http.batch_update(spreadsheet_id, {"requests": [add, *status_tab_format(sheet_id)]})

    def write_summary(self, sheets: list[Sheet]) -> str:
        """Rewrite the provincial summary spreadsheet's tabs with one values:batchUpdate."""
        spreadsheet_id = self.spreadsheet_id(self.settings.summary_spreadsheet)
        meta = self.http.fetch_sheet_metadata(spreadsheet_id, params={"fields": "sheets.properties(title,sheetId)"})
        present = {s["properties"]["title"] for s in meta.get("sheets", [])}
        missing = [s for s in sheets if s.title not in present]
        if missing:
            requests = [
                {
                    "addSheet": {
                        "properties": {
                            "title": s.title,
                            "gridProperties": {
                                "rowCount": max(1000, len(s.rows) + 100),
                                "columnCount": max(26, len(s.rows[0]) + 2),
                                "frozenRowCount": s.frozen_rows,
                            },
                        }
                    }
                }
                for s in missing
            ]
            reply = self.http.batch_update(spreadsheet_id, {"requests": requests})
            formats = []
            for added in reply["replies"]:
                formats += summary_tab_format(added["addSheet"]["properties"]["sheetId"])
            self.http.batch_update(spreadsheet_id, {"requests": formats})
        self.http.values_batch_clear(spreadsheet_id, body={"ranges": [quote_title(s.title) for s in sheets]})
        data = [_value_range(s.title, s.rows, []) for s in sheets]
        self.http.values_batch_update(spreadsheet_id, {"valueInputOption": "RAW", "data": data})
        return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | bool) else ("" if value is None else str(value))


def _as_read(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows as Sheets gives them back: trailing empty cells trimmed."""
    out = []
    for row in rows:
        row = [_plain(v) for v in row]
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    return out


def _value_range(title: str, rows: list[list[Any]], old_rows: list[list[Any]]) -> dict:
    """A rectangular RAW value range that also blanks what is left of the old content."""
    height = max(len(rows), len(old_rows), 1)
    width = max([len(r) for r in rows + old_rows] + [1])
    grid = [[_plain(v) for v in row] + [""] * (width - len(row)) for row in rows]
    grid += [[""] * width for _ in range(height - len(rows))]
    return {
        "range": f"{quote_title(title)}!A1:{column_letter(width - 1)}{height}",
        "majorDimension": "ROWS",
        "values": grid,
    }


def _rgb(hex_colour: str) -> dict:
    return {k: int(hex_colour[i : i + 2], 16) / 255 for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def _label_conditions() -> list[tuple[str, str, Status]]:
    """(condition type, text, status) for every status label and every month-matrix text."""
    conditions = [("TEXT_EQ", status_label(status), status) for status in Status]
    for status, template in texts()["month_cells"].items():
        fixed = template.split("{{")[0].strip()
        conditions.append(("TEXT_STARTS_WITH" if "{{" in template else "TEXT_EQ", fixed, Status(status)))
    return conditions


def _status_colour_rules(sheet_id: int, first_column: int, last_column: int, first_row: int) -> list[dict]:
    """Conditional formats: a cell whose text is a status label gets that status's colour (DOMAIN.md §5)."""
    cells = {
        "sheetId": sheet_id,
        "startRowIndex": first_row,
        "startColumnIndex": first_column,
        "endColumnIndex": last_column + 1,
    }
    return [
        {
            "addConditionalFormatRule": {
                "index": index,
                "rule": {
                    "ranges": [cells],
                    "booleanRule": {
                        "condition": {"type": kind, "values": [{"userEnteredValue": text}]},
                        "format": {"backgroundColor": _rgb(COLOURS[status])},
                    },
                },
            }
        }
        for index, (kind, text, status) in enumerate(_label_conditions())
    ]


def header_format(sheet_id: int, row: int = 0, width: int | None = None) -> dict:
    """Bold on a light blue background for the header row `row` (0-based), `width` columns or all."""
    bold = {"userEnteredFormat": {"textFormat": {"bold": True}, "backgroundColor": _rgb("D9E1F2")}}
    cells = {"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1}
    if width is not None:
        cells |= {"startColumnIndex": 0, "endColumnIndex": max(width, 1)}
    return {
        "repeatCell": {
            "range": cells,
            "cell": bold,
            "fields": "userEnteredFormat(textFormat,backgroundColor)",
        }
    }


def status_tab_format(sheet_id: int) -> list[dict]:
    """Header format, status colours and a warning-only protection for a new status tab."""
    protected = {"range": {"sheetId": sheet_id}, "description": "written by the sync service", "warningOnly": True}
    return [
        header_format(sheet_id, 5),
        *_status_colour_rules(sheet_id, 2, 2, 6),
        {"addProtectedRange": {"protectedRange": protected}},
    ]


def summary_tab_format(sheet_id: int) -> list[dict]:
    """Header format and status colours for a new tab of the provincial summary."""
    return [header_format(sheet_id), *_status_colour_rules(sheet_id, 2, 25, 1)]
