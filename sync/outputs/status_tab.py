"""The `สถานะ (อัตโนมัติ)` tab of a district spreadsheet, built from its check result.

Layout (0-based rows): the title, a note, the as-of date and check time, the overall status, a
fiscal-year warning (blank when none), then the table from row `HEADER_ROW`: one row per cause
(sync/outputs/actions.py) for each item of the letter, or one row with the item's status when
nothing is open, and the data problems last. Notes are merged across the table, the ข้อ and เรื่อง
cells of an item's rows are merged down, every row has its height, the officers' font, landscape A4
one page wide with the header row on every page, protected against accidental edits.
"""

from __future__ import annotations

import datetime as dt

from sync.checker import DistrictResult
from sync.config import Config, Programme
from sync.dates import fiscal_window
from sync.model import Status
from sync.outputs.actions import ActionLine, action_lines
from sync.outputs.sheet import Font, PrintSetup, Sheet, fit_row_heights
from sync.schema import ITEMS, STATUS
from sync.textnorm import to_thai_digits
from sync.texts import item_title, render, status_label, texts

HEADER_ROW = 5
WIDTHS = [7, 34, 16, 68, 28]
CELLS_SHOWN = 5  # cell references listed in ตำแหน่งเซลล์, then "และอีก N เซลล์"
DONE_SHOWN = 5  # lines of what was done, for an item with nothing open, then "และอีก N รายการ"


def fiscal_year_warning(programme: Programme, as_of: dt.date) -> str:
    """The Thai warning when `as_of` is outside the programme's fiscal year, else ""."""
    start, end = fiscal_window(programme.fiscal_year, margin_years=0)
    if start <= as_of <= end:
        return ""
    t = texts()["status_tab"]
    return render(t["fiscal_warning"], as_of=as_of, year=programme.fiscal_year, start=start, end=end)


def _numbers(items: tuple[int, ...]) -> str:
    """The ข้อ cell, short enough for its narrow column: '๖, ๘'."""
    return ", ".join(to_thai_digits(str(i)) for i in items)


def _cells(cells: list[str]) -> str:
    shown = ", ".join(cells[:CELLS_SHOWN])
    if len(cells) > CELLS_SHOWN:
        shown += " " + render(texts()["status_tab"]["more_cells"], n=len(cells) - CELLS_SHOWN)
    return shown


def _quiet_item(result: DistrictResult, item: int) -> tuple[Status, str] | None:
    """An item with nothing open: its status and what was done (and the next due date), or None when
    no rule looks at it."""
    findings = [f for f in result.findings if f.item == item]
    if not findings:
        return None
    done = [f.message for f in findings if f.status is Status.OK]
    if len(done) > DONE_SHOWN:
        done = done[:DONE_SHOWN] + [render(texts()["more"], n=len(done) - DONE_SHOWN)]
    upcoming = [f.message for f in findings if f.status is Status.PENDING][:1]
    return result.item_status(item), "\n".join(done + upcoming)


def _table(result: DistrictResult) -> list[tuple[str, str, Status, str, str]]:
    """(ข้อ, เรื่อง, status, detail, cells) rows: the open lines by item, quiet items, data problems last."""
    lines = action_lines(result)
    covered = {item for line in lines for item in line.items}
    rows = []
    for item in ITEMS:
        mine: list[ActionLine] = [line for line in lines if line.items and line.items[0] == item]
        for line in mine:
            title = "\n".join(item_title(i) for i in line.items)
            rows.append((_numbers(line.items), title, line.status, line.text, _cells(line.cells)))
        if item not in covered and (quiet := _quiet_item(result, item)):
            rows.append((_numbers((item,)), item_title(item), quiet[0], quiet[1], ""))
    data_item = texts()["status_tab"]["data_item"]
    for line in lines:
        if not line.items:
            rows.append(("", data_item, line.status, line.text, _cells(line.cells)))
    return rows


def _merge_down(rows: list[list], first: int) -> list[tuple[int, int, int, int]]:
    """Merge the ข้อ and เรื่อง cells of consecutive rows of one item (blanking the cells merged away)."""
    merges = []
    start = first
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and rows[end + 1][:2] == rows[start][:2]:
            end += 1
        if end > start:
            merges += [(start, 0, end, 0), (start, 1, end, 1)]
            for row in rows[start + 1 : end + 1]:
                row[0] = row[1] = None
        start = end + 1
    return merges


def build_status_sheet(result: DistrictResult, as_of: dt.date, checked_at: str, config: Config) -> Sheet:
    t = texts()["status_tab"]
    overall = render(
        t["overall"], status=status_label(result.status), actions=len(result.needs_action), late=len(result.late)
    )
    last = len(WIDTHS) - 1
    rows = [
        [render(t["title"], name=result.name)],
        [render(t["explain"])],
        [render(t["as_of"], as_of=as_of), None, render(t["checked_at"], checked_at=checked_at)],
        [overall],
        [fiscal_year_warning(config.programme, as_of)],
        list(t["headers"]),
    ]
    styles = {(0, 0): "title", (3, 0): result.status, (4, 0): "warning"}
    styles.update({(HEADER_ROW, c): "header" for c in range(len(WIDTHS))})
    merges = [(0, 0, 0, last), (1, 0, 1, last), (2, 0, 2, 1), (2, 2, 2, last), (3, 0, 3, last), (4, 0, 4, last)]
    for number, title, status, detail, cells in _table(result):
        styles[(len(rows), 2)] = status
        rows.append([number, title, status_label(status), detail, cells])
    merges += _merge_down(rows, HEADER_ROW + 1)
    sheet = Sheet(
        title=STATUS,
        rows=rows,
        styles=styles,
        widths=list(WIDTHS),
        frozen_rows=HEADER_ROW + 1,
        volatile={(2, 2)},
        merges=merges,
        font=Font(config.outputs.font.name, config.outputs.font.size),
        print_setup=PrintSetup(landscape=True, fit_width=True, repeat_rows=(HEADER_ROW, HEADER_ROW)),
        protected=True,
    )
    fit_row_heights(sheet)
    return sheet
