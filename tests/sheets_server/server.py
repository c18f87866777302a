"""SheetsServer: the emulator as a Python object (start/stop, seeding helpers, test controls)."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .a1 import A1Range, RangeError, parse_cells
from .batch.sheets import req_add_sheet
from .controls import Controls, google_limits
from .errors import ApiError
from .faults import Fault
from .grid import RENDER_OPTIONS, read_box, write_range
from .httpd import EmulatorHTTPServer
from .render import spreadsheet_json
from .store import DEFAULT_COLS, DEFAULT_ROWS, Spreadsheet, Store, rfc3339

DEFAULT_CLIENT_EMAIL = "sheets-sync@khoknongna-test.iam.gserviceaccount.com"
SOMEONE_ELSE = "someone.else@example.com"
OFFICER_EMAIL = "district.officer@example.com"


class SheetsServer:
    """A local, stateful Google Sheets v4 + Drive v3 + OAuth token server on 127.0.0.1.

    >>> with SheetsServer() as server:
    ...     sid = server.create_spreadsheet("แบบรายงาน", {"ข้อมูล": [["ชื่อ", "อำเภอ"]]})
    ...     server.values(sid, "ข้อมูล")
    [['ชื่อ', 'อำเภอ']]
    """

    def __init__(self, port: int = 0, quota_per_minute: int | None = None, *,
                 project_quota_per_minute: int | None = None, google_quotas: bool = False, verbose: bool = False):
        """``quota_per_minute``: Sheets read and write requests a minute per user (None: unlimited);
        ``project_quota_per_minute``: the same per project; ``google_quotas``: Google's defaults (60 per
        user, 300 per project) for the limits not given. All off by default (see quotas.py)."""
        self.store = Store()
        self.controls = Controls(self.store, *google_limits(quota_per_minute, project_quota_per_minute, google_quotas))
        self._httpd = EmulatorHTTPServer(("127.0.0.1", port), self, verbose=verbose)
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def start(self) -> SheetsServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="sheets-emulator",
                                            kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.controls.stopping.set()  # ends injected delays early
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SheetsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- credentials ----------------------------------------------------------------------------------
    def write_credentials(self, path: str | Path, client_email: str = DEFAULT_CLIENT_EMAIL) -> dict:
        """Write a service-account JSON key file whose ``token_uri`` is this server's token endpoint and
        whose RSA key is freshly generated, so google-auth can sign a real JWT. Returns the JSON."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        project = client_email.split("@")[1].split(".")[0] if "@" in client_email else "emulator"
        info = {
            "type": "service_account",
            "project_id": project,
            "private_key_id": secrets.token_hex(20),
            "private_key": pem,
            "client_email": client_email,
            "client_id": str(secrets.randbelow(10**21)).rjust(21, "1"),
            "auth_uri": self.url + "/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": self.url + "/oauth2/v1/certs",
            "client_x509_cert_url": self.url + "/robot/v1/metadata/x509/" + client_email,
            "universe_domain": "googleapis.com",
        }
        Path(path).write_text(json.dumps(info, indent=2), encoding="utf-8")
        return info

    def token_for(self, email: str = DEFAULT_CLIENT_EMAIL) -> str:
        """An access token for ``email`` without the JWT round trip."""
        return self.controls.issue_token(email)

    # --- seeding and inspecting -----------------------------------------------------------------------
    def create_spreadsheet(self, title: str, sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                           owner: str | None = None, shared_with: Iterable[str] = (), *,
                           role: str = "writer", value_input_option: str = "RAW",
                           grid: tuple[int, int] | None = None) -> str:
        """Create a spreadsheet directly and return its id.

        ``sheets`` maps titles to rows of values (written with ``value_input_option``; RAW keeps Python
        values as given); the default is one empty "Sheet1". Grids are 1000x26 (or ``grid``), grown to fit
        the data. ``owner`` defaults to :data:`DEFAULT_CLIENT_EMAIL`; pass another address (e.g.
        :data:`SOMEONE_ELSE`) and leave ``shared_with`` empty to get a file the service may not open (403).
        """
        rows0, cols0 = grid or (DEFAULT_ROWS, DEFAULT_COLS)
        spec = []
        for name, values in (sheets or {"Sheet1": []}).items():
            height = len(values)
            width = max((len(r) for r in values), default=0)
            spec.append({"properties": {"title": name, "gridProperties": {
                "rowCount": max(rows0, height), "columnCount": max(cols0, width)}}})
        with self.store.lock:
            ss = self.store.create(title, owner or DEFAULT_CLIENT_EMAIL, sheets=spec)
            for email in shared_with:
                ss.share(email, role)
            for sheet, values in zip(ss.sheets, (sheets or {"Sheet1": []}).values(), strict=True):
                if values:
                    rng = A1Range(text="A1", title=sheet.title, single_cell=True, r2=1, c2=1)
                    write_range(ss, sheet, rng, [list(r) for r in values], "ROWS", value_input_option, grow=True)
            return ss.id

    def share(self, spreadsheet_id: str, email: str, role: str = "writer") -> None:
        with self.store.lock:
            self._file(spreadsheet_id).share(email, role)

    def add_sheet(self, spreadsheet_id: str, title: str, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS) -> int:
        """Add a tab (as an officer would); returns its sheetId. Bumps modifiedTime."""
        with self.store.lock:
            ss = self._file(spreadsheet_id)
            reply = req_add_sheet(ss, {"properties": {"title": title, "gridProperties": {
                "rowCount": rows, "columnCount": cols}}}, "", ss.owner)
            self.store.touch(ss, OFFICER_EMAIL)
            return reply["addSheet"]["properties"]["sheetId"]

    def values(self, spreadsheet_id: str, sheet_title: str, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
        """The stored grid of one tab, trimmed like the API trims it (empty cells are ""). ``render`` is a
        valueRenderOption; dates come back as serial numbers unless FORMATTED_VALUE."""
        if render not in RENDER_OPTIONS:
            raise ValueError(render)
        with self.store.lock:
            ss = self._file(spreadsheet_id)
            sheet = ss.sheet_by_title(sheet_title)
            if sheet is None:
                raise KeyError(sheet_title)
            return read_box(ss, sheet, 1, 1, sheet.rows, sheet.cols, render, "SERIAL_NUMBER", "ROWS")

    def set_values(self, spreadsheet_id: str, sheet_title: str, values: Sequence[Sequence[Any]],
                   start: str = "A1", *, value_input_option: str = "USER_ENTERED",
                   editor: str = OFFICER_EMAIL) -> None:
        """Simulate an officer typing into the sheet from ``start`` (USER_ENTERED by default; ``None``
        leaves a cell alone, "" clears it). Grows the grid if needed and bumps modifiedTime."""
        with self.store.lock:
            ss = self._file(spreadsheet_id)
            sheet = ss.sheet_by_title(sheet_title)
            if sheet is None:
                raise KeyError(sheet_title)
            try:
                rng = parse_cells(start)
            except RangeError:
                raise ValueError(f"bad start cell {start!r}") from None
            rng.text, rng.title, rng.single_cell = start, sheet.title, True
            write_range(ss, sheet, rng, [list(r) for r in values], "ROWS", value_input_option, grow=True)
            self.store.touch(ss, editor)

    def spreadsheet(self, spreadsheet_id: str, include_grid_data: bool = False) -> dict:
        """The spreadsheets.get JSON as the owner sees it (formats, validations, protected ranges)."""
        with self.store.lock:
            ss = self._file(spreadsheet_id)
            return spreadsheet_json(ss, ss.owner, include_grid_data)

    def modified_time(self, spreadsheet_id: str) -> str:
        with self.store.lock:
            return rfc3339(self._file(spreadsheet_id).modified_ms)

    def spreadsheet_ids(self) -> list[str]:
        with self.store.lock:
            return list(self.store.files)

    def _file(self, spreadsheet_id: str) -> Spreadsheet:
        ss = self.store.get(spreadsheet_id)
        if ss is None:
            raise KeyError(spreadsheet_id)
        return ss

    # --- test controls --------------------------------------------------------------------------------
    def stats(self) -> dict:
        """Requests by kind, by spreadsheet id, by user and by status; ``throttled`` (429s from the
        quotas) and ``throttled_by_kind``, ``faults_injected`` and ``faults_by_kind``, ``reads``/``writes``
        (Sheets quota buckets), ``quota_per_minute`` and ``project_quota_per_minute`` (the limits),
        ``stored`` (files, sheets, cells, runs of formats/rules/notes) and a ``requests`` log (the last
        1,000)."""
        return self.controls.stats()

    def reset(self, data: bool = False) -> None:
        """Zero the counters, forget injected faults and quota usage (the limits return to the
        constructor's); with ``data`` also drop every file. Issued tokens stay valid."""
        self.controls.reset()
        if data:
            self.store.clear()

    # --- faults (see faults.py) -------------------------------------------------------------------------
    def add_fault(self, status: int | None = None, *, delay: float | None = None, drop: bool = False,
                  count: int | None = 1, kind: str | Sequence[str] | None = None,
                  spreadsheet_id: str | None = None, message: str | None = None, after: bool = False) -> Fault:
        """Make the next ``count`` matching requests fail (``count=None``: all of them until cleared):
        answer ``status`` in the API's error format, ``drop`` the connection, or first wait ``delay``
        seconds; ``after``: only once the request was handled (a write lands, its answer is lost).
        ``kind``: a request kind, a ``"values.*"`` prefix or a list; ``spreadsheet_id``: one file."""
        fault = Fault(status, delay, drop, count, kind, spreadsheet_id, message, after)
        self.controls.add_fault(fault)
        return fault

    def fail_every_request(self, status: int = 429) -> Fault:
        """Every Sheets and Drive request answers ``status`` (default 429) until :meth:`clear_faults`."""
        return self.add_fault(status, count=None)

    def fail_method(self, kind: str | Sequence[str], status: int = 503, *, count: int | None = None,
                    spreadsheet_id: str | None = None) -> Fault:
        """Requests of ``kind`` (e.g. ``"values.batchUpdate"``, ``"spreadsheets.batchUpdate"``) answer
        ``status`` (429 or a 5xx), every time unless ``count``."""
        return self.add_fault(status, kind=kind, count=count, spreadsheet_id=spreadsheet_id)

    def time_out(self, spreadsheet_id: str | None = None, *, seconds: float = 5.0, kind: str | None = None,
                 count: int | None = None) -> Fault:
        """A read timeout: requests on ``spreadsheet_id`` (or of ``kind``) wait ``seconds`` (more than the
        client's timeout) and then get no answer (the connection is closed)."""
        return self.add_fault(delay=seconds, drop=True, kind=kind, spreadsheet_id=spreadsheet_id, count=count)

    def drop_connections(self, kind: str | Sequence[str] | None = None, *, spreadsheet_id: str | None = None,
                         count: int | None = None) -> Fault:
        """Close the connection without an answer, e.g. ``drop_connections("drive.files.list")`` or
        ``drop_connections(spreadsheet_id=sid)``; every time unless ``count``."""
        return self.add_fault(drop=True, kind=kind, spreadsheet_id=spreadsheet_id, count=count)

    def clear_faults(self) -> None:
        self.controls.clear_faults()

    def faults(self) -> list[dict]:
        """The faults still waiting, as JSON-ready dicts."""
        return self.controls.fault_list()

    # --- quotas (see quotas.py) -------------------------------------------------------------------------
    def set_quota(self, per_minute: int | None = None, *, read_per_minute: int | None = None,
                  write_per_minute: int | None = None) -> None:
        """Per-user requests per minute for Sheets reads and writes (None: unlimited). A batch counts as
        one request; Drive calls do not count. The per-project limits are left as they are."""
        read = read_per_minute if read_per_minute is not None else per_minute
        write = write_per_minute if write_per_minute is not None else per_minute
        self.controls.set_quotas(per_user={"read": read, "write": write})

    def set_project_quota(self, per_minute: int | None = None, *, read_per_minute: int | None = None,
                          write_per_minute: int | None = None) -> None:
        """Per-project requests per minute (all users whose address names the same project), like
        :meth:`set_quota`."""
        read = read_per_minute if read_per_minute is not None else per_minute
        write = write_per_minute if write_per_minute is not None else per_minute
        self.controls.set_quotas(per_project={"read": read, "write": write})

    def set_google_quotas(self, on: bool = True) -> None:
        """Google's default limits (60 read and 60 write requests a minute per user, 300 of each per
        project), or none at all with ``on=False``."""
        self.controls.set_quotas(*google_limits(None, None, on))

    def quotas(self) -> dict:
        """``{"quota_per_minute": {"read", "write"}, "project_quota_per_minute": {"read", "write"}}``."""
        return self.controls.quota_limits()

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward (timestamps and quota windows), e.g. past a quota minute."""
        self.store.advance(seconds)

    # --- the same controls over HTTP (/_emulator/...) ---------------------------------------------------
    def handle_control(self, method: str, path: str, query: dict[str, list[str]], body: dict) -> tuple[int, Any]:
        route = (method, path)
        if route == ("GET", "/_emulator/stats"):
            return 200, self.stats()
        if route == ("POST", "/_emulator/reset"):
            data = (query.get("data") or ["0"])[0].lower() in ("1", "true", "yes")
            self.reset(data=data)
            return 200, {"reset": True, "data": data}
        if route == ("POST", "/_emulator/faults"):
            self.controls.add_fault(Fault.from_dict(body))
            return 200, {"faults": self.faults()}
        if route == ("GET", "/_emulator/faults"):
            return 200, {"faults": self.faults()}
        if route == ("DELETE", "/_emulator/faults"):
            self.clear_faults()
            return 200, {"faults": self.faults()}
        if route == ("POST", "/_emulator/quota"):
            self._quota_control(body)
            return 200, self.quotas()
        if route == ("GET", "/_emulator/quota"):
            return 200, self.quotas()
        if route == ("POST", "/_emulator/clock"):
            self.advance_clock(float(body.get("advance", 0)))
            return 200, {"advanced": float(body.get("advance", 0))}
        if route == ("POST", "/_emulator/token"):
            return 200, {"access_token": self.token_for(body.get("email") or DEFAULT_CLIENT_EMAIL),
                         "expires_in": 3600, "token_type": "Bearer"}
        if route == ("POST", "/_emulator/spreadsheets"):
            sid = self.create_spreadsheet(body["title"], body.get("sheets"), body.get("owner"),
                                          body.get("shared_with") or (), role=body.get("role", "writer"),
                                          value_input_option=body.get("value_input_option", "RAW"))
            return 200, {"spreadsheetId": sid}
        parts = path.split("/")
        # /_emulator/spreadsheets/{id}/permissions {"email", "role"}: share as the owner would
        if method == "POST" and len(parts) == 5 and parts[2] == "spreadsheets" and parts[4] == "permissions":
            try:
                self.share(unquote(parts[3]), body["email"], body.get("role", "writer"))
            except KeyError as exc:
                raise ApiError(404, f"Not found: {exc}") from None
            return 200, {"shared": body["email"], "role": body.get("role", "writer")}
        # /_emulator/spreadsheets/{id}/values/{sheet title}
        if len(parts) == 6 and parts[2] == "spreadsheets" and parts[4] == "values":
            sid, title = unquote(parts[3]), unquote(parts[5])
            try:
                if method == "GET":
                    return 200, {"values": self.values(sid, title, body.get("render", "UNFORMATTED_VALUE"))}
                if method in ("POST", "PUT"):
                    self.set_values(sid, title, body["values"], body.get("start", "A1"),
                                    value_input_option=body.get("value_input_option", "USER_ENTERED"),
                                    editor=body.get("editor", OFFICER_EMAIL))
                    return 200, {"modifiedTime": self.modified_time(sid)}
            except KeyError as exc:
                raise ApiError(404, f"Not found: {exc}") from None
        raise ApiError(404, f"Unknown emulator control: {method} {path}")

    def _quota_control(self, body: dict) -> None:
        """``{"google": true|false}`` first, then ``{"per_minute": N}`` / ``read_per_minute`` /
        ``write_per_minute`` (per user) and ``project_per_minute`` / ``project_read_per_minute`` /
        ``project_write_per_minute``; a key that is absent leaves its limit alone, null lifts it."""
        if "google" in body:
            self.set_google_quotas(bool(body["google"]))
        user_keys = ("per_minute", "quota_per_minute", "perMinute", "read_per_minute", "write_per_minute")
        if any(k in body for k in user_keys):
            per_minute = next((body[k] for k in user_keys[:3] if k in body), None)
            self.set_quota(per_minute, read_per_minute=body.get("read_per_minute"),
                           write_per_minute=body.get("write_per_minute"))
        project_keys = ("project_per_minute", "project_read_per_minute", "project_write_per_minute")
        if any(k in body for k in project_keys):
            self.set_project_quota(body.get("project_per_minute"), read_per_minute=body.get("project_read_per_minute"),
                                   write_per_minute=body.get("project_write_per_minute"))


__all__ = ["SheetsServer", "DEFAULT_CLIENT_EMAIL", "SOMEONE_ELSE", "OFFICER_EMAIL"]
