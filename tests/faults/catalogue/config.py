"""Hostile configurations: each must end the command with exit status 2 and a message naming the file
(and the key path), quickly, without a traceback, and without eating memory (the processes run with a
2 GiB address-space limit, so a bomb that expands shows as a failure, not as a stuck machine)."""

from __future__ import annotations

from pathlib import Path

from tests.faults import checks as c
from tests.faults.lab import Lab
from tests.faults.model import Fault

LIMIT_MIB = 2048
ALIAS_BOMB = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
) + "\n"


def hostile(name: str, write) -> callable:
    """Setup: the lab's configuration includes a hostile file `name`, written by `write(path)`."""

    def setup(lab: Lab) -> None:
        lab.districts()
        path = lab.folder / name
        write(path)
        lab.configure(include=[*lab.settings["include"], str(path)])
        lab.context["hostile"] = path

    return setup


def hostile_values(**sections) -> callable:
    """Setup: the lab's own configuration file holds the hostile values."""

    def setup(lab: Lab) -> None:
        lab.districts()
        lab.configure(**sections)
        lab.context["hostile"] = lab.config_path

    return setup


def commands(*commands: tuple[str, ...]):
    """Run: each command (with --config) in turn, memory-limited."""

    def run(lab: Lab) -> None:
        for command in commands:
            lab.cli(*command, "--config", str(lab.config_path), *(["--as-of", "2025-01-21"] if "sync" in command
                                                                   else []), memory_mib=LIMIT_MIB, timeout=30)

    return run


def every_run_names(*texts: str) -> c.Check:
    """Every run exits 2 naming the hostile file and `texts` (key paths), on stderr."""

    def check(lab: Lab) -> str | None:
        for number, done in enumerate(lab.runs, 1):
            if done.returncode != 2:
                return f"run {number} exited {done.returncode}, not 2: {done.describe()}"
            wanted = [lab.context['hostile'].name, *texts]
            missing = [t for t in wanted if t not in done.stderr]
            if missing:
                return f"run {number} does not name {missing}: {done.stderr.strip()[:300]!r}"
        return None

    return check


def text(content: str):
    return lambda path: path.write_text(content, encoding="utf-8")


def folder(path: Path) -> None:
    path.mkdir()


SYNC, SHOW = ("sync",), ("config", "show")
QUICK = (c.within(30), c.no_traceback)


FAULTS = [
    Fault("config.include_is_a_directory", "an include that is a directory (issue 11)",
          hostile("เพิ่มเติม.yaml", folder), commands(SYNC), (every_run_names(), *QUICK)),
    Fault("config.not_utf8", "a configuration file that is not UTF-8 (issue 11)",
          hostile("districts-tis620.yaml", lambda p: p.write_bytes("name: เมือง\n".encode("tis-620"))),
          commands(SYNC), (every_run_names(), *QUICK)),
    Fault("config.nested_brackets", "20,000 nested [ (issue 11)",
          hostile("deep.yaml", text("rules: " + "[" * 20_000 + "\n")), commands(SYNC), (every_run_names(), *QUICK)),
    Fault("config.alias_bomb", "a YAML alias bomb (billion laughs) read by sync and by config show (issue 11)",
          hostile("bomb.yaml", text(ALIAS_BOMB)), commands(SYNC, SHOW), (every_run_names(), *QUICK)),
    Fault("config.interval_1e12", "schedule.sync_interval_seconds: 1e12 (issue 11)",
          hostile_values(schedule={"sync_interval_seconds": 1e12}), commands(SYNC),
          (every_run_names("schedule.sync_interval_seconds"), *QUICK)),
    Fault("config.smtp_timeout_inf", "email.smtp.timeout_seconds: .inf (issue 11)",
          hostile_values(email={"smtp": {"timeout_seconds": float("inf")}}), commands(SYNC),
          (every_run_names("email.smtp.timeout_seconds"), *QUICK)),
    Fault("config.lock_wait_inf", "schedule.lock_wait_seconds: .inf (issue 11)",
          hostile_values(schedule={"lock_wait_seconds": float("inf")}), commands(SYNC),
          (every_run_names("schedule.lock_wait_seconds"), *QUICK)),
]
