"""A backend-neutral sheet the service writes: plain values plus named styles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.model import Status

# Status colours of DOMAIN.md §5 (RGB hex), by status.
COLOURS = {
    Status.OK: "C6EFCE",
    Status.DUE_SOON: "FFEB9C",
    Status.LATE: "FFEB9C",
    Status.OVERDUE: "FFC7CE",
    Status.INCOMPLETE: "FFC7CE",
    Status.INVALID: "FFC7CE",
    Status.PENDING: "E7E6E6",
    Status.ERROR: "E4D7F5",
}


@dataclass
class Sheet:
    """Rows of plain values (text is never a formula); `styles` maps (row, col), 0-based, to
    "title", "header" or a Status; `volatile` cells (e.g. the check time) are not content."""

    title: str
    rows: list[list[Any]]
    styles: dict[tuple[int, int], str | Status] = field(default_factory=dict)
    widths: list[int] = field(default_factory=list)
    frozen_rows: int = 0
    volatile: set[tuple[int, int]] = field(default_factory=set)

    def content(self) -> list[list[str]]:
        """The rows as text, volatile cells blanked and trailing blanks trimmed: what a change is."""
        return _trimmed(
            [
                ["" if (r, c) in self.volatile else _text(v) for c, v in enumerate(row)]
                for r, row in enumerate(self.rows)
            ]
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    out = []
    for row in rows:
        while row and row[-1] == "":
            row = row[:-1]
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def same_content(sheet: Sheet, existing: list[list[Any]] | None) -> bool:
    """Whether `existing` (as read from the spreadsheet) already holds the sheet's content."""
    if existing is None:
        return False
    blanked = [
        ["" if (r, c) in sheet.volatile else _text(v) for c, v in enumerate(row)] for r, row in enumerate(existing)
    ]
    return _trimmed(blanked) == sheet.content()
