"""The status tab and the provincial summary as a reader's program opens them (read back with openpyxl):
merged notes, row heights that fit the text, the officers' font, A4 print setup, totals, the data
date, Thai labels instead of rule ids, links, charts and Thai digits."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from click.testing import CliRunner
from pythainlp.tokenize import word_tokenize

from cli import cli
from rules import registry
from sync.backends.xlsx_summary import THAI_DIGITS
from sync.config import load_config
from sync.outputs.sheet import CELL_LIMIT

AS_OF = "2025-01-21"
STATUS = "สถานะ (อัตโนมัติ)"
PREFIXES = "|".join({"data", "source"} | {r.split(".")[0] for r in registry()})
RULE_ID = re.compile(rf"\b(?:{PREFIXES})\.[a-z_]+")
FONTS = sorted(Path("/usr/share/fonts").rglob("Laksaman.ttf"))


@pytest.fixture(scope="module")
def synced(tmp_path_factory, demo_master):
    """The demo after one sync: (config, the district workbooks, the summary)."""
    import shutil

    from tests.conftest import write_config

    folder = tmp_path_factory.mktemp("layout")
    shutil.copytree(demo_master, folder / "workbooks")
    config_path = write_config(folder, folder / "workbooks")
    result = CliRunner().invoke(cli, ["sync", "--config", str(config_path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    config = load_config(config_path)
    books = {p.name[:4]: openpyxl.load_workbook(p) for p in sorted((folder / "workbooks").glob("*.xlsx"))}
    return config, books, openpyxl.load_workbook(config.outputs.summary)


@cache
def _font(size_px: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS[0]), size_px)


def measured_lines(text: str, width: float, size: float) -> int:
    """Lines `text` really takes in a column `width` units wide (7 px each) at `size` points, laid out
    word by word in Laksaman (the font LibreOffice gives TH Sarabun New)."""
    font = _font(round(size * 96 / 72))
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in word_tokenize(paragraph, engine="newmm", keep_whitespace=True):
            advance = font.getlength(word)
            if used and used + advance > width * 7 and not word.isspace():
                lines, used = lines + 1, 0.0
            used += advance
    return lines


def line_height_pt(size: float) -> float:
    from fontTools.ttLib import TTFont

    hhea = TTFont(str(FONTS[0]))["hhea"]
    return size * (hhea.ascent - hhea.descent) / 1000


def _spans(ws) -> dict[str, tuple[int, float]]:
    """Top-left cell of each merged range → (rows it spans, width in units)."""
    spans = {}
    for merged in ws.merged_cells.ranges:
        width = sum(
            ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
            for c in range(merged.min_col, merged.max_col + 1)
        )
        spans[ws.cell(merged.min_row, merged.min_col).coordinate] = (merged.max_row - merged.min_row + 1, width)
    return spans


def assert_rows_fit(ws) -> None:
    """Every row has an explicit height, and every cell's text fits its row(s)."""
    if not FONTS:
        pytest.skip("fonts-thai-tlwg (Laksaman) is not installed: cannot measure Thai text")
    spans = _spans(ws)
    for row in ws.iter_rows():
        height = ws.row_dimensions[row[0].row].height
        assert height, f"{ws.title}: row {row[0].row} has no explicit height"
        for cell in row:
            if cell.value is None or isinstance(cell, openpyxl.cell.cell.MergedCell):
                continue
            rows, width = spans.get(cell.coordinate, (1, ws.column_dimensions[cell.column_letter].width))
            total = sum(ws.row_dimensions[r].height for r in range(cell.row, cell.row + rows))
            needed = measured_lines(cell.value, width, cell.font.sz) * line_height_pt(cell.font.sz)
            assert total >= needed, f"{ws.title}!{cell.coordinate}: {total} pt < {needed:.1f} pt for {cell.value!r}"


def visible_text(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_the_status_tab_merges_notes_and_sizes_every_row(synced):
    _, books, _ = synced
    for code in ("5702", "5706", "5709", "5718"):
        ws = books[code][STATUS]
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert {"A1:E1", "A2:E2", "A4:E4", "A5:E5"} <= merged, code
        assert_rows_fit(ws)


def test_the_status_tab_uses_the_officers_font_prints_on_a4_and_is_protected(synced):
    config, books, _ = synced
    ws = books["5706"][STATUS]
    fonts = {(c.font.name, c.font.sz) for row in ws.iter_rows() for c in row if c.value is not None}
    assert {name for name, _ in fonts} == {config.outputs.font.name} == {"TH Sarabun New"}
    assert min(size for _, size in fonts) == 14
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$6:$6" and [c.value for c in ws[6]] == [
        "ข้อ",
        "เรื่อง",
        "สถานะ",
        "รายละเอียด",
        "ตำแหน่งเซลล์",
    ]
    assert ws.protection.sheet
    for name in books["5706"].sheetnames[:-1]:  # officers' sheets keep their own fonts
        assert all(
            c.font.name != "TH Sarabun New" or c.value is None for row in books["5706"][name].iter_rows() for c in row
        )


def test_the_status_tab_shows_one_line_per_cause(synced):
    _, books, _ = synced
    ws = books["5706"][STATUS]
    details = [r[3] for r in ws.iter_rows(min_row=7, values_only=True)]
    assert "ตรวจข้อ ๗ ไม่ได้: แท็บ ส่งเอกสารจังหวัด ไม่มีคอลัมน์ วันที่ส่ง (กำหนดส่ง ๓๑ ธ.ค. ๒๕๖๗)" in details
    assert not [d for d in details if d and "ยังไม่ส่งเอกสาร" in d]
    assert ws["A4"].value == "สถานะรวม: ยังไม่ครบ · ต้องดำเนินการ ๓ เรื่อง"
    assert not [t for t in visible_text(ws) if RULE_ID.search(t)]


def test_an_as_of_date_outside_the_fiscal_year_is_warned_about_in_the_status_tab(demo):
    CliRunner().invoke(cli, ["sync", "--config", str(demo), "--as-of", "2025-11-03", "--no-email"])
    workbook = next(load_config(demo).backend.workbooks.glob("5701*.xlsx"))
    warning = openpyxl.load_workbook(workbook)[STATUS]["A5"]
    assert warning.value.startswith("คำเตือน: ข้อมูล ณ วันที่ ๓ พฤศจิกายน ๒๕๖๘ อยู่นอกปีงบประมาณ พ.ศ. ๒๕๖๘")
    assert warning.font.b and warning.font.color.rgb.endswith("9C0006")


def test_the_summary_heading_totals_labels_and_digits(synced):
    _, _, book = synced
    ws = book["สรุปรายอำเภอ"]
    assert ws["A2"].value.startswith("ข้อมูล ณ วันที่ ๒๑ มกราคม ๒๕๖๘ · ตรวจเมื่อ ")
    header = [c.value for c in ws[4]]
    districts = list(ws.iter_rows(min_row=5, max_row=21, values_only=True))
    totals_row = next(r for r in range(22, ws.max_row + 1) if ws.cell(r, 1).value == "ข้อ")
    groups = [c.value for c in ws[totals_row]][3:8]
    assert groups == ["ผ่าน", "ส่งล่าช้า", "ยังไม่ถึงกำหนด", "ต้องดำเนินการ", "ตรวจสอบไม่ได้"]
    action = {"ใกล้ครบกำหนด", "เกินกำหนด", "ยังไม่ครบ"}
    for item in range(1, 9):
        row = [c.value for c in ws[totals_row + item]]
        cells = [d[header.index(f"ข้อ {'๐๑๒๓๔๕๖๗๘'[item]}")] for d in districts]
        assert row[3:8] == [
            cells.count("ผ่าน"),
            cells.count("ส่งล่าช้า"),
            cells.count("ยังไม่ถึงกำหนด"),
            sum(c in action for c in cells),
            sum(c in ("ข้อมูลไม่ถูกต้อง", "ตรวจสอบไม่ได้") for c in cells),
        ]
        assert sum(row[3:8]) == 17
        assert all(ws.cell(totals_row + item, c).number_format == THAI_DIGITS for c in range(4, 9))
    # ต้องดำเนินการ agrees with the item cells: zero exactly when no item cell needs action
    needs = header.index("ต้องดำเนินการ")
    for d in districts:
        assert (d[needs] == 0) == (not any(c in action | {"ข้อมูลไม่ถูกต้อง"} for c in d[3:11])), d
    for sheet in book.worksheets:
        assert not [t for t in visible_text(sheet) if RULE_ID.search(t)], sheet.title
        assert max(map(len, visible_text(sheet))) < CELL_LIMIT
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.orientation == "landscape"
        fonts = {c.font.name for row in sheet.iter_rows() for c in row if c.value is not None}
        assert fonts == {"TH Sarabun New"}, sheet.title
    history = book["ประวัติการตรวจ"]
    started, finished, as_of = (history.cell(2, c).value for c in (1, 2, 3))
    assert as_of == "๒๑ ม.ค. ๒๕๖๘" and not re.search(r"[0-9]", started + finished)
    assert history.cell(2, 4).number_format == THAI_DIGITS


def test_the_summary_links_open_the_district_workbooks_relative_to_the_summary(synced):
    config, _, book = synced
    ws = book["สรุปรายอำเภอ"]
    column = [c.value for c in ws[4]].index("ลิงก์") + 1
    targets = [ws.cell(r, column).hyperlink.target for r in range(5, 22)]
    assert all(not t.startswith(("file:", "/")) for t in targets)
    folder = Path(config.outputs.summary).parent
    assert all((folder / unquote(t)).resolve().is_file() for t in targets)
    assert {ws.cell(r, column).value for r in range(5, 22)} == {"เปิดสเปรดชีต"}


def test_the_summary_has_native_charts_and_row_heights_that_fit(synced):
    _, _, book = synced
    for title in ("สรุปรายอำเภอ", "รายงานรายเดือน"):
        [chart] = book[title]._charts
        assert len(chart.series) == 5
    for title in ("สรุปรายอำเภอ", "ปัญหาข้อมูล", "ประวัติการตรวจ"):
        assert_rows_fit(book[title])
