"""Replace a file atomically: write a temporary file beside it, fsync, rename over it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def _temporary(path: Path) -> tuple[int, Path]:
    """A new file beside `path`, created like any other program creates one: mode 0666 less the
    umask (tempfile.mkstemp would make it 0600, and a shared folder's staff could not read it)."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def atomic_write(path: Path, write: Callable[[BinaryIO], None], before_replace: Callable[[], None] = lambda: None):
    """Call `write` on a temporary file in `path`'s folder, then rename it over `path`.

    A new file gets the mode the umask gives; a replaced file keeps its mode. `before_replace`
    runs last and may raise to abandon the write. A crash at any point leaves either the old file
    or the new one, never half of either.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        before_replace()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
