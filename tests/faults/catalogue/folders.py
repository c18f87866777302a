"""Folders the service cannot write: read-only for the service user (it runs as nobody, since root is
not stopped by permissions) or on a full disk (a small tmpfs, filled). A clear message naming the
folder, no traceback, and a run in which no status tab could be written exits 1."""

from __future__ import annotations

import errno
import os
import subprocess

from tests.faults import checks as c
from tests.faults.catalogue.workbooks import serve_as_nobody
from tests.faults.lab import Lab
from tests.faults.model import Fault


def read_only(folder: str, **outputs):
    """Setup: the lab belongs to the service user but for `folder` (relative to the lab), which it
    may read and not write."""

    def setup(lab: Lab) -> None:
        lab.districts()
        if outputs:
            lab.configure(outputs={k: str(lab.folder / v) for k, v in outputs.items()})
        (lab.folder / folder).mkdir(parents=True, exist_ok=True)
        serve_as_nobody(lab, folder)
        lab.context["folder"] = lab.folder / folder

    return setup


def sync_as_service_user(lab: Lab) -> None:
    lab.sync(user=lab.user)


def names_the_folder(lab: Lab) -> str | None:
    folder = str(lab.context["folder"])
    return None if folder in lab.last.output else f"the run does not name {folder}: {lab.last.output[-300:]!r}"


def full_disk(lab: Lab) -> None:
    """The workbooks on a 1 MiB tmpfs, filled up to the last byte."""
    disk = lab.folder / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    lab.on_close(lambda: subprocess.run(["umount", "-l", str(disk)], check=False))
    lab.workbooks = disk / "wb"
    lab.configure(backend={"workbooks": str(lab.workbooks)})
    lab.districts()
    filler = disk / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    finally:
        os.close(handle)
    lab.context["filler"] = filler


def sync_then_free_then_sync(lab: Lab) -> None:
    lab.sync()
    lab.expect(c.no_leftovers())
    lab.context["filler"].unlink()
    lab.sync()


FAULTS = [
    Fault("folders.summary_read_only", "a summary folder the service user cannot write: a clear error naming it "
          "(issue 11)", read_only("out/summary", summary="out/summary/สรุปจังหวัด.xlsx"), sync_as_service_user,
          (c.exits(1, 2), names_the_folder, c.no_traceback), needs=("nobody",)),
    Fault("folders.state_read_only", "a state folder the service user cannot write: a clear error naming it "
          "(issue 11)", read_only("out/state"), sync_as_service_user,
          (c.exits(1, 2), names_the_folder, c.no_traceback), needs=("nobody",)),
    Fault("folders.workbooks_read_only", "a workbooks folder the service user can read and not write: no status "
          "tab written, exit 1 (issue 11)", read_only("wb"), sync_as_service_user,
          (c.exits(1), c.not_written("5701"), c.no_traceback), needs=("nobody",)),
    Fault("disk.full_workbooks", "the workbooks' disk is full (a 1 MiB tmpfs): no status tab written, exit 1, no "
          "temporary file left; with room again the next run writes them (issue 11)", full_disk,
          sync_then_free_then_sync, (c.exits(1, run=0), c.exits(0, run=1), c.written("5701", "5702", "5703"),
                                     c.no_leftovers(), c.no_traceback), needs=("tmpfs",)),
]
