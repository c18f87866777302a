"""What the machine must offer for some faults, and why it cannot when it does not: a tmpfs to fill
(mount, as root), another user to run the service as (root is not stopped by permissions), LibreOffice."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests import officer_workbooks as officer
from tests.faults.processes import NOBODY, child_environment, python_for


@functools.cache
def _tmpfs_reason() -> str:
    if sys.platform != "linux":
        return "tmpfs mounts need Linux"
    probe = Path(tempfile.mkdtemp(prefix="faults-tmpfs-"))
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True)
        if done.returncode != 0:
            return f"cannot mount a tmpfs here ({done.stderr.decode(errors='replace').strip() or 'not root'})"
        subprocess.run(["umount", str(probe)], check=True)
        return ""
    except FileNotFoundError:
        return "no mount command"
    finally:
        probe.rmdir()


@functools.cache
def _nobody_reason() -> str:
    if os.geteuid() != 0:
        return "not root: the fault needs to run the service as another user (nobody)"
    home = Path(tempfile.mkdtemp(prefix="faults-nobody-"))
    os.chown(home, NOBODY, NOBODY)
    python, extra_path = python_for(NOBODY)
    try:
        done = subprocess.run([python, "-c", "import cli, sync.pipeline"], cwd=home, user=NOBODY, group=NOBODY,
                              extra_groups=[], env=child_environment(home, extra_path), capture_output=True)
    finally:
        shutil.rmtree(home)
    if done.returncode != 0:
        return f"user nobody cannot run the repository's Python ({done.stderr.decode(errors='replace')[-200:]})"
    return ""


NEEDS: dict[str, Callable[[], str]] = {
    "tmpfs": _tmpfs_reason,
    "nobody": _nobody_reason,
    "soffice": lambda: "" if officer.soffice() else "LibreOffice (soffice) is not installed",
}


def unavailable(needs: tuple[str, ...]) -> str:
    """Why this machine cannot try a fault that needs `needs` ("" if it can)."""
    return next((reason for need in needs if (reason := NEEDS[need]())), "")
