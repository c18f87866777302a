"""Runs killed with SIGKILL at chosen points (and at chosen moments), run twice at once, or run while
another holds the lock: every workbook stays whole (the old file or the new one), the next run cleans
up and finishes the work, a killed run is recorded interrupted, never ok."""

from __future__ import annotations

import time

from tests.faults import checks as c
from tests.faults.catalogue.memos import STATUS_AGE, all_arrived, districts_and_smtp
from tests.faults.lab import Lab
from tests.faults.model import Fault

WHOLE = (c.workbooks_whole, c.no_leftovers("out"), c.no_traceback)


def districts(lab: Lab) -> None:
    lab.districts()


def killed_at(*hooks: str, first_clean: bool = False):
    """A sync killed at the hooked call; the lab is checked right after the kill; then a sync that
    finishes the work."""

    def run(lab: Lab) -> None:
        if first_clean:
            lab.sync()
        lab.sync(hooks=hooks)
        lab.kills += 1
        lab.expect(c.exits(-9))
        lab.expect(c.workbooks_whole)
        lab.cli("status", "--config", str(lab.config_path), "--max-age", STATUS_AGE)
        lab.expect(c.exits(1))
        lab.sync()

    return run


def summary_whole(lab: Lab) -> str | None:
    from python_calamine import CalamineWorkbook

    path = lab.out / "summary.xlsx"
    try:
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name("ประวัติการตรวจ")
    except Exception as exc:  # whatever calamine says, the summary is not whole
        return f"the provincial summary is not whole: {exc}"
    return None


def killed_at_moments(count: int):
    """`count` syncs killed at moments spread over the time a whole sync takes (measured first in a
    lab of its own), wherever they are; then syncs that finish the work. Memos carry their PDF, so
    that sending them takes a while too."""

    def run(lab: Lab) -> None:
        lab.configure(email={"attach_pdf": True})
        probe = Lab(lab.folder / "probe")
        probe.districts()
        probe.configure(email={"attach_pdf": True})
        whole = probe.sync().seconds
        for number in range(count):
            process = lab.start(*lab.sync_args())
            time.sleep(whole * (number + 0.5) / count)
            if process.running():
                lab.kill(process)
            lab.finish(process)
            lab.expect(c.workbooks_whole)
        lab.sync()
        lab.sync()

    return run


def never_ok_when_killed(lab: Lab) -> str | None:
    """Every run that was killed is recorded interrupted (or not at all, if killed before it began)."""
    killed = sum(r.killed for r in lab.runs)
    statuses = [r.status for r in lab.history()]
    ok = statuses.count("ok")
    finished = sum(1 for r in lab.runs if not r.killed)
    if ok > finished:
        return f"{ok} runs recorded ok, but only {finished} finished ({killed} killed): {statuses}"
    return None


def two_at_once(lab: Lab) -> None:
    first, second = lab.start(*lab.sync_args()), lab.start(*lab.sync_args())
    lab.finish(first)
    lab.finish(second)


def both_ok(lab: Lab) -> str | None:
    codes = [r.returncode for r in lab.runs]
    return None if codes == [0, 0] else f"exit statuses {codes}: the second run must wait for the first"


def while_the_lock_is_held(lab: Lab) -> None:
    holder = lab.start(*lab.sync_args(), hooks=("sync.service.history:History.finish=sleep:8",))
    deadline = time.monotonic() + 30
    while not (lab.state / "history.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    lab.sync("--wait", "0")
    lab.expect(c.exits(3))
    lab.expect(c.says(f"pid {holder.pid}", where="stderr"))
    lab.finish(holder)


def new_files_follow_the_umask(lab: Lab) -> str | None:
    """Under umask 022 the summary and the memos' .eml copies are readable by all (0644), as a shared
    folder needs; the state folder may keep its own."""
    files = [lab.out / "summary.xlsx", *sorted((lab.out / "outbox").rglob("*.eml"))]
    wrong = {p.name: oct(p.stat().st_mode & 0o777) for p in files if p.stat().st_mode & 0o777 != 0o644}
    return f"files not 0644 under umask 022: {wrong}" if wrong else None


FAULTS = [
    Fault("kill.mid_status_write", "kill -9 while the second status tab is written (temporary file made, not yet "
          "renamed): each workbook the old one or the new one; the next run cleans up and writes",
          districts, killed_at("os:replace~.xlsx'@2=kill"),
          (*WHOLE, c.written("5701", "5702", "5703"), c.history("interrupted", run=1))),
    Fault("kill.mid_summary_write", "kill -9 while the provincial summary is written: the old summary stays whole",
          districts, killed_at("os:replace~summary.xlsx=kill", first_clean=True),
          (*WHOLE, summary_whole, c.history("interrupted", run=1))),
    Fault("kill.after_history_row", "kill -9 after the run wrote its figures to the history, before the summary: "
          "recorded interrupted, never ok (issue 11)", districts,
          killed_at("sync.service.history:History.finish@1:after=kill"),
          (*WHOLE, c.history("interrupted", run=1), c.history("ok", run=0))),
    Fault("kill.at_moments", "kill -9 of a sync with memos at 8 moments spread over a whole sync: workbooks "
          "whole, at most one duplicate per kill, nothing lost, no killed run recorded ok",
          districts_and_smtp(), killed_at_moments(8),
          (*WHOLE, never_ok_when_killed, all_arrived, c.written("5701", "5702", "5703")), slow=True),
    Fault("run.two_syncs_at_once", "two syncs started together: the second waits for the first; each memo once",
          districts_and_smtp(), two_at_once,
          (*WHOLE, both_ok, all_arrived, c.history("ok", run=0), c.history("ok", run=1))),
    Fault("files.follow_umask", "new summary and memo files follow the umask (0644 under 022), not 0600, so "
          "staff can read a shared folder (issue 11)", districts, lambda lab: lab.sync(umask=0o022),
          (c.exits(0), new_files_follow_the_umask, c.no_traceback)),
    Fault("run.lock_held", "a sync while another holds the run lock, with --wait 0: exit 3 naming the holder; the "
          "holder finishes", districts, while_the_lock_is_held, (*WHOLE, c.exits(0), c.history("ok"))),
]
