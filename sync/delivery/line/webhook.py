"""`python cli.py line webhook --port N`: learn the ids of the groups the bot is in.

LINE posts webhook events to the channel's webhook URL (LINE Developers console, Messaging API tab).
Every request carries `x-line-signature`, the base64 of the HMAC-SHA256 of the body keyed with the
channel secret; the SDK's WebhookParser checks it. A request without it or with a wrong one gets 401
and a warning in the log, a body over 1 MB gets 413 (unread). When the bot joins a group (a `join`
event), and whenever someone writes in a group it is in, the group's id and name are printed and
recorded in <state>/line-groups.json, for the operator to paste into the configuration.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sync.atomic import atomic_write

log = logging.getLogger("khoknongna")

MAX_BODY = 1024 * 1024
_MAX_DRAIN = 8 * MAX_BODY  # a larger body is not even read to the end: the connection is closed
GROUPS_FILE = "line-groups.json"


class GroupBook:
    """The groups seen, by id: {"name", "seen" (first time, ISO), "via" ("join" or "message")}."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / GROUPS_FILE
        self._lock = threading.Lock()

    def groups(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def record(self, group_id: str, name: str, via: str) -> bool:
        """Record a group; False when it was known already (a name learnt now is still kept)."""
        with self._lock:
            groups = self.groups()
            known = group_id in groups
            entry = groups.setdefault(
                group_id, {"name": name, "seen": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "via": via}
            )
            entry["name"] = name or entry["name"]
            data = json.dumps(groups, ensure_ascii=False, indent=2).encode("utf-8")
            atomic_write(self.path, lambda handle: handle.write(data))
            return not known


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        log.info("webhook: %s %s", self.address_string(), format % args)

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._reply(411, "a Content-Length is required")
        if length < 0:
            return self._reply(400, "bad Content-Length")
        if length > MAX_BODY:
            log.warning("webhook: a body of %d bytes from %s refused (over 1 MB)", length, self.address_string())
            self.close_connection = True
            if length <= _MAX_DRAIN:  # read and drop it, so the sender hears the answer
                while length > 0:
                    chunk = self.rfile.read(min(length, 65536))
                    if not chunk:
                        break
                    length -= len(chunk)
            return self._reply(413, f"body over {MAX_BODY} bytes")
        body = self.rfile.read(length)
        signature = self.headers.get("x-line-signature", "")
        if not signature:
            log.warning("webhook: unsigned request from %s refused (no x-line-signature)", self.address_string())
            return self._reply(401, "signature required")
        try:
            events = self.server.parse(body.decode("utf-8"), signature)
        except UnicodeDecodeError:
            return self._reply(400, "body is not UTF-8")
        except self.server.invalid_signature:
            log.warning("webhook: request from %s with a wrong x-line-signature refused", self.address_string())
            return self._reply(401, "invalid signature")
        except (ValueError, KeyError, TypeError) as exc:
            return self._reply(400, f"not a webhook body: {type(exc).__name__}")
        for event in events:
            self.server.seen(event)
        self._reply(200, "")

    def do_GET(self):
        self._reply(405, "LINE webhooks are POST requests")

    def _reply(self, status: int, reason: str) -> None:
        data = json.dumps({"message": reason} if reason else {}).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, receiver: WebhookReceiver):
        from linebot.v3 import WebhookParser
        from linebot.v3.exceptions import InvalidSignatureError

        super().__init__(address, _Handler)
        self.parse = WebhookParser(receiver.channel_secret).parse
        self.invalid_signature = InvalidSignatureError
        self.seen = receiver.seen


class WebhookReceiver:
    """Receives LINE's webhook on host:port (port 0: a free one) and records the groups it learns of."""

    def __init__(
        self,
        channel_secret: str,
        book: GroupBook,
        *,
        group_name: Callable[[str], str] = lambda group_id: "",
        announce: Callable[[str], None] = print,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.channel_secret = channel_secret
        self.book = book
        self.group_name = group_name
        self.announce = announce
        self._httpd = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def seen(self, event) -> None:
        from linebot.v3.webhooks import GroupSource, JoinEvent, MessageEvent

        if not isinstance(event, JoinEvent | MessageEvent) or not isinstance(event.source, GroupSource):
            return
        group_id = event.source.group_id
        via = "join" if isinstance(event, JoinEvent) else "message"
        known = group_id in self.book.groups()
        if known and via == "message":
            return
        try:
            name = self.group_name(group_id)
        except Exception as exc:  # the id is what matters; the name is a convenience
            log.warning("webhook: the name of group %s could not be read: %s", group_id, exc)
            name = ""
        self.book.record(group_id, name, via)
        what = "the bot joined group" if via == "join" else "message in group"
        self.announce(
            f"{what} {group_id} {name!r}: put `line_group: {group_id}` on its district in districts.yaml "
            "(or `line.province_group` for the provincial group)"
        )

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def start(self) -> WebhookReceiver:
        self._thread = threading.Thread(target=self.serve_forever, name="line-webhook", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
