"""The local .xlsx backend: finding workbooks, reading, and writing only the status tab, atomically."""

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sync.backends import SourceUnreadable, WriteConflict
from sync.backends.xlsx import XlsxBackend
from sync.config import load_config
from sync.outputs.sheet import Sheet
from tests.conftest import AS_OF, save_workbook, snapshot, write_config


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


# --- which files the folder holds ------------------------------------------------------------------
def _folder(config) -> Path:
    return Path(config.backend.workbooks)


def test_lock_and_temporary_files_are_ignored(config, backend):
    folder = _folder(config)
    save_workbook(folder / "5702 เวียงชัย.xlsx", {"a": [["x"]]})
    for name in ("~$5702 เวียงชัย.xlsx", ".~lock.5702 เวียงชัย.xlsx#", ".5702 เวียงชัย.xlsx.k3j.tmp", "5702 old.xlsx~"):
        (folder / name).write_bytes(b"lock")
    assert backend.locate(config.district("5702")).name == "5702 เวียงชัย.xlsx"


def test_the_folder_is_listed_once_per_run_not_once_per_district(config, monkeypatch):
    import os

    folder = _folder(config)
    for district in config.districts:
        save_workbook(folder / f"{district.code} {district.name}.xlsx", {"a": [["x"]]})
    listings = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listings.append(path) or real(path))
    backend = XlsxBackend(config)
    assert [backend.locate(d).name for d in config.districts] == [f"{d.code} {d.name}.xlsx" for d in config.districts]
    assert len(listings) == 1


def test_district_codes_need_not_be_numeric(tmp_path):
    extra = 'districts: [{code: "BKK01", name: พระนคร}, {code: "BKK010", name: ทดสอบ}]\n'
    config = load_config(write_config(tmp_path, tmp_path, extra))
    save_workbook(tmp_path / "BKK01 พระนคร.xlsx", {"a": [["x"]]})
    save_workbook(tmp_path / "bkk010.xlsx", {"a": [["x"]]})
    backend = XlsxBackend(config)
    assert backend.locate(config.district("BKK01")).name == "BKK01 พระนคร.xlsx"
    assert backend.locate(config.district("BKK010")).name == "bkk010.xlsx"


def test_an_xlsx_beside_the_old_xls_is_the_workbook(config, backend):
    folder = _folder(config)
    save_workbook(folder / "5702 เวียงชัย.xlsx", {"a": [["x"]]})
    (folder / "5702 เวียงชัย.xls").write_bytes(b"\xd0\xcf\x11\xe0 old")
    assert backend.locate(config.district("5702")).name == "5702 เวียงชัย.xlsx"


def test_an_xls_workbook_asks_the_officer_to_save_as_xlsx(config, backend):
    (_folder(config) / "5702 เวียงชัย.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(SourceUnreadable, match=r"5702 เวียงชัย.xls: เป็นไฟล์ Excel 97–2003 .*บันทึกเป็น .xlsx"):
        backend.read(config.district("5702"))


def test_an_encrypted_workbook_is_a_clear_finding(config, backend, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = save_workbook(tmp_path / "plain.xlsx", {"คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล"]]})
    with open(plain, "rb") as source, open(_folder(config) / "5702 เวียงชัย.xlsx", "wb") as target:
        OOXMLFile(source).encrypt("รหัสลับ", target)
    with pytest.raises(SourceUnreadable, match="5702 เวียงชัย.xlsx: ไฟล์ตั้งรหัสผ่านสำหรับเปิดไว้"):
        backend.read(config.district("5702"))


def test_a_dangling_link_and_a_folder_named_like_a_workbook_are_unreadable_and_the_others_are_checked(config):
    from sync.pipeline import check_all, select_districts

    folder = _folder(config)
    (folder / "5701 เมืองเชียงราย.xlsx").symlink_to(folder / "gone.xlsx")
    (folder / "5702.xlsx").mkdir()
    save_workbook(folder / "5703 เชียงของ.xlsx", {"คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล"]]})
    report = check_all(config, AS_OF, select_districts(config, ["5701", "5702", "5703"]), XlsxBackend(config))
    reasons = {d.code: d.findings[0].details.get("reason", "") for d in report.districts}
    assert "a symbolic link to" in reasons["5701"] and "does not exist" in reasons["5701"]
    assert "a folder, not a workbook file" in reasons["5702"]
    assert [d.readable for d in report.districts] == [False, False, True]


@contextlib.contextmanager
def _without_root():
    """Run as `nobody` (effective ids) when the tests run as root, whom permissions do not stop."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_an_unreadable_file_is_unreadable_and_the_others_are_read():
    folder = Path(tempfile.mkdtemp(prefix="khoknongna-perm-"))
    try:
        folder.chmod(0o755)
        (folder / "wb").mkdir(mode=0o755)
        config = load_config(write_config(folder, folder / "wb"))
        save_workbook(folder / "wb" / "5702 เวียงชัย.xlsx", {"a": [["x"]]}).chmod(0o644)
        save_workbook(folder / "wb" / "5703 เชียงของ.xlsx", {"a": [["x"]]}).chmod(0)
        backend = XlsxBackend(config)
        with _without_root():
            readable = backend.read(config.district("5702"))
            with pytest.raises(SourceUnreadable, match="5703 เชียงของ.xlsx: permission denied"):
                backend.read(config.district("5703"))
        assert readable.tabs == {"a": [["x"]]}
    finally:
        shutil.rmtree(folder)


def test_a_link_inside_the_folder_is_followed_and_its_target_replaced_in_place(config, backend):
    folder = _folder(config)
    (folder / "files").mkdir()
    target = save_workbook(folder / "files" / "เวียงชัย ฉบับจริง.xlsx", {"คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล"]]})
    link = folder / "5702 เวียงชัย.xlsx"
    link.symlink_to(target)
    district = config.district("5702")
    backend.write_status(district, backend.read(district), Sheet("สถานะ (อัตโนมัติ)", [["ผล"]]))
    assert link.is_symlink() and link.resolve() == target
    assert openpyxl.load_workbook(target).sheetnames[-1] == "สถานะ (อัตโนมัติ)"
    assert list(target.parent.glob(".*.tmp")) == []


def test_a_link_leaving_the_folder_is_refused(config, backend, tmp_path):
    outside = save_workbook(tmp_path / "elsewhere" / "wiang chai.xlsx", {"a": [["x"]]})
    (_folder(config) / "5702 เวียงชัย.xlsx").symlink_to(outside)
    with pytest.raises(SourceUnreadable, match="ลิงก์ .*นอกโฟลเดอร์"):
        backend.read(config.district("5702"))


def test_a_configured_path_may_not_climb_out_of_the_folder_but_may_be_absolute(tmp_path):
    elsewhere = save_workbook(tmp_path / "elsewhere" / "wiang chai.xlsx", {"a": [["x"]]})
    (tmp_path / "wb").mkdir()
    for spreadsheet, allowed in (("../elsewhere/wiang chai.xlsx", False), (str(elsewhere), True)):
        extra = f'districts: [{{code: "5702", name: เวียงชัย, spreadsheet: "{spreadsheet}"}}]\n'
        config = load_config(write_config(tmp_path, tmp_path / "wb", extra))
        if allowed:
            assert XlsxBackend(config).locate(config.district("5702")) == elsewhere
        else:
            with pytest.raises(SourceUnreadable, match="leaves the workbooks folder"):
                XlsxBackend(config).locate(config.district("5702"))


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_an_ods_workbook_is_checked_and_its_status_goes_to_the_summary_only(config, tmp_path):
    from sync.pipeline import run_sync, select_districts
    from tests.officer_workbooks import libreoffice_convert

    source = save_workbook(tmp_path / "5702 เวียงชัย.xlsx", {"คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล", "ภาคี"], ["ก", "วัด"]]})
    ods = libreoffice_convert(source, _folder(config), to="ods")
    before = ods.read_bytes()
    outcome = run_sync(config, AS_OF, select_districts(config, ["5702"]), email=False)
    [result] = outcome.report.districts
    assert result.readable and "data.missing_tab" in {f.rule for f in result.findings}
    assert ods.read_bytes() == before
