"""A Sheet (sync/outputs/sheet.py) as Sheets API `batchUpdate` requests.

Generic: every layout decision (merges, row heights, widths, font, styles, links, charts, frozen
rows) is the Sheet's; this module only says it the way the Sheets API does. Values are written as
`updateCells` with typed values, so text is a `stringValue` and never becomes a formula. The cell
range of an update is the whole tab, so whatever an earlier version left beyond the new content
(values, formats) is cleared in the same request. Google has no API for print settings: they are
chosen in the print dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable
from typing import Any

from sync.model import Status
from sync.outputs.sheet import COLOURS, Chart, Sheet
from sync.texts import status_label, texts

log = logging.getLogger("khoknongna.google")

CELL_LIMIT = 50_000  # characters in a Google Sheets cell
DEFAULT_ROW_PIXELS = 21  # Google's default row height
PIXELS_PER_POINT = 4 / 3
PIXELS_PER_CM = 96 / 2.54
HEADER_BACKGROUND = "D9E1F2"
LINK_COLOUR = "0563C1"
TITLE_SIZE_STEP = 4  # points above the sheet's font (as on the .xlsx backend)
SERIAL_EPOCH = dt.date(1899, 12, 30)
SPARE_ROWS = 50  # room below the content of a tab the service adds


def rgb(hex_colour: str) -> dict:
    return {k: int(hex_colour[i : i + 2], 16) / 255 for k, i in (("red", 0), ("green", 2), ("blue", 4))}


# --- cells -------------------------------------------------------------------------------------------------
def cell_value(value: Any) -> dict | None:
    """An ExtendedValue: text as stringValue (never a formula), numbers, booleans, dates as serials."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float) and not (isinstance(value, float) and not math.isfinite(value)):
        return {"numberValue": value}
    if isinstance(value, dt.datetime):
        return {"numberValue": (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400}
    if isinstance(value, dt.date):
        return {"numberValue": (value - SERIAL_EPOCH).days}
    return {"stringValue": cell_text(str(value))}


def cell_text(text: str) -> str:
    """At most Google's 50,000 characters, cut with a visible note (never silently); the renderers
    keep cells far below this, so this is a last guard."""
    if len(text) <= CELL_LIMIT:
        return text
    note = texts()["workbook"]["google_cut_note"]
    log.warning("a cell of %d characters was cut to Google's limit of %d", len(text), CELL_LIMIT)
    return text[: CELL_LIMIT - len(note)] + note


def _link_target(sheet: Sheet, key: tuple[int, int], value: Any) -> str | None:
    target = sheet.links.get(key) or (str(value) if value not in (None, "") else "")
    return target if target.startswith(("http://", "https://", "mailto:")) else None


def cell_format(sheet: Sheet, key: tuple[int, int], value: Any) -> dict:
    """The look of one cell: the sheet's font, wrapped and top-aligned text, and the cell's style."""
    text: dict[str, Any] = {}
    if sheet.font:
        text = {"fontFamily": sheet.font.name, "fontSize": round(sheet.font.size)}  # whole points on Google
    fmt: dict[str, Any] = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP", "textFormat": text}
    style = sheet.styles.get(key)
    if isinstance(value, dt.date):
        fmt["numberFormat"] = {"type": "DATE_TIME" if isinstance(value, dt.datetime) else "DATE"}
    if style == "title":
        text["bold"] = True
        text["fontSize"] = round(sheet.font.size if sheet.font else 10) + TITLE_SIZE_STEP
        fmt["wrapStrategy"] = "OVERFLOW_CELL"
    elif style in ("header", "bold"):
        text["bold"] = True
        if style == "header":
            fmt["backgroundColor"] = rgb(HEADER_BACKGROUND)
    elif isinstance(style, Status):
        fmt["backgroundColor"] = rgb(COLOURS[style])
    elif style == "link":
        target = _link_target(sheet, key, value)
        if target:
            text |= {"link": {"uri": target}, "underline": True, "foregroundColor": rgb(LINK_COLOUR)}
    return fmt


def _rows(sheet: Sheet) -> list[dict]:
    out = []
    for r, row in enumerate(sheet.rows):
        cells = []
        for c, value in enumerate(row):
            cell: dict[str, Any] = {"userEnteredFormat": cell_format(sheet, (r, c), value)}
            typed = cell_value(value)
            if typed is not None:
                cell["userEnteredValue"] = typed
            cells.append(cell)
        out.append({"values": cells})
    return out


# --- the tab -----------------------------------------------------------------------------------------------
def extent(sheet: Sheet) -> tuple[int, int]:
    """Rows and columns the sheet needs: its cells, merges and chart anchors."""
    rows = len(sheet.rows)
    columns = max([len(r) for r in sheet.rows] + [len(sheet.widths), 1])
    for _, _, last_row, last_col in sheet.merges:
        rows, columns = max(rows, last_row + 1), max(columns, last_col + 1)
    for chart in sheet.charts:
        rows, columns = max(rows, chart.anchor[0] + 1), max(columns, chart.anchor[1] + 1)
    return max(rows, 1), columns


def add_sheet(sheet_id: int, sheet: Sheet, index: int | None = None) -> list[dict]:
    """A new tab for `sheet` (the content follows with `write_sheet`), protected if the sheet asks."""
    rows, columns = extent(sheet)
    properties: dict[str, Any] = {
        "sheetId": sheet_id,
        "title": sheet.title,
        "gridProperties": {"rowCount": rows + SPARE_ROWS, "columnCount": max(columns, 8)},
    }
    if index is not None:
        properties["index"] = index
    requests = [{"addSheet": {"properties": properties}}]
    if sheet.protected:
        protected = {"range": {"sheetId": sheet_id}, "description": "written by the sync service", "warningOnly": True}
        requests.append({"addProtectedRange": {"protectedRange": protected}})
    return requests


def write_sheet(
    sheet_id: int,
    sheet: Sheet,
    grid: tuple[int, int] | None = None,
    charts: Iterable[int] = (),
    old_rows: int | None = None,
) -> list[dict]:
    """Requests that make tab `sheet_id` show `sheet` and nothing else: grow its grid (`grid`: its
    rows and columns; None for a tab added in the same batch), remove its charts (ids in `charts`)
    and merges, write every cell, then merge, freeze, size rows and columns, add charts.

    Cells the sheet does not fill are cleared: in the first `old_rows` rows (as many as the tab held
    before) across the grid, or, when that is not known, in the whole tab."""
    rows, columns = extent(sheet)
    requests: list[dict] = []
    if grid is not None:
        for dimension, need, have in (("ROWS", rows, grid[0]), ("COLUMNS", columns, grid[1])):
            if need > have:
                requests.append(
                    {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": need - have}}
                )
        grid = (max(rows, grid[0]), max(columns, grid[1]))
    span: dict[str, int] = {"sheetId": sheet_id}  # the whole tab
    if old_rows is not None:
        span = _grid_range(sheet_id, 0, 0, max(rows, old_rows) - 1, max(columns, grid[1] if grid else 0) - 1)
    requests += [{"deleteEmbeddedObject": {"objectId": chart_id}} for chart_id in charts]
    requests.append({"unmergeCells": {"range": {"sheetId": sheet_id}}})
    requests.append(
        {"updateCells": {"range": span, "rows": _rows(sheet), "fields": "userEnteredValue,userEnteredFormat"}}
    )
    requests += [
        {"mergeCells": {"range": _grid_range(sheet_id, r1, c1, r2, c2), "mergeType": "MERGE_ALL"}}
        for r1, c1, r2, c2 in sheet.merges
    ]
    frozen = {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": sheet.frozen_rows}}
    requests.append({"updateSheetProperties": {"properties": frozen, "fields": "gridProperties.frozenRowCount"}})
    requests += _dimension_sizes(sheet_id, sheet)
    requests += [add_chart(sheet_id, chart) for chart in sheet.charts]
    return requests


def _grid_range(sheet_id: int, first_row: int, first_col: int, last_row: int, last_col: int) -> dict:
    return {
        "sheetId": sheet_id,
        "startRowIndex": first_row,
        "endRowIndex": last_row + 1,
        "startColumnIndex": first_col,
        "endColumnIndex": last_col + 1,
    }


def _runs(sizes: dict[int, int]) -> list[tuple[int, int, int]]:
    """(start, end, pixels) of consecutive indices of equal size."""
    out: list[tuple[int, int, int]] = []
    for index in sorted(sizes):
        if out and out[-1][1] == index and out[-1][2] == sizes[index]:
            out[-1] = (out[-1][0], index + 1, sizes[index])
        else:
            out.append((index, index + 1, sizes[index]))
    return out


def _size(sheet_id: int, dimension: str, start: int | None, end: int | None, pixels: int) -> dict:
    span: dict[str, Any] = {"sheetId": sheet_id, "dimension": dimension}
    if start is not None:
        span |= {"startIndex": start, "endIndex": end}
    return {"updateDimensionProperties": {"range": span, "properties": {"pixelSize": pixels}, "fields": "pixelSize"}}


def _dimension_sizes(sheet_id: int, sheet: Sheet) -> list[dict]:
    """Every row back to the default height, then the sheet's row heights; its column widths."""
    requests = [_size(sheet_id, "ROWS", None, None, DEFAULT_ROW_PIXELS)]
    heights = {r: round(points * PIXELS_PER_POINT) for r, points in sheet.row_heights.items()}
    requests += [_size(sheet_id, "ROWS", a, b, px) for a, b, px in _runs(heights)]
    widths = {c: round(width * 7 + 5) for c, width in enumerate(sheet.widths)}  # Excel width units to pixels
    requests += [_size(sheet_id, "COLUMNS", a, b, px) for a, b, px in _runs(widths)]
    return requests


# --- charts ------------------------------------------------------------------------------------------------
def _source(sheet_id: int, chart: Chart, column: int) -> dict:
    """The header cell and the data rows of one column (one range when they touch)."""
    if chart.header_row == chart.first_row - 1:
        sources = [_grid_range(sheet_id, chart.header_row, column, chart.last_row, column)]
    else:
        sources = [
            _grid_range(sheet_id, chart.header_row, column, chart.header_row, column),
            _grid_range(sheet_id, chart.first_row, column, chart.last_row, column),
        ]
    return {"sourceRange": {"sources": sources}}


def add_chart(sheet_id: int, chart: Chart) -> dict:
    """An embedded column (or bar) chart of the chart's block, floating over its anchor cell."""
    axis = "BOTTOM_AXIS" if chart.horizontal else "LEFT_AXIS"
    spec = {
        "title": chart.title,
        "basicChart": {
            "chartType": "BAR" if chart.horizontal else "COLUMN",
            "legendPosition": "BOTTOM_LEGEND",
            "stackedType": "STACKED" if chart.stacked else "NOT_STACKED",
            "headerCount": 1,
            "domains": [{"domain": _source(sheet_id, chart, chart.category_column)}],
            "series": [{"series": _source(sheet_id, chart, c), "targetAxis": axis} for c in chart.series_columns],
        },
    }
    width, height = chart.size
    position = {
        "overlayPosition": {
            "anchorCell": {"sheetId": sheet_id, "rowIndex": chart.anchor[0], "columnIndex": chart.anchor[1]},
            "widthPixels": round(width * PIXELS_PER_CM),
            "heightPixels": round(height * PIXELS_PER_CM),
        }
    }
    return {"addChart": {"chart": {"spec": spec, "position": position}}}


# --- what `init` sets up on the tabs it creates (sync/provision.py) ----------------------------------------
def _label_conditions() -> list[tuple[str, str, Status]]:
    """(condition type, text, status) for every status label and every month-matrix text."""
    conditions = [("TEXT_EQ", status_label(status), status) for status in Status]
    for status, template in texts()["month_cells"].items():
        fixed = template.split("{{")[0].strip()
        conditions.append(("TEXT_STARTS_WITH" if "{{" in template else "TEXT_EQ", fixed, Status(status)))
    return conditions


def _status_colour_rules(sheet_id: int, first_column: int, last_column: int, first_row: int) -> list[dict]:
    """Conditional formats: a cell whose text is a status label gets that status's colour (DOMAIN.md §5)."""
    cells = {
        "sheetId": sheet_id,
        "startRowIndex": first_row,
        "startColumnIndex": first_column,
        "endColumnIndex": last_column + 1,
    }
    return [
        {
            "addConditionalFormatRule": {
                "index": index,
                "rule": {
                    "ranges": [cells],
                    "booleanRule": {
                        "condition": {"type": kind, "values": [{"userEnteredValue": text}]},
                        "format": {"backgroundColor": rgb(COLOURS[status])},
                    },
                },
            }
        }
        for index, (kind, text, status) in enumerate(_label_conditions())
    ]


def header_format(sheet_id: int, row: int = 0, width: int | None = None) -> dict:
    """Bold on a light blue background for the header row `row` (0-based), `width` columns or all."""
    bold = {"userEnteredFormat": {"textFormat": {"bold": True}, "backgroundColor": rgb(HEADER_BACKGROUND)}}
    cells = {"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1}
    if width is not None:
        cells |= {"startColumnIndex": 0, "endColumnIndex": max(width, 1)}
    return {
        "repeatCell": {
            "range": cells,
            "cell": bold,
            "fields": "userEnteredFormat(textFormat,backgroundColor)",
        }
    }


def status_tab_format(sheet_id: int) -> list[dict]:
    """Header format, status colours and a warning-only protection for the status tab `init` creates
    (a sync writes every cell's look itself)."""
    protected = {"range": {"sheetId": sheet_id}, "description": "written by the sync service", "warningOnly": True}
    return [
        header_format(sheet_id, 5),
        *_status_colour_rules(sheet_id, 2, 2, 6),
        {"addProtectedRange": {"protectedRange": protected}},
    ]
