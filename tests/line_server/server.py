"""A LINE-Messaging-API-compatible server on 127.0.0.1 (a threaded http.server).

Endpoints, with LINE's headers and bodies:
    POST /v2/bot/message/push                    X-Line-Retry-Key: executed once; a repeat gets 409 with
                                                 x-line-accepted-request-id and the sentMessages of the first
    GET  /v2/bot/message/quota                   {"type": "limited", "value": N} or {"type": "none"}
    GET  /v2/bot/message/quota/consumption       {"totalUsage": N}
    GET  /v2/bot/group/{groupId}/members/count   {"count": N}
    GET  /v2/bot/group/{groupId}/summary         {"groupId", "groupName", "pictureUrl"}

A push is checked as LINE checks it (tests/line_server/validate.py), costs one message per group
member, and is refused with 429 "You have reached your monthly limit." past the quota. Every
request needs `Authorization: Bearer <token>` (401 otherwise). Faults (state.Fault) inject 429s,
5xx, timeouts and "accepted, then the connection dropped". `received(group)` is what a group got.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .state import Delivery, Fault, Group, Platform
from .validate import Invalid, check_push

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
DEFAULT_TOKEN = "local-line-channel-access-token"
MONTHLY_LIMIT = "You have reached your monthly limit."
INVALID_TO = "The property, 'to', in the request body is invalid (line: -, column: -)"
ERRORS = {
    401: "Authentication failed. Confirm that the access token in the authorization header is valid.",
    404: "Not found",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "An error occurred in the LINE Platform.",
}


class _Reply(Exception):
    def __init__(self, status: int, body: dict, headers: dict | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: tests read platform.requests instead
        pass

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method: str) -> None:
        platform = self.server.platform
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fault = platform.fault_for(path, _recipient(body))
        if fault and not fault.accept:
            self._wait(fault)
            if fault.drop:
                return self._drop(method, path)
            if fault.status:
                return self._send(method, path, _error(fault.status, fault.message))
        reply = self._answer(method, path, body)
        if fault and fault.accept:
            self._wait(fault)
            if fault.drop:
                return self._drop(method, path)
        self._send(method, path, reply)

    def _answer(self, method: str, path: str, body: bytes) -> _Reply:
        platform = self.server.platform
        if self.headers.get("Authorization") != f"Bearer {platform.token}":
            return _error(401)
        try:
            if method == "POST" and path == "/v2/bot/message/push":
                return self._push(body)
            if method == "GET" and path == "/v2/bot/message/quota":
                quota = platform.quota
                return _Reply(200, {"type": "none"} if quota is None else {"type": "limited", "value": quota})
            if method == "GET" and path == "/v2/bot/message/quota/consumption":
                return _Reply(200, {"totalUsage": platform.used})
            match = re.fullmatch(r"/v2/bot/group/([^/]+)/(members/count|summary)", path)
            if method == "GET" and match:
                group = platform.groups.get(unquote(match[1]))
                if group is None:
                    return _error(404)
                if match[2] == "summary":
                    return _Reply(200, {"groupId": group.id, "groupName": group.name,
                                        "pictureUrl": f"https://profile.line-scdn.net/{group.id}"})
                return _Reply(200, {"count": group.members})
            return _error(404)
        except Invalid as exc:
            return _Reply(400, exc.body)

    def _push(self, raw: bytes) -> _Reply:
        platform = self.server.platform
        key = self.headers.get("X-Line-Retry-Key")
        if key is not None and not UUID.match(key):
            return _Reply(400, {"message": "The value of the X-Line-Retry-Key header is invalid"})
        with platform.lock:
            if key in platform.accepted:
                request_id, sent = platform.accepted[key]
                return _Reply(409, {"message": "The retry key is already accepted", "sentMessages": sent},
                              {"x-line-accepted-request-id": request_id})
            try:
                body = json.loads(raw)
            except ValueError:
                return _Reply(400, {"message": "The request body could not be parsed as JSON"})
            to, messages = check_push(body, self.server.alt_text_max)
            group = platform.groups.get(to)
            if group is None:
                return _Reply(400, {"message": INVALID_TO})
            if platform.quota is not None and platform.used + group.members > platform.quota:
                return _error(429, MONTHLY_LIMIT)
            request_id, sent = platform.accept(to, messages, key)
        return _Reply(200, {"sentMessages": sent}, {"x-line-request-id": request_id})

    def _wait(self, fault: Fault) -> None:
        if fault.delay:
            time.sleep(fault.delay)
        if fault.hold is not None:
            fault.hold.wait(60)

    def _drop(self, method: str, path: str) -> None:
        self.server.platform.log(method, path, 0)
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, method: str, path: str, reply: _Reply) -> None:
        self.server.platform.log(method, path, reply.status)
        data = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-line-request-id", reply.headers.pop("x-line-request-id", str(uuid.uuid4())))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting
            self.close_connection = True


def _recipient(body: bytes) -> str | None:
    try:
        return json.loads(body).get("to")
    except (ValueError, AttributeError):
        return None


def _error(status: int, message: str = "") -> _Reply:
    return _Reply(status, {"message": message or ERRORS.get(status, ERRORS[500])})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, platform: Platform, alt_text_max: int):
        super().__init__(address, _Handler)
        self.platform = platform
        self.alt_text_max = alt_text_max


class LineServer:
    """The local LINE platform: `with LineServer() as line: ...`; `line.url` is the API host."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        quota: int | None = None,
        used: int = 0,
        alt_text_max: int = 400,
        port: int = 0,
    ):
        self.platform = Platform(token, quota, used)
        self._httpd = _HTTPServer(("127.0.0.1", port), self.platform, alt_text_max)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def token(self) -> str:
        return self.platform.token

    def start(self) -> LineServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="line-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        for fault in self.platform.faults:
            if fault.hold is not None:
                fault.hold.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self) -> LineServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- for tests and the demo -----------------------------------------------------------------

    def add_group(self, group_id: str, name: str, members: int = 10) -> Group:
        return self.platform.add_group(group_id, name, members)

    def fail(self, **fault) -> Fault:
        """Inject a fault (see state.Fault) into the next matching requests."""
        injected = Fault(**fault)
        with self.platform.lock:
            self.platform.faults.append(injected)
        return injected

    def received(self, group_id: str) -> list[Delivery]:
        return self.platform.received(group_id)

    @property
    def used(self) -> int:
        return self.platform.used

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        with self.platform.lock:
            return list(self.platform.requests)
