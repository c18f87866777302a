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


@dataclass(frozen=True)
class Font:
    """The typeface of a whole sheet the service writes (never an officer's cells)."""

    name: str = "TH Sarabun New"
    size: float = 14


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: A4, landscape or not, fitted to one page wide, rows repeated on every page."""

    landscape: bool = True
    fit_width: bool = True
    repeat_rows: tuple[int, int] | None = None  # first and last row (0-based) printed atop every page


@dataclass(frozen=True)
class Chart:
    """A native chart over a block of the same sheet: categories down `category_column`, one series per
    column of `series_columns` (their names in `header_row`), rows `first_row`..`last_row` (0-based)."""

    title: str
    header_row: int
    first_row: int
    last_row: int
    category_column: int
    series_columns: tuple[int, ...]
    anchor: tuple[int, int]  # the cell (row, column) its top-left corner sits on
    stacked: bool = True
    horizontal: bool = False  # bars instead of columns
    size: tuple[float, float] = (16, 9)  # width and height in cm


@dataclass
class Sheet:
    """Rows of plain values (text is never a formula) and how they look.

    - `styles` maps (row, col), 0-based, to "title", "header", "bold", "link" or a Status;
      a "link" cell's target is `links[(row, col)]`, else its own text.
    - `merges` are (first_row, first_col, last_row, last_col), 0-based and inclusive.
    - `row_heights` are in points, set for every row a reader's program would not size by itself
      (wrapped or multi-line text): neither Excel nor LibreOffice recomputes them for a written file.
    - `volatile` cells (e.g. the check time) are not content: a change there alone is no change.
    """

    title: str
    rows: list[list[Any]]
    styles: dict[tuple[int, int], str | Status] = field(default_factory=dict)
    widths: list[float] = field(default_factory=list)
    frozen_rows: int = 0
    volatile: set[tuple[int, int]] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    font: Font | None = None
    print_setup: PrintSetup | None = None
    protected: bool = False  # against accidental edits (a warning, not a password)
    charts: list[Chart] = field(default_factory=list)

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
