"""The HTTP layer of the Google backend: pacing to Google's quotas, backoff, request names."""

import threading

import pytest

from sync.backends.google_http import (
    WINDOW_SECONDS,
    Limits,
    Pacer,
    RateLimiter,
    RetryPolicy,
    quota_bucket,
    request_kind,
)


class FakeClock:
    """Time that passes only when someone sleeps (thread-safe enough for one sleeper at a time)."""

    def __init__(self):
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


def never_more_than(starts: list[float], limit: int, window: float) -> bool:
    starts = sorted(starts)
    return all(starts[i] - starts[i - limit] >= window - 1e-9 for i in range(limit, len(starts)))


def test_rate_limiter_allows_n_per_window_then_waits_for_the_window_with_its_margin():
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(WINDOW_SECONDS)
    assert WINDOW_SECONDS > 60, "a margin beyond Google's minute"
    starts = []
    for _ in range(120):
        limiter.acquire()
        starts.append(clock.now)
    assert never_more_than(starts, 60, WINDOW_SECONDS)


def test_reads_and_writes_have_separate_quotas_so_writes_do_not_wait_for_reads():
    clock = FakeClock()
    pacer = Pacer(1, Limits(per_account=60, per_project=300), clock=clock, sleep=clock.sleep)
    for _ in range(60):
        pacer.acquire("read")
    for _ in range(60):
        pacer.acquire("write")
    assert clock.now == 0, "60 reads and 60 writes fit in the same minute"
    pacer.acquire("read")
    assert clock.now == pytest.approx(WINDOW_SECONDS)


def test_several_accounts_share_the_project_quota():
    clock = FakeClock()
    pacer = Pacer(6, Limits(per_account=60, per_project=300), clock=clock, sleep=clock.sleep)
    starts, accounts = [], []
    for _ in range(900):
        accounts.append(pacer.acquire("read"))
        starts.append(clock.now)
    assert never_more_than(starts, 300, WINDOW_SECONDS), "never more than the project's 300 a minute"
    for account in range(6):
        own = [t for t, a in zip(starts, accounts, strict=True) if a == account]
        assert never_more_than(own, 60, WINDOW_SECONDS), f"account {account} above its own 60 a minute"
    assert starts[299] == 0 and starts[300] == pytest.approx(WINDOW_SECONDS), "5 accounts' worth at once"


def test_drive_requests_have_their_own_limit():
    clock = FakeClock()
    pacer = Pacer(1, Limits(per_account=1, per_project=1, drive=2), clock=clock, sleep=clock.sleep)
    pacer.acquire("read")
    pacer.acquire("drive")
    pacer.acquire("drive")
    assert clock.now == 0


def test_backoff_is_exponential_jittered_capped_and_honours_retry_after():
    policy = RetryPolicy(max_retries=5, base_delay=1.0, max_delay=8.0)
    delays = [policy.delay(n) for n in range(1, 7)]
    assert all(0.5 * min(8.0, 2 ** (n - 1)) <= d <= min(8.0, 2 ** (n - 1)) for n, d in enumerate(delays, 1))
    assert max(delays) <= 8.0
    assert policy.delay(1, retry_after="3") == 3.0
    assert policy.delay(1, retry_after="300") == 8.0


@pytest.mark.parametrize(
    ("method", "url", "kind", "bucket"),
    [
        ("get", "http://x/v4/spreadsheets/abc/values:batchGet?ranges=a", "sheets.values.batchGet", "read"),
        ("post", "http://x/v4/spreadsheets/abc/values:batchUpdate", "sheets.values.batchUpdate", "write"),
        ("post", "http://x/v4/spreadsheets/abc:batchUpdate", "sheets.batchUpdate", "write"),
        ("get", "http://x/v4/spreadsheets/abc", "sheets.get", "read"),
        ("get", "http://x/v4/spreadsheets/abc/values/'A'!A1", "sheets.values.get", "read"),
        ("get", "http://x/drive/v3/files?q=x", "drive.files.list", "drive"),
        ("get", "http://x/drive/v3/files/abc", "drive.files.get", "drive"),
        ("post", "http://x/drive/v3/files/abc/permissions", "drive.permissions", "drive"),
    ],
)
def test_request_kinds_and_their_quota(method, url, kind, bucket):
    assert request_kind(method, url) == kind
    assert quota_bucket(kind) == bucket
