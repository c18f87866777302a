"""The zip-level status writer: nothing in an officer's workbook changes but the status tab's own parts
and the index parts that must name it, whoever made the workbook (openpyxl, LibreOffice, Excel with
macros), and the status tab looks the way the Sheet says."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from sync.backends.xlsx import XlsxBackend
from sync.backends.xlsx_package import write_tab
from sync.backends.xlsx_sheet_xml import MAX_CELL_TEXT
from sync.model import Status
from sync.outputs.sheet import Font, PrintSetup, Sheet
from sync.pipeline import run_sync, select_districts
from sync.schema import STATUS
from tests import officer_workbooks as officer
from tests.conftest import AS_OF, REPO

INDEX_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/app.xml"}


def status_parts(members: dict[str, bytes]) -> set[str]:
    """The worksheet part of the status tab and its relationships part, found through the workbook."""
    from lxml import etree

    workbook = etree.fromstring(members["xl/workbook.xml"])
    rels = etree.fromstring(members["xl/_rels/workbook.xml.rels"])
    ns = {"m": officer.MAIN}
    [entry] = [s for s in workbook.iterfind("m:sheets/m:sheet", ns) if s.get("name") == STATUS]
    rel_id = entry.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    [target] = [r.get("Target") for r in rels if r.get("Id") == rel_id]
    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    folder, name = part.rsplit("/", 1)
    return {part, f"{folder}/_rels/{name}.rels"}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}


def sync_one(config, as_of: dt.date = AS_OF):
    outcome = run_sync(config, as_of, select_districts(config, ["5702"]), email=False)
    assert outcome.status_failed == []
    return outcome


@pytest.fixture
def workbook(config) -> Path:
    return officer.build(Path(config.backend.workbooks) / "5702 เวียงชัย.xlsx")


def test_a_first_sync_and_a_status_change_leave_every_officer_part_byte_identical(config, workbook):
    before = officer.members(workbook)
    assert {"xl/media/image1.png", "xl/charts/chart1.xml", "xl/comments/comment1.xml", "customXml/item1.xml"} <= set(
        before
    )
    assert sync_one(config).status_written == ["5702"]
    first = officer.members(workbook)
    ours = status_parts(first)
    assert changed(before, first) <= ours | INDEX_PARTS | {"xl/styles.xml"}
    assert set(before) <= set(first), "no member is ever dropped"
    assert b"sparklineGroup" in first["xl/worksheets/sheet1.xml"]

    assert sync_one(config, as_of=dt.date(2025, 6, 1)).status_written == ["5702"]  # another day: other statuses
    second = officer.members(workbook)
    assert changed(first, second) <= ours | {"xl/styles.xml"}
    assert changed(first, second) & ours, "the status tab did change"

    assert sync_one(config, as_of=dt.date(2025, 6, 1)).status_unchanged == ["5702"]
    assert officer.members(workbook) == second


def test_macros_survive_in_an_xlsm_named_in_the_configuration(tmp_path, workbook):
    from sync.config import load_config
    from tests.conftest import write_config

    folder = workbook.parent
    macro = officer.make_macro_enabled(workbook, folder / "เวียงชัย 2568.xlsm")
    workbook.unlink()
    config = load_config(
        write_config(tmp_path, folder, 'districts: [{code: "5702", name: เวียงชัย, spreadsheet: "เวียงชัย 2568.xlsm"}]\n')
    )
    before = officer.members(macro)
    sync_one(config)
    after = officer.members(macro)
    assert after["xl/vbaProject.bin"] == officer.VBA_PROJECT
    assert changed(before, after) <= status_parts(after) | INDEX_PARTS | {"xl/styles.xml"}
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert [p.name for p in folder.iterdir()] == ["เวียงชัย 2568.xlsm"]


@pytest.mark.skipif(officer.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_saved_by_libreoffice_keeps_every_part(tmp_path, config, workbook):
    converted = officer.libreoffice_convert(workbook, tmp_path / "lo")
    shutil.move(converted, workbook)
    before = officer.members(workbook)
    sync_one(config)
    after = officer.members(workbook)
    assert changed(before, after) <= status_parts(after) | INDEX_PARTS | {"xl/styles.xml"}
    reread = CalamineWorkbook.from_path(str(workbook))
    assert reread.sheet_names[-1] == STATUS
    assert reread.get_sheet_by_name("คณะทำงานขับเคลื่อน").to_python()[1][:2] == ["นายสมชาย ใจดี", "ประธาน"]


def test_the_status_tab_stays_where_it_was_and_a_lookalike_officer_tab_is_left_alone(config):
    path = Path(config.backend.workbooks) / "5702 เวียงชัย.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "คณะทำงานขับเคลื่อน"
    book.create_sheet(STATUS).append(["ผลเก่า"])
    book.create_sheet("สถานะ(อัตโนมัติ)").append(["บันทึกของเจ้าหน้าที่", "ห้ามลบ"])
    book.create_sheet("รายงานรายเดือน")
    book.save(path)
    outcome = sync_one(config)
    reread = CalamineWorkbook.from_path(str(path))
    assert reread.sheet_names == ["คณะทำงานขับเคลื่อน", STATUS, "สถานะ(อัตโนมัติ)", "รายงานรายเดือน"]
    assert reread.get_sheet_by_name("สถานะ(อัตโนมัติ)").to_python() == [["บันทึกของเจ้าหน้าที่", "ห้ามลบ"]]
    assert reread.get_sheet_by_name(STATUS).to_python()[0][0] != "ผลเก่า"
    [finding] = [f for f in outcome.report.districts[0].findings if f.rule == "data.lookalike_status_tab"]
    assert finding.cells == ["สถานะ(อัตโนมัติ)!A1"]
    assert "ไม่ใช่แท็บสถานะของระบบ" in finding.message


def test_the_status_tab_looks_the_way_the_sheet_says(tmp_path):
    source = tmp_path / "book.xlsx"
    officer.build(source)
    sheet = Sheet(
        STATUS,
        [["สถานะ อำเภอเวียงชัย"], ["=HYPERLINK(\"http://x\")", 12, 2.5], ["ผ่าน"], ["https://example.org/ก"]],
        styles={(0, 0): "title", (1, 0): "header", (2, 0): Status.OK, (3, 0): "link", (1, 1): "bold"},
        widths=[30, 12],
        frozen_rows=2,
        merges=[(0, 0, 0, 2)],
        row_heights={0: 30.5},
        font=Font("TH Sarabun New", 16),
        print_setup=PrintSetup(landscape=True, fit_width=True, repeat_rows=(0, 1)),
        protected=True,
    )
    path = tmp_path / "out.xlsx"
    path.write_bytes(write_tab(source.read_bytes(), sheet))
    ws = openpyxl.load_workbook(path)[STATUS]
    assert ws["A2"].value == '=HYPERLINK("http://x")' and ws["A2"].data_type == "s"
    assert (ws["B2"].value, ws["C2"].value) == (12, 2.5)
    assert ws["A1"].font.b and ws["A1"].font.sz == 20 and ws["A1"].font.name == "TH Sarabun New"
    assert ws["B2"].font.b and ws["B2"].font.sz == 16
    assert ws["A2"].fill.fgColor.rgb == "FFD9E1F2" and ws["A3"].fill.fgColor.rgb == "FFC6EFCE"
    assert ws["A4"].hyperlink.target == "https://example.org/ก" and ws["A4"].font.u == "single"
    assert ws["A3"].alignment.wrap_text and ws["A3"].alignment.vertical == "top"
    assert ws.column_dimensions["A"].width == 30 and ws.row_dimensions[1].height == 30.5
    assert ws.freeze_panes == "A3" and [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert ws.protection.sheet
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"


def test_styles_are_appended_once_and_existing_indices_keep_their_meaning(tmp_path):
    source = tmp_path / "book.xlsx"
    officer.build(source)
    original = officer.members(source)["xl/styles.xml"]
    a = Sheet(STATUS, [["ก"], ["ข"]], styles={(0, 0): "title", (1, 0): Status.OVERDUE})
    b = Sheet(STATUS, [["ค"], ["ง"]], styles={(0, 0): "title", (1, 0): Status.OK})
    once = write_tab(source.read_bytes(), a)
    twice = write_tab(write_tab(once, b), a)
    styles = officer.members(twice)["xl/styles.xml"]
    assert styles != original
    assert write_tab(twice, b) and officer.members(write_tab(twice, b))["xl/styles.xml"] == styles
    before = openpyxl.load_workbook(source)["คณะทำงานขับเคลื่อน"]
    after = openpyxl.load_workbook(_saved(tmp_path, twice))["คณะทำงานขับเคลื่อน"]
    for row in before.iter_rows():
        for cell in row:
            other = after[cell.coordinate]
            looks = [repr(x) for x in (cell.font, cell.fill, cell.number_format, cell.alignment)]
            assert [repr(x) for x in (other.font, other.fill, other.number_format, other.alignment)] == looks


def _saved(folder: Path, data: bytes) -> Path:
    path = folder / "saved.xlsx"
    path.write_bytes(data)
    return path


def test_a_cell_past_excels_limit_is_cut_visibly_never_silently(tmp_path):
    source = tmp_path / "book.xlsx"
    officer.build(source)
    data = write_tab(source.read_bytes(), Sheet(STATUS, [["ก" * 40_000, "_x0041_ ตามที่พิมพ์"]]))
    [[long, escaped]] = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(STATUS).to_python()
    assert len(long) == MAX_CELL_TEXT and long.endswith("ตัดเหลือ ๓๒,๗๖๗ ตัวอักษร]")
    assert escaped == "_x0041_ ตามที่พิมพ์", "text that looks like an OOXML escape is kept as typed"


KILLER = """
import sys, datetime as dt
from sync.backends.xlsx import XlsxBackend
from sync.config import load_config
from sync.outputs.sheet import Sheet
config = load_config(sys.argv[1])
backend = XlsxBackend(config)
district = config.district("5702")
rows = [[f"แถว {i}", "ข้อความยาว " * 40] for i in range(3000)]
print("ready", flush=True)
for n in range(10_000):
    sheet = Sheet("สถานะ (อัตโนมัติ)", [[f"รอบ {n}"], *rows])
    backend.write_status(district, backend.read(district), sheet)
"""


def test_kill_9_during_the_write_leaves_the_old_file_or_the_new_one(config_path, config, workbook):
    officer_parts = {n: d for n, d in officer.members(workbook).items() if n.startswith(("xl/media", "xl/charts"))}
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for delay in (0.4, 0.9, 1.5):
        child = subprocess.Popen([sys.executable, "-c", KILLER, str(config_path)], env=env, stdout=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        members = officer.members(workbook)  # a complete zip, whichever it is
        assert {n: members[n] for n in officer_parts} == officer_parts
        book = CalamineWorkbook.from_path(str(workbook))
        assert book.get_sheet_by_name("คณะทำงานขับเคลื่อน").to_python()[1][0] == "นายสมชาย ใจดี"
        if STATUS in book.sheet_names:
            assert book.get_sheet_by_name(STATUS).to_python()[0][0].startswith("รอบ ")
    leftovers = list(workbook.parent.glob(".*.tmp"))
    XlsxBackend(config).read(config.district("5702"))  # a leftover temporary file is no workbook
    assert all(p.name.startswith(f".{workbook.name}.") for p in leftovers)


class _Stream(io.RawIOBase):
    """An output zipfile cannot seek in: it writes each member's sizes in a data descriptor after it."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def _stored(data: bytes) -> dict[str, bytes]:
    """Each member as stored: its compressed bytes, with its CRC and sizes."""
    import struct
    import zipfile

    stored = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            header = data[info.header_offset : info.header_offset + zipfile.sizeFileHeader]
            fields = struct.unpack(zipfile.structFileHeader, header)
            start = info.header_offset + zipfile.sizeFileHeader + fields[10] + fields[11]
            stored[info.filename] = b"%d:%d:" % (info.CRC, info.file_size) + data[start : start + info.compress_size]
    return stored


@pytest.mark.parametrize("descriptors", [False, True], ids=["plain", "data-descriptors"])
def test_unchanged_members_are_copied_as_stored_never_recompressed(tmp_path, descriptors):
    import zipfile

    data = officer.build(tmp_path / "5702.xlsx").read_bytes()
    if descriptors:  # as a streaming writer stores them
        stream = _Stream()
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, zin.read(info), compresslevel=1)
        data = bytes(stream.data)
        assert all(i.flag_bits & 0x08 for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    new = write_tab(data, Sheet(title=STATUS, rows=[["สถานะ"]]))
    with zipfile.ZipFile(io.BytesIO(new)) as z:
        assert z.testzip() is None  # every member's CRC checks
    before, after = _stored(data), _stored(new)
    same = {n for n in before if n not in INDEX_PARTS | {"xl/styles.xml"}}
    assert same and all(after[n] == before[n] for n in same)
    assert CalamineWorkbook.from_filelike(io.BytesIO(new)).get_sheet_by_name(STATUS).to_python() == [["สถานะ"]]
