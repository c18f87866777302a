"""Injected faults: what a test makes the server do instead of answering normally.

A :class:`Fault` applies to the next ``count`` requests that match it (``count=None``: every one until
cleared). It matches by request kind (``"values.batchUpdate"``, ``"drive.files.list"``, a prefix such as
``"values.*"``, or a list of these; none: every Sheets and Drive request, never the token endpoint
unless named) and by spreadsheet id. What it does, in order:

* ``delay``: wait this many seconds first (past a client's timeout: a read timeout; the wait ends early
  when the server stops);
* ``after``: handle the request (a write lands) before failing, so only the answer is lost;
* ``drop``: close the connection without an answer (the client sees a connection error);
* ``status``: answer with this HTTP status in the API's own error format (Sheets:
  ``{"error": {"code", "message", "status"}}``, a 429 with Google's quota ErrorInfo; Drive: its
  ``errors`` list, a 429 "Rate Limit Exceeded"); ``message`` replaces the default text.

With only a delay the request is then answered normally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ApiError
from .quotas import GOOGLE_PER_USER, quota_exceeded


@dataclass
class Fault:
    status: int | None = None
    delay: float | None = None
    drop: bool = False
    count: int | None = 1
    kind: str | Sequence[str] | None = None
    spreadsheet_id: str | None = None
    message: str | None = None
    after: bool = False

    def __post_init__(self) -> None:
        if self.status is None and self.delay is None and not self.drop:
            raise ValueError("a fault needs a status, a delay or drop=True")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1 (or None: until cleared)")

    def kinds(self) -> list[str]:
        if self.kind is None:
            return []
        return [self.kind] if isinstance(self.kind, str) else list(self.kind)

    def matches(self, kind: str, spreadsheet_id: str | None) -> bool:
        if self.spreadsheet_id is not None and self.spreadsheet_id != spreadsheet_id:
            return False
        if self.kind is None:
            return kind != "oauth.token"
        return any(kind.startswith(k[:-1]) if k.endswith("*") else kind == k for k in self.kinds())

    def error(self, api: str, bucket: str | None) -> ApiError:
        """The answer for ``status`` in the shape of ``api`` ("sheets", "drive" or "oauth")."""
        assert self.status is not None
        if self.status == 429 and not self.message:
            if api == "drive":
                return ApiError(429, "Rate Limit Exceeded", reason="rateLimitExceeded", domain="usageLimits")
            if api == "sheets":
                return quota_exceeded("Write" if bucket == "write" else "Read", GOOGLE_PER_USER)
        return ApiError(self.status, self.message)

    def as_dict(self) -> dict:
        return {"status": self.status, "delay": self.delay, "drop": self.drop, "count": self.count,
                "kind": self.kind if self.kind is None or isinstance(self.kind, str) else list(self.kind),
                "spreadsheetId": self.spreadsheet_id, "message": self.message, "after": self.after}

    @classmethod
    def from_dict(cls, body: dict) -> Fault:
        """The JSON of ``POST /_emulator/faults`` (keys as :meth:`as_dict` writes them)."""
        return cls(status=body.get("status"), delay=body.get("delay"), drop=bool(body.get("drop", False)),
                   count=body.get("count", 1), kind=body.get("kind"),
                   spreadsheet_id=body.get("spreadsheetId") or body.get("spreadsheet_id"),
                   message=body.get("message"), after=bool(body.get("after", False)))
