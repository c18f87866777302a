"""The scheduled service: `python cli.py serve`, unattended for months.

Three jobs, on the `schedule` library in Asia/Bangkok time:

* sync: at fixed times, or every N seconds (inside a daily window, aligned to its start), on
  working days only if so configured: checks every district and writes the status tabs and the
  provincial summary, no memos;
* reminders: daily at a time, on working days: the same, plus the district reminder memos;
* summary: daily at a time, doing something only on the summary day (21 by default; the next
  working day when that is a day off and working_days_only): plus the provincial summary memo.

Runs happen one at a time (the run lock, see sync.service.lock); one `serve` per state folder (the
service lock). A failing job is logged with its traceback and the loop goes on. SIGTERM/SIGINT
finish the district in hand, record the run as stopped and exit 0. At start, runs missed while the
service was down are caught up by a single run.

The decisions (which days count, which scheduled times were missed, is the service healthy) are
small pure functions of datetimes, tested without waiting for a clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import schedule as scheduling

from sync import clock
from sync.config import Config, Schedule
from sync.deadlines import is_working_day, summary_date
from sync.service.history import FAILED, INTERRUPTED, OK, RUNNING, STOPPED, History, Run
from sync.service.lock import LockBusy, current_command, run_lock, serve_lock

log = logging.getLogger("khoknongna.service")

SYNC, REMINDERS, SUMMARY = "sync", "reminders", "summary"
JOB_MEMOS = {SYNC: (), REMINDERS: ("reminder",), SUMMARY: ("summary",)}
CATCH_UP_LOOKBACK_DAYS = 400  # older history: "missed" without listing every slot

Now = Callable[[], dt.datetime]


# --- decisions: pure functions of dates and times (Bangkok) --------------------------------------


def counts(day: dt.date, sched: Schedule) -> bool:
    """Whether scheduled syncs and reminders run on this day."""
    return not sched.working_days_only or is_working_day(day)


def at(day: dt.date, time_of_day: str) -> dt.datetime:
    """A day and an "HH:MM:SS" as an aware Bangkok datetime."""
    return clock.BANGKOK.localize(dt.datetime.combine(day, dt.time.fromisoformat(time_of_day)))


def is_summary_day(day: dt.date, sched: Schedule, summary_day: int) -> bool:
    """The day of the monthly summary: `summary_day` of the month (reminders.summary_day; 0: never),
    moved to the next working day when it is a day off and working_days_only is set."""
    return bool(summary_day) and day == summary_date(day.year, day.month, summary_day, sched.working_days_only)


def daily_sync_times(sched: Schedule) -> list[str]:
    """The times of day of the syncs ("HH:MM:SS"); empty when they run every N seconds around the clock."""
    if sched.sync_times:
        return list(sched.sync_times)
    if sched.window is None:
        return []
    start, end = (dt.datetime.combine(dt.date.min, dt.time.fromisoformat(t)) for t in sched.window)
    times, step = [], dt.timedelta(seconds=sched.sync_interval_seconds)
    while start <= end:
        times.append(start.time().isoformat())
        start += step
    return times


def _daily(day: dt.date, kind: str, sched: Schedule, summary_day: int) -> list[dt.datetime]:
    if kind == SYNC:
        return [at(day, t) for t in daily_sync_times(sched)] if counts(day, sched) else []
    if kind == REMINDERS:
        return [at(day, sched.reminder_time)] if sched.reminder_time and counts(day, sched) else []
    if kind == SUMMARY:
        return [at(day, sched.summary_time)] if is_summary_day(day, sched, summary_day) else []
    raise ValueError(f"unknown job {kind!r}")


def scheduled_between(
    kind: str, after: dt.datetime, until: dt.datetime, sched: Schedule, limit: int = 1000, summary_day: int = 0
) -> list[dt.datetime]:
    """The times `kind` was scheduled after `after` and at or before `until`, oldest first (at most `limit`)."""
    after, until = after.astimezone(clock.BANGKOK), until.astimezone(clock.BANGKOK)
    found: list[dt.datetime] = []
    if kind == SYNC and not daily_sync_times(sched):  # every N seconds around the clock
        step = dt.timedelta(seconds=sched.sync_interval_seconds)
        slot = after + step
        if (until - after) / step > limit:  # a long gap: only the first `limit` matter
            until = after + step * limit
        while slot <= until and len(found) < limit:
            if counts(slot.date(), sched):
                found.append(slot)
            slot += step
        return found
    day = max(after.date(), until.date() - dt.timedelta(days=CATCH_UP_LOOKBACK_DAYS))
    while day <= until.date() and len(found) < limit:
        found += [slot for slot in _daily(day, kind, sched, summary_day) if after < slot <= until]
        day += dt.timedelta(days=1)
    return found[:limit]


def catch_up_plan(
    last: dict[str, dt.datetime | None], now: dt.datetime, sched: Schedule, summary_day: int
) -> dict[str, list]:
    """The jobs to catch up at start, with the scheduled times missed since each one's last
    completed run. A sync that never completed counts as missed (a first run); reminders and the
    summary that never ran do not (nothing is sent on a first start). One run does them all."""
    plan = {}
    for kind in (SYNC, REMINDERS, SUMMARY):
        since = last.get(kind)
        if since is None:
            if kind == SYNC:
                plan[kind] = []
            continue
        missed = scheduled_between(kind, since, now, sched, summary_day=summary_day)
        if missed:
            plan[kind] = missed
    return plan


def _parse(moment: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else clock.BANGKOK.localize(when)


def duration(seconds: int) -> str:
    """Whole seconds in units down to the second: 59 s, 1 min 1 s, 1 h 0 min 7 s, 2 h, 3 days 4 h."""
    days, rest = divmod(max(seconds, 0), 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days >= 2:
        parts = [(days, "days"), (hours, "h")]
    else:
        parts = [(days * 24 + hours, "h"), (minutes, "min"), (secs, "s")]
    while len(parts) > 1 and not parts[0][0]:  # no leading zero units: 5 s, not 0 h 0 min 5 s
        parts.pop(0)
    while len(parts) > 1 and not parts[-1][0]:  # nor trailing ones: 1 h, not 1 h 0 min 0 s
        parts.pop()
    return " ".join(f"{n} {unit}" for n, unit in parts)


def _ago(delta: dt.timedelta) -> str:
    return f"{duration(int(delta.total_seconds()))} ago"


def health(
    runs: list[Run], now: dt.datetime, sched: Schedule, *, in_progress: bool, max_age_minutes: int | None = None
) -> tuple[bool, str]:
    """Whether the service is alive, judged from the history (newest run first), and why, in one line.

    Healthy: the last run that is not in progress finished, and recently enough: younger than
    `max_age_minutes` (default schedule.status_max_age_minutes) or, when neither is set, no
    scheduled sync was due since it started (allowing status_grace_minutes).
    """
    note = ""
    if runs and runs[0].status == RUNNING and in_progress:
        note = f"; a run is in progress since {runs[0].started}"
        runs = runs[1:]
    if not runs:
        return False, "no run recorded yet" + note
    last = runs[0]
    if last.status in (RUNNING, INTERRUPTED):
        return False, f"the last run (started {last.started}) did not finish: it was killed or the machine stopped"
    if last.status == FAILED:
        reason = last.errors[-1] if last.errors else "see the service log"
        return False, f"the last run (started {last.started}) failed: {reason}"
    if last.status == STOPPED:
        return False, f"the last run (started {last.started}) was stopped before it finished" + note
    finished = _parse(last.finished) or _parse(last.started)
    started = _parse(last.started) or finished
    if finished is None:
        return False, f"the last run has no readable time ({last.started!r})"
    age = dt.timedelta(seconds=int((now - finished).total_seconds()))  # whole seconds, as printed
    limit = max_age_minutes if max_age_minutes is not None else sched.status_max_age_minutes
    if limit is not None:
        if age > dt.timedelta(minutes=limit):
            allowed = duration(limit * 60)
            return False, f"the last run finished {_ago(age)} ({last.finished}): older than the {allowed} allowed"
    else:
        due = scheduled_between(SYNC, started, now - dt.timedelta(minutes=sched.status_grace_minutes), sched, 1)
        if due:
            return False, f"no run since the sync due at {due[0]:%Y-%m-%d %H:%M} (last run finished {last.finished})"
    detail = f"{last.districts_ok} districts read, {last.districts_failed} unreadable, {last.emails} memos"
    return True, f"ok: the last run finished {_ago(age)} ({last.finished}): {detail}{note}"


def format_runs(runs: list[Run]) -> list[str]:
    """The history as a plain table for the terminal, newest first."""
    header = ("id", "started", "finished", "status", "trigger", "as of", "ok", "fail", "open", "memos", "api")
    rows = [header]
    for r in runs:
        finished = r.finished[11:19] if r.finished[:10] == r.started[:10] else r.finished[:19].replace("T", " ")
        rows.append(
            (
                str(r.id),
                r.started[:19].replace("T", " "),
                finished or "-",
                r.status,
                r.trigger,
                r.as_of,
                str(r.districts_ok),
                str(r.districts_failed),
                str(r.open_findings),
                str(r.emails),
                str(r.api_requests),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row, run in zip(rows, [None, *runs], strict=True):
        line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        if run is not None:
            if run.findings:
                line += "  findings: " + ", ".join(f"{s} {n}" for s, n in run.findings.items())
            if run.errors:
                more = f" (+{len(run.errors) - 1} more)" if len(run.errors) > 1 else ""
                line += f"  errors: {run.errors[0]}{more}"
        lines.append(line.rstrip())
    return lines


# --- the loop ------------------------------------------------------------------------------------


class Service:
    """The scheduler loop. `now` and `runner` are injectable; `runner(kinds, trigger)` does one run."""

    def __init__(
        self,
        config: Config,
        *,
        now: Now = clock.now,
        runner: Callable[[list[str], str], None] | None = None,
        stop: threading.Event | None = None,
        tick: float = 1.0,
        command: str | None = None,
    ):
        self.config = config
        self.sched = config.schedule
        self.summary_day = config.reminders.summary_day  # one knob for the job and the memo policy
        self.state = Path(config.outputs.state)
        self.now = now
        self.runner = runner or self._run
        self.stop = stop or threading.Event()
        self.tick = tick
        self.command = command or current_command()
        self.scheduler = scheduling.Scheduler()
        self.signal_name: str | None = None
        self.failures = 0

    # one run
    def _run(self, kinds: list[str], trigger: str) -> None:
        from sync.pipeline import run_sync

        memo_kinds = [m for kind in kinds for m in JOB_MEMOS[kind]]
        today = self.now().date()
        began = time.monotonic()
        outcome = run_sync(
            self.config,
            today,
            list(self.config.districts),
            email=bool(memo_kinds),
            memo_kinds=memo_kinds,
            stop=self.stop,
            trigger=trigger,
            command=self.command,
        )
        log.info(
            "%s (%s) %s in %.1f s: %d districts read, %d unreadable, status tabs %d written / %d unchanged / "
            "%d not written, %d memos",
            "+".join(kinds),
            trigger,
            "stopped early" if outcome.stopped else "done",
            time.monotonic() - began,
            len(outcome.report.districts) - len(outcome.unreadable),
            len(outcome.unreadable),
            len(outcome.status_written),
            len(outcome.status_unchanged),
            len(outcome.status_failed),
            len(outcome.memos),
        )

    def job(self, kinds: list[str], trigger: str = "schedule") -> bool:
        """Run once, never raising: a failure is logged with its traceback and the loop goes on."""
        if self.stop.is_set():
            return False
        name = "+".join(kinds)
        log.info("%s (%s) starting", name, trigger)
        try:
            self.runner(kinds, trigger)
            return True
        except LockBusy as exc:
            log.warning("%s (%s) skipped: %s", name, trigger, exc)
        except Exception:
            self.failures += 1
            log.exception("%s (%s) failed; the service carries on", name, trigger)
        return False

    # the scheduled jobs: each decides whether today counts
    def _sync_job(self) -> None:
        if counts(self.now().date(), self.sched):
            self.job([SYNC])

    def _reminder_job(self) -> None:
        if counts(self.now().date(), self.sched):
            self.job([REMINDERS])

    def _summary_job(self) -> None:
        if is_summary_day(self.now().date(), self.sched, self.summary_day):
            self.job([SUMMARY])

    def plan(self) -> None:
        """Register the jobs with the scheduler."""
        times = daily_sync_times(self.sched)
        for t in times:
            self.scheduler.every().day.at(t, clock.BANGKOK).do(self._sync_job)
        if not times:
            self.scheduler.every(self.sched.sync_interval_seconds).seconds.do(self._sync_job)
        if self.sched.reminder_time:
            self.scheduler.every().day.at(self.sched.reminder_time, clock.BANGKOK).do(self._reminder_job)
        if self.summary_day:
            self.scheduler.every().day.at(self.sched.summary_time, clock.BANGKOK).do(self._summary_job)

    def describe(self) -> str:
        s = self.sched
        times = daily_sync_times(s)
        if s.sync_times:
            syncs = "syncs at " + ", ".join(t[:5] for t in times)
        elif times:
            syncs = f"syncs every {s.sync_interval_seconds} s from {s.window[0][:5]} to {s.window[1][:5]}"
        else:
            syncs = f"syncs every {s.sync_interval_seconds} s"
        parts = [syncs + (" on working days" if s.working_days_only else "")]
        if s.reminder_time:
            parts.append(f"reminders at {s.reminder_time[:5]}")
        if self.summary_day:
            parts.append(f"summary memo on day {self.summary_day} at {s.summary_time[:5]}")
        return "; ".join(parts) + " (Asia/Bangkok)"

    def catch_up(self) -> list[str]:
        """Run once for everything missed while the service was down; returns the jobs caught up."""
        history = History(self.state)

        def started(run: Run | None) -> dt.datetime | None:
            return _parse(run.started) if run else None

        last = {
            SYNC: started(history.last(status=OK)),
            REMINDERS: started(history.last(status=OK, memo="reminder")),
            SUMMARY: started(history.last(status=OK, memo="summary")),
        }
        plan = catch_up_plan(last, self.now(), self.sched, self.summary_day)
        if not plan:
            return []
        for kind, missed in plan.items():
            if missed:
                shown = f"{len(missed)}{'+' if len(missed) >= 1000 else ''}"
                log.info(
                    "%s: %s scheduled run(s) missed since %s (first %s)",
                    kind,
                    shown,
                    last[kind].isoformat(timespec="seconds"),
                    missed[0].isoformat(timespec="seconds"),
                )
            else:
                log.info("%s: no completed run recorded yet", kind)
        kinds = list(plan)
        log.info("catching up once: %s", "+".join(kinds))
        self.job(kinds, trigger="catch-up")
        return kinds

    def loop(self) -> None:
        while not self.stop.is_set():
            self.scheduler.run_pending()
            idle = self.scheduler.idle_seconds
            self.stop.wait(self.tick if idle is None else max(0.0, min(idle, self.tick)))

    def _on_signal(self, signum, frame) -> None:
        # only flags here: logging from a signal handler can interleave with a record being written
        if self.stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now (writes are atomic, the run is recorded)
        self.signal_name = signal.Signals(signum).name
        self.stop.set()

    def run(self) -> int:
        """Serve until SIGTERM/SIGINT; 0 then. LockBusy when another `serve` holds the service lock."""
        lock = serve_lock(self.state, self.command).acquire(self.sched.lock_wait_seconds, stop=self.stop)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            log.info("service started (%s); state folder %s", self.describe(), self.state)
            stale = run_lock(self.state).holder()
            if stale and not run_lock(self.state).busy():
                log.info("the previous run (%s) did not release the run lock cleanly", stale.describe())
            if self.sched.catch_up:
                self.catch_up()
            self.plan()
            self.loop()
            log.info("received %s: stopped", self.signal_name or "stop")
            return 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            lock.release()
