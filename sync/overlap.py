"""Overlapping slow I/O with the work between: read ahead, write behind.

On Google Sheets each read and each write is a paced request (separate quotas for reads and
writes), so a district's status is written while the next districts are read. Both helpers keep
their backlog small, so memory does not grow with the number of districts, and preserve order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def read_ahead(
    read: Callable[[T], R], items: Iterable[T], workers: int, stop: Callable[[], bool] = lambda: False
) -> Iterator[tuple[T, R]]:
    """(item, read(item)) in the order of `items`, with up to `workers` reads in flight (1: none ahead,
    in this thread). An exception of `read` is raised where its item would have been yielded. Once
    `stop()` is true no further read starts; those started are still yielded."""
    if workers <= 1:
        for item in items:
            if stop():
                return
            yield item, read(item)
        return
    pool = ThreadPoolExecutor(workers, thread_name_prefix="read")
    pending: deque[tuple[T, Future]] = deque()
    try:
        for item in items:
            if stop():
                break
            pending.append((item, pool.submit(read, item)))
            if len(pending) >= workers:
                first, future = pending.popleft()
                yield first, future.result()
        while pending:
            first, future = pending.popleft()
            yield first, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class WriteBehind:
    """Runs `write(item)` for each submitted item in `workers` threads of its own (0: at once, in
    this thread), at most `backlog` items waiting; `close` waits for all. `write` must handle its
    own errors: one that escapes is given to `on_error(item, exc)`."""

    def __init__(
        self,
        write: Callable[[T], None],
        on_error: Callable[[T, BaseException], None],
        workers: int = 1,
        backlog: int = 2,
    ):
        self.write = write
        self.on_error = on_error
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="write") if workers > 0 else None
        self.room = threading.BoundedSemaphore(backlog + max(workers, 0))

    def submit(self, item: T) -> None:
        if self.pool is None:
            self._run(item)
            return
        self.room.acquire()
        try:
            self.pool.submit(self._run, item).add_done_callback(lambda _: self.room.release())
        except BaseException:
            self.room.release()
            raise

    def _run(self, item: T) -> None:
        try:
            self.write(item)
        except Exception as exc:
            self.on_error(item, exc)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
