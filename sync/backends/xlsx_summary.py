"""Sheets the service makes whole with openpyxl: every field of a Sheet (values, styles, merges, row
heights, font, print setup with print titles, links, native charts, protection). The provincial
summary is a workbook of its own; the status tab is a sheet of a district workbook."""

from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sync.atomic import atomic_write
from sync.model import Status
from sync.outputs.sheet import COLOURS, TITLE_STEP, Chart, Sheet

_FILLS = {status: PatternFill("solid", start_color=colour) for status, colour in COLOURS.items()}
_HEADER_FILL = PatternFill("solid", start_color="D9E1F2")
_LINK_COLOUR = "0563C1"
_WARNING_COLOUR = "9C0006"
THAI_DIGITS = "[$-D00041E]#,##0"  # native (Thai) digits, Thai locale: Excel and LibreOffice


def write_workbook(path: Path, sheets: list[Sheet]) -> None:
    """A new workbook of `sheets`, written atomically over `path`."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        fill_sheet(book.create_sheet(sheet.title), sheet)
    atomic_write(path, book.save)


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _font(sheet: Sheet, style: Any) -> Font:
    base = {"name": sheet.font.name, "size": sheet.font.size} if sheet.font else {}
    if style == "title":
        return Font(**{**base, "size": base.get("size", 11) + TITLE_STEP}, bold=True)
    if style in ("header", "bold"):
        return Font(**base, bold=True)
    if style == "warning":
        return Font(**base, bold=True, color=_WARNING_COLOUR)
    if style == "link":
        return Font(**base, color=_LINK_COLOUR, underline="single")
    return Font(**base)


def fill_sheet(ws: Worksheet, sheet: Sheet) -> None:
    """Write a Sheet's values as plain values (text never becomes a formula) and how it looks."""
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for r, row in enumerate(sheet.rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            cell.value = _plain(value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif sheet.thai_digits and isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = THAI_DIGITS
    for r0, c0, r1, c1 in sheet.merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    width = max((len(row) for row in sheet.rows), default=0)
    # A sheet has a handful of looks: each is made once and its style record copied to the cells that
    # share it (setting font, fill and alignment objects per cell costs a style lookup each time).
    looks: dict[tuple, StyleArray] = {}
    for r in range(len(sheet.rows)):
        for c in range(width):
            cell = ws.cell(r + 1, c + 1)
            if isinstance(cell, MergedCell):
                continue
            style = sheet.styles.get((r, c))
            look = (style, isinstance(cell.value, int | float), cell.number_format)
            if (made := looks.get(look)) is not None:
                cell._style = copy(made)
            else:
                cell.font = _font(sheet, style)
                cell.alignment = centred if isinstance(cell.value, int | float) else wrap
                if style == "header":
                    cell.fill = _HEADER_FILL
                elif isinstance(style, Status):
                    cell.fill = _FILLS[style]
                looks[look] = copy(cell._style)
            if style == "link":
                cell.hyperlink = sheet.links.get((r, c), cell.value)
    for c, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, height in sheet.row_heights.items():
        ws.row_dimensions[r + 1].height = height
    if sheet.frozen_rows:
        ws.freeze_panes = ws.cell(sheet.frozen_rows + 1, 1)
    if sheet.print_setup:
        _print_setup(ws, sheet)
    for chart in sheet.charts:
        ws.add_chart(_chart(ws, chart), ws.cell(chart.anchor[0] + 1, chart.anchor[1] + 1).coordinate)
    ws.protection.sheet = sheet.protected


def _print_setup(ws: Worksheet, sheet: Sheet) -> None:
    setup = sheet.print_setup
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if setup.landscape else "portrait"
    if setup.fit_width:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if setup.repeat_rows:
        first, last = setup.repeat_rows
        ws.print_title_rows = f"{first + 1}:{last + 1}"
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "&P / &N"
    for row in sheet.page_breaks:
        ws.row_breaks.append(Break(id=row))  # the break goes after row `row` (1-based), before row + 1


def _chart(ws: Worksheet, spec: Chart) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if spec.horizontal else "col"
    if spec.stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    chart.title = spec.title
    chart.width, chart.height = spec.size
    for i, column in enumerate(spec.series_columns):
        values = Reference(ws, min_col=column + 1, min_row=spec.first_row + 1, max_row=spec.last_row + 1)
        chart.add_data(values, titles_from_data=False)
        series = chart.series[-1]
        series.tx = SeriesLabel(v=str(ws.cell(spec.header_row + 1, column + 1).value))
        if i < len(spec.colours):
            series.graphicalProperties.solidFill = spec.colours[i]
            series.graphicalProperties.line.solidFill = spec.colours[i]
    categories = Reference(ws, min_col=spec.category_column + 1, min_row=spec.first_row + 1, max_row=spec.last_row + 1)
    chart.set_categories(categories)
    if spec.horizontal:
        chart.y_axis.scaling.orientation = "minMax"
        chart.x_axis.scaling.orientation = "maxMin"  # the first category on top, as the table reads
    chart.legend.position = "b"
    return chart
