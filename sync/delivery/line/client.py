"""The LINE Messaging API through the official SDK (linebot.v3.messaging), with bounded retries.

A call that times out, loses its connection, gets a 5xx or a rate-limit 429 is tried again, at most
`line.max_retries` times, waiting `line.backoff_seconds` and twice as long each time (or what a
Retry-After header asks, up to a minute). A push carries the same X-Line-Retry-Key on every attempt,
so LINE executes it once however often it arrives: a 409 says an earlier attempt was accepted (its
request id is in `x-line-accepted-request-id`), and counts as delivered. A 429 for the monthly limit
and every other 4xx are final: retrying cannot help.

The API host is `line.endpoint` (default LINE's), so tests and `make demo-line` point the same code
at the local server of tests/line_server.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sync.config import Config, ConfigError, Line

log = logging.getLogger("khoknongna")

LINE_API = "https://api.line.me"
MONTHLY_LIMIT = "You have reached your monthly limit."
_MAX_RETRY_AFTER = 60.0


class LineError(Exception):
    """A LINE API call that did not succeed; `status` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Refused(LineError):
    """A 4xx other than 409 and 429: LINE will never accept this request as it is (LINE's message says why)."""


class MonthlyLimit(LineError):
    """429 "You have reached your monthly limit.": nothing more can be sent this month."""


class Unavailable(LineError):
    """No answer, a 5xx or a rate-limit 429 on every attempt: try again in a later run."""


@dataclass(frozen=True)
class Pushed:
    request_id: str  # LINE's x-line-request-id of the request it accepted
    accepted_earlier: bool = False  # a 409: an earlier attempt with the same retry key was the one accepted


def token_from_env(settings: Line) -> str:
    token = os.environ.get(settings.token_env, "").strip()
    if not token:
        raise ConfigError(
            f"line.token_env: the environment variable {settings.token_env} (the channel access token) is not set"
        )
    return token


def _message(body: Any) -> str:
    """LINE's error message (and its details) from an error body."""
    try:
        data = json.loads(body or b"{}")
    except (TypeError, ValueError):
        return str(body or "")[:300]
    if not isinstance(data, dict):
        return str(data)[:300]
    details = "; ".join(
        f"{d.get('property', '')}: {d.get('message', '')}".strip(": ") for d in data.get("details") or []
    )
    return f"{data.get('message', '')}{f' ({details})' if details else ''}"


def _header(headers: Any, name: str) -> str:
    if not headers:
        return ""
    for key, value in dict(headers).items():
        if key.lower() == name:
            return value
    return ""


def _retry_after(headers: Any) -> float | None:
    try:
        return min(float(_header(headers, "retry-after")), _MAX_RETRY_AFTER)
    except ValueError:
        return None


class LineApi:
    """The calls the channel needs, each retried as the module says. Use as a context manager."""

    def __init__(self, settings: Line, token: str, sleep: Callable[[float], None] = time.sleep):
        from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

        configuration = Configuration(host=(settings.endpoint or LINE_API).rstrip("/"), access_token=token)
        configuration.retries = False  # urllib3 must not retry on its own: the retries are ours, bounded and logged
        self.settings = settings
        self.sleep = sleep
        self._client = ApiClient(configuration)
        self._api = MessagingApi(self._client)

    @classmethod
    def from_config(cls, config: Config) -> LineApi:
        return cls(config.line, token_from_env(config.line))

    def __enter__(self) -> LineApi:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # --- the calls ------------------------------------------------------------------------------

    def push(self, body: dict, retry_key: str) -> Pushed:
        """POST /v2/bot/message/push with `retry_key` on every attempt; a 409 is an earlier success."""
        from linebot.v3.messaging import PushMessageRequest

        request = PushMessageRequest.from_dict(body)
        try:
            reply = self._retrying(
                "push",
                lambda: self._api.push_message_with_http_info(
                    request, x_line_retry_key=retry_key, _request_timeout=self.settings.timeout_seconds
                ),
            )
        except _AlreadyAccepted as accepted:
            return Pushed(accepted.request_id, accepted_earlier=True)
        return Pushed(_header(reply.headers, "x-line-request-id"))

    def quota(self) -> int | None:
        """This month's message limit of the channel; None when it has none."""
        reply = self._retrying("quota", lambda: self._api.get_message_quota(_request_timeout=self._timeout))
        return reply.value if str(getattr(reply.type, "value", reply.type)) == "limited" else None

    def consumption(self) -> int:
        """Messages sent this month, as LINE counts them (one per member of a group pushed to)."""
        reply = self._retrying(
            "consumption", lambda: self._api.get_message_quota_consumption(_request_timeout=self._timeout)
        )
        return int(reply.total_usage)

    def member_count(self, group_id: str) -> int:
        """Members of the group, the bot not counted: what a push to it costs."""
        reply = self._retrying(
            "group member count", lambda: self._api.get_group_member_count(group_id, _request_timeout=self._timeout)
        )
        return int(reply.count)

    def group_name(self, group_id: str) -> str:
        reply = self._retrying(
            "group summary", lambda: self._api.get_group_summary(group_id, _request_timeout=self._timeout)
        )
        return reply.group_name

    # --- retries --------------------------------------------------------------------------------

    @property
    def _timeout(self) -> float:
        return self.settings.timeout_seconds

    def _retrying(self, what: str, call: Callable[[], Any]) -> Any:
        import urllib3
        from linebot.v3.messaging import ApiException

        attempt = 0
        while True:
            wait = None
            try:
                return call()
            except ApiException as exc:
                status, message = exc.status, _message(exc.body)
                if status == 409 and what == "push":
                    raise _AlreadyAccepted(_header(exc.headers, "x-line-accepted-request-id")) from None
                if status == 429 and message.startswith(MONTHLY_LIMIT):
                    raise MonthlyLimit(f"LINE {what}: 429 {message}", status) from None
                if status and 400 <= status < 500 and status != 429:
                    raise Refused(f"LINE {what}: {status} {message or exc.reason}", status) from None
                problem = f"{status} {message or exc.reason}"
                wait = _retry_after(exc.headers) if status == 429 else None
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                status, problem = None, f"no answer ({type(exc).__name__}: {exc})"
            if attempt >= self.settings.max_retries:
                raise Unavailable(f"LINE {what}: {problem}, after {attempt + 1} attempt(s)", status)
            wait = self.settings.backoff_seconds * 2**attempt if wait is None else wait
            log.warning("LINE %s: %s; trying again in %.1f s", what, problem, wait)
            self.sleep(wait)
            attempt += 1


class _AlreadyAccepted(Exception):
    def __init__(self, request_id: str):
        super().__init__(request_id)
        self.request_id = request_id
