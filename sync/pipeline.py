"""The sync pipeline: read → parse → check → write status → summary → memos."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sync import clock
from sync.backends import Backend, SourceUnreadable, WriteConflict, open_backend
from sync.checker import Checker, DistrictResult, Report
from sync.config import Config, District
from sync.history import History, Run
from sync.memos import reminder, summary, to_email, write_outbox
from sync.normalise import find_tab
from sync.schema import STATUS
from sync.sheet import same_content
from sync.status_tab import build_status_sheet
from sync.summary import build_summary
from sync.texts import moment

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


def check_all(
    config: Config, as_of: dt.date, districts: list[District], backend: Backend, progress: Progress | None = None
) -> Report:
    """Read and check every district; one that cannot be read gets a `source.unreadable` finding."""
    checker = Checker(config, as_of)
    report = Report(as_of, config.programme.fiscal_year)
    for district in districts:
        try:
            raw = backend.read(district)
            report.districts.append(checker.check(district, raw))
        except SourceUnreadable as exc:
            log.error("district %s %s could not be read: %s", district.code, district.name, exc)
            report.districts.append(checker.check(district, None, str(exc)))
        if progress:
            progress(district)
    return report


@dataclass
class SyncOutcome:
    report: Report
    dry_run: bool
    status_written: list[str] = field(default_factory=list)
    status_unchanged: list[str] = field(default_factory=list)
    status_failed: list[str] = field(default_factory=list)
    summary: str = ""
    memos: list[Path] = field(default_factory=list)
    planned_memos: list[str] = field(default_factory=list)

    @property
    def unreadable(self) -> list[DistrictResult]:
        return [d for d in self.report.districts if not d.readable]


def _write_status(backend: Backend, district: District, result: DistrictResult, as_of, checked_at, outcome):
    sheet = build_status_sheet(result, as_of, checked_at)
    existing_title = find_tab(result.raw.tabs, STATUS)
    if same_content(sheet, result.raw.tabs.get(existing_title) if existing_title else None):
        outcome.status_unchanged.append(result.code)
        return
    if outcome.dry_run:
        outcome.status_written.append(result.code)
        return
    try:
        backend.write_status(district, result.raw, sheet)
        outcome.status_written.append(result.code)
    except (WriteConflict, OSError) as exc:
        log.warning("status of district %s not written: %s", district.code, exc)
        outcome.status_failed.append(result.code)


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
) -> SyncOutcome:
    backend = backend or open_backend(config)
    started = now or clock.now()
    checked_at = moment(started)
    report = check_all(config, as_of, districts, backend, progress)
    outcome = SyncOutcome(report, dry_run)
    by_code = {d.code: d for d in districts}
    for result in report.districts:
        if result.readable:
            _write_status(backend, by_code[result.code], result, as_of, checked_at, outcome)

    whole_province = len(districts) == len(config.districts)
    memos = [m for r in report.districts if (m := reminder(config, r, as_of))] if email else []
    if email and whole_province:
        memos.append(summary(config, report, as_of))
    outcome.planned_memos = [m.file_name for m in memos]
    if dry_run:
        return outcome
    outbox = Path(config.outputs.outbox) / as_of.isoformat()
    for memo in memos:
        outcome.memos.append(write_outbox(to_email(memo, config, started), outbox, memo.file_name))

    history = History(Path(config.outputs.state))
    finished = clock.now()
    history.record(
        Run(
            started=started.isoformat(timespec="seconds"),
            finished=finished.isoformat(timespec="seconds"),
            as_of=as_of.isoformat(),
            districts_ok=sum(1 for d in report.districts if d.readable),
            districts_failed=len(outcome.unreadable),
            open_findings=sum(len(d.open_findings) for d in report.districts),
            emails=len(outcome.memos),
        )
    )
    if whole_province:
        outcome.summary = backend.write_summary(build_summary(report, config, history.recent(), checked_at))
    else:
        log.info("provincial summary not rewritten: only some districts were checked")
    return outcome
