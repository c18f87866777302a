"""The HTTP layer of the Google backend: rate limit, backoff, request names."""

import pytest

from sync.backends.google_http import RateLimiter, RetryPolicy, request_kind


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_rate_limiter_allows_n_per_minute_then_waits_for_the_window():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(60.0)
    assert clock.now == pytest.approx(60.0)
    starts = []
    for _ in range(120):
        limiter.acquire()
        starts.append(clock.now)
    for i in range(60, len(starts)):
        assert starts[i] - starts[i - 60] >= 60.0 - 1e-9, "never more than 60 calls in a 60 s window"


def test_backoff_is_exponential_jittered_capped_and_honours_retry_after():
    policy = RetryPolicy(max_retries=5, base_delay=1.0, max_delay=8.0)
    delays = [policy.delay(n) for n in range(1, 7)]
    assert all(0.5 * min(8.0, 2 ** (n - 1)) <= d <= min(8.0, 2 ** (n - 1)) for n, d in enumerate(delays, 1))
    assert max(delays) <= 8.0
    assert policy.delay(1, retry_after="3") == 3.0
    assert policy.delay(1, retry_after="300") == 8.0


@pytest.mark.parametrize(
    ("method", "url", "kind"),
    [
        ("get", "http://x/v4/spreadsheets/abc/values:batchGet?ranges=a", "sheets.values.batchGet"),
        ("post", "http://x/v4/spreadsheets/abc/values:batchUpdate", "sheets.values.batchUpdate"),
        ("post", "http://x/v4/spreadsheets/abc:batchUpdate", "sheets.batchUpdate"),
        ("get", "http://x/v4/spreadsheets/abc", "sheets.get"),
        ("get", "http://x/v4/spreadsheets/abc/values/'A'!A1", "sheets.values.get"),
        ("get", "http://x/drive/v3/files?q=x", "drive.files.list"),
        ("get", "http://x/drive/v3/files/abc", "drive.files.get"),
        ("post", "http://x/drive/v3/files/abc/permissions", "drive.permissions"),
    ],
)
def test_request_kinds(method, url, kind):
    assert request_kind(method, url) == kind
