"""What the batch requests share: field paths for errors, field masks, sheets by id, the cell limit."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request
from ..fields import MaskError, parse_mask
from ..store import Sheet, Spreadsheet

MAX_CELLS = 10_000_000


def field_path(where: str, name: str) -> str:
    """The path Google names in a decoding error: ("Invalid requests[0].mergeCells: ", "merge_type")
    -> "requests[0].merge_cells.merge_type"."""
    path = where.removeprefix("Invalid ").rstrip(": ")
    snake = "".join("_" + ch.lower() if ch.isupper() else ch for ch in path)
    return f"{snake}.{name}"


def mask_of(fields: Any, where: str):
    if not fields:
        raise bad_request(f"{where}At least one field must be specified in 'fields'.")
    try:
        return parse_mask(str(fields))
    except MaskError:
        raise bad_request(f"{where}Invalid field mask: {fields}") from None


def check_cells(ss: Spreadsheet, where: str) -> None:
    if sum(s.rows * s.cols for s in ss.sheets) > MAX_CELLS:
        raise bad_request(f"{where}This action would increase the number of cells in the workbook above the "
                          f"limit of {MAX_CELLS} cells.")


def sheet_of(ss: Spreadsheet, sheet_id: Any, where: str) -> Sheet:
    sheet = ss.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise bad_request(f"{where}No grid with id: {sheet_id or 0}")
    return sheet


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
