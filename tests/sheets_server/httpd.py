"""The HTTP side: routing, bearer tokens, and where the controls (controls.py: statistics, faults,
quotas) act on a request.

Order of checks for an API request (as Google's front end does it, with faults first): route -> count ->
injected fault -> authentication (401) -> per-minute quotas (429) -> the handler (404/403/400/...).
"""

from __future__ import annotations

import base64
import json
import re
import socket
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import drive_api, metadata_api, sheets_api, values_api
from .context import Ctx
from .controls import bucket_of
from .errors import MISSING_CREDENTIALS, ApiError, field_violation
from .faults import Fault
from .fields import MaskError, apply_mask, parse_mask

_ID = r"([A-Za-z0-9_\-]+)"


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    kind: str
    api: str  # "sheets", "drive", "oauth" or "emulator"
    handler: Callable[..., Any] | None
    names: tuple[str, ...] = ()


def _r(method: str, pattern: str, kind: str, api: str, handler: Callable | None, *names: str) -> Route:
    return Route(method, re.compile(pattern + r"\Z"), kind, api, handler, names)


ROUTES = [
    _r("POST", r"/(?:token|oauth2/v4/token)", "oauth.token", "oauth", None),
    _r("POST", r"/v4/spreadsheets", "spreadsheets.create", "sheets", sheets_api.spreadsheets_create),
    _r("GET", rf"/v4/spreadsheets/{_ID}", "spreadsheets.get", "sheets", sheets_api.spreadsheets_get, "id"),
    _r("POST", rf"/v4/spreadsheets/{_ID}:batchUpdate", "spreadsheets.batchUpdate", "sheets",
       sheets_api.spreadsheets_batch_update, "id"),
    _r("GET", rf"/v4/spreadsheets/{_ID}/developerMetadata/(\d+)", "developerMetadata.get", "sheets",
       metadata_api.developer_metadata_get, "id", "metadataId"),
    _r("POST", rf"/v4/spreadsheets/{_ID}/developerMetadata:search", "developerMetadata.search", "sheets",
       metadata_api.developer_metadata_search, "id"),
    _r("POST", rf"/v4/spreadsheets/{_ID}/values:batchGetByDataFilter", "values.batchGetByDataFilter", "sheets",
       metadata_api.values_batch_get_by_data_filter, "id"),
    _r("GET", rf"/v4/spreadsheets/{_ID}/values:batchGet", "values.batchGet", "sheets",
       values_api.values_batch_get, "id"),
    _r("POST", rf"/v4/spreadsheets/{_ID}/values:batchUpdate", "values.batchUpdate", "sheets",
       values_api.values_batch_update, "id"),
    _r("POST", rf"/v4/spreadsheets/{_ID}/values:batchClear", "values.batchClear", "sheets",
       values_api.values_batch_clear, "id"),
    _r("POST", rf"/v4/spreadsheets/{_ID}/values/(.+):clear", "values.clear", "sheets",
       values_api.values_clear, "id", "range"),
    _r("POST", rf"/v4/spreadsheets/{_ID}/values/(.+):append", "values.append", "sheets",
       values_api.values_append, "id", "range"),
    _r("GET", rf"/v4/spreadsheets/{_ID}/values/(.+)", "values.get", "sheets", values_api.values_get,
       "id", "range"),
    _r("PUT", rf"/v4/spreadsheets/{_ID}/values/(.+)", "values.update", "sheets", values_api.values_update,
       "id", "range"),
    _r("GET", r"/drive/v3/files", "drive.files.list", "drive", drive_api.files_list),
    _r("POST", r"/drive/v3/files", "drive.files.create", "drive", drive_api.files_create),
    _r("GET", rf"/drive/v3/files/{_ID}", "drive.files.get", "drive", drive_api.files_get, "id"),
    _r("PATCH", rf"/drive/v3/files/{_ID}", "drive.files.update", "drive", drive_api.files_update, "id"),
    _r("DELETE", rf"/drive/v3/files/{_ID}", "drive.files.delete", "drive", drive_api.files_delete, "id"),
    _r("POST", rf"/drive/v3/files/{_ID}/copy", "drive.files.copy", "drive", drive_api.files_copy, "id"),
    _r("POST", rf"/drive/v3/files/{_ID}/permissions", "drive.permissions.create", "drive",
       drive_api.permissions_create, "id"),
    _r("GET", rf"/drive/v3/files/{_ID}/permissions", "drive.permissions.list", "drive",
       drive_api.permissions_list, "id"),
    _r("GET", rf"/drive/v3/files/{_ID}/comments", "drive.comments.list", "drive", drive_api.comments_list, "id"),
    _r("DELETE", rf"/drive/v3/files/{_ID}/permissions/([^/]+)", "drive.permissions.delete", "drive",
       drive_api.permissions_delete, "id", "permission"),
]


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if route.method != method:
            continue
        m = route.pattern.match(path)
        if m:
            return route, {name: unquote(value) for name, value in zip(route.names, m.groups(), strict=True)}
    return None


def _jwt_subject(assertion: str) -> str:
    """The account a JWT-bearer assertion speaks for: ``sub`` (domain-wide delegation) or ``iss``.
    The signature is not checked."""
    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        raise ApiError(400, "Invalid JWT: could not decode the assertion.", reason="invalid_grant") from None
    email = claims.get("sub") or claims.get("iss")
    if not email:
        raise ApiError(400, "Invalid JWT: the assertion has no iss claim.", reason="invalid_grant")
    return str(email)


# --------------------------------------------------------------------------------------------------
# The request handler
# --------------------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""
    timeout = 60  # idle keep-alive connections end after a minute

    # set by SheetsServer on the server object
    @property
    def emu(self):  # -> SheetsServer
        return self.server.emulator  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, Nagle + delayed ACK cost ~40 ms a request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature from the base class
        if getattr(self.server, "verbose", False):
            sys.stderr.write("sheets-emulator: " + format % args + "\n")

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    # --- plumbing -------------------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            return self.rfile.read(length)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return b""

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "private")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        raw_body = self._read_body()
        if path.startswith("/_emulator/"):
            self._emulator(path, query, raw_body)
            return
        found = match_route(self.command, path)
        if found is None:
            self._send(404, ApiError(404, f"Method not found: {self.command} {path}").body("sheets"))
            return
        route, params = found
        spreadsheet_id = params.get("id")
        self.emu.controls.count(route.kind, spreadsheet_id)
        email: str | None = None
        status: int | str = 500
        try:
            fault = self.emu.controls.take_fault(route.kind, spreadsheet_id)
            if fault is not None and fault.delay:
                self.emu.controls.stopping.wait(fault.delay)
            if fault is not None and not fault.after and (fault.drop or fault.status):
                status = self._inject(fault, route)
                return
            if route.api == "oauth":
                status, body = self._token(raw_body)
            else:
                email = self._authenticate()
                self.emu.controls.check_quota(route.kind, email)
                status, body = self._handle(route, params, query, raw_body, email)
            if fault is not None and (fault.drop or fault.status):
                status = self._inject(fault, route)  # after: the request was handled, its answer is lost
                return
            self._send(status, body)
        except ApiError as exc:
            status = exc.code
            self._send(exc.code, exc.body(route.api), exc.headers)
        except (BrokenPipeError, ConnectionResetError):
            status = "disconnected"
        except Exception as exc:  # a bug in the emulator: answer like Google's 500 and say what happened
            traceback.print_exc()
            status = 500
            self._send(500, ApiError(500, f"Internal error encountered. (emulator: {exc!r})").body(route.api))
        finally:
            self.emu.controls.finish(route.kind, self.command, path, status, email)

    def _handle(self, route: Route, params: dict[str, str], query: dict[str, list[str]], raw_body: bytes,
                email: str) -> tuple[int, Any]:
        ctx = Ctx(store=self.emu.store, email=email, query=query, body=self._json(raw_body), params=params)
        with self.emu.store.lock:
            assert route.handler is not None
            status, body = route.handler(ctx)
        if route.api == "sheets" and body is not None and query.get("fields"):
            try:
                body = apply_mask(body, parse_mask(query["fields"][0]))
            except MaskError:
                raise ApiError(400, f"Invalid field selection {query['fields'][0]}") from None
        return status, body

    def _inject(self, fault: Fault, route: Route) -> int | str:
        """Drop the connection or answer the fault's status; returns what the request log records."""
        if fault.drop:
            self._drop()
            return "dropped"
        assert fault.status is not None
        self._send(fault.status, fault.error(route.api, bucket_of(route.kind)).body(route.api))
        return fault.status

    def _authenticate(self) -> str:
        header = self.headers.get("Authorization", "")
        if not header:
            raise ApiError(401, MISSING_CREDENTIALS, "UNAUTHENTICATED",
                           headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        scheme, _, token = header.partition(" ")
        email = self.emu.controls.email_for(token.strip()) if scheme.lower() == "bearer" else None
        if email is None:
            raise ApiError(401, None, "UNAUTHENTICATED",
                           headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                                                        'error="invalid_token"'})
        return email

    def _json(self, raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise field_violation(f"Invalid JSON payload received. {exc}") from None

    def _token(self, raw: bytes) -> tuple[int, dict]:
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        grant = form.get("grant_type")
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            raise ApiError(400, f"Invalid grant_type: {grant}", reason="unsupported_grant_type")
        email = _jwt_subject(form.get("assertion", ""))
        token = self.emu.controls.issue_token(email)
        return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    # --- /_emulator -----------------------------------------------------------------------------------
    def _emulator(self, path: str, query: dict[str, list[str]], raw: bytes) -> None:
        try:
            body = self._json(raw) or {}
            status, out = self.emu.handle_control(self.command, path, query, body)
            self._send(status, out)
        except ApiError as exc:
            self._send(exc.code, exc.body("sheets"))
        except (TypeError, ValueError, KeyError) as exc:
            self._send(400, ApiError(400, f"Bad emulator control request: {exc}").body("sheets"))


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Any, verbose: bool = False):
        super().__init__(address, Handler)
        self.emulator = emulator
        self.verbose = verbose

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)):
            return
        super().handle_error(request, client_address)


__all__ = ["EmulatorHTTPServer", "ROUTES"]
