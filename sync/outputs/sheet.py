"""A backend-neutral sheet the service writes: plain values plus named styles."""

from __future__ import annotations

import functools
import math
import unicodedata
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
    colours: tuple[str, ...] = ()  # RGB hex of each series, in the order of `series_columns`


@dataclass
class Sheet:
    """Rows of plain values (text is never a formula) and how they look.

    - `styles` maps (row, col), 0-based, to "title" (bold, `TITLE_STEP` points larger), "header",
      "bold", "warning" (bold, dark red), "link" or a Status (its colour);
      a "link" cell's target is `links[(row, col)]`, else its own text.
    - every cell wraps its text and sits at the top of its row, numbers centred; `font` is the
      whole sheet's.
    - `merges` are (first_row, first_col, last_row, last_col), 0-based and inclusive.
    - `row_heights` are in points, set for every row a reader's program would not size by itself
      (wrapped or multi-line text): neither Excel nor LibreOffice recomputes them for a written file
      (`fit_row_heights` estimates them).
    - `widths` are in characters of the default font (Excel's column width unit).
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
    thai_digits: bool = False  # numbers are shown in Thai digits (they stay numbers, for sums and charts)
    page_breaks: list[int] = field(default_factory=list)  # rows (0-based) a printed page starts at

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


CELL_LIMIT = 32_767  # the most characters a cell holds (Excel, and openpyxl cuts silently); Google's is 50,000
TITLE_STEP = 4  # points a "title" cell is larger than the sheet's font
# Estimates for row heights, generous on purpose (a row too tall wastes a little paper; a row too
# short hides text). Measured on Laksaman, the metric twin of TH Sarabun PSK / New that LibreOffice
# substitutes: a line is 1.96 em high (hhea ascent + descent); character advances below, by class
# (upper averages); lines break between words, so a line is counted full at `FILL` of its width. A
# column width unit is a digit of the workbook's default font: at least 7 pixels (Calibri 11, Arial
# 10); larger default fonts only make the columns wider.
LINE_EM = 2.0
FILL = 0.9
UNIT_PX = 7  # a column width unit: a digit of the default font (Calibri 11) in pixels
PT_PX = 96 / 72
PADDING_PT = 3
_EM = {
    "thai_digit": 0.68,  # ๐–๙
    "thai_letter": 0.63,  # consonants: 0.44–0.82, mean 0.61
    "thai_vowel": 0.45,  # ะ า ำ เ แ โ ใ ไ ๅ ฯ ๆ: 0.31–0.57
    "upper": 0.65,
    "lower": 0.52,
    "digit": 0.55,
    "narrow": 0.33,  # space and punctuation
    "other": 0.65,
}
_NARROW = frozenset(" .,:;!'()[]-/|")
_THAI_VOWELS = frozenset("ะาำเแโใไๅฯๆ")


def _em(c: str) -> float:
    if unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0.0  # Thai marks above and below, zero-width characters
    if "\u0e50" <= c <= "\u0e59":
        return _EM["thai_digit"]
    if c in _THAI_VOWELS:
        return _EM["thai_vowel"]
    if "\u0e01" <= c <= "\u0e2e":
        return _EM["thai_letter"]
    if c in _NARROW:
        return _EM["narrow"]
    if c.isascii():
        return _EM["upper"] if c.isupper() else _EM["digit"] if c.isdigit() else _EM["lower"]
    return _EM["other"]


class _Widths(dict):
    """The width of each character met so far, in em."""

    def __missing__(self, c: str) -> float:
        self[c] = width = _em(c)
        return width


_WIDTHS = _Widths()


@functools.lru_cache(maxsize=16_384)  # a summary repeats its labels, names and dates thousands of times
def text_em(text: str) -> float:
    """The width of one line of `text` in em (ems of its font size)."""
    return sum(map(_WIDTHS.__getitem__, text))


@functools.lru_cache(maxsize=16_384)  # every status tab has the same notes, headers and labels
def lines_needed(text: str, width: float, size: float) -> int:
    """How many lines `text` takes, wrapped in a column `width` units wide at `size` points."""
    line_px = max(width * UNIT_PX * FILL, 1.0)
    size_px = size * PT_PX
    return sum(max(1, math.ceil(text_em(part) * size_px / line_px)) for part in text.split("\n"))


def line_height(size: float) -> float:
    """Points one line of text at `size` points needs."""
    return round(LINE_EM * size, 1)


def fit_row_heights(sheet: Sheet) -> None:
    """Set `sheet.row_heights` for every row from its text, column widths (merged cells: the merged
    width, the lines shared by the merged rows), the sheet's font and title sizes."""
    size = (sheet.font or Font()).size
    spans = {
        (r0, c0): (r1 - r0 + 1, sum(_width(sheet, c) for c in range(c0, c1 + 1))) for r0, c0, r1, c1 in sheet.merges
    }
    hidden = {(r, c) for r0, c0, r1, c1 in sheet.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    hidden -= set(spans)
    widths = [(1, _width(sheet, c)) for c in range(max(map(len, sheet.rows), default=0))]
    heights = {size: line_height(size), size + TITLE_STEP: line_height(size + TITLE_STEP)}
    styles = sheet.styles
    for r, row in enumerate(sheet.rows):
        needed = heights[size]
        for c, value in enumerate(row):
            text = _text(value)
            if text == "" or (r, c) in hidden:
                continue
            cell_size = size + TITLE_STEP if styles.get((r, c)) == "title" else size
            rows, width = spans.get((r, c)) or widths[c]
            lines = math.ceil(lines_needed(text, width, cell_size) / rows)
            needed = max(needed, lines * heights[cell_size])
        sheet.row_heights[r] = round(needed + PADDING_PT, 1)


def _width(sheet: Sheet, column: int) -> float:
    return sheet.widths[column] if column < len(sheet.widths) else 8.43
