"""How the status tab and the provincial summary look on Google Sheets: what the Sheet says (merges,
row heights, widths, font, styles, frozen rows, links, charts), applied generically, in one
batchUpdate each, with text that stays text."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.backends.google import STATUS_SHEET_ID, GoogleBackend
from sync.config import load_config
from sync.model import Status
from sync.outputs.sheet import Chart, Font, Sheet
from sync.pipeline import select_districts
from sync.schema import STATUS
from tests.conftest import write_config
from tests.google_support import google_backend_yaml
from tests.sheets_server import SheetsServer
from tests.test_google_backend import SUMMARY, backend_for, sheets_requests

CODE = "5702"


@pytest.fixture
def server():
    with SheetsServer() as server:
        yield server


@pytest.fixture
def google(tmp_path, server):
    """One district spreadsheet with an officer tab and no status tab, and the summary spreadsheet."""
    server.write_credentials(tmp_path / "sa.json")
    config = load_config(
        write_config(tmp_path, tmp_path / "unused", google_backend_yaml(tmp_path / "sa.json", server.url, SUMMARY))
    )
    district = next(d for d in select_districts(config) if d.code == CODE)
    sid = server.create_spreadsheet(f"{district.code} {district.name}", {"คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล"]]})
    summary = server.create_spreadsheet(SUMMARY, {"Sheet1": []})
    server.reset()
    return config, district, sid, summary


def status_sheet(rows: int = 8) -> Sheet:
    body = [[str(i), "ข้อ", "ผ่าน", "บรรทัดหนึ่ง\nบรรทัดสอง"] for i in range(rows - 3)]
    return Sheet(
        title=STATUS,
        rows=[["สถานะการดำเนินงาน อำเภอเวียงชัย"], ['=IMPORTRANGE("x")'], ["ข้อ", "เรื่อง", "สถานะ", "รายละเอียด"], *body],
        styles={(0, 0): "title", **{(2, c): "header" for c in range(4)}, (3, 2): Status.OK, (4, 2): Status.OVERDUE},
        widths=[6, 30, 14, 60],
        frozen_rows=3,
        merges=[(0, 0, 0, 3), (1, 0, 1, 3)],
        row_heights={0: 24, 3: 42, 4: 42},
        font=Font("TH Sarabun New", 14),
        protected=True,
    )


def grid_of(server: SheetsServer, spreadsheet_id: str, title: str) -> dict:
    return next(
        s
        for s in server.spreadsheet(spreadsheet_id, include_grid_data=True)["sheets"]
        if s["properties"]["title"] == title
    )


def cell(tab: dict, row: int, col: int) -> dict:
    return tab["data"][0]["rowData"][row]["values"][col]


def write_status(config, district, sid, sheet: Sheet) -> GoogleBackend:
    backend = backend_for(config)
    raw = backend.read(district)
    backend.write_status(district, raw, sheet)
    return backend


def test_the_status_tab_is_added_and_laid_out_in_one_batch_update(google, server):
    config, district, sid, _ = google
    write_status(config, district, sid, status_sheet())
    assert sheets_requests(server.stats()) == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    tab = grid_of(server, sid, STATUS)
    assert tab["properties"]["sheetId"] == STATUS_SHEET_ID
    assert tab["properties"]["gridProperties"]["frozenRowCount"] == 3
    merged = {(m["startRowIndex"], m["startColumnIndex"], m["endRowIndex"], m["endColumnIndex"]) for m in tab["merges"]}
    assert merged == {(0, 0, 1, 4), (1, 0, 2, 4)}
    heights = [m["pixelSize"] for m in tab["data"][0]["rowMetadata"][:6]]
    assert heights == [32, 21, 21, 56, 56, 21]  # points × 4/3; the others Google's default
    widths = [m["pixelSize"] for m in tab["data"][0]["columnMetadata"][:4]]
    assert widths == [47, 215, 103, 425]
    title = cell(tab, 0, 0)["userEnteredFormat"]["textFormat"]
    assert title["fontFamily"] == "TH Sarabun New" and title["bold"] and title["fontSize"] > 14
    body = cell(tab, 3, 3)["userEnteredFormat"]
    assert body["textFormat"]["fontFamily"] == "TH Sarabun New" and body["textFormat"]["fontSize"] == 14
    assert body["wrapStrategy"] == "WRAP"
    assert cell(tab, 3, 2)["userEnteredFormat"]["backgroundColor"]["green"] > 0.9  # ok: green
    formula_like = cell(tab, 1, 0)
    assert formula_like["userEnteredValue"] == {"stringValue": '=IMPORTRANGE("x")'}, "text never becomes a formula"
    assert server.values(sid, STATUS, render="FORMULA")[1][0] == '=IMPORTRANGE("x")'
    assert [p["warningOnly"] for p in tab["protectedRanges"]] == [True]


def test_rewriting_the_status_tab_leaves_nothing_of_the_old_one(google, server):
    config, district, sid, _ = google
    write_status(config, district, sid, status_sheet(rows=12))
    smaller = status_sheet(rows=5)
    smaller.merges = [(0, 0, 0, 2)]
    smaller.row_heights = {0: 24}
    server.reset()
    write_status(config, district, sid, smaller)
    assert sheets_requests(server.stats()) == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    tab = grid_of(server, sid, STATUS)
    assert [(m["startRowIndex"], m["endColumnIndex"]) for m in tab["merges"]] == [(0, 3)]
    assert server.values(sid, STATUS) == [[str(v) for v in row] for row in smaller.rows]
    assert [m["pixelSize"] for m in tab["data"][0]["rowMetadata"][:5]] == [32, 21, 21, 21, 21]
    leftover = [c for row in tab["data"][0]["rowData"][5:] for c in row.get("values", []) if c]
    assert leftover == [], "no value or format of the old rows is left"
    assert len(tab["protectedRanges"]) == 1


def test_the_officer_tabs_are_untouched(google, server):
    config, district, sid, _ = google
    before = grid_of(server, sid, "คณะทำงานขับเคลื่อน")
    write_status(config, district, sid, status_sheet())
    assert grid_of(server, sid, "คณะทำงานขับเคลื่อน") == before


def summary_sheets() -> list[Sheet]:
    districts = Sheet(
        title="สรุปรายอำเภอ",
        rows=[
            ["รหัส", "อำเภอ", "ผ่าน", "ต้องดำเนินการ", "ลิงก์"],
            ["5702", "เวียงชัย", 3, 5, "https://docs.google.com/spreadsheets/d/abc"],
            ["5703", "เชียงของ", 6, 2, "https://docs.google.com/spreadsheets/d/def"],
        ],
        styles={(1, 4): "link", (2, 4): "link", **{(0, c): "header" for c in range(5)}},
        widths=[7, 16, 10, 12, 40],
        frozen_rows=1,
        links={(2, 4): "https://docs.google.com/spreadsheets/d/def#gid=5700001"},
        font=Font("TH Sarabun New", 14),
        charts=[Chart("อำเภอตามสถานะ", 0, 1, 2, 1, (2, 3), anchor=(5, 0))],
    )
    history = Sheet(title="ประวัติการตรวจ", rows=[["เริ่ม", "จบ"], ["๒๑ ม.ค. ๒๕๖๘", "๒๑ ม.ค. ๒๕๖๘"]], frozen_rows=1)
    return [districts, history]


def test_the_summary_is_written_in_one_batch_with_links_and_a_native_chart_not_duplicated(google, server):
    config, _, _, summary = google
    backend = backend_for(config)
    for _ in range(2):
        server.reset()
        backend.write_summary(summary_sheets())
        assert sheets_requests(server.stats()) == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    tab = grid_of(server, summary, "สรุปรายอำเภอ")
    assert len(tab["charts"]) == 1, "the old chart is replaced, not kept beside the new one"
    spec = tab["charts"][0]["spec"]["basicChart"]
    assert spec["chartType"] == "COLUMN" and spec["stackedType"] == "STACKED"
    sources = [s["series"]["sourceRange"]["sources"][0] for s in spec["series"]]
    assert [(s["sheetId"], s["startColumnIndex"], s["startRowIndex"], s["endRowIndex"]) for s in sources] == [
        (tab["properties"]["sheetId"], 2, 0, 3),
        (tab["properties"]["sheetId"], 3, 0, 3),
    ]
    links = [cell(tab, r, 4)["userEnteredFormat"]["textFormat"]["link"]["uri"] for r in (1, 2)]
    assert links == [
        "https://docs.google.com/spreadsheets/d/abc",
        "https://docs.google.com/spreadsheets/d/def#gid=5700001",
    ]
    assert server.values(summary, "ประวัติการตรวจ") == [["เริ่ม", "จบ"], ["๒๑ ม.ค. ๒๕๖๘", "๒๑ ม.ค. ๒๕๖๘"]]


def test_a_date_in_a_sheet_is_a_date_cell(google, server):
    config, _, _, summary = google
    sheet = Sheet(title="ประวัติการตรวจ", rows=[["วันที่"], [dt.date(2025, 1, 21)]])
    backend_for(config).write_summary([sheet])
    tab = grid_of(server, summary, "ประวัติการตรวจ")
    assert cell(tab, 1, 0)["userEnteredValue"] == {"numberValue": 45678}
    assert cell(tab, 1, 0)["userEnteredFormat"]["numberFormat"]["type"] == "DATE"


def test_a_cell_longer_than_google_allows_is_cut_with_a_visible_note(google, server):
    config, district, sid, _ = google
    sheet = status_sheet()
    sheet.rows[3][3] = "ก" * 60_000
    write_status(config, district, sid, sheet)
    written = server.values(sid, STATUS)[3][3]
    assert len(written) == 50_000 and written.endswith("ตัดเหลือ ๕๐,๐๐๐ ตัวอักษร]")
