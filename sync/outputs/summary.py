"""The provincial summary spreadsheet (DOMAIN.md §5), built from a report and the run history."""

from __future__ import annotations

from sync.checker import UNREADABLE, Report
from sync.config import Config
from sync.model import Status
from sync.outputs.sheet import Sheet
from sync.schema import ITEMS
from sync.service.history import Run
from sync.texts import render, status_label, texts


def _districts(report: Report, checked_at: str) -> Sheet:
    t = texts()["summary"]
    rows, styles = [list(t["districts_headers"])], {}
    for d in report.districts:
        row = [d.code, d.name, status_label(d.status)]
        styles[(len(rows), 2)] = d.status
        for item in ITEMS:
            status = d.item_status(item)
            row.append(status_label(status) if status else "-")
            if status:
                styles[(len(rows), len(row) - 1)] = status
        link = d.raw.link if d.raw else ""
        row += [len(d.open_findings), checked_at, link]
        if link:
            styles[(len(rows), len(row) - 1)] = "link"
        rows.append(row)
    styles.update({(0, c): "header" for c in range(len(rows[0]))})
    widths = [7, 16, 16] + [13] * len(ITEMS) + [12, 20, 40]
    return Sheet(t["tabs"]["districts"], rows, styles, widths, frozen_rows=1)


def _months(report: Report, config: Config) -> Sheet:
    t = texts()
    months = config.programme.deadlines.reporting_months()
    header = list(t["summary"]["months_headers"]) + [render("{{ m|thmonth }}", m=m) for m in months]
    rows, styles = [header], {}
    for d in report.districts:
        row = [d.code, d.name]
        by_month = {f.details["month"]: f for f in d.findings if f.rule == "monthly.report"}
        for year, month in months:
            finding = by_month.get(f"{year:04d}-{month:02d}")
            if finding is None:
                status = Status.ERROR if not d.readable else None
                row.append(status_label(status) if status else "-")
            else:
                status = finding.status
                row.append(render(t["month_cells"][str(status)], **finding.details))
            if status:
                styles[(len(rows), len(row) - 1)] = status
        rows.append(row)
    styles.update({(0, c): "header" for c in range(len(header))})
    return Sheet(t["summary"]["tabs"]["months"], rows, styles, [7, 16] + [14] * len(months), frozen_rows=1)


def _problems(report: Report) -> Sheet:
    t = texts()["summary"]
    rows, styles = [list(t["problems_headers"])], {}
    for d in report.districts:
        for f in d.findings:
            if f.rule.startswith("data.") or f.rule == UNREADABLE:
                styles[(len(rows), 2)] = f.status
                rows.append([d.code, d.name, f.rule, f.message, ", ".join(f.cells)])
    styles.update({(0, c): "header" for c in range(len(rows[0]))})
    return Sheet(t["tabs"]["problems"], rows, styles, [7, 16, 22, 60, 30], frozen_rows=1)


def _history(runs: list[Run]) -> Sheet:
    t = texts()["summary"]
    known = texts()["statuses"]
    rows = [list(t["history_headers"])]
    for r in runs:
        findings = ", ".join(f"{known.get(status, status)} {n}" for status, n in r.findings.items())
        rows.append(
            [r.started, r.finished, r.as_of, r.districts_ok, r.districts_failed, r.open_findings, r.emails]
            + [t["run_statuses"].get(r.status, r.status), t["run_triggers"].get(r.trigger, r.trigger), findings]
            + [r.api_requests, "\n".join(r.errors)]
        )
    styles = {(0, c): "header" for c in range(len(rows[0]))}
    widths = [20, 20, 14, 14, 14, 14, 12, 14, 14, 40, 10, 60]
    return Sheet(t["tabs"]["history"], rows, styles, widths, frozen_rows=1)


def build_summary(report: Report, config: Config, runs: list[Run], checked_at: str) -> list[Sheet]:
    return [_districts(report, checked_at), _months(report, config), _problems(report), _history(runs)]
