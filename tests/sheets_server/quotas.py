"""Google's per-minute Sheets quotas: read and write requests counted separately, per user and per
project, a batch counting once; Drive and the token endpoint are not counted.

Google's documented defaults (the "Usage limits" page of the Sheets API) are 60 read and 60 write
requests a minute per user (a service account is a user) and 300 of each per project; a request over
a limit is answered 429 RESOURCE_EXHAUSTED with Google's ErrorInfo. Here a minute is a sliding window
of 60 seconds on the server's clock (which ``SheetsServer.advance_clock`` moves), a little stricter
than Google's: a client that never meets a 429 here meets none at Google. A refused request uses no
quota. Everything is off (unlimited) unless set.

The project of a user is the ``PROJECT`` of ``name@PROJECT.iam.gserviceaccount.com``, and the domain
of any other address.
"""

from __future__ import annotations

import collections
import hashlib
from collections.abc import Callable

from .errors import ApiError

GOOGLE_PER_USER = 60
GOOGLE_PER_PROJECT = 300
BUCKETS = ("read", "write")


def project_of(email: str) -> str:
    domain = email.rpartition("@")[2].lower()
    return domain.removesuffix(".iam.gserviceaccount.com")


def project_number(project: str) -> str:
    """A stable 12-digit number for a project, as Google names the consumer of a quota."""
    return str(int(hashlib.sha1(project.encode()).hexdigest()[:12], 16) % 10**12).rjust(12, "1")


def quota_exceeded(kind: str, limit: int, project: str = "", per_user: bool = True) -> ApiError:
    """Google's 429 once a per-minute Sheets quota is used up (``kind`` is "Read" or "Write")."""
    number = project_number(project) if project else "000000000000"
    scope = " per user" if per_user else ""
    message = (f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute{scope}' "
               f"of service 'sheets.googleapis.com' for consumer 'project_number:{number}'.")
    details = [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {
            "quota_location": "global",
            "quota_metric": f"sheets.googleapis.com/{kind.lower()}_requests",
            "quota_limit": f"{kind}RequestsPerMinutePer{'User' if per_user else 'Project'}",
            "quota_limit_value": str(limit),
            "consumer": f"projects/{number}",
            "service": "sheets.googleapis.com",
        },
    }, {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [{"description": "Request a higher quota limit.",
                   "url": "https://cloud.google.com/docs/quota#requesting_higher_quota"}],
    }]
    return ApiError(429, message, "RESOURCE_EXHAUSTED", details=details)


class Quotas:
    """Limits per minute (None: unlimited) and the sliding windows that enforce them. Not thread-safe:
    the caller holds its lock."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.per_user: dict[str, int | None] = dict.fromkeys(BUCKETS)
        self.per_project: dict[str, int | None] = dict.fromkeys(BUCKETS)
        self.windows: dict[tuple[str, str, str], collections.deque] = {}

    def set(self, per_user: dict[str, int | None] | None = None,
            per_project: dict[str, int | None] | None = None) -> None:
        """Replace the given limits ({"read": N, "write": M}); forget what was counted so far."""
        if per_user is not None:
            self.per_user = {b: per_user.get(b) for b in BUCKETS}
        if per_project is not None:
            self.per_project = {b: per_project.get(b) for b in BUCKETS}
        self.windows.clear()

    def as_dict(self) -> dict:
        return {"quota_per_minute": dict(self.per_user), "project_quota_per_minute": dict(self.per_project)}

    def take(self, bucket: str, email: str) -> None:
        """Count one request of ``bucket`` by ``email``, or raise Google's 429 if a limit is reached."""
        project = project_of(email)
        now = self.clock()
        checks = [((("user", email, bucket)), self.per_user[bucket], True),
                  ((("project", project, bucket)), self.per_project[bucket], False)]
        windows = []
        for key, limit, per_user in checks:
            if limit is None:
                continue
            window = self.windows.setdefault(key, collections.deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= limit:
                raise quota_exceeded(bucket.capitalize(), limit, project, per_user)
            windows.append(window)
        for window in windows:
            window.append(now)
