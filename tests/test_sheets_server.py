"""Direct behaviour tests of the local Sheets/Drive emulator (tests/sheets_server)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SOMEONE_ELSE, SheetsServer
from tests.sheets_server.a1 import RangeError, parse_range, quote_title
from tests.sheets_server.clients import gspread_client, service_account_credentials

REPO = Path(__file__).resolve().parents[1]
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


@pytest.fixture(scope="module")
def server():
    with SheetsServer() as srv:
        yield srv


@pytest.fixture
def emu(server: SheetsServer) -> SheetsServer:
    server.reset(data=True)
    return server


class Api:
    """A tiny client: ``api.get("/values/...")`` -> (status, json)."""

    def __init__(self, server: SheetsServer, email: str = DEFAULT_CLIENT_EMAIL):
        self.server = server
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.token_for(email)}"

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        url = path if path.startswith("http") else self.server.url + path
        r = self.session.request(method, url, json=body, params=params, timeout=10)
        return r.status_code, (r.json() if r.content else None)

    def sheets(self, method: str, sid: str, suffix: str = "", body: Any = None, **params: Any):
        return self.call(method, f"/v4/spreadsheets/{sid}{suffix}", body, **params)

    def values(self, method: str, sid: str, rng: str, body: Any = None, suffix: str = "", **params: Any):
        return self.sheets(method, sid, f"/values/{quote(rng, safe='')}{suffix}", body, **params)


@pytest.fixture
def api(emu: SheetsServer) -> Api:
    return Api(emu)


# --------------------------------------------------------------------------------------------------
# A1 notation, trimming, echoed ranges
# --------------------------------------------------------------------------------------------------


def test_a1_parsing_and_quoting():
    titles = ["Sheet1", "ข้อมูล", "It's", "A1"]
    assert quote_title("Sheet1") == "Sheet1"
    assert quote_title("ข้อมูล") == "'ข้อมูล'"
    assert quote_title("It's") == "'It''s'"
    assert quote_title("A1") == "'A1'"
    rng = parse_range("'It''s'!B2:A1", titles)
    assert (rng.title, rng.r1, rng.c1, rng.r2, rng.c2) == ("It's", 1, 1, 2, 2)
    rng = parse_range("ข้อมูล!A:C", titles)
    assert (rng.title, rng.r1, rng.c1, rng.r2, rng.c2) == ("ข้อมูล", 1, 1, None, 3)
    rng = parse_range("Sheet1!2:5", titles)
    assert (rng.r1, rng.c1, rng.r2, rng.c2) == (2, 1, 5, None)
    assert parse_range("A1", titles).whole_sheet  # a sheet title wins over the cell A1
    assert parse_range("B2:C3", titles).title is None  # no sheet: the first one
    for bad in ("Nope!A1", "Sheet1!", "'ข้อมูล", "Sheet1!A:5", ""):
        with pytest.raises(RangeError):
            parse_range(bad, titles)


def test_thai_quoted_titles_trimming_and_interior_empty_rows(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("อำเภอเมือง", {
        "รายชื่อ 'คณะทำงาน'": [["ชื่อ", "ตำแหน่ง", "", ""], ["", "", ""], ["สมชาย", "ประธาน", ""], ["", ""]],
    })
    title = "รายชื่อ 'คณะทำงาน'"
    quoted = "'รายชื่อ ''คณะทำงาน'''"
    status, body = api.values("GET", sid, quoted)
    assert status == 200
    assert body == {"range": f"{quoted}!A1:Z1000", "majorDimension": "ROWS",
                    "values": [["ชื่อ", "ตำแหน่ง"], [], ["สมชาย", "ประธาน"]]}
    # The unquoted form works too, and the echo is always quoted.
    status, body = api.values("GET", sid, f"{title}!B1:C3")
    assert status == 200 and body["range"] == f"{quoted}!B1:C3"
    assert body["values"] == [["ตำแหน่ง"], [], ["ประธาน"]]
    # Whole columns are clipped to the grid; an empty range has no "values".
    assert api.values("GET", sid, f"{quoted}!D:E")[1] == {"range": f"{quoted}!D1:E1000", "majorDimension": "ROWS"}
    status, body = api.values("GET", sid, f"{quoted}!A1:B3", majorDimension="COLUMNS")
    assert body["values"] == [["ชื่อ", "", "สมชาย"], ["ตำแหน่ง", "", "ประธาน"]]
    # A bare cell range means the first sheet.
    assert api.values("GET", sid, "A1")[1]["range"] == f"{quoted}!A1"


def test_batch_get_and_range_errors(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s", {"Sheet1": [["a", "b"], ["c", "d"]]}, grid=(10, 4))
    status, body = api.sheets("GET", sid, "/values:batchGet", ranges=["Sheet1!A:A", "Sheet1!2:2"])
    assert status == 200
    assert body["valueRanges"] == [
        {"range": "Sheet1!A1:A10", "majorDimension": "ROWS", "values": [["a"], ["c"]]},
        {"range": "Sheet1!A2:D2", "majorDimension": "ROWS", "values": [["c", "d"]]},
    ]
    assert api.values("GET", sid, "Nope!A1") == (400, {"error": {
        "code": 400, "message": "Unable to parse range: Nope!A1", "status": "INVALID_ARGUMENT"}})
    status, body = api.values("GET", sid, "Sheet1!E1")
    assert status == 400
    assert body["error"]["message"] == "Range (Sheet1!E1) exceeds grid limits. Max rows: 10, max columns: 4"
    status, body = api.values("GET", sid, "Sheet1!A1", valueRenderOption="PRETTY")
    assert status == 400 and "value_render_option" in body["error"]["message"]
    assert api.sheets("GET", "no-such-id")[1] == {"error": {
        "code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def test_raw_vs_user_entered_and_render_options(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s")
    row = ['=HYPERLINK("https://example.com","แบบฟอร์ม")', "2024-12-20", "0812345678", "'0812345678",
           "TRUE", "12.5%", "1,234", "=2*3", 7]
    status, body = api.values("PUT", sid, "Sheet1!A1", {"values": [row, row]}, valueInputOption="USER_ENTERED")
    assert status == 200
    assert body == {"spreadsheetId": sid, "updatedRange": "Sheet1!A1:I2", "updatedRows": 2,
                    "updatedColumns": 9, "updatedCells": 18}
    api.values("PUT", sid, "Sheet1!A2", {"values": [row]}, valueInputOption="RAW")
    formatted = api.values("GET", sid, "Sheet1!A1:I2")[1]["values"]
    assert formatted[0] == ["แบบฟอร์ม", "2024-12-20", "812345678", "0812345678", "TRUE", "12.5%", "1,234", "6", "7"]
    assert formatted[1] == [*row[:8], "7"]  # RAW keeps text as text, "=..." included
    unformatted = api.values("GET", sid, "Sheet1!A1:I2", valueRenderOption="UNFORMATTED_VALUE")[1]["values"]
    assert unformatted[0] == ["แบบฟอร์ม", 45646, 812345678, "0812345678", True, 0.125, 1234, 6, 7]
    assert unformatted[1] == row
    as_strings = api.values("GET", sid, "Sheet1!B1", valueRenderOption="UNFORMATTED_VALUE",
                            dateTimeRenderOption="FORMATTED_STRING")[1]["values"]
    assert as_strings == [["2024-12-20"]]
    formulas = api.values("GET", sid, "Sheet1!A1:I1", valueRenderOption="FORMULA")[1]["values"]
    assert formulas[0][0] == row[0] and formulas[0][7] == "=2*3" and formulas[0][1] == 45646
    assert emu.values(sid, "Sheet1")[1] == row
    # An explicit number format wins; a plain-text column keeps typed digits (leading zero) as text.
    api.sheets("POST", sid, ":batchUpdate", {"requests": [
        {"repeatCell": {"range": {"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 2},
                        "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}}},
                        "fields": "userEnteredFormat.numberFormat"}},
        {"repeatCell": {"range": {"sheetId": 0, "startColumnIndex": 2, "endColumnIndex": 3},
                        "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
                        "fields": "userEnteredFormat.numberFormat"}},
    ]})
    api.values("PUT", sid, "Sheet1!C3", {"values": [["0812345678"]]}, valueInputOption="USER_ENTERED")
    assert api.values("GET", sid, "Sheet1!B1:C3")[1]["values"] == [
        ["20/12/2024", "812345678"], ["2024-12-20", "0812345678"], ["", "0812345678"]]


def test_update_cells_writes_typed_values_and_formats_under_the_field_mask(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s", {"Sheet1": [["old", "keep"], ["x", "y"]]}, grid=(5, 3))
    date = {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}}
    rows = [{"values": [{"userEnteredValue": {"stringValue": "20/12/2567"}},
                        {"userEnteredValue": {"numberValue": 45646}, "userEnteredFormat": date}]},
            {"values": [{"userEnteredValue": {"formulaValue": "=1+2"}}, {}]}]
    status, _ = api.sheets("POST", sid, ":batchUpdate", {"requests": [{"updateCells": {
        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}, "rows": rows,
        "fields": "userEnteredValue,userEnteredFormat.numberFormat"}}]})
    assert status == 200
    # Text stays text (never parsed), a number with a date format reads as a date, the formula computes,
    # and a cell given as {} is cleared.
    assert api.values("GET", sid, "Sheet1!A1:B2")[1]["values"] == [["20/12/2567", "20/12/2024"], ["3"]]
    assert emu.values(sid, "Sheet1", render="FORMULA") == [["20/12/2567", 45646], ["=1+2"]]
    # With `range`, the cells the rows do not reach are cleared; past the grid is a 400.
    status, _ = api.sheets("POST", sid, ":batchUpdate", {"requests": [{"updateCells": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
        "rows": [{"values": [{"userEnteredValue": {"boolValue": True}}]}], "fields": "userEnteredValue"}}]})
    assert status == 200 and emu.values(sid, "Sheet1") == [[True]]
    status, body = api.sheets("POST", sid, ":batchUpdate", {"requests": [{"updateCells": {
        "start": {"sheetId": 0, "rowIndex": 4, "columnIndex": 0}, "rows": rows, "fields": "userEnteredValue"}}]})
    assert status == 400 and "exceeds grid limits" in body["error"]["message"]


def test_write_bounds_nulls_and_empty_strings(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s", {"Sheet1": [["a", "b", "c"]]}, grid=(5, 3))
    # null leaves a cell alone, "" clears it
    api.values("PUT", sid, "Sheet1!A1", {"values": [[None, "", "C"]]}, valueInputOption="RAW")
    assert emu.values(sid, "Sheet1") == [["a", "", "C"]]
    status, body = api.values("PUT", sid, "Sheet1!A1:B1", {"values": [["x", "y", "z"]]}, valueInputOption="RAW")
    assert status == 400
    assert body["error"]["message"] == ("Requested writing within range [Sheet1!A1:B1], but tried writing "
                                        "to column [C]")
    status, body = api.values("PUT", sid, "Sheet1!A4", {"values": [["1"], ["2"], ["3"]]}, valueInputOption="RAW")
    assert status == 400 and "tried writing to row [6]" in body["error"]["message"]
    status, body = api.values("PUT", sid, "Sheet1!A6", {"values": [["x"]]}, valueInputOption="RAW")
    assert body["error"]["message"] == "Range (Sheet1!A6) exceeds grid limits. Max rows: 5, max columns: 3"
    status, body = api.values("PUT", sid, "Sheet1!A1", {"values": [["x"]]})
    assert (status, body["error"]["message"]) == (400, "'valueInputOption' is required but not specified")
    assert emu.values(sid, "Sheet1") == [["a", "", "C"]]  # nothing of the refused writes landed


def test_append_clear_and_batch_update_is_atomic(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s", {"Sheet1": [["h1", "h2"], ["r1", "x"]]}, grid=(2, 2))
    status, body = api.values("POST", sid, "Sheet1", {"values": [["r2", "y"], ["r3", "z", "extra"]]},
                              suffix=":append", valueInputOption="RAW")
    assert status == 200
    assert body["tableRange"] == "Sheet1!A1:B2"
    assert body["updates"]["updatedRange"] == "Sheet1!A3:C4"
    grid = api.sheets("GET", sid)[1]["sheets"][0]["properties"]["gridProperties"]
    assert grid == {"rowCount": 4, "columnCount": 3}  # append grows the grid
    status, body = api.sheets("POST", sid, "/values:batchUpdate", {"valueInputOption": "RAW", "data": [
        {"range": "Sheet1!A1", "values": [["changed"]]},
        {"range": "Missing!A1", "values": [["no"]]},
    ]})
    assert status == 400 and body["error"]["message"] == "Invalid data[1]: Unable to parse range: Missing!A1"
    assert emu.values(sid, "Sheet1")[0] == ["h1", "h2"]
    assert api.values("POST", sid, "Sheet1!A2:B3", suffix=":clear")[1] == {
        "spreadsheetId": sid, "clearedRange": "Sheet1!A2:B3"}
    assert emu.values(sid, "Sheet1") == [["h1", "h2"], [], [], ["r3", "z", "extra"]]
    status, body = api.sheets("POST", sid, "/values:batchClear", {"ranges": ["Sheet1!C:C", "Sheet1!A4"]})
    assert body["clearedRanges"] == ["Sheet1!C1:C4", "Sheet1!A4"]


def test_batch_update_requests_are_stored_and_returned(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s", {"Sheet1": [["ชื่อ", "ภาคี"]]})
    status, body = api.sheets("POST", sid, ":batchUpdate", {"requests": [
        {"addSheet": {"properties": {"title": "สรุป", "gridProperties": {"rowCount": 5, "columnCount": 3}}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                         "startColumnIndex": 1, "endColumnIndex": 2},
                               "rule": {"condition": {"type": "ONE_OF_LIST", "values": [
                                   {"userEnteredValue": "ภาครัฐ"}, {"userEnteredValue": "ภาคเอกชน"}]},
                                   "strict": True, "showCustomUi": True}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                                                  "description": "หัวตาราง"}}},
        {"updateSpreadsheetProperties": {"properties": {"title": "ใหม่"}, "fields": "title"}},
    ]})
    assert status == 200, body
    assert body["replies"][0]["addSheet"]["properties"]["index"] == 1
    assert body["replies"][4]["addProtectedRange"]["protectedRange"]["requestingUserCanEdit"] is True
    meta = api.sheets("GET", sid)[1]
    assert meta["properties"]["title"] == "ใหม่"
    first = meta["sheets"][0]
    assert first["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 1}
    assert first["protectedRanges"][0]["description"] == "หัวตาราง"
    grid = api.sheets("GET", sid, includeGridData="true", ranges="Sheet1!A1:B2")[1]
    assert len(grid["sheets"]) == 1
    rows = grid["sheets"][0]["data"][0]["rowData"]
    assert rows[0]["values"][0]["userEnteredFormat"] == {"textFormat": {"bold": True}}
    assert rows[0]["values"][0]["formattedValue"] == "ชื่อ"
    assert rows[1]["values"][1]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    # An invalid request applies nothing.
    status, body = api.sheets("POST", sid, ":batchUpdate", {"requests": [
        {"addSheet": {"properties": {"title": "อีกแผ่น"}}},
        {"addSheet": {"properties": {"title": "สรุป"}}},
    ]})
    assert status == 400
    assert body["error"]["message"] == ('Invalid requests[1].addSheet: A sheet with the name "สรุป" already '
                                        "exists. Please enter another name.")
    assert [s["properties"]["title"] for s in api.sheets("GET", sid)[1]["sheets"]] == ["Sheet1", "สรุป"]
    # fields masks are honoured
    assert api.sheets("GET", sid, fields="sheets(properties(title))")[1] == {
        "sheets": [{"properties": {"title": "Sheet1"}}, {"properties": {"title": "สรุป"}}]}


def test_protected_range_blocks_other_editors(emu: SheetsServer):
    officer = "officer@example.com"
    sid = emu.create_spreadsheet("s", {"Sheet1": [["header"]]}, shared_with=[officer])
    owner, other = Api(emu), Api(emu, officer)
    owner.sheets("POST", sid, ":batchUpdate", {"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}}}}]})
    status, body = other.values("PUT", sid, "Sheet1!A1", {"values": [["x"]]}, valueInputOption="RAW")
    assert status == 400 and body["error"]["message"].startswith("You are trying to edit a protected cell")
    assert other.values("PUT", sid, "Sheet1!A2", {"values": [["ok"]]}, valueInputOption="RAW")[0] == 200
    assert owner.values("PUT", sid, "Sheet1!A1", {"values": [["owner may"]]}, valueInputOption="RAW")[0] == 200


# --------------------------------------------------------------------------------------------------
# Access, Drive, modifiedTime
# --------------------------------------------------------------------------------------------------


def test_permissions_403_and_sharing(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("ของคนอื่น", {"Sheet1": [["secret"]]}, owner=SOMEONE_ELSE)
    assert api.sheets("GET", sid) == (403, {"error": {
        "code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}})
    assert api.values("GET", sid, "Sheet1")[0] == 403
    status, body = api.call("GET", f"/drive/v3/files/{sid}")
    assert status == 404 and body["error"]["errors"][0]["reason"] == "notFound"
    assert api.call("GET", "/drive/v3/files")[1]["files"] == []
    # The owner shares it read-only through Drive: reads work, writes do not.
    owner = Api(emu, SOMEONE_ELSE)
    status, perm = owner.call("POST", f"/drive/v3/files/{sid}/permissions",
                              {"type": "user", "role": "reader", "emailAddress": DEFAULT_CLIENT_EMAIL})
    assert status == 200 and perm["role"] == "reader" and perm["kind"] == "drive#permission"
    assert api.values("GET", sid, "Sheet1")[1]["values"] == [["secret"]]
    assert api.values("PUT", sid, "Sheet1!A1", {"values": [["x"]]}, valueInputOption="RAW")[0] == 403
    assert api.call("DELETE", f"/drive/v3/files/{sid}")[0] == 403
    emu.share(sid, DEFAULT_CLIENT_EMAIL, "writer")
    assert api.values("PUT", sid, "Sheet1!A1", {"values": [["x"]]}, valueInputOption="RAW")[0] == 200


def test_drive_create_list_query_paging_and_modified_time(emu: SheetsServer, api: Api):
    created = []
    for name in ("รายงาน อำเภอเมือง", "รายงาน อำเภอแม่จัน", "Budget 2568", "HelloWorld"):
        status, body = api.call("POST", "/drive/v3/files", {"name": name, "mimeType": SPREADSHEET_MIME},
                                supportsAllDrives="true")
        assert status == 200 and set(body) == {"kind", "id", "name", "mimeType"}
        created.append(body["id"])
    folder = api.call("POST", "/drive/v3/files", {"name": "f", "mimeType": "application/vnd.google-apps.folder"})
    assert folder[0] == 200
    emu.create_spreadsheet("not mine", owner=SOMEONE_ELSE)

    def names(q: str, **params: Any) -> list[str]:
        status, body = api.call("GET", "/drive/v3/files", q=q, fields="nextPageToken,files(id,name)", **params)
        assert status == 200, body
        return [f["name"] for f in body["files"]]

    assert names(f"mimeType = '{SPREADSHEET_MIME}' and trashed = false") == [
        "รายงาน อำเภอเมือง", "รายงาน อำเภอแม่จัน", "Budget 2568", "HelloWorld"]
    assert names("name contains 'อำเภอ'") == ["รายงาน อำเภอเมือง", "รายงาน อำเภอแม่จัน"]
    assert names("name contains 'World'") == []  # Drive's contains is a word-prefix match
    assert names("name = 'Budget 2568'") == ["Budget 2568"]
    assert names("name contains 'hello' or (name = 'Budget 2568' and not trashed = true)") == [
        "Budget 2568", "HelloWorld"]
    status, body = api.call("GET", "/drive/v3/files", q="name contains 'x' and")
    assert status == 400 and body["error"]["errors"][0]["location"] == "q"

    seen, token, pages = [], None, 0
    while True:
        params = {"q": f"mimeType='{SPREADSHEET_MIME}'", "pageSize": 3, "fields": "nextPageToken,files(name)"}
        if token:
            params["pageToken"] = token
        body = api.call("GET", "/drive/v3/files", **params)[1]
        seen += [f["name"] for f in body["files"]]
        pages += 1
        token = body.get("nextPageToken")
        if not token:
            break
    assert pages == 2 and len(seen) == 4

    meta = api.call("GET", f"/drive/v3/files/{created[1]}", fields="id,name,createdTime,modifiedTime")[1]
    assert set(meta) == {"id", "name", "createdTime", "modifiedTime"}
    listing = api.call("GET", "/drive/v3/files", fields="files(modifiedTime)")[1]["files"]
    since = max(f["modifiedTime"] for f in listing)
    assert names(f"modifiedTime > '{since}'") == []
    emu.set_values(created[1], "Sheet1", [["แก้ไขโดยเจ้าหน้าที่"]])
    api.values("GET", created[0], "Sheet1")  # reads do not bump
    assert names(f"modifiedTime > '{since}'") == ["รายงาน อำเภอแม่จัน"]
    stamps = []
    for i in range(5):
        api.values("PUT", created[2], "Sheet1!A1", {"values": [[i]]}, valueInputOption="RAW")
        stamps.append(emu.modified_time(created[2]))
    assert stamps == sorted(stamps) and len(set(stamps)) == 5
    assert all(len(s) == 24 and s.endswith("Z") for s in stamps)

    assert api.call("DELETE", f"/drive/v3/files/{created[3]}", supportsAllDrives="true") == (204, None)
    assert api.sheets("GET", created[3])[0] == 404


def test_sheets_create_endpoint(emu: SheetsServer, api: Api):
    status, body = api.call("POST", "/v4/spreadsheets", {
        "properties": {"title": "สร้างใหม่"}, "sheets": [{"properties": {"title": "ก"}}, {"properties": {"title": "ข"}}]})
    assert status == 200
    assert [s["properties"]["title"] for s in body["sheets"]] == ["ก", "ข"]
    assert body["sheets"][0]["properties"]["sheetId"] == 0
    assert emu.spreadsheet(body["spreadsheetId"])["properties"]["title"] == "สร้างใหม่"


# --------------------------------------------------------------------------------------------------
# Auth, quota, faults, counters
# --------------------------------------------------------------------------------------------------


def test_token_endpoint_with_google_auth_service_account(emu: SheetsServer, tmp_path: Path):
    from google.auth.transport.requests import AuthorizedSession, Request

    creds = service_account_credentials(emu, tmp_path / "sa.json")
    info = json.loads((tmp_path / "sa.json").read_text())
    assert info["token_uri"] == emu.url + "/token" and info["type"] == "service_account"
    creds.refresh(Request())
    assert creds.token and creds.valid
    sid = emu.create_spreadsheet("s", {"Sheet1": [["ok"]]})
    session = AuthorizedSession(creds)
    r = session.get(f"{emu.url}/v4/spreadsheets/{sid}/values/Sheet1")
    assert r.status_code == 200 and r.json()["values"] == [["ok"]]
    anonymous = requests.get(f"{emu.url}/v4/spreadsheets/{sid}")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["status"] == "UNAUTHENTICATED"
    forged = requests.get(f"{emu.url}/v4/spreadsheets/{sid}", headers={"Authorization": "Bearer nope"})
    assert forged.status_code == 401
    bad = requests.post(emu.url + "/token", data={"grant_type": "password"})
    assert bad.status_code == 400 and bad.json()["error"] == "unsupported_grant_type"


def test_quota_429_is_per_user_and_per_bucket(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s", shared_with=["other@example.com"])
    emu.set_quota(2)
    assert [api.values("GET", sid, "Sheet1")[0] for _ in range(2)] == [200, 200]
    status, body = api.values("GET", sid, "Sheet1")
    assert status == 429
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert body["error"]["message"].startswith("Quota exceeded for quota metric 'Read requests' and limit "
                                               "'Read requests per minute per user'")
    # batchGet is one request; writes have their own bucket; another user has their own quota
    assert api.sheets("GET", sid, "/values:batchGet", ranges=["Sheet1!A1", "Sheet1!B1"])[0] == 429
    assert api.values("PUT", sid, "Sheet1!A1", {"values": [[1]]}, valueInputOption="RAW")[0] == 200
    assert Api(emu, "other@example.com").values("GET", sid, "Sheet1")[0] == 200
    assert api.call("GET", f"/drive/v3/files/{sid}")[0] == 200  # Drive is not in the Sheets quota
    stats = emu.stats()
    assert stats["throttled"] == 2 and stats["throttled_by_kind"] == {"values.get": 1, "values.batchGet": 1}
    emu.advance_clock(61)
    assert api.values("GET", sid, "Sheet1")[0] == 200
    # over HTTP
    assert requests.post(emu.url + "/_emulator/quota", json={"per_minute": None}).json() == {
        "quota_per_minute": {"read": None, "write": None}, "project_quota_per_minute": {"read": None, "write": None}}


def test_counters_and_reset(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s")
    api.values("GET", sid, "Sheet1")
    api.sheets("GET", sid, "/values:batchGet", ranges="Sheet1!A1")
    api.sheets("GET", sid)
    api.call("GET", "/drive/v3/files")
    stats = requests.get(emu.url + "/_emulator/stats").json()
    assert stats["by_kind"] == {"values.get": 1, "values.batchGet": 1, "spreadsheets.get": 1, "drive.files.list": 1}
    assert stats["by_spreadsheet"] == {sid: 3}
    assert stats["total"] == 4 and stats["reads"] == 3 and stats["throttled"] == 0
    assert requests.post(emu.url + "/_emulator/reset").status_code == 200
    assert emu.stats()["total"] == 0 and emu.spreadsheet_ids() == [sid]
    requests.post(emu.url + "/_emulator/reset", params={"data": "1"})
    assert emu.spreadsheet_ids() == []


def test_faults_status_delay_drop_and_kind(emu: SheetsServer, api: Api):
    sid = emu.create_spreadsheet("s")
    r = requests.post(emu.url + "/_emulator/faults", json={"status": 503, "count": 2, "kind": "values.get"})
    assert r.status_code == 200 and r.json()["faults"][0]["count"] == 2
    assert api.sheets("GET", sid)[0] == 200  # another kind is untouched
    first = api.values("GET", sid, "Sheet1")
    assert first == (503, {"error": {"code": 503, "message": "The service is currently unavailable.",
                                     "status": "UNAVAILABLE"}})
    assert api.values("GET", sid, "Sheet1")[0] == 503
    assert api.values("GET", sid, "Sheet1")[0] == 200
    emu.add_fault(delay=0.3, count=1)
    started = time.monotonic()
    assert api.values("GET", sid, "Sheet1")[0] == 200
    assert time.monotonic() - started >= 0.3
    requests.post(emu.url + "/_emulator/faults", json={"drop": True, "count": 1})
    with pytest.raises(requests.ConnectionError):
        api.values("GET", sid, "Sheet1")
    assert api.values("GET", sid, "Sheet1")[0] == 200
    assert emu.stats()["faults_injected"] == 4


# --------------------------------------------------------------------------------------------------
# Real clients
# --------------------------------------------------------------------------------------------------


def test_gspread_against_the_emulator(emu: SheetsServer, tmp_path: Path):
    import gspread

    sid = emu.create_spreadsheet("แบบติดตาม อำเภอเมือง", {
        "Sheet1": [["x"]],
        "คณะทำงาน": [["ชื่อ", "ภาคี", "ตำแหน่ง"], ["นายสมชาย", "ภาครัฐ", "ประธาน"], [], ["นางสาวสมศรี", "ภาคเอกชน"]],
    })
    emu.create_spreadsheet("ของคนอื่น", owner=SOMEONE_ELSE)
    gc = gspread_client(emu, service_account_credentials(emu, tmp_path / "sa.json"))
    book = gc.open_by_key(sid)
    assert book.title == "แบบติดตาม อำเภอเมือง"
    ws = book.worksheet("คณะทำงาน")
    assert ws.get_all_values() == [["ชื่อ", "ภาคี", "ตำแหน่ง"], ["นายสมชาย", "ภาครัฐ", "ประธาน"], ["", "", ""],
                                   ["นางสาวสมศรี", "ภาคเอกชน", ""]]
    ws.insert_rows([["แทรก"]], row=3)  # insertDimension, then an append anchored on the new empty row
    assert ws.col_values(1) == ["ชื่อ", "นายสมชาย", "แทรก", "", "นางสาวสมศรี"]
    ws.delete_rows(3)
    ws.update([["สถานะ"], ["ครบ"]], "D1")
    ws.update([["=HYPERLINK(\"https://example.com\",\"ลิงก์\")"]], "E1", raw=False)
    assert emu.values(sid, "คณะทำงาน")[0] == ["ชื่อ", "ภาคี", "ตำแหน่ง", "สถานะ", "ลิงก์"]
    assert ws.acell("E1", value_render_option="FORMULA").value.startswith("=HYPERLINK(")
    assert [s.title for s in gc.openall()] == ["แบบติดตาม อำเภอเมือง"]
    other = next(i for i in emu.spreadsheet_ids() if i != sid)
    with pytest.raises(PermissionError):
        gc.open_by_key(other)
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key("1DoesNotExist")


def test_command_line_server(tmp_path: Path):
    creds = tmp_path / "sa.json"
    proc = subprocess.Popen([sys.executable, "-m", "tests.sheets_server", "--port", "0",
                             "--credentials-out", str(creds), "--quota-per-minute", "1"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        info = json.loads(creds.read_text())
        assert info["token_uri"] == url + "/token"
        token = requests.post(url + "/_emulator/token", json={}).json()["access_token"]
        sid = requests.post(url + "/_emulator/spreadsheets", json={"title": "cli"}).json()["spreadsheetId"]
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{url}/v4/spreadsheets/{sid}", headers=headers).status_code == 200
        assert requests.get(f"{url}/v4/spreadsheets/{sid}", headers=headers).status_code == 429
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
