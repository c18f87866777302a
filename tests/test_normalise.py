"""Reading tabs by header text, tolerant as DOMAIN.md §4 says; every unreadable cell is a finding."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.model import Status
from sync.normalise import find_tab, lookalike_status_tabs
from sync.schema import STATUS
from tests.conftest import parse

COMMITTEE = "คณะทำงานขับเคลื่อน"


def rules_of(data):
    return sorted(f.rule for f in data.findings)


def test_columns_found_by_header_text_whatever_the_order_and_extra_columns(config):
    tabs = {
        COMMITTEE: [
            ["หมายเหตุ", "ภาคี ", "ลำดับ", "\u200bตำแหน่งในคณะทำงาน", "ชื่อ-สกุล", "โทรศัพท์"],
            ["", "วัด", 1, "ประธาน", "นายสมชาย ใจดี", "081"],
            [],
            [None, None, None, None, None, None],
            ["x", "ภาคเอกชน", 2, "คณะทำงาน", "นางสมศรี ดีใจ", ""],
        ]
    }
    data = parse(tabs, config)
    table = data.table(COMMITTEE)
    assert [r.row for r in table.records] == [2, 5]
    assert [r.values["ภาคี"] for r in table.records] == ["ภาคศาสนา", "ภาคเอกชน"]
    assert table.cell("ภาคี", table.records[1]) == f"{COMMITTEE}!B5"
    assert [f.rule for f in data.findings if f.rule != "data.missing_tab"] == []


def test_headers_match_after_nfc_space_collapse_and_zero_width_removal(config):
    decomposed = "เดือนที่รายงาน".replace("ำ", "\u0e4d\u0e32")
    tabs = {"รายงานรายเดือน": [[decomposed, "วันที่  ส่ง".replace("  ", " "), " กิจกรรมที่\u200cดำเนินการ "]]}
    table = parse(tabs, config).table("รายงานรายเดือน")
    assert set(table.columns) == {"เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"}


def test_tab_names_match_loosely(config):
    tabs = {" แผนพัฒนา5P ": [["รหัสศูนย์", "มิติ 5P", "กิจกรรม"]]}
    data = parse(tabs, config)
    assert data.table("แผนพัฒนา 5P").present
    assert "แผนพัฒนา 5P" not in [f.details.get("tab") for f in data.findings if f.rule == "data.missing_tab"]


def test_missing_tab_and_missing_column_are_findings_not_crashes(config):
    data = parse({"ส่งเอกสารจังหวัด": [["ข้อ", "เลขที่หนังสือ"], ["1", "ชร 1"]]}, config)
    missing_tabs = {f.details["tab"] for f in data.findings if f.rule == "data.missing_tab"}
    assert len(missing_tabs) == 6 and "ส่งเอกสารจังหวัด" not in missing_tabs
    [column] = [f for f in data.findings if f.rule == "data.missing_column"]
    assert column.details == {"tab": "ส่งเอกสารจังหวัด", "column": "วันที่ส่ง"}
    assert column.cells == ["ส่งเอกสารจังหวัด!1:1"] and column.status is Status.INVALID


def test_dates_in_every_form_officers_produce(config):
    forms = [
        dt.datetime(2024, 12, 20),
        dt.datetime(2567, 12, 20),
        45646,  # a Google Sheets serial number
        "20/12/2567",
        "20/12/67",
        "20 ธ.ค. 67",
        "๒๐ ธันวาคม ๒๕๖๗",
        "2024-12-20",
    ]
    rows = [["ข้อ", "วันที่ส่ง"]] + [["1", form] for form in forms]
    table = parse({"ส่งเอกสารจังหวัด": rows}, config).table("ส่งเอกสารจังหวัด")
    assert [r.values["วันที่ส่ง"] for r in table.records] == [dt.date(2024, 12, 20)] * len(forms)


def test_bad_date_names_its_cell_and_keeps_the_value(config):
    data = parse({"รายงานรายเดือน": [["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"],
                                       ["ธ.ค. 67", "ok", "x"], ["ม.ค. 68", "32/13/2567", "y"]]}, config)
    bad = [f for f in data.findings if f.rule == "data.bad_date"]
    assert [f.cells for f in bad] == [["รายงานรายเดือน!B2"], ["รายงานรายเดือน!B3"]]
    assert bad[1].details["value"] == "32/13/2567"


def test_unknown_values_blank_required_and_duplicates(config):
    tabs = {
        COMMITTEE: [
            ["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "ภาคี"],
            ["นายก", "ประธาน", "ภาครัฐ"],
            ["นายข", "", "ภาคเอกชน"],
            ["นายก", "คณะทำงาน", "ภาคศาสนา"],
            ["นายค", "ผู้จัดการ", "ภาคประชาชน"],
        ]
    }
    data = parse(tabs, config)
    found = {(f.rule, tuple(f.cells)) for f in data.findings if f.rule != "data.missing_tab"}
    assert found == {
        ("data.blank_required", (f"{COMMITTEE}!B3",)),
        ("data.duplicate_row", (f"{COMMITTEE}!A2", f"{COMMITTEE}!A4")),
        ("data.bad_value", (f"{COMMITTEE}!B5",)),
    }


def test_doc_items_in_thai_digits_and_words(config):
    rows = [["ข้อ", "วันที่ส่ง"], ["๓", "2024-12-20"], ["ข้อ 4", "2024-12-20"], [5.0, "2024-12-20"], ["9", "2024-12-20"]]
    data = parse({"ส่งเอกสารจังหวัด": rows}, config)
    values = [r.values["ข้อ"] for r in data.table("ส่งเอกสารจังหวัด").records]
    assert values == [3, 4, 5, None]
    assert [f.cells for f in data.findings if f.rule == "data.bad_value"] == [["ส่งเอกสารจังหวัด!A5"]]


def test_a_total_row_under_the_data_is_not_data(config):
    rows = [["ลำดับ", "รหัสศูนย์", "มิติ 5P", "กิจกรรม", "งบประมาณ"],
            [1, "CLM-01", "P1", "อบรม", 1000], ["", "", "", "รวมงบประมาณทั้งสิ้น", ""]]
    data = parse({"แผนพัฒนา 5P": rows}, config)
    assert [r.row for r in data.table("แผนพัฒนา 5P").records] == [2]
    assert not [f for f in data.findings if f.rule == "data.blank_required"]


@given(st.lists(st.text(alphabet="สถานะ (อัตโนมัติ)AaSs \u200b\u00a0\tำํา", max_size=20), max_size=4))
@settings(max_examples=300, deadline=None)
def test_lookalike_status_tabs_are_those_the_tab_matching_takes_for_it(titles):
    expected = [t for t in titles if t != STATUS and find_tab({t: []}, STATUS) is not None]
    assert lookalike_status_tabs(titles) == expected
    assert lookalike_status_tabs([STATUS, "สถานะ(อัตโนมัติ)", " สถานะ  (อัตโนมัติ)"]) == ["สถานะ(อัตโนมัติ)", " สถานะ  (อัตโนมัติ)"]


def test_a_row_of_blank_cells_is_no_row_and_zero_is_a_value(config):
    blank = [None, "", "   ", "\u200b\u00a0\ufeff\t", float("nan")]
    rows = [["ข้อ", "วันที่ส่ง", "เลขที่หนังสือ"], *[[b, b, b] for b in blank], [0, 0.0, dt.date(2024, 12, 20)]]
    data = parse({"ส่งเอกสารจังหวัด": rows}, config)
    assert [r.row for r in data.table("ส่งเอกสารจังหวัด").records] == [7]
    assert {f.rule for f in data.findings if f.cells == ["ส่งเอกสารจังหวัด!A7"]} == {"data.bad_value"}
