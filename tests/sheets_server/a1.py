"""A1 notation: parsing ranges the way the Sheets API accepts them and echoing them the way it answers.

Coordinates are 1-based and inclusive here (row 1 = the first row, column 1 = column A). An open end
(``Sheet1!A:C`` has no row bounds, ``Sheet1!2:5`` no column bounds) is ``None`` until it is clipped
to a sheet's grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLAIN_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+\Z")
_R1C1_LIKE = re.compile(r"[Rr][0-9]*[Cc][0-9]*\Z")
_ENDPOINT = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]+)?\Z")


class RangeError(ValueError):
    """The text is not a range of this spreadsheet (Google: "Unable to parse range: X")."""


def col_letters(col: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def col_number(letters: str) -> int:
    """"A" -> 1, "aa" -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n


def quote_title(title: str) -> str:
    """Quote a sheet title only when Google does: anything but a plain ASCII identifier that does not
    look like a cell reference (so ``Sheet1`` stays bare, ``'My sheet'``, ``'ข้อมูล'`` and ``'A1'`` are quoted)."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title) and not _R1C1_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_name(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def box_a1(r1: int, c1: int, r2: int, c2: int) -> str:
    """The cell part of a bounded range; a single cell is written as one cell (``A1``, not ``A1:A1``)."""
    if r1 == r2 and c1 == c2:
        return cell_name(r1, c1)
    return f"{cell_name(r1, c1)}:{cell_name(r2, c2)}"


def format_range(title: str, r1: int, c1: int, r2: int, c2: int) -> str:
    return f"{quote_title(title)}!{box_a1(r1, c1, r2, c2)}"


@dataclass
class A1Range:
    """A parsed range. ``title`` is None when the text named no sheet (then the first sheet is meant)."""

    text: str
    title: str | None
    r1: int = 1
    c1: int = 1
    r2: int | None = None
    c2: int | None = None
    single_cell: bool = False
    whole_sheet: bool = False
    cells_text: str = ""

    def clipped(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        """Bounds limited to a grid of ``rows`` x ``cols`` (open ends become the grid's end)."""
        r2 = rows if self.r2 is None else min(self.r2, rows)
        c2 = cols if self.c2 is None else min(self.c2, cols)
        return self.r1, self.c1, r2, c2

    def starts_outside(self, rows: int, cols: int) -> bool:
        return self.r1 > rows or self.c1 > cols

    def described(self, title: str) -> str:
        """The range as Google names it in "exceeds grid limits" messages (open ends kept)."""
        if self.whole_sheet:
            return quote_title(title)
        return f"{quote_title(title)}!{self.cells_text}"


def _parse_endpoint(text: str) -> tuple[int | None, int | None]:
    m = _ENDPOINT.match(text)
    if not m or (m.group(1) is None and m.group(2) is None):
        raise RangeError(text)
    col = col_number(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) if m.group(2) else None
    if row == 0:
        raise RangeError(text)
    return row, col


def _endpoint_text(row: int | None, col: int | None) -> str:
    return (col_letters(col) if col else "") + (str(row) if row else "")


def parse_cells(text: str) -> A1Range:
    """Parse the part after ``!``: ``A1``, ``A1:B2``, ``A:C``, ``2:5``, ``A2:C`` (open end), ``AA1:2``."""
    if ":" in text:
        left, _, right = text.partition(":")
        (ra, ca), (rb, cb) = _parse_endpoint(left), _parse_endpoint(right)
        cells_text = f"{_endpoint_text(ra, ca)}:{_endpoint_text(rb, cb)}"
        # Rows: both given -> bounded; one side a bare column ("A1:B", "A:C") -> open downwards.
        if ra is not None and rb is not None:
            r1, r2 = min(ra, rb), max(ra, rb)
        elif ra is None and rb is None:
            r1, r2 = 1, None
        elif ca is not None and cb is not None:
            r1, r2 = (ra, None) if rb is None else (1, rb)  # "A1:B" / "A:B5"
        else:
            raise RangeError(text)  # "A:5", "2:B"
        # Columns: both given -> bounded; one side a bare row ("AA1:2", "2:5") -> open to the right.
        if ca is not None and cb is not None:
            c1, c2 = min(ca, cb), max(ca, cb)
        elif ca is None and cb is None:
            c1, c2 = 1, None
        elif ca is not None and rb is not None and ra is not None:
            c1, c2 = ca, None  # "AA1:2"
        else:
            raise RangeError(text)
        return A1Range(text="", title=None, r1=r1, c1=c1, r2=r2, c2=c2, cells_text=cells_text)
    row, col = _parse_endpoint(text)
    if row is None or col is None:
        raise RangeError(text)
    return A1Range(text="", title=None, r1=row, c1=col, r2=row, c2=col, single_cell=True,
                   cells_text=cell_name(row, col))


def find_title(name: str, titles: list[str]) -> str | None:
    """Sheet titles match exactly, else case-insensitively (as in Sheets formulas)."""
    if name in titles:
        return name
    folded = name.casefold()
    for t in titles:
        if t.casefold() == folded:
            return t
    return None


def parse_range(text: str, titles: list[str]) -> A1Range:
    """Parse ``text`` against the spreadsheet's sheet ``titles``; raise RangeError when Google would say
    "Unable to parse range". A bare sheet title wins over a cell reference of the same spelling."""
    if not text or not text.strip():
        raise RangeError(text)
    if text.startswith("'"):
        i, name = 1, []
        while True:
            if i >= len(text):
                raise RangeError(text)
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    name.append("'")
                    i += 2
                    continue
                i += 1
                break
            name.append(ch)
            i += 1
        title = find_title("".join(name), titles)
        if title is None:
            raise RangeError(text)
        rest = text[i:]
        if rest == "":
            return A1Range(text=text, title=title, whole_sheet=True)
        if not rest.startswith("!") or len(rest) == 1:
            raise RangeError(text)
        rng = parse_cells(rest[1:])
        rng.text, rng.title = text, title
        return rng
    title = find_title(text, titles)
    if title is not None:
        return A1Range(text=text, title=title, whole_sheet=True)
    if "!" in text:
        name, _, cells = text.rpartition("!")
        title = find_title(name, titles)
        if title is None or not cells:
            raise RangeError(text)
        rng = parse_cells(cells)
        rng.text, rng.title = text, title
        return rng
    rng = parse_cells(text)
    rng.text = text
    return rng
