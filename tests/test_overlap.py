"""Read ahead, write behind (sync/overlap.py): order kept, backlog bounded, failures where they belong."""

from __future__ import annotations

import threading
import time

import pytest

from sync.overlap import WriteBehind, read_ahead


@pytest.mark.parametrize("workers", [1, 3])
def test_read_ahead_yields_in_order_with_at_most_workers_in_flight(workers):
    in_flight, most = 0, 0
    lock = threading.Lock()

    def read(n):
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.01 * (n % 3))
        with lock:
            in_flight -= 1
        return n * n

    assert list(read_ahead(read, range(12), workers)) == [(n, n * n) for n in range(12)]
    assert most <= workers


def test_a_failed_read_is_raised_where_its_item_would_come():
    def read(n):
        if n == 2:
            raise LookupError("two")
        return n

    seen = []
    with pytest.raises(LookupError, match="two"):
        for item, _ in read_ahead(read, range(5), 2):
            seen.append(item)
    assert seen == [0, 1]


def test_read_ahead_starts_nothing_once_stopped():
    started = []
    stop = threading.Event()

    def read(n):
        started.append(n)
        if n == 3:
            stop.set()
        return n

    got = [n for n, _ in read_ahead(read, range(20), 1, stop.is_set)]
    assert got == [0, 1, 2, 3] and started == [0, 1, 2, 3]


def test_write_behind_runs_in_order_in_its_own_thread_and_bounds_the_backlog():
    done, threads, waiting = [], set(), []
    gate = threading.Event()

    def write(n):
        gate.wait(5)
        threads.add(threading.current_thread().name)
        done.append(n)

    writer = WriteBehind(write, lambda n, exc: None, workers=1, backlog=2)
    submitted = []

    def submit_all():
        for n in range(6):
            writer.submit(n)
            submitted.append(n)

    producer = threading.Thread(target=submit_all)
    producer.start()
    time.sleep(0.3)
    waiting.append(len(submitted))
    gate.set()
    producer.join(5)
    writer.close()
    assert waiting == [3], "one being written and two waiting; the producer is held back"
    assert done == list(range(6))
    assert threads and all(name.startswith("write") for name in threads)


def test_a_failed_write_goes_to_on_error_and_the_others_are_written():
    failed, done = [], []

    def write(n):
        if n == 1:
            raise OSError("disk full")
        done.append(n)

    with WriteBehind(write, lambda n, exc: failed.append((n, str(exc)))) as writer:
        for n in range(3):
            writer.submit(n)
    assert done == [0, 2] and failed == [(1, "disk full")]


def test_without_workers_writes_happen_at_once():
    done = []
    writer = WriteBehind(done.append, lambda n, exc: None, workers=0)
    writer.submit(7)
    assert done == [7]
