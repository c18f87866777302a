"""What a district reminder asks for: the lines that need action, by item of the letter.

One line per cause (sync/outputs/actions.py); `late` lines need no action and are left out. Lines
are grouped under the letter's item they concern (a data problem that blocks no check goes in a
last group, "แก้ไขข้อมูล…"); each group carries its due date and how late it is. A line about a
data problem names its tab and cell (actions.py words it). A memo stays a few pages long: a line
quotes at most MAX_LINE characters and a group lists at most MAX_LINES lines, then says how many
more there are (the status tab has them all).
"""

from __future__ import annotations

import datetime as dt
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


def line_text(line: ActionLine) -> str:
    """The line as the memo prints it (a data problem's line names its tab and cell), shortened."""
    return line.text if len(line.text) <= MAX_LINE else line.text[: MAX_LINE - 1] + "…"


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
