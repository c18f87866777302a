"""The local .xlsx backend: finding workbooks, reading, and writing only the status tab, atomically."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sync.backends import SourceUnreadable, WriteConflict
from sync.backends.xlsx import XlsxBackend
from sync.config import load_config
from sync.outputs.sheet import Sheet
from tests.conftest import save_workbook, snapshot, write_config


@pytest.fixture
def backend(config):
    return XlsxBackend(config)


def test_workbook_found_by_district_code_at_the_start_of_the_name(config, backend):
    folder = Path(config.backend.workbooks)
    save_workbook(folder / "5702 เวียงชัย.xlsx", {"a": [["x"]]})
    save_workbook(folder / "5703.xlsx", {"a": [["x"]]})
    save_workbook(folder / "57020 other.xlsx", {"a": [["x"]]})
    assert backend.locate(config.district("5702")).name == "5702 เวียงชัย.xlsx"
    assert backend.locate(config.district("5703")).name == "5703.xlsx"
    with pytest.raises(SourceUnreadable, match="no workbook for district 5704 เทิง"):
        backend.locate(config.district("5704"))


def test_configured_file_name_wins(tmp_path):
    extra = 'districts: [{code: "5702", name: เวียงชัย, spreadsheet: "wiang chai 2568.xlsx"}]\n'
    config = load_config(write_config(tmp_path, tmp_path, extra))
    save_workbook(tmp_path / "wiang chai 2568.xlsx", {"a": [["x"]]})
    assert XlsxBackend(config).locate(config.district("5702")).name == "wiang chai 2568.xlsx"


def test_corrupt_workbook_is_unreadable_naming_the_file(config, backend):
    path = Path(config.backend.workbooks) / "5702 เวียงชัย.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(SourceUnreadable, match="5702 เวียงชัย.xlsx: not a readable .xlsx workbook"):
        backend.read(config.district("5702"))


def _officer_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "คณะทำงานขับเคลื่อน"
    sheet.append(["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "ภาคี", "งบ"])
    sheet.append(["นายสมชาย ใจดี", "ประธาน", "ภาครัฐ", 100])
    sheet.append(["นางสมศรี ดีใจ", "คณะทำงาน", "ภาคเอกชน", 250.5])
    sheet["D4"] = "=SUM(D2:D3)"
    sheet["A1"].font = Font(bold=True, color="FF0000")
    sheet["A1"].fill = PatternFill("solid", start_color="FFFF00")
    sheet["B2"].number_format = "@"
    sheet.column_dimensions["A"].width = 33
    sheet.freeze_panes = "A2"
    validation = DataValidation(type="list", formula1='"ภาครัฐ,ภาคเอกชน"', allow_blank=True)
    sheet.add_data_validation(validation)
    validation.add("C2:C50")
    other = book.create_sheet("รายงานรายเดือน")
    other.append(["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"])
    other.append(["ธ.ค. 2567", dt.datetime(2567, 12, 20), "อบรม"])
    book.save(path)


def test_status_write_keeps_every_officer_cell_and_replaces_the_status_tab(config, backend):
    path = Path(config.backend.workbooks) / "5702 เวียงชัย.xlsx"
    _officer_workbook(path)
    before = snapshot(path)
    district = config.district("5702")
    backend.write_status(district, backend.read(district), Sheet("สถานะ (อัตโนมัติ)", [["เก่า"]]))
    backend.write_status(district, backend.read(district), Sheet("สถานะ (อัตโนมัติ)", [["ใหม่"], ["=1+1"]]))
    assert snapshot(path) == before
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["คณะทำงานขับเคลื่อน", "รายงานรายเดือน", "สถานะ (อัตโนมัติ)"]
    status = book["สถานะ (อัตโนมัติ)"]
    assert [c.value for c in status["A"]] == ["ใหม่", "=1+1"]
    assert status["A2"].data_type == "s", "text from a spreadsheet must never become a formula"
    assert list(path.parent.glob(".*.tmp")) == []


def test_status_write_refuses_when_the_workbook_changed_since_it_was_read(config, backend):
    path = Path(config.backend.workbooks) / "5702 เวียงชัย.xlsx"
    _officer_workbook(path)
    district = config.district("5702")
    raw = backend.read(district)
    book = openpyxl.load_workbook(path)
    book.active["A5"] = "นายใหม่ พิมพ์ระหว่างตรวจ"
    book.save(path)
    edited = path.read_bytes()
    with pytest.raises(WriteConflict, match="changed since it was read"):
        backend.write_status(district, raw, Sheet("สถานะ (อัตโนมัติ)", [["x"]]))
    assert path.read_bytes() == edited


def test_summary_is_written_atomically_with_its_tabs(config, backend):
    location = backend.write_summary([Sheet("ก", [["หัว"], ["=HYPERLINK(\"x\")"]]), Sheet("ข", [[1]])])
    book = openpyxl.load_workbook(location)
    assert book.sheetnames == ["ก", "ข"]
    assert book["ก"]["A2"].data_type == "s"
