"""Run `cli.py` and kill it with SIGKILL (kill -9) at a chosen point: a real kill, for fault tests.

    python -m tests.kill_at MODULE:NAME[@N][:after] -- CLI ARGUMENTS...

NAME is a function or method (`sync.pipeline:build_summary`, `sync.delivery.ledger:Ledger.mark_sent`).
The process kills itself on the Nth call (default the first): before the call runs, or with
`:after` right after it returned. Exit status -9 as seen by the parent.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys


def arm(target: str) -> None:
    """Replace the named function by one that kills the process at the chosen call."""
    where, _, when = target.partition(":after") if target.endswith(":after") else (target, "", "")
    spec, _, nth = where.partition("@")
    module_name, qualname = spec.split(":")
    owner = importlib.import_module(module_name)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    calls = {"n": 0}
    after = target.endswith(":after")

    @functools.wraps(original)
    def killing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] != int(nth or 1):
            return original(*args, **kwargs)
        if after:
            original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    setattr(owner, name, killing)


def main(argv: list[str]) -> None:
    target, separator, *args = argv
    assert separator == "--", __doc__
    arm(target)
    from cli import cli

    cli.main(args, prog_name="cli.py")


if __name__ == "__main__":
    main(sys.argv[1:])
