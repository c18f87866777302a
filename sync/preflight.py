"""Before a run: are the folders it reads and writes there, and is the as-of date in the programme?

A folder problem is a configuration error (exit status 2), found before any district is read, in
one message that names the key, the file that sets it, the resolved path and what to do next.
The date is only a warning: checking a past fiscal year is legitimate, but nobody should be told
"overdue by 698 days" without knowing the programme's dates have passed.
"""

from __future__ import annotations

import getpass
import tempfile
from pathlib import Path

from sync.config import Config, ConfigError


def shown_path(path: Path) -> str:
    """A path as short as it is unambiguous: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _origin(config: Config, key: str) -> str:
    origin = config.origin(key)
    return f"{shown_path(origin)}: " if origin else ""


def _workbooks_problem(config: Config, config_arg: str, override: bool) -> str | None:
    folder = Path(config.backend.workbooks)
    if folder.is_dir():
        return None
    what = "is a file, not a folder" if folder.exists() else "folder not found"
    if override:
        return f"--workbooks {folder}: {what}\n  Give the folder that holds one workbook per district."
    return (
        f"{_origin(config, 'backend.workbooks')}backend.workbooks: {what}: {folder}\n"
        f"  Create the district workbooks there with `python cli.py init --backend xlsx --config {config_arg}`,\n"
        f"  or set backend.workbooks in {shown_path(config.origin('backend.workbooks') or Path(config_arg))} to the "
        "folder that holds them (or give --workbooks DIR)."
    )


def _unwritable(folder: Path) -> tuple[Path, str] | None:
    """None when files can be made in `folder` (or it can be created); else the folder that stops it and why."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return existing, "is a file, not a folder"
    try:
        with tempfile.TemporaryFile(dir=existing):  # unnamed (O_TMPFILE): nothing is left behind
            pass
    except OSError as exc:
        return existing, exc.strerror or str(exc)
    return None


def _output_problems(config: Config, email: bool) -> list[str]:
    folders = []
    if config.backend.kind == "xlsx" and config.outputs.summary:
        folders.append(("outputs.summary", Path(config.outputs.summary).parent, "the provincial summary"))
    if email:
        folders.append(("outputs.outbox", Path(config.outputs.outbox), "memos"))
    folders.append(("outputs.state", Path(config.outputs.state), "the run lock, history and memo ledger"))
    problems = []
    for key, folder, holds in folders:
        found = _unwritable(folder)
        if found is None:
            continue
        blocker, reason = found
        where = f"{_origin(config, key)}{key}: {folder}"
        if blocker == folder:
            problem = f"{where}: cannot write in this folder ({reason})"
        else:
            problem = f"{where}: does not exist and cannot be created in {blocker} ({reason})"
        problems.append(
            f"{problem}\n  It holds {holds}: make it writable for user {getpass.getuser()}, "
            f"or set {key} to a folder that is."
        )
    return problems


def check_folders(
    config: Config, config_arg: str, *, workbooks_override: bool = False, writes: bool = False, email: bool = True
) -> None:
    """ConfigError, naming every folder problem at once, when the workbooks folder (xlsx backend)
    is missing or, for a run that `writes`, an output folder can be neither written nor created."""
    problems = []
    if config.backend.kind == "xlsx":
        problems.append(_workbooks_problem(config, config_arg, workbooks_override))
    if writes:
        problems += _output_problems(config, email)
    problems = [p for p in problems if p]
    if problems:
        raise ConfigError("\n".join(problems))


def programme_warning(config: Config, as_of) -> str | None:
    """A one-line warning when `as_of` is outside the configured programme's fiscal year."""
    programme = config.programme
    if programme.covers(as_of):
        return None
    start, end = programme.period
    deadlines = programme.deadlines
    letter = config.province.letter
    origin = config.origin("programme.fiscal_year")
    where = shown_path(origin) if origin else "the configuration"
    side = "after" if as_of > end else "before"
    return (
        f"warning: {as_of.isoformat()} is {side} fiscal year {programme.fiscal_year} ({start} – {end}), "
        f"the programme configured in {where}: letter {letter.number} of {letter.date}, documents due "
        f"{deadlines.documents_due}, monthly reports {deadlines.reporting_from} – {deadlines.reporting_to} "
        f"due on day {deadlines.monthly_due_day}. "
        "Days late count from those dates. Give --as-of inside the fiscal year, or set up the new fiscal year's "
        "letter in config/programme.yaml (README: \"A new fiscal year\")."
    )
