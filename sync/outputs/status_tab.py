"""The `สถานะ (อัตโนมัติ)` tab of a district spreadsheet, built from its check result."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from sync.checker import DistrictResult
from sync.model import Finding
from sync.outputs.sheet import Sheet
from sync.schema import STATUS
from sync.textnorm import to_thai_digits
from sync.texts import item_title, render, status_label, texts

HEADER_ROW = 5


def _groups(findings: list[Finding]) -> list[list[Finding]]:
    """Findings grouped by item, rule and status, in the order of the letter; data findings last."""
    ordered = sorted(findings, key=lambda f: (f.item is None, f.item or 0, f.rule, -f.status.severity))
    return [list(g) for _, g in groupby(ordered, key=lambda f: (f.item, f.rule, f.status))]


def build_status_sheet(result: DistrictResult, as_of: dt.date, checked_at: str) -> Sheet:
    t = texts()["status_tab"]
    title = render(t["title"], name=result.name)
    checked_on = render("{{ d|thdate }}", d=as_of)
    overall = render(t["overall"], status=status_label(result.status), open=len(result.open_findings))
    rows = [
        [title],
        [render(t["explain"])],
        [render(t["as_of"], as_of=as_of), render(t["checked_at"], checked_at=checked_at)],
        [overall],
        [],
        list(t["headers"]),
    ]
    styles = {(0, 0): "title", (3, 0): result.status}
    styles.update({(HEADER_ROW, c): "header" for c in range(len(t["headers"]))})
    for group in _groups(result.findings):
        first = group[0]
        item = item_title(first.item) if first.item else t["data_item"]
        number = to_thai_digits(str(first.item)) if first.item else ""
        cells = [c for f in group for c in f.cells]
        messages = "\n".join(f.message for f in group)
        rows.append([number, item, status_label(first.status), messages, ", ".join(cells), checked_on])
        styles[(len(rows) - 1, 2)] = first.status
    return Sheet(
        title=STATUS,
        rows=rows,
        styles=styles,
        widths=[6, 34, 16, 70, 30, 14],
        frozen_rows=HEADER_ROW + 1,
        volatile={(2, 1)},
    )
