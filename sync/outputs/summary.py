"""The provincial summary spreadsheet (DOMAIN.md §5), built from a report and the run history.

Four tabs: สรุปรายอำเภอ (a heading with the data date and check time, one row per district, totals
per item and a chart of districts by status per item), รายงานรายเดือน (districts × months, totals per
month and a chart of the reports per month), ปัญหาข้อมูล (one row per data problem, by its Thai name)
and ประวัติการตรวจ (one row per run). Thai digits throughout: dates and labels as text, counts as
numbers shown in Thai digits (`Sheet.thai_digits`), so sums and charts still work. The same font and
print setup as the status tab.

The districts × months and history tables are one loop over findings already in per-month shape
and a Counter for the totals; pandas would add a dependency (and numpy) without making them shorter.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from sync.checker import UNREADABLE, DistrictResult, Report
from sync.config import Config
from sync.model import Status, causes
from sync.outputs.actions import action_lines, problem_name, thai_items
from sync.outputs.sheet import CELL_LIMIT, COLOURS, Chart, Font, PrintSetup, Sheet, fit_row_heights
from sync.outputs.status_tab import fiscal_year_warning
from sync.schema import ITEMS
from sync.service.history import Run
from sync.texts import clip, item_title, moment, render, status_label, texts

# How districts are counted per item and per month: (status group, its statuses, its colour).
ITEM_GROUPS = (
    ((Status.OK,), COLOURS[Status.OK]),
    ((Status.LATE,), COLOURS[Status.LATE]),
    ((Status.PENDING,), COLOURS[Status.PENDING]),
    ((Status.DUE_SOON, Status.OVERDUE, Status.INCOMPLETE), COLOURS[Status.OVERDUE]),
    ((Status.INVALID, Status.ERROR), COLOURS[Status.ERROR]),
)
MONTH_GROUPS = (
    ((Status.OK,), COLOURS[Status.OK]),
    ((Status.LATE,), COLOURS[Status.LATE]),
    ((Status.OVERDUE,), COLOURS[Status.OVERDUE]),
    ((Status.INVALID, Status.ERROR), COLOURS[Status.ERROR]),
    ((Status.PENDING, Status.DUE_SOON), COLOURS[Status.PENDING]),
)


def _look(config: Config, header_row: int) -> dict:
    """The font, print setup and digits every tab of the summary shares."""
    return {
        "font": Font(config.outputs.font.name, config.outputs.font.size),
        "print_setup": PrintSetup(landscape=True, fit_width=True, repeat_rows=(header_row, header_row)),
        "thai_digits": True,
        "frozen_rows": header_row + 1,
    }


def _header(styles: dict, row: int, width: int) -> None:
    styles.update({(row, c): "header" for c in range(width)})


def _link(link: str, config: Config) -> str:
    """A district's link as the summary gives it: a file of the xlsx backend relative to the summary's
    folder (the folders can move together), anything else (a Google Sheets URL) as it is."""
    if not link.startswith("file:") or not config.outputs.summary:
        return link
    path = Path(unquote(urlparse(link).path))
    relative = os.path.relpath(path, Path(config.outputs.summary).resolve().parent)
    return quote(Path(relative).as_posix())


def _needing_action(d: DistrictResult) -> int:
    """Causes of the item cells that need action (an unreadable spreadsheet concerns every item)."""
    return sum(1 for c in d.needs_action if c.items or c.finding.rule == UNREADABLE)


def _is_problem(rule: str) -> bool:
    return rule.startswith("data.") or rule == UNREADABLE


def _problems(d: DistrictResult) -> int:
    """Rows of the ปัญหาข้อมูล tab for the district, before the cap."""
    return sum(1 for c in causes(d.open_findings) if _is_problem(c.finding.rule))


def _counts_block(sheet_rows: list, styles: dict, merges: list, title: str, headers: list[str], body: list[list]):
    """A titled table of counts under `sheet_rows`, on a page of its own when printed (with the chart
    beside it); (its header row, first and last body rows). The title is merged across the table."""
    sheet_rows += [[], [title]]
    styles[(len(sheet_rows) - 1, 0)] = "bold"
    merges.append((len(sheet_rows) - 1, 0, len(sheet_rows) - 1, len(headers) - 1))
    header = len(sheet_rows)
    sheet_rows.append(list(headers))
    _header(styles, header, len(headers))
    sheet_rows += body
    return header, header + 1, len(sheet_rows) - 1


def _districts(report: Report, config: Config, checked_at: str) -> Sheet:
    t = texts()["summary"]
    headers = list(t["districts_headers"])
    last = len(headers) - 1
    title = render(t["title"], province=config.province.name, year=config.programme.fiscal_year)
    rows = [
        [title],
        [render(t["heading"], as_of=report.as_of, checked_at=checked_at)],
        [fiscal_year_warning(config.programme, report.as_of)],
        headers,
    ]
    styles = {(0, 0): "title", (2, 0): "warning"}
    _header(styles, 3, len(headers))
    links = {}
    for d in report.districts:
        r = len(rows)
        row = [d.code, d.name, status_label(d.status)]
        styles[(r, 2)] = d.status
        for item in ITEMS:
            status = d.item_status(item)
            if status:
                styles[(r, len(row))] = status
            row.append(status_label(status) if status else "-")
        link = _link(d.raw.link, config) if d.raw and d.raw.link else ""
        row += [_needing_action(d), len(d.late), _problems(d), checked_at, t["link_text"] if link else ""]
        if link:
            styles[(r, last)], links[(r, last)] = "link", link
        rows.append(row)
    # Totals per item: ข้อ, เรื่อง (merged over two columns), then the count of each status group.
    body, merges = [], [(0, 0, 0, last), (1, 0, 1, last), (2, 0, 2, last)]
    for item in ITEMS:
        statuses = Counter(d.item_status(item) for d in report.districts)
        counts = [sum(statuses[s] for s in group) for group, _ in ITEM_GROUPS]
        body.append([render("ข้อ {{ n|th }}", n=item), item_title(item), None, *counts])
    headers = t["item_totals_headers"]
    headers = [headers[0], headers[1], None, *headers[2:]]
    header, first, end = _counts_block(rows, styles, merges, t["item_totals_title"], headers, body)
    merges += [(r, 1, r, 2) for r in range(header, end + 1)]
    chart = Chart(
        t["item_chart"],
        header,
        first,
        end,
        0,
        tuple(range(3, 3 + len(ITEM_GROUPS))),
        (header, 3 + len(ITEM_GROUPS) + 1),
        horizontal=True,
        size=(24, 11),
        colours=tuple(colour for _, colour in ITEM_GROUPS),
    )
    sheet = Sheet(
        t["tabs"]["districts"],
        rows,
        styles,
        [7, 15, 14] + [13] * len(ITEMS) + [12, 10, 11, 25, 14],
        merges=merges,
        page_breaks=[header - 1],
        links=links,
        charts=[chart],
        **_look(config, 3),
    )
    fit_row_heights(sheet)
    return sheet


def _month(d: DistrictResult, month: str):
    """The district's monthly.report finding of `month` and its status (error when unreadable; None
    when the rule is off)."""
    finding = next((f for f in d.findings if f.rule == "monthly.report" and f.details["month"] == month), None)
    return finding, finding.status if finding else (None if d.readable else Status.ERROR)


def _months(report: Report, config: Config) -> Sheet:
    t = texts()
    months = [f"{y:04d}-{m:02d}" for y, m in config.programme.deadlines.reporting_months()]
    labels = [render("{{ m|thmonth }}", m=m) for m in months]
    header = list(t["summary"]["months_headers"]) + labels
    rows, styles = [header], {}
    _header(styles, 0, len(header))
    counts = {m: Counter() for m in months}
    for d in report.districts:
        row = [d.code, d.name]
        for month in months:
            finding, status = _month(d, month)
            if status is None:
                row.append("-")
                continue
            counts[month][status] += 1
            source = t["month_cells"].get(str(status))
            row.append(render(source, **finding.details) if source and finding else status_label(status))
            styles[(len(rows), len(row) - 1)] = status
        rows.append(row)
    body = [
        [label, *(sum(counts[m][s] for s in group) for group, _ in MONTH_GROUPS)]
        for m, label in zip(months, labels, strict=True)
    ]
    s = t["summary"]
    merges: list = []
    head, first, end = _counts_block(rows, styles, merges, s["month_totals_title"], s["month_totals_headers"], body)
    chart = Chart(
        s["month_chart"],
        head,
        first,
        end,
        0,
        tuple(range(1, 1 + len(MONTH_GROUPS))),
        (head, 1 + len(MONTH_GROUPS) + 1),
        size=(24, 10),
        colours=tuple(colour for _, colour in MONTH_GROUPS),
    )
    sheet = Sheet(
        s["tabs"]["months"],
        rows,
        styles,
        [13, 15] + [16] * len(months),
        merges=merges,
        charts=[chart],
        page_breaks=[head - 1],
        **_look(config, 0),
    )
    fit_row_heights(sheet)
    return sheet


def _problem_rows(report: Report) -> tuple[list[list], dict]:
    rows, styles = [], {}
    for d in report.districts:
        for line in action_lines(d):
            if _is_problem(line.rule):
                styles[(len(rows) + 1, 2)] = line.status
                blocked = thai_items(line.items) if line.items else "-"
                rows.append([d.code, d.name, problem_name(line.rule), line.text, ", ".join(line.cells[:5]), blocked])
    return rows, styles


def _problems_tab(report: Report, config: Config) -> Sheet:
    t = texts()["summary"]
    body, styles = _problem_rows(report)
    rows = [list(t["problems_headers"]), *body]
    _header(styles, 0, len(rows[0]))
    sheet = Sheet(t["tabs"]["problems"], rows, styles, [7, 15, 18, 70, 26, 12], **_look(config, 0))
    fit_row_heights(sheet)
    return sheet


def _when(iso: str) -> str:
    """A history time (ISO 8601) as staff read it: ๒๑ ม.ค. ๒๕๖๘ ๐๙:๓๐ น."""
    return moment(dt.datetime.fromisoformat(iso)) if iso else ""


def _history(runs: list[Run], config: Config) -> Sheet:
    t = texts()["summary"]
    known = texts()["statuses"]
    rows = [list(t["history_headers"])]
    for r in runs:
        findings = ", ".join(render("{{ s }} {{ n|thnum }}", s=known.get(s, s), n=n) for s, n in r.findings.items())
        rows.append(
            [_when(r.started), _when(r.finished), render("{{ d|thdate }}", d=r.as_of)]
            + [r.districts_ok, r.districts_failed, r.open_findings, r.emails]
            + [t["run_statuses"].get(r.status, r.status), t["run_triggers"].get(r.trigger, r.trigger), findings]
            + [r.api_requests, clip("\n".join(r.errors), CELL_LIMIT // 2)]
        )
    styles = {}
    _header(styles, 0, len(rows[0]))
    widths = [19, 19, 13, 11, 11, 13, 10, 12, 13, 36, 9, 50]
    sheet = Sheet(t["tabs"]["history"], rows, styles, widths, **_look(config, 0))
    fit_row_heights(sheet)
    return sheet


def build_summary(report: Report, config: Config, runs: list[Run], checked_at: str) -> list[Sheet]:
    return [
        _districts(report, config, checked_at),
        _months(report, config),
        _problems_tab(report, config),
        _history(runs, config),
    ]
