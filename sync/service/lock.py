"""One at a time: lock files in the state folder (fcntl.flock), naming their holder.

``run.lock`` is held for the duration of every run that writes (a `sync`, or a job of `serve`);
``serve.lock`` for the lifetime of a `serve`, so that a second one is refused. The kernel drops a
flock when its process dies, even by kill -9, so a lock is never left stale; the holder details
written into the file (pid, host, start time, command) are only read to explain a refusal.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sync import clock

RUN_LOCK = "run.lock"
SERVE_LOCK = "serve.lock"


@dataclass
class Holder:
    pid: int
    host: str
    started: str
    command: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.started}, running `{self.command}`"


class LockBusy(Exception):
    """The lock is held by another process; the message names it."""

    def __init__(self, path: Path, holder: Holder | None, waited: float, what: str):
        self.path, self.holder, self.waited = path, holder, waited
        who = holder.describe() if holder else "a process that did not say who it is"
        super().__init__(f"{what} is held by {who}; gave up after waiting {waited:g} s (lock file {path})")


def current_command() -> str:
    """This process as an operator would recognise it (`cli.py sync --config ...`)."""
    argv = list(sys.argv) or ["python"]
    argv[0] = Path(argv[0]).name
    return " ".join(argv)


class FileLock:
    """An exclusive, non-reentrant lock on a file; `what` names it in messages ("the run lock")."""

    def __init__(self, path: Path, what: str = "the lock", command: str | None = None):
        self.path = Path(path)
        self.what = what
        self.command = command or current_command()
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def try_acquire(self) -> bool:
        if self._fd is not None:
            raise RuntimeError(f"{self.path}: already held by this process")
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        holder = Holder(os.getpid(), socket.gethostname(), clock.now().isoformat(timespec="seconds"), self.command)
        data = json.dumps(asdict(holder), ensure_ascii=False).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        return True

    def acquire(self, wait: float = 0, stop: threading.Event | None = None, poll: float = 0.2) -> FileLock:
        """Take the lock, waiting at most `wait` seconds (or until `stop` is set); LockBusy if it stays held."""
        started = time.monotonic()
        while not self.try_acquire():
            waited = time.monotonic() - started
            if waited >= wait or (stop is not None and stop.is_set()):
                raise LockBusy(self.path, self.holder(), round(waited, 1), self.what)
            time.sleep(min(poll, wait - waited))
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def holder(self) -> Holder | None:
        """Who holds the lock, as it wrote; None when free or not told."""
        for _ in range(5):  # the holder may be between truncating and writing
            try:
                data = self.path.read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
            if data:
                try:
                    return Holder(**json.loads(data))
                except (ValueError, TypeError):
                    pass
            time.sleep(0.02)
        return None

    def busy(self) -> bool:
        """Whether another process (or another FileLock of this one) holds the lock right now."""
        if self._fd is not None:
            return False
        if not self.path.exists():
            return False
        if self.try_acquire():
            self.release()
            return False
        return True

    def __enter__(self) -> FileLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def run_lock(state_dir: Path, command: str | None = None) -> FileLock:
    return FileLock(Path(state_dir) / RUN_LOCK, "the run lock", command)


def serve_lock(state_dir: Path, command: str | None = None) -> FileLock:
    return FileLock(Path(state_dir) / SERVE_LOCK, "the service lock", command)


# sync.atomic.atomic_write's temporary files: ".<name>.<8 random characters>.tmp" beside <name>
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


def remove_leftovers(folders: list[Path]) -> list[Path]:
    """Delete the temporary files that a run killed mid-write left beside the files it writes.

    Call it holding the run lock: then no write is in progress, and any such file is a leftover.
    The files themselves are whole (atomic_write renames only complete files into place).
    """
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and _LEFTOVER.match(path.name):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
