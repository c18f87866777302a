"""A memo as an editable Word file (.docx), for staff to number, sign and file in their saraban work.

It is built from the memo's own HTML (the same text, items and table as the e-mail and the PDF;
the HTML's classes say what each part is), laid out as the บันทึกข้อความ form of ระเบียบงาน
สารบรรณ: A4, margins 1.5 cm top (first page), 3 cm left, 2 cm right and bottom; the ตราครุฑ 1.5 cm
high at the top left when configured, บันทึกข้อความ centred in 29 pt bold, the field labels in
20 pt bold; TH Sarabun New 16 pt by name for Thai and Latin text alike (Word substitutes a font
where it is not installed; LibreOffice takes its metric twin Laksaman), Thai as the language of
complex-script text so Word breaks Thai lines between words; body paragraphs in Thai distributed
justification; page numbers "- ๒ -" from the second page; the last paragraph, the closing and the
signature kept on one page.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "TH Sarabun New"
SIZE = Pt(16)
TEXT_WIDTH = Cm(16)  # A4 (21 cm) less 3 cm and 2 cm margins
INDENT = Cm(2.5)  # the first line of a paragraph
LABEL = Pt(20)  # the form's field labels: ส่วนราชการ, ที่, วันที่, เรื่อง
SHADES = {"ok": "D9EAD3", "due_soon": "FFF2CC", "late": "FFF2CC", "overdue": "F4CCCC", "incomplete": "F4CCCC",
          "invalid": "F4CCCC", "pending": "EFEFEF", "error": "D9D2E9"}


def _fonts(element, size: Pt | None = None) -> None:
    """TH Sarabun New (and its size) for every script of a run or style's properties (w:rPr)."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(script), FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = element.find(qn(tag))
            if node is None:
                node = OxmlElement(tag)
                element.append(node)
            node.set(qn("w:val"), str(int(size.pt * 2)))


def _setup(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, SIZE
    rpr = normal.element.get_or_add_rPr()
    _fonts(rpr, SIZE)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "th-TH")
    language.set(qn("w:bidi"), "th-TH")
    rpr.append(language)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = document.sections[0]
    section.orientation, section.page_width, section.page_height = WD_ORIENT.PORTRAIT, Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance = Cm(1)
    section.different_first_page_header_footer = True
    _page_numbers(section)


def _page_numbers(section) -> None:
    """'- ๒ -' centred at the top of every page but the first (pgNumType thaiNumbers: Thai digits in Word;
    LibreOffice 7.4 shows them as 2)."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "๒"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" -")
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:fmt"), "thaiNumbers")
    section._sectPr.append(numbering)


def _run(paragraph, text: str, *, bold: bool = False, size: Pt | None = None, color: RGBColor | None = None):
    run = paragraph.add_run(text)
    if bold:  # Thai is a complex script: its bold is w:bCs
        run.bold = True
        run._r.get_or_add_rPr().append(OxmlElement("w:bCs"))
    if size is not None:
        run.font.size = size
        _fonts(run._r.get_or_add_rPr(), size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _head(document, head, garuda: Path | None) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER)
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    if garuda:
        paragraph.add_run().add_picture(str(garuda), height=Cm(1.5))
    _run(paragraph, "\t")
    _run(paragraph, _text(head.find("h1")), bold=True, size=Pt(29))
    draft = head.find_class("draft")
    if draft:
        _run(paragraph, "\t")
        _run(paragraph, _text(draft[0]), bold=True, size=Pt(24), color=RGBColor(0xBB, 0, 0))


def _field(paragraph, field, size: Pt | None = LABEL) -> None:
    """'<b>เรื่อง</b> …' as the label in bold (20 pt for the form's fields) and the text after it."""
    label = field.find("b")
    _run(paragraph, label.text_content(), bold=True, size=size)
    _run(paragraph, " " + " ".join((label.tail or "").split()))


def _fields_row(document, table) -> None:
    """ที่ … and วันที่ … on one line, วันที่ at the middle of the line."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH // 2)
    for i, field in enumerate(table.iter("p")):
        if i:
            _run(paragraph, "\t")
        _field(paragraph, field)


def _body(document, element, *, keep_with_next: bool = False):
    paragraph = document.add_paragraph(_text(element))
    paragraph.paragraph_format.first_line_indent = INDENT
    paragraph.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
    paragraph.paragraph_format.keep_with_next = keep_with_next or None
    return paragraph


def _numbered(document, element, left: Cm, hang: Cm) -> None:
    """An item (๑. …) or a sub-item (๑.๑ …): its number hanging, the text aligned after it."""
    number = element.find_class("num")[0]
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = left + hang
    paragraph.paragraph_format.first_line_indent = -hang
    paragraph.paragraph_format.tab_stops.add_tab_stop(left + hang)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
    _run(paragraph, _text(number) + "\t")
    _run(paragraph, _text(element).removeprefix(_text(number)).strip())


def _widths(columns: int) -> list[Cm]:
    """The name column, the status columns, the count: the text width in all."""
    name, count = Cm(2.8), Cm(1.4)
    status = (TEXT_WIDTH - name - count) // max(columns - 2, 1)
    return [name] + [status] * (columns - 2) + [count]


def _table_style(document):
    """A paragraph style for table cells: TH Sarabun New 11 pt (set once, not on every run)."""
    style = document.styles.add_style("Memo table", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    _fonts(style.element.get_or_add_rPr(), Pt(11))
    return style


def _grid(document, table) -> None:
    rows = table.findall(".//tr")
    grid = document.add_table(rows=0, cols=len(rows[0]))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins: a status fits its column on one line
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "45")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    grid._tbl.tblPr.append(margins)
    for column, width in zip(grid.columns, _widths(len(rows[0])), strict=True):
        column.width = width  # new rows' cells take these widths
    style = _table_style(document)
    template = None
    for r, row in enumerate(rows):
        if r < 2:
            added = _styled_row(grid, row, style, header=r == 0)._tr
            template = added if r == 1 else None
        else:  # a copy of the first row, filled in: python-docx takes half a millisecond a cell
            added = copy.deepcopy(template)
            grid._tbl.append(added)
        for tc, source in zip(added.tc_lst, row, strict=True):
            tc.xpath(".//w:t")[0].text = _text(source)
            tc.xpath("./w:tcPr/w:shd")[0].set(qn("w:fill"), _shade(source, header=r == 0))


def _shade(source, header: bool) -> str:
    return next((SHADES[c[2:]] for c in source.classes if c[2:] in SHADES), "EEEEEE" if header else "FFFFFF")


def _styled_row(grid, row, style, header: bool):
    added = grid.add_row()
    properties = added._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))  # a row stays on one page
    if header:  # the header row repeats on every page
        properties.append(OxmlElement("w:tblHeader"))
    for cell, source in zip(added.cells, row, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if "name" in source.classes else WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, _text(source), bold=header)
        fill = OxmlElement("w:shd")
        fill.set(qn("w:val"), "clear")
        fill.set(qn("w:fill"), _shade(source, header))
        cell._tc.get_or_add_tcPr().append(fill)
    return added


def _closing(document, closing) -> None:
    """The last paragraph, the closing and the signature: kept together on one page, with the end of
    what comes before them (the last paragraph, or the last row of the table)."""
    body = document.element.body
    before = body[-2] if body[-1].tag == qn("w:sectPr") else body[-1]
    if before.tag == qn("w:tbl"):
        before = before.findall(qn("w:tr"))[-1]
    for paragraph in before.iter(qn("w:p")):
        paragraph.get_or_add_pPr().keepNext_val = True
    for element in closing.findall("p"):
        _body(document, element, keep_with_next=True)
    lines = closing.find_class("signature")[0].findall("p")
    document.add_paragraph().paragraph_format.keep_with_next = True  # room for the signature
    document.add_paragraph().paragraph_format.keep_with_next = True
    for i, line in enumerate(lines):
        paragraph = document.add_paragraph(_text(line))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.left_indent = Cm(5.5)
        paragraph.paragraph_format.keep_with_next = i < len(lines) - 1 or None


def render_docx(html: str, garuda: Path | None = None) -> bytes:
    """The .docx of a memo's HTML (memos.Memo.html); `garuda`: the ตราครุฑ image (PNG or JPEG)."""
    page = lxml.html.fromstring(html)
    body = page.find("body")
    document = Document()
    _setup(document)
    document.core_properties.title = _text(page.find(".//title"))
    document.core_properties.author = page.find(".//meta[@name='author']").get("content", "")
    for element in body:
        classes = element.classes
        if "head" in classes:
            _head(document, element, garuda)
        elif "fields" in classes:
            _fields_row(document, element)
        elif "field" in classes:
            _field(document.add_paragraph(), element)
        elif "addressee" in classes:  # เรียน: bold, the body's size
            _field(document.add_paragraph(), element, size=None)
        elif "para" in classes:
            _body(document, element)
        elif "items" in classes:
            for item in element:
                nested = "line" in item.classes
                _numbered(document, item, INDENT + (Cm(1) if nested else Cm(0)), Cm(1.2 if nested else 1))
        elif "grid" in classes:
            _grid(document, element)
        elif "closing" in classes:
            _closing(document, element)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
