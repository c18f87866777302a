"""gspread's HTTP client with what production needs: an endpoint override, client-side pacing to
Google's quotas, bounded retries with exponential backoff and jitter, timeouts, request counters,
and several service accounts of one project.

Google's Sheets quotas are separate for reads and writes: 60 read and 60 write requests a minute
per user (service account), 300 of each per project. The pacer keeps below each in a sliding
window two seconds longer than a minute, so clock and latency differences between us and Google
never add up to a 429. gspread's own BackOffHTTPClient is not used: in 6.2.1 it retries without
bound.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import gspread
import requests
from google.auth.transport.requests import AuthorizedSession
from gspread.exceptions import APIError

log = logging.getLogger("khoknongna.google")

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com", "https://oauth2.googleapis.com")
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
WINDOW_SECONDS = 62.0  # Google counts requests per minute; 2 s of margin
READ_KINDS = {"sheets.get", "sheets.values.get", "sheets.values.batchGet"}


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


@dataclass(frozen=True)
class Limits:
    """Client-side limits, per minute: Sheets reads and writes each per account and per project, Drive."""

    per_account: int = 60
    per_project: int = 300
    drive: int = 600


class RateLimiter:
    """At most `limit` calls in any `window`-second sliding window."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self.calls: deque[float] = deque()
        self.lock = threading.Lock()

    def wait(self, now: float) -> float:
        """Seconds from `now` until a call may go (0: at once)."""
        while self.calls and now - self.calls[0] >= self.window:
            self.calls.popleft()
        return 0.0 if len(self.calls) < self.limit else self.window - (now - self.calls[0])

    def take(self, now: float) -> None:
        self.calls.append(now)

    def acquire(self) -> float:
        """Wait for a free slot and take it; returns the seconds waited."""
        waited = 0.0
        with self.lock:
            while True:
                now = self.clock()
                pause = self.wait(now)
                if pause <= 0:
                    self.take(now)
                    return waited
                self.sleep(pause)
                waited += pause


class Pacer:
    """Which service account sends the next Sheets request, and when: each account has its own read and
    write windows, the project one of each for all accounts; Drive requests go through the first
    account at the Drive limit. Thread-safe: a reader and a writer thread pace independently."""

    def __init__(
        self,
        accounts: int,
        limits: Limits,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        def limiter(limit: int) -> RateLimiter:
            return RateLimiter(limit, clock=clock, sleep=sleep)

        self.clock, self.sleep = clock, sleep
        self.accounts = {b: [limiter(limits.per_account) for _ in range(accounts)] for b in ("read", "write")}
        self.project = {b: limiter(limits.per_project) for b in ("read", "write")}
        self.drive = limiter(limits.drive)
        self.locks = {b: threading.Lock() for b in ("read", "write")}

    def acquire(self, bucket: str) -> int:
        """Wait until a request of `bucket` ("read", "write" or "drive") may go; the account to send it with."""
        if bucket == "drive":
            self.drive.acquire()
            return 0
        with self.locks[bucket]:
            while True:
                now = self.clock()
                project = self.project[bucket].wait(now)
                own = self.accounts[bucket]
                waits = [max(project, limiter.wait(now)) for limiter in own]
                account = min(range(len(waits)), key=lambda i: (waits[i], len(own[i].calls)))  # the least busy
                if waits[account] <= 0:
                    self.accounts[bucket][account].take(now)
                    self.project[bucket].take(now)
                    return account
                self.sleep(waits[account])


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


def quota_bucket(kind: str) -> str:
    """The quota a request counts against: "read", "write" (Sheets) or "drive"."""
    if kind.startswith("drive."):
        return "drive"
    return "read" if kind in READ_KINDS else "write"


class SheetsHTTPClient(gspread.HTTPClient):
    """Every Sheets and Drive request of the backend goes through `request` here."""

    endpoint: str | None = None
    pacer: Pacer | None = None  # None: unpaced (until configured)
    retry = RetryPolicy()
    sleep = staticmethod(time.sleep)

    def __init__(self, auth, session=None):
        super().__init__(auth, session)
        self.sessions: list[requests.Session] = [self.session]  # one per service account; the first lists Drive
        self.client_emails: list[str] = []  # of those accounts, in the same order
        self.counts: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        self.timeout = 30

    def configure(
        self,
        endpoint: str | None,
        limits: Limits,
        timeout: float,
        retry: RetryPolicy,
        more_accounts: Sequence = (),
    ) -> None:
        """Point at `endpoint` (None: Google), pace to `limits`, and spread Sheets requests over this
        client's account and the credentials of `more_accounts` (of the same project)."""
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.sessions = [self.session, *(AuthorizedSession(c) for c in more_accounts)]
        self.pacer = Pacer(len(self.sessions), limits)
        self.timeout = timeout
        self.retry = retry

    def _url(self, url: str) -> str:
        if self.endpoint:
            for host in GOOGLE_HOSTS:
                if url.startswith(host):
                    return self.endpoint + url[len(host) :]
        return url

    def _count(self, kind: str) -> None:
        with self._count_lock:
            self.counts[kind] += 1

    def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
        url = self._url(endpoint)
        kind = request_kind(method, url)
        attempt = 0
        while True:
            account = self.pacer.acquire(quota_bucket(kind)) if self.pacer else 0
            self._count(kind)
            try:
                response = self.sessions[account].request(
                    method, url, params=params, data=data, json=json, files=files, headers=headers, timeout=self.timeout
                )
                if response.ok:
                    return response
                raise APIError(response)
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
            self._count("retries")
            log.warning("%s %s failed (%s); retry %d in %.1fs", kind, url.split("?")[0], error, attempt, pause)
            self.sleep(pause)
