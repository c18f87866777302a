"""gspread's HTTP client with what production needs: an endpoint override, a client-side rate
limit, bounded retries with exponential backoff and jitter, timeouts, and request counters.

gspread's own BackOffHTTPClient is not used: in 6.2.1 it retries without bound.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

import gspread
import requests
from gspread.exceptions import APIError

log = logging.getLogger("khoknongna.google")

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com", "https://oauth2.googleapis.com")
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


@dataclass
class RetryPolicy:
    max_retries: int = 5
    base_delay: float = 1.0
    max_delay: float = 32.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number `attempt` (1-based): exponential, jittered, capped."""
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), self.max_delay)
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)


class RateLimiter:
    """At most `per_minute` calls in any 60-second window (sliding window, thread-safe)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self.calls: deque[float] = deque()
        self.lock = threading.Lock()

    def acquire(self) -> float:
        """Wait for a free slot; returns the seconds waited."""
        waited = 0.0
        with self.lock:
            while True:
                now = self.clock()
                while self.calls and now - self.calls[0] >= 60.0:
                    self.calls.popleft()
                if len(self.calls) < self.per_minute:
                    self.calls.append(now)
                    return waited
                pause = 60.0 - (now - self.calls[0])
                self.sleep(pause)
                waited += pause


def request_kind(method: str, url: str) -> str:
    """A short name of the API call, e.g. `sheets.values.batchGet` or `drive.files.list`."""
    path = url.split("?", 1)[0]
    if "/drive/" in path:
        tail = path.split("/drive/v3/files", 1)[1].strip("/")
        if not tail:
            return "drive.files.list" if method.upper() == "GET" else "drive.files.create"
        return "drive.permissions" if "/permissions" in tail else f"drive.files.{method.lower()}"
    if "/values:" in path:
        return "sheets.values." + path.rsplit(":", 1)[1]
    if "/values/" in path:
        return "sheets.values." + (path.rsplit(":", 1)[1] if ":" in path.rsplit("/", 1)[1] else method.lower())
    if path.endswith(":batchUpdate"):
        return "sheets.batchUpdate"
    return "sheets.get" if method.upper() == "GET" else "sheets.create"


class SheetsHTTPClient(gspread.HTTPClient):
    """Every Sheets and Drive request of the backend goes through `request` here."""

    endpoint: str | None = None
    limiters: dict[str, RateLimiter] = {}
    retry = RetryPolicy()
    sleep = staticmethod(time.sleep)

    def __init__(self, auth, session=None):
        super().__init__(auth, session)
        self.counts: Counter[str] = Counter()
        self.timeout = 30

    def configure(
        self, endpoint: str | None, per_minute: int, timeout: float, retry: RetryPolicy, drive_per_minute: int = 600
    ) -> None:
        """Sheets and Drive have separate quotas, so each gets its own client-side limit."""
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.limiters = {"sheets": RateLimiter(per_minute), "drive": RateLimiter(drive_per_minute)}
        self.timeout = timeout
        self.retry = retry

    def _url(self, url: str) -> str:
        if self.endpoint:
            for host in GOOGLE_HOSTS:
                if url.startswith(host):
                    return self.endpoint + url[len(host) :]
        return url

    def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
        url = self._url(endpoint)
        kind = request_kind(method, url)
        attempt = 0
        while True:
            limiter = self.limiters.get(kind.split(".", 1)[0])
            if limiter:
                limiter.acquire()
            self.counts[kind] += 1
            try:
                return super().request(method, url, params=params, data=data, json=json, files=files, headers=headers)
            except APIError as exc:
                retry_after = exc.response.headers.get("Retry-After")
                if exc.code not in RETRY_STATUSES and exc.response.status_code not in RETRY_STATUSES:
                    raise
                error: Exception = exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                retry_after, error = None, exc
            attempt += 1
            if attempt > self.retry.max_retries:
                raise error
            pause = self.retry.delay(attempt, retry_after)
            self.counts["retries"] += 1
            log.warning("%s %s failed (%s); retry %d in %.1fs", kind, url.split("?")[0], error, attempt, pause)
            self.sleep(pause)
