"""What a status tab or a summary is made of, on the local Sheets server: developer metadata (to know
the service's own tab), charts, row heights and column widths, merges and fonts. Each is stored,
read back as Google reads it back, and refused as Google refuses it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.sheets_server import DEFAULT_CLIENT_EMAIL, OFFICER_EMAIL, SheetsServer

STATUS = "สถานะ (อัตโนมัติ)"
OTHER_PROJECT = "someone@another-project.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def server():
    with SheetsServer() as srv:
        yield srv


class Client:
    def __init__(self, server: SheetsServer, email: str = DEFAULT_CLIENT_EMAIL):
        self.server = server
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.token_for(email)}"

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        r = self.session.request(method, self.server.url + path, json=body, params=params, timeout=10)
        return r.status_code, (r.json() if r.content else None)

    def batch(self, sid: str, *requests_: dict) -> tuple[int, Any]:
        return self.call("POST", f"/v4/spreadsheets/{sid}:batchUpdate", {"requests": list(requests_)})

    def ok(self, sid: str, *requests_: dict) -> list[dict]:
        status, body = self.batch(sid, *requests_)
        assert status == 200, body
        return body["replies"]

    def get(self, sid: str, **params: Any) -> dict:
        status, body = self.call("GET", f"/v4/spreadsheets/{sid}", **params)
        assert status == 200, body
        return body


@pytest.fixture
def setup(server: SheetsServer) -> tuple[SheetsServer, Client, str, int]:
    """A district spreadsheet with an officer tab (id 0) and the status tab (id 5700001)."""
    server.reset(data=True)
    sid = server.create_spreadsheet("5701 เมืองเชียงราย", {"คณะทำงาน": [["ชื่อ"], ["นายสมชาย"]]},
                                    shared_with=[OTHER_PROJECT, OFFICER_EMAIL])
    client = Client(server)
    client.ok(sid, {"addSheet": {"properties": {"sheetId": 5700001, "title": STATUS,
                                                "gridProperties": {"rowCount": 50, "columnCount": 8}}}})
    return server, client, sid, 5700001


def _error(status_body: tuple[int, Any]) -> dict:
    status, body = status_body
    assert status == 400, body
    return body["error"]


# --------------------------------------------------------------------------------------------------
# Developer metadata
# --------------------------------------------------------------------------------------------------


def mark(sheet_id: int, key: str = "khoknongna.status", value: str = "v1", **extra: Any) -> dict:
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": key, "metadataValue": value, "location": {"sheetId": sheet_id}, "visibility": "DOCUMENT",
        **extra}}}


def test_developer_metadata_marks_the_status_tab_and_reads_back(setup):
    server, client, sid, status_id = setup
    reply = client.ok(sid, mark(status_id, metadataId=4242))[0]["createDeveloperMetadata"]["developerMetadata"]
    assert reply == {"metadataId": 4242, "metadataKey": "khoknongna.status", "metadataValue": "v1",
                     "location": {"locationType": "SHEET", "sheetId": status_id}, "visibility": "DOCUMENT"}
    # One read finds the tab by its mark, whatever its title.
    meta = client.get(sid, fields="sheets(properties(sheetId,title),developerMetadata)")
    assert meta["sheets"] == [
        {"properties": {"sheetId": 0, "title": "คณะทำงาน"}},
        {"properties": {"sheetId": status_id, "title": STATUS}, "developerMetadata": [reply]},
    ]
    assert client.call("GET", f"/v4/spreadsheets/{sid}/developerMetadata/4242") == (200, reply)
    assert client.call("GET", f"/v4/spreadsheets/{sid}/developerMetadata/1")[0] == 404
    lookup = {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "khoknongna.status"}}]}
    status, found = client.call("POST", f"/v4/spreadsheets/{sid}/developerMetadata:search", lookup)
    assert status == 200 and found == {"matchedDeveloperMetadata": [
        {"developerMetadata": reply, "dataFilters": lookup["dataFilters"]}]}
    nothing = {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "other"}}]}
    assert client.call("POST", f"/v4/spreadsheets/{sid}/developerMetadata:search", nothing) == (200, {})
    # The values of the marked tab in one read, and the officer's tab by its range alongside.
    server.set_values(sid, STATUS, [["สถานะ"], ["ครบ"]], value_input_option="RAW")
    status, got = client.call("POST", f"/v4/spreadsheets/{sid}/values:batchGetByDataFilter", {"dataFilters": [
        lookup["dataFilters"][0], {"a1Range": "คณะทำงาน!A1:A2"}]})
    assert status == 200 and [v["valueRange"] for v in got["valueRanges"]] == [
        {"range": f"'{STATUS}'!A1:H50", "majorDimension": "ROWS", "values": [["สถานะ"], ["ครบ"]]},
        {"range": "'คณะทำงาน'!A1:A2", "majorDimension": "ROWS", "values": [["ชื่อ"], ["นายสมชาย"]]}]
    assert got["valueRanges"][0]["dataFilters"] == lookup["dataFilters"]
    # Renaming the tab keeps the mark; the requests count as reads.
    client.ok(sid, {"updateSheetProperties": {"properties": {"sheetId": status_id, "title": "สถานะ"},
                                              "fields": "title"}})
    assert client.get(sid)["sheets"][1]["developerMetadata"] == [reply]
    assert server.stats()["by_kind"]["developerMetadata.search"] == 2
    assert server.stats()["reads"] == 7  # 2 spreadsheets.get, 2 metadata gets, 2 searches, 1 batchGetByDataFilter


def test_developer_metadata_on_the_spreadsheet_and_on_rows_moves_with_them(setup):
    server, client, sid, status_id = setup
    client.ok(sid,
              {"createDeveloperMetadata": {"developerMetadata": {
                  "metadataKey": "khoknongna.version", "metadataValue": "2", "location": {"spreadsheet": True},
                  "visibility": "PROJECT"}}},
              {"createDeveloperMetadata": {"developerMetadata": {
                  "metadataId": 7, "metadataKey": "header", "visibility": "DOCUMENT",
                  "location": {"dimensionRange": {"sheetId": status_id, "dimension": "ROWS", "startIndex": 5,
                                                  "endIndex": 6}}}}})
    meta = client.get(sid)
    assert [m["metadataKey"] for m in meta["developerMetadata"]] == ["khoknongna.version"]
    assert meta["developerMetadata"][0]["location"] == {"locationType": "SPREADSHEET", "spreadsheet": True}
    # PROJECT metadata is not seen from another project; DOCUMENT metadata is.
    other = Client(server, OTHER_PROJECT)
    assert "developerMetadata" not in other.get(sid)
    # Two rows inserted above row 6 move its metadata to row 8 (index 7).
    client.ok(sid, {"insertDimension": {"range": {"sheetId": status_id, "dimension": "ROWS", "startIndex": 0,
                                                  "endIndex": 2}}})
    status, md = client.call("GET", f"/v4/spreadsheets/{sid}/developerMetadata/7")
    assert md["location"]["dimensionRange"] == {"sheetId": status_id, "dimension": "ROWS", "startIndex": 7,
                                                "endIndex": 8}
    rows = client.get(sid, ranges=f"'{STATUS}'!A7:A8", fields="sheets.data.rowMetadata")
    assert rows["sheets"][0]["data"][0]["rowMetadata"] == [{"pixelSize": 21},
                                                           {"pixelSize": 21, "developerMetadata": [md]}]
    # Found through the cells it is on, and by an intersecting location.
    grid = {"dataFilters": [{"a1Range": f"'{STATUS}'!B8"}]}
    assert client.call("POST", f"/v4/spreadsheets/{sid}/developerMetadata:search", grid)[1][
        "matchedDeveloperMetadata"][0]["developerMetadata"]["metadataId"] == 7
    crossing = {"dataFilters": [{"developerMetadataLookup": {
        "metadataLocation": {"dimensionRange": {"sheetId": status_id, "dimension": "COLUMNS", "startIndex": 1,
                                                "endIndex": 2}},
        "locationMatchingStrategy": "INTERSECTING_LOCATION"}}]}
    found = client.call("POST", f"/v4/spreadsheets/{sid}/developerMetadata:search", crossing)[1]
    # column B crosses row 8, and the spreadsheet holds every location
    assert [m["developerMetadata"]["metadataKey"] for m in found["matchedDeveloperMetadata"]] == [
        "khoknongna.version", "header"]
    # Deleting its row deletes it; deleting its sheet deletes the sheet's.
    client.ok(sid, mark(status_id, metadataId=8))
    client.ok(sid, {"deleteDimension": {"range": {"sheetId": status_id, "dimension": "ROWS", "startIndex": 7,
                                                  "endIndex": 8}}})
    assert client.call("GET", f"/v4/spreadsheets/{sid}/developerMetadata/7")[0] == 404
    client.ok(sid, {"deleteSheet": {"sheetId": status_id}})
    assert client.call("GET", f"/v4/spreadsheets/{sid}/developerMetadata/8")[0] == 404


def test_developer_metadata_update_delete_and_what_google_refuses(setup):
    server, client, sid, status_id = setup
    client.ok(sid, mark(status_id, metadataId=11))
    by_id = {"developerMetadataLookup": {"metadataId": 11}}
    reply = client.ok(sid, {"updateDeveloperMetadata": {
        "dataFilters": [by_id], "developerMetadata": {"metadataValue": "v2"}, "fields": "metadataValue"}})[0]
    assert reply["updateDeveloperMetadata"]["developerMetadata"][0]["metadataValue"] == "v2"
    where = "Invalid requests[0].createDeveloperMetadata: "
    assert _error(client.batch(sid, mark(status_id, metadataId=11)))["message"] == (
        where + "Developer metadata with id 11 already exists.")
    assert _error(client.batch(sid, mark(status_id, key="")))["message"] == (
        where + "Developer metadata must have a metadataKey.")
    no_visibility = mark(status_id)
    del no_visibility["createDeveloperMetadata"]["developerMetadata"]["visibility"]
    assert _error(client.batch(sid, no_visibility))["message"] == where + "Developer metadata must have a visibility."
    assert "No grid with id: 99" in _error(client.batch(sid, mark(99)))["message"]
    error = _error(client.batch(sid, mark(status_id, visibility="EVERYONE")))
    assert error["message"] == ("Invalid value at "
                                "'requests[0].create_developer_metadata.developer_metadata.visibility' "
                                "(type.googleapis.com/google.apps.sheets.v4.DeveloperMetadata."
                                "DeveloperMetadataVisibility), \"EVERYONE\"")
    assert error["details"][0]["fieldViolations"][0]["field"] == (
        "requests[0].create_developer_metadata.developer_metadata.visibility")
    assert "more than the limit of 30000" in _error(client.batch(sid, mark(status_id, value="x" * 30_000)))["message"]
    reply = client.ok(sid, {"deleteDeveloperMetadata": {"dataFilter": by_id}})[0]
    assert [m["metadataId"] for m in reply["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]] == [11]
    assert "developerMetadata" not in client.get(sid)["sheets"][1]


# --------------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------------


def column_chart(sheet_id: int, source_sheet: int | None = None) -> dict:
    src = source_sheet if source_sheet is not None else sheet_id
    return {"addChart": {"chart": {
        "spec": {"title": "ความคืบหน้า", "basicChart": {
            "chartType": "COLUMN", "stackedType": "STACKED", "legendPosition": "BOTTOM_LEGEND",
            "domains": [{"domain": {"sourceRange": {"sources": [
                {"sheetId": src, "startRowIndex": 0, "endRowIndex": 10, "startColumnIndex": 0,
                 "endColumnIndex": 1}]}}}],
            "series": [{"series": {"sourceRange": {"sources": [
                {"sheetId": src, "startRowIndex": 0, "endRowIndex": 10, "startColumnIndex": 1,
                 "endColumnIndex": 2}]}},
                "targetAxis": "LEFT_AXIS", "color": {"red": 0.4, "green": 0.8, "blue": 0.5}}],
            "headerCount": 1}},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": 2, "columnIndex": 4},
                                         "widthPixels": 605, "heightPixels": 340}}}}}


def test_a_chart_is_stored_read_back_moved_and_deleted(setup):
    server, client, sid, status_id = setup
    chart = client.ok(sid, column_chart(status_id))[0]["addChart"]["chart"]
    assert chart["chartId"] > 0
    assert chart["position"] == {"overlayPosition": {"anchorCell": {"sheetId": status_id, "rowIndex": 2,
                                                                    "columnIndex": 4},
                                                     "widthPixels": 605, "heightPixels": 340}}
    series = chart["spec"]["basicChart"]["series"][0]
    assert series["color"] == {"red": 0.4, "green": 0.8, "blue": 0.49803922}  # 8-bit levels: 0.5 is 127/255
    assert series["colorStyle"] == {"rgbColor": series["color"]}
    sheets = client.get(sid)["sheets"]
    assert "charts" not in sheets[0] and sheets[1]["charts"] == [chart]
    moved = client.ok(sid, {"updateEmbeddedObjectPosition": {
        "objectId": chart["chartId"], "newPosition": {"overlayPosition": {"anchorCell": {
            "sheetId": status_id, "rowIndex": 20, "columnIndex": 0}}}, "fields": "anchorCell"}})[0]
    assert moved["updateEmbeddedObjectPosition"]["position"]["overlayPosition"] == {
        "anchorCell": {"sheetId": status_id, "rowIndex": 20, "columnIndex": 0}, "widthPixels": 605,
        "heightPixels": 340}
    spec = dict(chart["spec"], title="ใหม่")
    client.ok(sid, {"updateChartSpec": {"chartId": chart["chartId"], "spec": spec}})
    assert client.get(sid)["sheets"][1]["charts"][0]["spec"]["title"] == "ใหม่"
    client.ok(sid, {"deleteEmbeddedObject": {"objectId": chart["chartId"]}})
    assert "charts" not in client.get(sid)["sheets"][1]
    # A chart goes with its sheet; one on a sheet of its own makes that sheet.
    client.ok(sid, column_chart(status_id))
    client.ok(sid, {"deleteSheet": {"sheetId": status_id}})
    assert all("charts" not in s for s in client.get(sid)["sheets"])
    new = column_chart(0)
    new["addChart"]["chart"]["position"] = {"newSheet": True}
    added = client.ok(sid, new)[0]["addChart"]["chart"]
    sheets = client.get(sid)["sheets"]
    assert sheets[-1]["properties"]["sheetType"] == "OBJECT"
    assert added["position"] == {"sheetId": sheets[-1]["properties"]["sheetId"]}
    assert sheets[-1]["charts"] == [added]


def test_what_google_refuses_in_a_chart(setup):
    server, client, sid, status_id = setup
    assert "No grid with id: 12345" in _error(client.batch(sid, column_chart(status_id, source_sheet=12345)))["message"]
    two_types = column_chart(status_id)
    two_types["addChart"]["chart"]["spec"]["pieChart"] = {}
    assert "exactly one chart type" in _error(client.batch(sid, two_types))["message"]
    outside = column_chart(status_id)
    outside["addChart"]["chart"]["position"]["overlayPosition"]["anchorCell"]["rowIndex"] = 50
    assert "outside the grid" in _error(client.batch(sid, outside))["message"]
    fractional = column_chart(status_id)
    fractional["addChart"]["chart"]["position"]["overlayPosition"]["widthPixels"] = 604.7
    error = _error(client.batch(sid, fractional))
    assert error["message"] == ("Invalid value at 'requests[0].add_chart.chart.position.overlay_position.width_pixels'"
                                " (TYPE_INT32), 604.7")
    assert "charts" not in client.get(sid)["sheets"][1]


# --------------------------------------------------------------------------------------------------
# Row heights, column widths, merges, fonts
# --------------------------------------------------------------------------------------------------


def test_row_heights_column_widths_and_hidden_rows_read_back_in_grid_data(setup):
    server, client, sid, status_id = setup
    client.ok(sid,
              {"updateDimensionProperties": {"range": {"sheetId": status_id, "dimension": "ROWS", "startIndex": 0,
                                                       "endIndex": 2},
                                             "properties": {"pixelSize": 42.0}, "fields": "pixelSize"}},
              {"updateDimensionProperties": {"range": {"sheetId": status_id, "dimension": "COLUMNS", "startIndex": 1,
                                                       "endIndex": 2},
                                             "properties": {"pixelSize": 300}, "fields": "pixelSize"}},
              {"updateDimensionProperties": {"range": {"sheetId": status_id, "dimension": "ROWS", "startIndex": 2,
                                                       "endIndex": 3},
                                             "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
    data = client.get(sid, ranges=f"'{STATUS}'!A1:C4",
                      fields="sheets.data(rowMetadata,columnMetadata)")["sheets"][0]["data"][0]
    assert data["rowMetadata"] == [{"pixelSize": 42}, {"pixelSize": 42}, {"pixelSize": 21, "hiddenByUser": True},
                                   {"pixelSize": 21}]
    assert data["columnMetadata"] == [{"pixelSize": 100}, {"pixelSize": 300}, {"pixelSize": 100}]
    error = _error(client.batch(sid, {"updateDimensionProperties": {
        "range": {"sheetId": status_id, "dimension": "ROWS", "startIndex": 0, "endIndex": 1},
        "properties": {"pixelSize": 18.75}, "fields": "pixelSize"}}))
    assert error["message"] == ("Invalid value at 'requests[0].update_dimension_properties.properties.pixel_size' "
                                "(TYPE_INT32), 18.75")
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"


def test_merges_and_a_thai_font_on_the_status_tab(setup):
    server, client, sid, status_id = setup
    font = {"textFormat": {"fontFamily": "TH Sarabun New", "fontSize": 14.0, "bold": True}}
    client.ok(sid,
              {"mergeCells": {"range": {"sheetId": status_id, "startRowIndex": 0, "endRowIndex": 1,
                                        "startColumnIndex": 0, "endColumnIndex": 6}, "mergeType": "MERGE_ALL"}},
              {"updateCells": {"start": {"sheetId": status_id, "rowIndex": 0, "columnIndex": 0},
                               "rows": [{"values": [{"userEnteredValue": {"stringValue": "สถานะการรายงาน"},
                                                     "userEnteredFormat": font}]}],
                               "fields": "userEnteredValue,userEnteredFormat.textFormat"}})
    sheet = client.get(sid, ranges=f"'{STATUS}'!A1", fields="sheets(merges,data.rowData.values.userEnteredFormat)")
    assert sheet["sheets"][0]["merges"] == [{"sheetId": status_id, "startRowIndex": 0, "endRowIndex": 1,
                                             "startColumnIndex": 0, "endColumnIndex": 6}]
    assert sheet["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"] == {
        "textFormat": {"fontFamily": "TH Sarabun New", "fontSize": 14, "bold": True}}
    error = _error(client.batch(sid, {"mergeCells": {"range": {"sheetId": status_id, "startRowIndex": 0,
                                                               "endRowIndex": 2, "startColumnIndex": 5,
                                                               "endColumnIndex": 7}}}))
    assert "partially overlap" in error["message"]
    client.ok(sid, {"unmergeCells": {"range": {"sheetId": status_id, "startRowIndex": 0, "endRowIndex": 1,
                                               "startColumnIndex": 2, "endColumnIndex": 3}}})
    assert "merges" not in client.get(sid)["sheets"][1]
    # What Google's decoding refuses in a format, with the field it names.
    for bad, message in (
        ({"textFormat": {"fontSize": 14.5}},
         "Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.text_format.font_size' "
         "(TYPE_INT32), 14.5"),
        ({"textFormat": {"fontName": "TH Sarabun New"}},
         "Invalid JSON payload received. Unknown name \"fontName\" at "
         "'requests[0].repeat_cell.cell.user_entered_format.text_format': Cannot find field."),
        ({"horizontalAlignment": "MIDDLE"},
         "Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.horizontal_alignment' "
         "(type.googleapis.com/google.apps.sheets.v4.HorizontalAlign), \"MIDDLE\""),
    ):
        error = _error(client.batch(sid, {"repeatCell": {"range": {"sheetId": status_id}, "cell": {
            "userEnteredFormat": bad}, "fields": "userEnteredFormat"}}))
        assert error["message"] == message
        assert error["details"][0]["fieldViolations"][0]["description"] == message


def test_a_drive_copy_keeps_metadata_and_charts(setup):
    server, client, sid, status_id = setup
    client.ok(sid, mark(status_id, metadataId=5), column_chart(status_id))
    status, copied = client.call("POST", f"/drive/v3/files/{sid}/copy", {"name": "สำเนา"})
    assert status == 200
    sheets = client.get(copied["id"])["sheets"]
    assert sheets[1]["developerMetadata"][0]["metadataId"] == 5 and len(sheets[1]["charts"]) == 1
    assert server.values(copied["id"], "คณะทำงาน") == [["ชื่อ"], ["นายสมชาย"]]
    assert client.call("GET", f"/v4/spreadsheets/{sid}/values/{quote(STATUS)}")[0] == 200
