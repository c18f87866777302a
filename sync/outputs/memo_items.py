"""What a district reminder asks for: the lines that need action, by item of the letter.

One line per cause (sync/outputs/actions.py); `late` lines need no action and are left out. Lines
are grouped under the letter's item they concern (a data problem that blocks no check goes in a
last group, "แก้ไขข้อมูล…"); each group carries its due date and how late it is. A line about a
data problem names its tab and cell. A memo stays a few pages long: a line quotes at most
MAX_LINE characters and a group lists at most MAX_LINES lines, then says how many more there are
(the status tab has them all).
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import groupby

from sync.checker import DistrictResult
from sync.config import Config
from sync.deadlines import effective_due
from sync.model import Finding, Status
from sync.outputs.actions import ActionLine, action_lines
from sync.schema import DOCUMENT_ITEMS
from sync.texts import render, texts

MAX_LINE = 300
MAX_LINES = 12


def needing_action(result: DistrictResult) -> list[ActionLine]:
    return [line for line in action_lines(result) if line.needs_action]


_ROW = re.compile(r"(\d+):\1")
_COLUMN = re.compile(r"([A-Z]+):\1")


def _place(ref: str) -> str:
    """'เซลล์ B5', 'แถวที่ ๑' (5:5), 'คอลัมน์ D' (D:D); '' for a whole tab."""
    place = texts()["memos"]["place"]
    if not ref:
        return ""
    if row := _ROW.fullmatch(ref):
        return render(place["row"], ref=row.group(1))
    if column := _COLUMN.fullmatch(ref):
        return render(place["column"], ref=column.group(1))
    return render(place["cell"], ref=ref)


def _where(cells: list[str], text: str) -> str:
    """'(แท็บ รายงานรายเดือน เซลล์ B5, B7)' for cells given as tab!B5; the tab left out when `text` names it."""
    by_tab: dict[str, list[str]] = {}
    for cell in cells:
        tab, _, ref = cell.rpartition("!") if "!" in cell else (cell, "", "")
        by_tab.setdefault(tab, []).append(ref)
    parts = []
    for tab, refs in by_tab.items():
        places = [p for p in map(_place, refs[:5]) if p]
        shown_tab = "" if tab in text else tab
        if shown_tab or places:
            parts.append(render(texts()["memos"]["where"], tab=shown_tab, places=places, more=len(refs) - 5))
    return " ".join(parts)


def line_text(line: ActionLine) -> str:
    """The line as the memo prints it: shortened, and naming the cell of a data problem."""
    text = line.text if len(line.text) <= MAX_LINE else line.text[: MAX_LINE - 1] + "…"
    if line.status is Status.INVALID and line.cells:
        unnamed = [c for c in line.cells if c.rpartition("!")[2] not in text or "!" not in c]
        where = _where(unnamed, text) if unnamed else ""
        text += f" {where}" if where else ""
    return text


def _deadline(item: int | None, lines: list[ActionLine], config: Config, as_of: dt.date) -> str:
    """'กำหนด ๒๐ ม.ค. ๒๕๖๘ เกินกำหนด ๑ วัน' for an item still to be done, '' when nothing is due."""
    dues = [line.due for line in lines if line.due and line.status in (Status.OVERDUE, Status.DUE_SOON)]
    if dues:
        due = min(dues)
    elif item in DOCUMENT_ITEMS:  # items 1–5 are due with their documents (item 7)
        deadlines = config.programme.deadlines
        due = effective_due(deadlines.documents_due, deadlines)
    else:
        return ""
    return render(texts()["memos"]["item_deadline"], due=due, days_late=max((as_of - due).days, 0))


def item_heading(item: int, config: Config) -> str:
    """'ข้อ ๕ วิเคราะห์และจัดทำแผน… (๕P)': the letter's item in the memo's words."""
    t = texts()["memos"]
    return render(t["item_title"], n=item, title=render(t["items"][item], p=config.programme))


def open_items(lines: list[ActionLine], config: Config, as_of: dt.date) -> list[dict]:
    """The lines grouped by item of the letter, in its order; data problems that block no check last."""
    items = []
    for item, group in groupby(lines, key=lambda line: line.items[0] if line.items else None):
        group = list(group)
        shown = [line_text(line) for line in group[:MAX_LINES]]
        if len(group) > MAX_LINES:
            shown.append(render(texts()["memos"]["more_lines"], n=len(group) - MAX_LINES))
        items.append(
            {
                "title": item_heading(item, config) if item else texts()["memos"]["data_item"],
                "deadline": _deadline(item, group, config, as_of),
                "lines": shown,
            }
        )
    return items


def findings_of(lines: list[ActionLine]) -> list[Finding]:
    return [finding for line in lines for finding in line.findings]
