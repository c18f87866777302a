"""Batch requests on rows and columns: insertDimension, deleteDimension, appendDimension,
updateDimensionProperties (pixel sizes and hidden rows, read back in grid data's rowMetadata and
columnMetadata), and the cosmetic ones (autoResizeDimensions, updateBorders: accepted, no effect)."""

from __future__ import annotations

import copy

from .. import schema
from ..errors import bad_request
from ..fields import update_masked
from ..grid import DIMENSIONS
from ..ranges import shared
from ..store import Sheet, Spreadsheet
from . import metadata
from .common import check_cells, field_path, mask_of, sheet_of


def _dimension_range(ss: Spreadsheet, dr: dict, where: str) -> tuple[Sheet, str, int, int]:
    sheet = sheet_of(ss, dr.get("sheetId"), where)
    dim = dr.get("dimension")
    if dim not in DIMENSIONS:
        raise bad_request(f"{where}dimension must be ROWS or COLUMNS.")
    size = sheet.rows if dim == "ROWS" else sheet.cols
    start = int(dr.get("startIndex", 0))
    end = int(dr.get("endIndex", size))
    if start < 0 or end < start:
        raise bad_request(f"{where}Invalid dimension range [{start}, {end}).")
    return sheet, dim, start, end


def req_insert_dimension(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet, dim, start, end = _dimension_range(ss, p.get("range") or {}, where)
    size = sheet.rows if dim == "ROWS" else sheet.cols
    if start > size:
        raise bad_request(f"{where}Range start index {start} is past the end of the grid ({size}).")
    if end > start:
        sheet.shift(dim, start + 1, end - start)
        metadata.shift(ss, sheet.sheet_id, dim, start, end - start)
    check_cells(ss, where)
    return {}


def req_delete_dimension(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet, dim, start, end = _dimension_range(ss, p.get("range") or {}, where)
    size = sheet.rows if dim == "ROWS" else sheet.cols
    end = min(end, size)
    if start >= size:
        raise bad_request(f"{where}Range start index {start} is past the end of the grid ({size}).")
    if end - start >= size:
        what = "rows" if dim == "ROWS" else "columns"
        raise bad_request(f"{where}You can't delete all the {what} on the sheet.")
    if end > start:
        sheet.shift(dim, start + 1, -(end - start))
        metadata.shift(ss, sheet.sheet_id, dim, start, -(end - start))
    return {}


def req_append_dimension(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    sheet = sheet_of(ss, p.get("sheetId"), where)
    length = int(p.get("length", 0))
    if p.get("dimension") not in DIMENSIONS or length < 1:
        raise bad_request(f"{where}dimension must be ROWS or COLUMNS and length at least 1.")
    if p["dimension"] == "ROWS":
        sheet.set_size(sheet.rows + length, sheet.cols)
    else:
        sheet.set_size(sheet.rows, sheet.cols + length)
    check_cells(ss, where)
    return {}


def req_update_dimension_properties(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """The masked DimensionProperties (``pixelSize``, ``hiddenByUser``) of every row or column of the
    range. Developer metadata is set with createDeveloperMetadata, not here."""
    if p.get("dataSourceSheetRange") is not None:
        raise bad_request(f"{where}Data source sheets are not supported by the local Sheets emulator.")
    props = p.get("properties")
    schema.check(props, schema.DIMENSION_PROPERTIES, field_path(where, "properties"))
    mask = mask_of(p.get("fields"), where)
    if "developerMetadata" in (mask or {}):
        raise bad_request(f"{where}developerMetadata cannot be updated through updateDimensionProperties.")
    if int((props or {}).get("pixelSize") or 0) < 0:
        raise bad_request(f"{where}pixelSize must not be negative: {props['pixelSize']}.")
    sheet, dim, start, end = _dimension_range(ss, p.get("range") or {}, where)
    size = sheet.rows if dim == "ROWS" else sheet.cols
    if end > size:
        raise bad_request(f"{where}Range end index {end} is past the end of the grid ({size}).")
    if end <= start:
        return {}

    def change(old: dict | None) -> dict | None:
        new = copy.deepcopy(old or {})
        update_masked(new, props or {}, mask)
        new = {k: (int(v) if k == "pixelSize" else v) for k, v in new.items() if v not in (None, False)}
        return shared(new or None)

    (sheet.row_props if dim == "ROWS" else sheet.col_props).update(start + 1, 1, end, 1, change)
    return {}


def req_cosmetic(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Accepted and validated only for the sheet id; no visible effect through the values API."""
    dr = p.get("range") or p.get("dimensions") or {}
    if isinstance(dr, dict) and "sheetId" in dr:
        sheet_of(ss, dr.get("sheetId"), where)
    return {}
