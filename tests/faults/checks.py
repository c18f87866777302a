"""What a fault's run must show, each a function of the lab returning a problem in words (or None).

They look where a person would: exit statuses and what the command printed, the workbooks and
spreadsheets themselves, the run history, and `check --format json` (DOMAIN.md §6).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from python_calamine import CalamineWorkbook

from sync.schema import STATUS
from tests.faults.lab import AS_OF, Lab
from tests.faults.model import Check


def exits(*codes: int, run: int = -1) -> Check:
    def check(lab: Lab) -> str | None:
        done = lab.runs[run]
        if done.returncode not in codes:
            return f"run {run % len(lab.runs) + 1} exited {done.returncode}, not {' or '.join(map(str, codes))}: " \
                   f"{done.describe()}"
        return None

    return check


def no_traceback(lab: Lab) -> str | None:
    """No run ended in (or printed) a raw traceback."""
    for number, done in enumerate(lab.runs, 1):
        if "Traceback (most recent call last)" in done.output:
            tail = done.output.strip().splitlines()[-1][:300]
            return f"run {number} printed a traceback: {tail}"
    return None


def says(*texts: str, run: int = -1, where: str = "output") -> Check:
    """Run `run`'s stdout, stderr or both ("output") contain every text."""

    def check(lab: Lab) -> str | None:
        shown = getattr(lab.runs[run], where)
        missing = [t for t in texts if t not in shown]
        return f"run {run % len(lab.runs) + 1} does not say {missing!r}: {shown.strip()[-400:]!r}" if missing else None

    return check


def says_any(*texts: str, run: int = -1) -> Check:
    def check(lab: Lab) -> str | None:
        shown = lab.runs[run].output
        return None if any(t in shown for t in texts) else f"run {run % len(lab.runs) + 1} says none of {texts!r}"

    return check


def never_says(*texts: str) -> Check:
    def check(lab: Lab) -> str | None:
        for number, done in enumerate(lab.runs, 1):
            found = [t for t in texts if t in done.output]
            if found:
                return f"run {number} says {found!r}"
        return None

    return check


def within(seconds: float) -> Check:
    def check(lab: Lab) -> str | None:
        slow = [(n, r.seconds) for n, r in enumerate(lab.runs, 1) if r.seconds > seconds or r.timed_out]
        return f"runs took too long (limit {seconds:g} s): {slow}" if slow else None

    return check


def memory_below(mib: float) -> Check:
    def check(lab: Lab) -> str | None:
        peak = max(r.peak_mib for r in lab.runs)
        return f"peak memory {peak:.0f} MiB, limit {mib:g} MiB" if peak > mib else None

    return check


# --- workbooks -----------------------------------------------------------------------------------------------


def status_tab(path: Path) -> list[list] | None:
    """The rows of the status tab of a workbook (None: it has none)."""
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(STATUS).to_python() if STATUS in book.sheet_names else None


def written(*codes: str) -> Check:
    """The status tab of each district says the run's day (xlsx: its workbook; Google: its spreadsheet)."""

    def check(lab: Lab) -> str | None:
        missing = []
        for code in codes:
            rows = lab.google.status_rows(code) if lab.google else status_tab(lab.path_of(code))
            if not rows or not str(rows[0][0]).startswith("สถานะ"):
                missing.append(code)
        return f"no status tab written for {', '.join(missing)}" if missing else None

    return check


def not_written(code: str) -> Check:
    def check(lab: Lab) -> str | None:
        path = lab.path_of(code)
        return f"a status tab was written into {path.name}" if path.is_file() and status_tab(path) else None

    return check


def is_link(name: str) -> Check:
    def check(lab: Lab) -> str | None:
        return None if (lab.workbooks / name).is_symlink() else f"{name} is no longer a symbolic link"

    return check


def workbooks_whole(lab: Lab) -> str | None:
    """Every .xlsx/.xlsm in the folder is a whole zip that calamine reads."""
    for path in lab.workbooks.rglob("*.xls[xm]"):
        if path.is_file() and not path.name.startswith("."):
            try:
                bad = zipfile.ZipFile(io.BytesIO(path.read_bytes())).testzip()
                if bad or not CalamineWorkbook.from_path(str(path)).sheet_names:
                    return f"{path.name} is damaged ({bad or 'no sheets'})"
            except Exception as exc:  # whatever it is, the workbook is damaged
                return f"{path.name} is damaged: {exc}"
    return None


def no_leftovers(*folders: str) -> Check:
    """No temporary file of the service is left in the workbooks folder (or `folders` of the lab)."""

    def check(lab: Lab) -> str | None:
        places = [lab.workbooks, *(lab.folder / f for f in folders)]
        left = [p.name for place in places for p in place.rglob(".*.tmp")]
        return f"temporary files left: {left}" if left else None

    return check


# --- the run history and the report ------------------------------------------------------------------------


def history(status: str, *, run: int = 0, errors: tuple[str, ...] = ()) -> Check:
    """Run number `run` of the history, newest first (0), has this status and error texts."""

    def check(lab: Lab) -> str | None:
        runs = lab.history()
        if len(runs) <= run:
            return f"the history has {len(runs)} runs, no run {run}"
        entry = runs[run]
        if entry.status != status:
            return f"history run {run} (newest first) is {entry.status!r}, not {status!r} ({entry.errors})"
        missing = [e for e in errors if not any(e in line for line in entry.errors)]
        return f"history run {run} errors {entry.errors} lack {missing}" if missing else None

    return check


def unreadable(code: str, *texts: str) -> Check:
    """The last run recorded the district as unreadable, with these words in the reason."""

    def check(lab: Lab) -> str | None:
        runs = lab.history()
        errors = runs[0].errors if runs else []
        mine = [e for e in errors if e.startswith(f"{code} ")]
        if not mine:
            return f"{code} is not recorded as unreadable (history errors {errors})"
        missing = [t for t in texts if t not in mine[0]]
        return f"{code}'s reason {mine[0]!r} lacks {missing}" if missing else None

    return check


def report(lab: Lab, *codes: str) -> dict:
    """`check --format json` of the lab as the last run saw it (one more process)."""
    args = ["check", "--config", str(lab.config_path), "--as-of", AS_OF, "--format", "json"]
    done = lab.cli(*args, *(a for c in codes for a in ("--district", c)))
    return json.loads(done.stdout) if done.stdout.strip().startswith("{") else {"districts": [], "error": done.output}


def finding(code: str, rule: str, *, cell: str | None = None, status: str | None = None,
            test: Callable[[dict], str | None] | None = None) -> Check:
    """`check --format json` gives the district a finding of `rule` (naming `cell`)."""

    def check(lab: Lab) -> str | None:
        data = report(lab, code)
        found = [f for d in data["districts"] if d["code"] == code for f in d["findings"] if f["rule"] == rule]
        if not found:
            return f"no {rule} finding for {code}: {str(data)[:300]}"
        if cell and not any(cell in f.get("cells", []) for f in found):
            return f"the {rule} finding of {code} does not name {cell}: {found[0].get('cells')}"
        if status and not any(f["status"] == status for f in found):
            return f"the {rule} finding of {code} is not {status}: {found[0]['status']}"
        return test(found[0]) if test else None

    return check
