"""Run `cli.py` with an action at a chosen call: a real SIGKILL, a pause, or an officer saving a file.

    python -m tests.faults.hooks SPEC [SPEC ...] -- CLI ARGUMENTS...

SPEC is `MODULE:NAME[~TEXT][@N][:after]=ACTION`:

- NAME: a function or method (`sync.pipeline:build_summary`, `os:replace`);
- `~TEXT`: count only the calls whose arguments, as text, contain TEXT (`os:replace~.xlsx`);
- `@N`: act at the Nth counted call (default the first); `:after`: once it has returned;
- ACTION: `kill` (SIGKILL this process: exit status -9), `sleep:SECONDS`, or `copy:SOURCE:TARGET`
  (replace TARGET by SOURCE as an officer's save would, through a temporary file and a rename).
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import shutil
import signal
import sys
import time

SPEC = re.compile(r"^(?P<module>[\w.]+):(?P<name>[\w.]+)(?:~(?P<text>[^@=]+))?(?:@(?P<nth>\d+))?"
                  r"(?P<after>:after)?=(?P<action>.+)$")


def act(action: str) -> None:
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action.startswith("sleep:"):
        time.sleep(float(action.split(":", 1)[1]))
    elif action.startswith("copy:"):
        _, source, target = action.split(":", 2)
        shutil.copyfile(source, target + ".officer-save")
        os.rename(target + ".officer-save", target)  # os.rename: os.replace may be the hooked call
    else:
        raise SystemExit(f"unknown hook action {action!r}")


def arm(spec: str) -> None:
    """Wrap the named callable so that the chosen call performs the action."""
    found = SPEC.match(spec)
    if not found:
        raise SystemExit(f"not a hook: {spec!r}\n{__doc__}")
    owner = importlib.import_module(found["module"])
    *path, name = found["name"].split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    nth, text, after, action = int(found["nth"] or 1), found["text"], bool(found["after"]), found["action"]
    calls = [0]

    @functools.wraps(original)
    def hooked(*args, **kwargs):
        if text is not None and text not in repr((args, kwargs)):
            return original(*args, **kwargs)
        calls[0] += 1
        if calls[0] != nth:
            return original(*args, **kwargs)
        if not after:
            act(action)
            return original(*args, **kwargs)
        result = original(*args, **kwargs)
        act(action)
        return result

    setattr(owner, name, hooked)


def main(argv: list[str]) -> None:
    separator = argv.index("--")
    for spec in argv[:separator]:
        arm(spec)
    from cli import cli

    cli.main(argv[separator + 1 :], prog_name="cli.py")


if __name__ == "__main__":
    main(sys.argv[1:])
