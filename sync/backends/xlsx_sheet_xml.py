"""A `Sheet` as a SpreadsheetML worksheet part, built with lxml (no text pasted into XML).

Text goes in as inline strings (`t="inlineStr"`), so it can never become a formula and the
workbook's shared strings stay as they are. Every field of `Sheet` is rendered: values, named
styles, widths, frozen rows, merges, row heights, font, print setup, links and protection.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from sync.backends.xlsx_styles import DATE, DATE_TIME, MAIN, CellFormat, Styles, q
from sync.model import column_letter
from sync.outputs.sheet import COLOURS, Sheet
from sync.texts import texts

log = logging.getLogger("khoknongna.xlsx")

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MAX_CELL_TEXT = 32_767  # Excel's limit of characters in a cell
SERIAL_EPOCH = dt.datetime(1899, 12, 30)

# What XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF): dropped, as openpyxl does.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text that SpreadsheetML would read as an escaped character (`_x000D_`): its underscore is escaped.
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")

BASE = CellFormat()
NAMED = {
    "title": CellFormat(bold=True, size_step=4, wrap=False),
    "header": CellFormat(bold=True, fill="D9E1F2"),
    "bold": CellFormat(bold=True),
    "link": CellFormat(colour="0563C1", underline=True),
    "warning": CellFormat(bold=True, colour="9C0006"),
}
NAMED.update({status: CellFormat(fill=colour) for status, colour in COLOURS.items()})


@dataclass
class Rendered:
    """A worksheet part, the external targets of its links (relationship ids rId1, rId2, … in order),
    and the rows to print atop every page (1-based, inclusive), if any."""

    xml: bytes
    links: list[str] = field(default_factory=list)
    print_titles: tuple[int, int] | None = None


def cell_text(value: str) -> str:
    """Text as a cell holds it: no characters XML cannot carry, at most Excel's 32,767 characters.

    Longer text is cut with a visible note (never silently); the status renderer keeps cells far
    below this, so this is a last guard.
    """
    text = _ILLEGAL.sub("", value)
    if len(text) > MAX_CELL_TEXT:
        note = texts()["workbook"]["cut_note"]
        log.warning("a cell of %d characters was cut to Excel's limit of %d", len(text), MAX_CELL_TEXT)
        text = text[: MAX_CELL_TEXT - len(note)] + note
    return text


def _serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - SERIAL_EPOCH
        return delta.days + delta.seconds / 86400
    return (value - SERIAL_EPOCH.date()).days


def _number_format(value: Any) -> int:
    if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second):
        return DATE_TIME
    return DATE if isinstance(value, dt.date) else 0


def _format(style: Any, number_format: int) -> CellFormat:
    cell = NAMED.get(style, BASE) if style is not None else BASE
    return CellFormat(**{**cell.__dict__, "number_format": number_format}) if number_format else cell


_ROW, _C, _V, _IS, _T = q("row"), q("c"), q("v"), q("is"), q("t")


def _value(cell: etree._Element, value: Any) -> None:
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, _V).text = "1" if value else "0"
    elif isinstance(value, int | float) and not (isinstance(value, float) and not math.isfinite(value)):
        etree.SubElement(cell, _V).text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, dt.date):
        etree.SubElement(cell, _V).text = repr(float(_serial(value))).removesuffix(".0")
    else:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", cell_text(str(value)))
        cell.set("t", "inlineStr")
        t = etree.SubElement(etree.SubElement(cell, _IS), _T)
        t.text = text
        if text != text.strip() or "\n" in text:
            t.set(XML_SPACE, "preserve")


def render(sheet: Sheet, styles: Styles, *, protect: bool) -> Rendered:
    """The worksheet XML of `sheet`, its cell formats added to `styles`."""
    if sheet.charts:
        raise ValueError(f"{sheet.title}: charts are not written into district workbooks")
    ws = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": R})
    setup = sheet.print_setup
    if setup and setup.fit_width:
        etree.SubElement(etree.SubElement(ws, q("sheetPr")), q("pageSetUpPr"), fitToPage="1")
    cells = {(r, c): v for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if v is not None and v != ""}
    cells.update({rc: None for rc in sheet.styles if rc not in cells})
    last_row = max((r for r, _ in cells), default=0)
    last_col = max((c for _, c in cells), default=0)
    etree.SubElement(ws, q("dimension"), ref=f"A1:{column_letter(last_col)}{last_row + 1}")
    _views(ws, sheet.frozen_rows)
    etree.SubElement(ws, q("sheetFormatPr"), defaultRowHeight="15")
    if sheet.widths:
        cols = etree.SubElement(ws, q("cols"))
        for i, width in enumerate(sheet.widths, start=1):
            etree.SubElement(cols, q("col"), min=str(i), max=str(i), width=_num(width), customWidth="1")
    data = etree.SubElement(ws, q("sheetData"))
    links: list[tuple[str, str]] = []  # (cell, target)
    rows: dict[int, list[int]] = {}
    indices: dict[tuple[Any, int], str] = {}  # (named style, number format): the cell's style index
    for r, c in sorted(cells):
        rows.setdefault(r, []).append(c)
    letters = [column_letter(c) for c in range(last_col + 1)]
    for r in sorted(set(rows) | set(sheet.row_heights)):
        row = etree.SubElement(data, _ROW, r=str(r + 1))
        if r in sheet.row_heights:
            row.attrib.update({"ht": _num(sheet.row_heights[r]), "customHeight": "1"})
        for c in rows.get(r, []):
            value = cells[(r, c)]
            ref = f"{letters[c]}{r + 1}"
            look = (sheet.styles.get((r, c)), _number_format(value))
            if (index := indices.get(look)) is None:
                index = indices[look] = str(styles.index(_format(*look)))
            cell = etree.SubElement(row, _C, r=ref, s=index)
            if value is not None:
                _value(cell, value)
            if sheet.styles.get((r, c)) == "link":
                target = str(sheet.links.get((r, c), value or ""))
                if _URL.match(target):
                    links.append((ref, target))
    if protect or sheet.protected:
        etree.SubElement(ws, q("sheetProtection"), sheet="1", objects="1", scenarios="1")
    if sheet.merges:
        merges = etree.SubElement(ws, q("mergeCells"), count=str(len(sheet.merges)))
        for r1, c1, r2, c2 in sheet.merges:
            ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
            etree.SubElement(merges, q("mergeCell"), ref=ref)
    if links:
        hyperlinks = etree.SubElement(ws, q("hyperlinks"))
        for i, (ref, _) in enumerate(links, start=1):
            etree.SubElement(hyperlinks, q("hyperlink"), {"ref": ref, f"{{{R}}}id": f"rId{i}"})
    etree.SubElement(
        ws, q("pageMargins"), left="0.5", right="0.5", top="0.75", bottom="0.75", header="0.3", footer="0.3"
    )
    titles = None
    if setup:
        orientation = "landscape" if setup.landscape else "portrait"
        page = etree.SubElement(ws, q("pageSetup"), paperSize="9", orientation=orientation)
        if setup.fit_width:
            page.attrib.update({"fitToWidth": "1", "fitToHeight": "0"})
        if setup.repeat_rows:
            titles = (setup.repeat_rows[0] + 1, setup.repeat_rows[1] + 1)
    xml = etree.tostring(ws, xml_declaration=True, encoding="UTF-8", standalone=True)
    return Rendered(xml, [target for _, target in links], titles)


def _views(ws: etree._Element, frozen_rows: int) -> None:
    view = etree.SubElement(etree.SubElement(ws, q("sheetViews")), q("sheetView"), workbookViewId="0")
    if frozen_rows:
        top = f"A{frozen_rows + 1}"
        etree.SubElement(
            view, q("pane"), ySplit=str(frozen_rows), topLeftCell=top, activePane="bottomLeft", state="frozen"
        )
        etree.SubElement(view, q("selection"), pane="bottomLeft", activeCell=top, sqref=top)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
