"""`python -m tests.faults [--fast] [--only PATTERN]... [--json] [--keep]`: run the fault catalogue.

Prints one line per fault (fault, survived/FAILED, officer parts changed, memos duplicated/lost,
seconds), what each failed fault got wrong, and last:

    faults: N tried, N survived; officer parts changed 0; memos lost 0, duplicated D (≤ 1 per kill)

Exit status 0 when every fault tried was survived, 1 otherwise. A fault the machine cannot try (no
tmpfs, no LibreOffice, not root) is listed as skipped with the reason and not counted as tried.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.faults import mail, parts
from tests.faults.catalogue import CATALOGUE
from tests.faults.lab import Lab
from tests.faults.model import Fault, Result
from tests.faults.needs import unavailable


def run_fault(fault: Fault, folder: Path) -> Result:
    """Set the fault up in a fresh lab in `folder`, run it, check it; officer parts and memos are
    checked for every fault."""
    result = Result(fault.id, fault.description)
    result.skipped = unavailable(fault.needs)
    if result.skipped:
        return result
    started = time.monotonic()
    lab = Lab(folder)
    try:
        try:
            fault.setup(lab)
        except Exception as exc:  # the harness must report, not stop, on any surprise
            result.problems.append(f"the fault could not be set up: {type(exc).__name__}: {exc}")
            return result
        before = lab.officer_snapshot(expected=True)
        try:
            fault.run(lab)
        except Exception as exc:
            result.problems.append(f"the fault's run stopped: {type(exc).__name__}: {exc}")
        result.problems += lab.problems
        for check in fault.checks:
            try:
                problem = check(lab)
            except Exception as exc:
                problem = f"{getattr(check, '__name__', 'check')} could not look: {type(exc).__name__}: {exc}"
            if problem:
                result.problems.append(problem)
        _account(lab, before, result)
    finally:
        lab.close()
        result.seconds = time.monotonic() - started
    return result


def _account(lab: Lab, before: dict, result: Result) -> None:
    stray = lab.left_behind()
    if stray:
        result.problems.append(f"{len(stray)} process(es) left running by the fault's runs: {stray[:3]}")
    result.officer_parts_changed = parts.changed(before, lab.officer_snapshot())
    if result.officer_parts_changed:
        shown = ", ".join(result.officer_parts_changed[:5])
        result.problems.append(f"{len(result.officer_parts_changed)} officer part(s) changed: {shown}")
    if lab.smtp is None:
        return
    result.memos_checked = True
    result.allowed_duplicates = lab.kills + lab.ambiguous
    result.duplicated, result.lost, lost = mail.account(lab.smtp.mailbox, lab.state, lab.expected_memos)
    if result.lost:
        result.problems.append(f"{result.lost} memo(s) lost: {', '.join(lost)}")
    if result.duplicated > result.allowed_duplicates:
        result.problems.append(f"{result.duplicated} duplicate(s), at most {result.allowed_duplicates} allowed "
                               f"({lab.kills} kill(s), {lab.ambiguous} send(s) cut off after the server took them)")


def select(patterns: list[str], fast_only: bool) -> list[Fault]:
    chosen = [f for f in CATALOGUE if not (fast_only and f.slow)]
    if patterns:
        chosen = [f for f in chosen if any(fnmatch.fnmatchcase(f.id, p) or p == f.id for p in patterns)]
    return chosen


def row(result: Result) -> str:
    verdict = "skipped" if result.skipped else "survived" if result.survived else "FAILED"
    changed = "-" if result.skipped else str(len(result.officer_parts_changed))
    memos = f"{result.duplicated}/{result.lost}" if result.memos_checked else "-"
    return f"{result.id:<44} {verdict:<9} {changed:>14} {memos:>17} {result.seconds:>7.1f}"


def closing_line(results: list[Result]) -> str:
    tried = [r for r in results if r.tried]
    survived = sum(r.survived for r in tried)
    changed = sum(len(r.officer_parts_changed) for r in tried)
    lost = sum(r.lost for r in tried)
    duplicated = sum(r.duplicated for r in tried)
    return (f"faults: {len(tried)} tried, {survived} survived; officer parts changed {changed}; "
            f"memos lost {lost}, duplicated {duplicated} (≤ 1 per kill)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", action="store_true", help="only the fast faults (those tests/test_faults.py runs)")
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN", help="fault ids (glob), repeatable")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON document")
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    parser.add_argument("--keep", action="store_true", help="keep each fault's folder (its path is printed)")
    args = parser.parse_args(argv)
    faults = select(args.only, args.fast)
    if args.list:
        for fault in faults:
            print(f"{fault.id:<44} {'slow' if fault.slow else 'fast'}  {fault.description}")
        return 0
    root = Path(tempfile.mkdtemp(prefix="faults-"))
    root.chmod(0o755)  # the service user of the permission faults must reach the labs
    results = []
    if not args.json:
        print(f"{'fault':<44} {'result':<9} {'officer parts':>14} {'memos dup/lost':>17} {'seconds':>7}", flush=True)
    try:
        for fault in faults:
            result = run_fault(fault, root / fault.id)
            results.append(result)
            if not args.json:
                print(row(result), flush=True)
    finally:
        if args.keep:
            print(f"fault folders kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps({"faults": [r.as_json() for r in results], "summary": closing_line(results)},
                         ensure_ascii=False, indent=2))
    else:
        _explain(results)
        print(closing_line(results))
    return 0 if all(r.survived for r in results if r.tried) else 1


def _explain(results: list[Result]) -> None:
    for result in results:
        if result.skipped:
            print(f"skipped {result.id}: {result.skipped}")
        for problem in result.problems:
            print(f"FAILED {result.id}: {problem}")
