"""The sync pipeline: read → parse → check → write status → summary → memos."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sync import clock
from sync.backends import Backend, BackendUnavailable, SourceUnreadable, WriteConflict, WriteFailed, open_backend
from sync.checker import Checker, DistrictResult, Report
from sync.config import Config, District
from sync.delivery.line.outcome import LineDelivery, history_notes
from sync.model import RawWorkbook
from sync.outputs.sheet import same_content
from sync.outputs.status_tab import build_status_sheet
from sync.outputs.summary import build_summary
from sync.overlap import WriteBehind, read_ahead
from sync.schema import STATUS
from sync.service.history import FAILED, OK, STOPPED, History, Run
from sync.service.lock import remove_leftovers, run_lock
from sync.texts import moment

if TYPE_CHECKING:
    from sync.delivery.email import Delivery

log = logging.getLogger("khoknongna")

Progress = Callable[[District], None]


def select_districts(config: Config, codes: Iterable[str] = ()) -> list[District]:
    """The configured districts, or only those with the given codes (unknown codes are an error)."""
    codes = list(codes)
    known = {d.code for d in config.districts}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise KeyError(", ".join(unknown))
    return [d for d in config.districts if not codes or d.code in codes]


def check_each(
    config: Config,
    as_of: dt.date,
    districts: list[District],
    backend: Backend,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> Iterator[tuple[District, DistrictResult]]:
    """Read and check districts in order, yielding each result as soon as it is known.

    One district never ends the run: one that cannot be read (or checked) gets a `source.unreadable`
    finding and the others go on. Only `BackendUnavailable` (nothing can be read at all) ends it.
    Backends that can have several requests in flight (`backend.parallel`) are read ahead. Once
    `stop` is set, the districts not yet started are left out.
    """
    checker = Checker(config, as_of)
    done = 0
    reads = read_ahead(
        lambda district: _read(backend, district),
        districts,
        max(1, int(getattr(backend, "parallel", 1))),
        lambda: _stopping(stop),
    )
    for district, raw in reads:
        if isinstance(raw, str):
            log.error("district %s %s could not be read: %s", district.code, district.name, raw)
            result = checker.check(district, None, raw)
        else:
            try:
                result = checker.check(district, raw)
            except Exception as exc:  # a bug must not cost the other districts their check
                log.exception("district %s %s could not be checked", district.code, district.name)
                result = checker.check(district, None, f"could not be checked: {type(exc).__name__}: {exc}")
        done += 1
        if progress:
            progress(district)
        yield district, result
    if _stopping(stop) and done < len(districts):
        log.warning("stop requested: %d of %d districts checked", done, len(districts))


def _read(backend: Backend, district: District) -> RawWorkbook | str:
    """The district's spreadsheet, or why it could not be read."""
    try:
        return backend.read(district)
    except SourceUnreadable as exc:
        return str(exc)
    except BackendUnavailable:
        raise
    except Exception as exc:  # e.g. an OSError of a file that vanished, or a bug: that district only
        log.exception("reading district %s failed unexpectedly", district.code)
        return f"{type(exc).__name__}: {exc}"


def check_all(
    config: Config,
    as_of: dt.date,
    districts: list[District],
    backend: Backend,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> Report:
    """Read and check every district (see `check_each`) into a report."""
    report = Report(as_of, config.programme.fiscal_year)
    report.districts = [result for _, result in check_each(config, as_of, districts, backend, progress, stop)]
    _finish(backend)
    return report


def _finish(backend: Backend) -> None:
    """Let the backend settle what it keeps between runs (e.g. the Google cache)."""
    finish = getattr(backend, "finish_run", None)
    if finish:
        finish()


@dataclass
class SyncOutcome:
    report: Report
    dry_run: bool
    status_location: str = ""  # where status tabs go (a folder, or Google Sheets)
    status_written: list[str] = field(default_factory=list)
    status_unchanged: list[str] = field(default_factory=list)
    status_failed: list[str] = field(default_factory=list)
    status_errors: dict[str, str] = field(default_factory=dict)  # district code → why its status was not written
    summary: str = ""
    stopped: bool = False  # a stop was requested: not every district was processed, no memos, no summary
    delivery: Delivery | None = None  # what happened to memos (sync/delivery/email.py); None without email
    line: LineDelivery | None = None  # what happened to LINE messages (sync/delivery/line); None when off

    @property
    def unreadable(self) -> list[DistrictResult]:
        return [d for d in self.report.districts if not d.readable]

    @property
    def memos(self) -> list[Path]:
        """The .eml files of the memos this run delivered."""
        return list(self.delivery.paths) if self.delivery else []

    @property
    def planned_memos(self) -> list[str]:
        """The memos this run queued (a dry run: would queue)."""
        return list(self.delivery.planned) if self.delivery else []


def _write_status(
    backend: Backend, config: Config, district: District, result: DistrictResult, as_of, checked_at, outcome
):
    sheet = build_status_sheet(result, as_of, checked_at, config)
    # The service's own tab is the one titled exactly so; a look-alike is an officer's (a data finding).
    if same_content(sheet, result.raw.tabs.get(STATUS)):
        outcome.status_unchanged.append(result.code)
        return
    if outcome.dry_run:
        outcome.status_written.append(result.code)
        return
    try:
        backend.write_status(district, result.raw, sheet)
        outcome.status_written.append(result.code)
    except (WriteConflict, WriteFailed, OSError) as exc:
        _status_failed(outcome, district, exc)


def _status_failed(outcome: SyncOutcome, district: District, exc: BaseException) -> None:
    log.warning("status of district %s not written: %s", district.code, exc)
    outcome.status_failed.append(district.code)
    outcome.status_errors[district.code] = str(exc)


MEMO_KINDS = ("reminder", "summary")


def _stopping(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def _written_folders(config: Config) -> list[Path]:
    """Where a run writes files (atomically): workbooks, the summary's folder, the outbox's day folders."""
    folders = [Path(config.outputs.summary).parent] if config.outputs.summary else []
    workbooks = getattr(config.backend, "workbooks", None)
    if workbooks:
        folders.append(Path(workbooks))
    outbox = Path(config.outputs.outbox)
    if outbox.is_dir():
        folders += [p for p in outbox.iterdir() if p.is_dir()]
    return folders


def _tally(run: Run, outcome: SyncOutcome, backend: Backend, status: str) -> Run:
    """Fill the history row of a run from its outcome."""
    report = outcome.report
    run.status = status
    run.finished = _iso(clock.now())
    run.districts_ok = sum(1 for d in report.districts if d.readable)
    run.districts_failed = len(outcome.unreadable)
    run.open_findings = sum(len(d.open_findings) for d in report.districts)
    run.emails = len(outcome.memos)
    run.findings = dict(sorted(Counter(str(f.status) for d in report.districts for f in d.findings).items()))
    run.api_requests = int(getattr(backend, "api_requests", 0))
    run.errors = [f"{d.code} {d.name}: {d.findings[0].details.get('reason', '')}" for d in outcome.unreadable]
    run.errors += [
        f"{code}: status tab not written: {outcome.status_errors.get(code, '')}".rstrip(": ")
        for code in outcome.status_failed
    ]
    if outcome.delivery:
        run.errors += outcome.delivery.problems()
    run.errors += history_notes(outcome.line)
    return run


def run_sync(
    config: Config,
    as_of: dt.date,
    districts: list[District],
    *,
    dry_run: bool = False,
    email: bool = True,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    backend: Backend | None = None,
    stop: threading.Event | None = None,
    memo_kinds: Collection[str] = MEMO_KINDS,
    trigger: str = "manual",
    lock_wait: float | None = None,
    command: str | None = None,
    resend: bool = False,
) -> SyncOutcome:
    """Check districts, write their status tabs, the memos of `memo_kinds` and the provincial summary.

    Unless a dry run, the run holds the run lock of the state folder (waiting at most `lock_wait`
    seconds, default schedule.lock_wait_seconds, else LockBusy naming the holder) and is recorded
    in the run history. When `stop` is set, the district in hand is finished and the run ends there
    (outcome.stopped), without memos or summary.
    """
    backend = backend or open_backend(config, cache=True, dry_run=dry_run)
    options = dict(dry_run=dry_run, email=email, progress=progress, backend=backend, stop=stop, memo_kinds=memo_kinds)
    options["resend"] = resend
    if dry_run:
        return _run_sync(config, as_of, districts, now=now, run=None, history=None, **options)
    state = Path(config.outputs.state)
    wait = config.schedule.lock_wait_seconds if lock_wait is None else lock_wait
    with run_lock(state, command).acquire(wait, stop=stop):
        for path in remove_leftovers(_written_folders(config)):
            log.warning("removed %s, left by a run that was killed while writing", path)
        history = History(state)
        started = now or clock.now()
        whole = len(districts) == len(config.districts)
        asked = [k for k in MEMO_KINDS if email and whole and k in memo_kinds]
        run = Run(_iso(started), "", as_of.isoformat(), trigger=trigger, memos=",".join(asked))
        run.pid, run.host = os.getpid(), socket.gethostname()
        history.begin(run)
        try:
            outcome = _run_sync(config, as_of, districts, now=started, run=run, history=history, **options)
        except BaseException as exc:
            run.status = STOPPED if isinstance(exc, KeyboardInterrupt) else FAILED
            run.finished = _iso(clock.now())
            run.errors.append(f"{type(exc).__name__}: {exc}")
            history.finish(run)
            raise
        history.finish(_tally(run, outcome, backend, STOPPED if outcome.stopped else OK))
    return outcome


def _run_sync(
    config: Config,
    as_of: dt.date,
    districts: list[District],
    *,
    dry_run: bool,
    email: bool,
    progress: Progress | None,
    now: dt.datetime | None,
    backend: Backend,
    stop: threading.Event | None,
    memo_kinds: Collection[str],
    run: Run | None,
    history: History | None,
    resend: bool = False,
) -> SyncOutcome:
    started = now or clock.now()
    checked_at = moment(started)
    report = Report(as_of, config.programme.fiscal_year)
    outcome = SyncOutcome(report, dry_run, status_location=getattr(backend, "location", ""))

    def write(item: tuple[District, DistrictResult]) -> None:
        _write_status(backend, config, item[0], item[1], as_of, checked_at, outcome)

    def failed(item: tuple[District, DistrictResult], exc: BaseException) -> None:
        log.error("status of district %s not written", item[0].code, exc_info=exc)
        _status_failed(outcome, item[0], exc)

    # Each district's status is written as soon as it is checked; where a write waits on the network,
    # in threads of its own (`backend.write_behind`) while the next districts are read.
    workers = 0 if dry_run else int(getattr(backend, "write_behind", 1))
    with WriteBehind(write, failed, workers) as writer:
        for district, result in check_each(config, as_of, districts, backend, progress, stop):
            report.districts.append(result)
            if result.readable:
                writer.submit((district, result))
    _finish(backend)
    if _stopping(stop):
        outcome.stopped = True
        log.warning("run stopped early: no memos written, provincial summary not rewritten")
        return outcome

    whole_province = len(districts) == len(config.districts)
    if email:  # the reminder policy, the ledger, then SMTP or the outbox (sync/delivery/email.py)
        from sync.delivery.email import deliver  # memos and LINE: loaded only by a run that sends
        from sync.delivery.line.channel import deliver_line

        outcome.delivery = deliver(
            config,
            report,
            as_of,
            whole_province=whole_province,
            now=started,
            dry_run=dry_run,
            resend=resend,
            kinds=memo_kinds,
        )
        outcome.line = deliver_line(
            config, report, as_of, whole_province=whole_province, backend=backend, dry_run=dry_run, resend=resend,
            kinds=memo_kinds,
        )  # LINE groups, on the same policy and ledger (sync/delivery/line); None unless line.enabled
    if dry_run:
        return outcome

    # the summary's history tab shows this run; its row says `running` until run_sync finishes it
    history.finish(_tally(run, outcome, backend, OK), provisional=True)
    if whole_province:
        runs = history.recent(current=run)
        outcome.summary = backend.write_summary(build_summary(report, config, runs, checked_at))
    else:
        log.info("provincial summary not rewritten: only some districts were checked")
    return outcome
