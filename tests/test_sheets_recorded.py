"""The local Sheets server answers as Google answered in recorded interactions that the shared
contract cassettes (tests/test_sheets_contract.py) do not cover: protected ranges, 400s with and
without ``error.details``, grid data asked for by a ``fields`` mask, colours, frozen rows, merges and
basic filters.

The requests and Google's replies below are quoted from gspread's recorded test traffic
(https://github.com/burnash/gspread, tests/cassettes/, at commit 5e2b628; MIT licence, Copyright (C)
2011-2023 Anton Burnashev; each step names its cassette and interaction). Each scenario starts from a
new spreadsheet like the one gspread's test made (one empty 1000 x 26 "Sheet1", id 0), sends the
recorded requests in order, and compares each reply with Google's field by field (the comparison of
tests/test_sheets_contract.py: same keys at every level, equal values, ids mapped). Of a
``spreadsheets.get`` only the part the scenario is about is compared; the recorded service account
is ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SheetsServer
from tests.test_sheets_contract import Replay

RECORDED_ACCOUNT = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"
NOTES = "fields=sheets.data.rowData.values.note"
RANGE_2X2 = {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}


@dataclass
class Step:
    source: str  # cassette [interaction]
    method: str
    path: str  # after /v4/spreadsheets/{id}
    query: str
    body: Any
    status: int
    reply: Any  # Google's (or the part of it `part` picks)
    part: Callable[[dict], Any] | None = None


def protected(body: dict) -> Any:
    return [s.get("protectedRanges") for s in body["sheets"]]


def merges(body: dict) -> Any:
    return [s.get("merges") for s in body["sheets"]]


def basic_filter(body: dict) -> Any:
    return [s.get("basicFilter") for s in body["sheets"]]


def grid(body: dict) -> Any:
    return [s["properties"]["gridProperties"] for s in body["sheets"]]


def batch(*requests: dict) -> dict:
    return {"requests": list(requests)}


SCENARIOS = {
    # A warning-only protected range: the reply carries `editors` ({}); GET then lists the owner.
    "protected_range_warning_only": [
        Step("WorksheetTest.test_add_protected_range_warning [4]", "POST", ":batchUpdate", "",
             batch({"addProtectedRange": {"protectedRange": {
                 "range": {**RANGE_2X2, "sheetId": 0}, "description": None, "warningOnly": True,
                 "requestingUserCanEdit": False, "editors": None}}}),
             200, {"spreadsheetId": "1qDH86R-bTDHWk4vQNxULR1_FE9ITfAgQg1chupRJ-2s", "replies": [
                 {"addProtectedRange": {"protectedRange": {
                     "protectedRangeId": 1120923012, "range": RANGE_2X2, "warningOnly": True,
                     "requestingUserCanEdit": True, "editors": {}}}}]}),
        Step("WorksheetTest.test_add_protected_range_warning [5]", "GET", "", "includeGridData=false", None,
             200, [[{"protectedRangeId": 1120923012, "range": RANGE_2X2, "warningOnly": True,
                     "requestingUserCanEdit": True, "editors": {"users": [RECORDED_ACCOUNT]}}]], protected),
    ],
    "protected_range": [
        Step("WorksheetTest.test_add_protected_range_normal [4]", "POST", ":batchUpdate", "",
             batch({"addProtectedRange": {"protectedRange": {
                 "range": {**RANGE_2X2, "sheetId": 0}, "description": None, "warningOnly": False,
                 "requestingUserCanEdit": False, "editors": {"users": [], "groups": []}}}}),
             200, {"spreadsheetId": "1ZiVLfW42k1aWaar0_6PjvOteg-2jvWNc2S3X5hK4HDI", "replies": [
                 {"addProtectedRange": {"protectedRange": {
                     "protectedRangeId": 1086220710, "range": RANGE_2X2, "requestingUserCanEdit": True,
                     "editors": {}}}}]}),
        Step("WorksheetTest.test_add_protected_range_normal [5]", "GET", "", "includeGridData=false", None,
             200, [[{"protectedRangeId": 1086220710, "range": RANGE_2X2, "requestingUserCanEdit": True,
                     "editors": {"users": [RECORDED_ACCOUNT]}}]], protected),
    ],
    # A request Google cannot decode: 400 with a BadRequest field violation in `details`, before the
    # range is even looked at (the second one names no parsable range).
    "undecodable_values_400_has_details": [
        Step("WorksheetTest.test_add_validation [5]", "PUT", "/values/%27Sheet1%27%21A1", "valueInputOption=RAW",
             {"values": "X", "majorDimension": None},
             400, {"error": {
                 "code": 400,
                 "message": "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\"",
                 "status": "INVALID_ARGUMENT",
                 "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{
                     "field": "data.values",
                     "description": "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue)"
                                    ", \"X\""}]}]}}),
        Step("WorksheetTest.test_get_values_merge_cells_outside_of_range [50]", "PUT",
             "/values/%27Sheet1%27%21%5B%5B%271%27%2C%20%272%27%2C%20%274%27%2C%20%27%27%5D%5D",
             "valueInputOption=RAW", {"values": "A1:D4", "majorDimension": None},
             400, {"error": {
                 "code": 400,
                 "message": "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), "
                            "\"A1:D4\"",
                 "status": "INVALID_ARGUMENT",
                 "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{
                     "field": "data.values",
                     "description": "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue)"
                                    ", \"A1:D4\""}]}]}}),
    ],
    # A well-formed request Google refuses: 400 without `details`.
    "refused_request_400_has_no_details": [
        Step("WorksheetTest.test_hide_show_worksheet [5]", "POST", ":batchUpdate", "",
             batch({"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}}),
             400, {"error": {"code": 400, "message": "Invalid requests[0].updateSheetProperties: You can't hide "
                                                     "all the sheets in a document.", "status": "INVALID_ARGUMENT"}}),
    ],
    # spreadsheets.get returns grid data when its fields mask asks for it; empty ends are trimmed.
    "grid_data_by_fields_mask": [
        Step("WorksheetTest.test_get_notes [5]", "GET", "", NOTES + "&ranges=%27Sheet1%27", None,
             200, {"sheets": [{"data": [{}]}]}),
        Step("WorksheetTest.test_get_notes [6]", "POST", ":batchUpdate", "", batch(
            *({"updateCells": {"range": {"startRowIndex": r, "endRowIndex": r + 1, "startColumnIndex": c,
                                         "endColumnIndex": c + 1, "sheetId": 0},
                               "fields": "note", "rows": [{"values": [{"note": note}]}]}}
              for r, c, note in ((0, 0, "read my note"), (1, 1, "Or don't"), (2, 0, "another note"), (2, 2, "test")))),
             200, {"spreadsheetId": "1ixIGCQezexeSZMbzt_A3kYfYLMC9UI4mmFmlw-G_9NI", "replies": [{}, {}, {}, {}]}),
        Step("WorksheetTest.test_get_notes [7]", "GET", "", NOTES + "&ranges=%27Sheet1%27%21A2%3AC3", None,
             200, {"sheets": [{"data": [{"rowData": [
                 {"values": [{}, {"note": "Or don't"}]},
                 {"values": [{"note": "another note"}, {}, {"note": "test"}]}]}]}]}),
        Step("WorksheetTest.test_get_notes [8]", "GET", "", NOTES + "&ranges=%27Sheet1%27", None,
             200, {"sheets": [{"data": [{"rowData": [
                 {"values": [{"note": "read my note"}]},
                 {"values": [{}, {"note": "Or don't"}]},
                 {"values": [{"note": "another note"}, {}, {"note": "test"}]}]}]}]}),
    ],
    # includeGridData=False is ignored under a mask; a colour reads back with its ColorStyle twin.
    "grid_data_and_colours": [
        Step("WorksheetTest.test_format [5]", "POST", ":batchUpdate", "", batch({"repeatCell": {
            "range": {"startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2, "sheetId": 0},
            "cell": {"userEnteredFormat": {
                "backgroundColor": {"green": 1, "blue": 1}, "horizontalAlignment": "CENTER",
                "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "fontSize": 12, "bold": True}}},
            "fields": "userEnteredFormat(backgroundColor,horizontalAlignment,textFormat)"}}),
             200, {"spreadsheetId": "1awKn0h_79jd4MkbtqPDh-4Rb6UuVHl7oTmQMT69qS6c", "replies": [{}]}),
        Step("WorksheetTest.test_format [6]", "GET", "",
             "includeGridData=False&ranges=Sheet1%21A2&fields=sheets.data.rowData.values.userEnteredFormat", None,
             200, {"sheets": [{"data": [{"rowData": [{"values": [{"userEnteredFormat": {
                 "backgroundColor": {"green": 1, "blue": 1}, "horizontalAlignment": "CENTER",
                 "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "fontSize": 12, "bold": True,
                                "foregroundColorStyle": {"rgbColor": {"red": 1, "green": 1}}},
                 "backgroundColorStyle": {"rgbColor": {"green": 1, "blue": 1}}}}]}]}]}]}),
        Step("WorksheetTest.test_update_tab_color [6]", "POST", ":batchUpdate", "", batch({"updateSheetProperties": {
            "properties": {"sheetId": 0, "tabColorStyle": {"rgbColor": {"red": 1, "green": 0, "blue": 0.5}}},
            "fields": "tabColorStyle"}}),
             200, {"spreadsheetId": "1TWoZhXtsJieNWLc2QJJ953D8r6Ukog2gPGUWX6iEIKQ", "replies": [{}]}),
        Step("WorksheetTest.test_update_tab_color [7]", "GET", "", "fields=sheets.properties.tabColorStyle", None,
             200, {"sheets": [{"properties": {"tabColorStyle": {"rgbColor": {"red": 1, "blue": 0.49803922}}}}]}),
    ],
    # Zero counts are left out of gridProperties.
    "frozen_rows_and_columns": [
        Step("WorksheetTest.test_freeze [5]", "POST", ":batchUpdate", "", batch({"updateSheetProperties": {
            "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 2}},
            "fields": "gridProperties/frozenRowCount"}}),
             200, {"spreadsheetId": "1gqba42DPLjZnd3D-Or2VL2Hjff0-Fcn5md20vPlVxUI", "replies": [{}]}),
        Step("WorksheetTest.test_freeze [7]", "POST", ":batchUpdate", "", batch({"updateSheetProperties": {
            "properties": {"sheetId": 0, "gridProperties": {"frozenColumnCount": 1}},
            "fields": "gridProperties/frozenColumnCount"}}),
             200, {"spreadsheetId": "1gqba42DPLjZnd3D-Or2VL2Hjff0-Fcn5md20vPlVxUI", "replies": [{}]}),
        Step("WorksheetTest.test_freeze [8]", "GET", "", "includeGridData=false", None,
             200, [{"rowCount": 1000, "columnCount": 26, "frozenRowCount": 2, "frozenColumnCount": 1}], grid),
        Step("WorksheetTest.test_freeze [9]", "POST", ":batchUpdate", "", batch({"updateSheetProperties": {
            "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 0, "frozenColumnCount": 0}},
            "fields": "gridProperties/frozenRowCount,gridProperties/frozenColumnCount"}}),
             200, {"spreadsheetId": "1gqba42DPLjZnd3D-Or2VL2Hjff0-Fcn5md20vPlVxUI", "replies": [{}]}),
        Step("WorksheetTest.test_freeze [10]", "GET", "", "includeGridData=false", None,
             200, [{"rowCount": 1000, "columnCount": 26}], grid),
    ],
    # MERGE_COLUMNS and MERGE_ROWS make a merge per column or row; sheetId 0 is left out of ranges.
    "merges": [
        *(Step(f"WorksheetTest.test_get_merge_cells_and_unmerge_cells [{i}]", "POST", ":batchUpdate", "",
               batch({"mergeCells": {"mergeType": kind, "range": {"startRowIndex": r1, "endRowIndex": r2,
                                                                  "startColumnIndex": c1, "endColumnIndex": c2,
                                                                  "sheetId": 0}}}),
               200, {"spreadsheetId": "16u2Rgrky_mSTXlMiEplZbu40DNyTHjnNEEDSGFBlpWs", "replies": [{}]})
          for i, kind, r1, r2, c1, c2 in ((6, "MERGE_ALL", 0, 2, 0, 2), (7, "MERGE_COLUMNS", 0, 2, 2, 4),
                                          (8, "MERGE_ROWS", 2, 4, 1, 3))),
        Step("WorksheetTest.test_get_merge_cells_and_unmerge_cells [10]", "GET", "", "includeGridData=false", None,
             200, [[{"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
                    {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 2, "endColumnIndex": 3},
                    {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 3, "endColumnIndex": 4},
                    {"startRowIndex": 2, "endRowIndex": 3, "startColumnIndex": 1, "endColumnIndex": 3},
                    {"startRowIndex": 3, "endRowIndex": 4, "startColumnIndex": 1, "endColumnIndex": 3}]], merges),
        Step("WorksheetTest.test_get_merge_cells_and_unmerge_cells [11]", "POST", ":batchUpdate", "",
             batch({"unmergeCells": {"range": {"startRowIndex": 0, "endRowIndex": 4, "startColumnIndex": 0,
                                               "endColumnIndex": 4, "sheetId": 0}}}),
             200, {"spreadsheetId": "16u2Rgrky_mSTXlMiEplZbu40DNyTHjnNEEDSGFBlpWs", "replies": [{}]}),
        Step("WorksheetTest.test_get_merge_cells_and_unmerge_cells [13]", "GET", "", "includeGridData=false", None,
             200, [None], merges),
    ],
    # A basic filter on a whole sheet is stored with the sheet's bounds.
    "basic_filter": [
        Step("WorksheetTest.test_basic_filters [5]", "POST", ":batchUpdate", "", batch({"updateSheetProperties": {
            "properties": {"sheetId": 0, "gridProperties": {"rowCount": 20, "columnCount": 20}},
            "fields": "gridProperties/rowCount,gridProperties/columnCount"}}),
             200, {"spreadsheetId": "1_41UgH_SGiG4KVXZq5HNFsZm2M7JHF0NZQ9-8QZFRlM", "replies": [{}]}),
        Step("WorksheetTest.test_basic_filters [6]", "POST", ":batchUpdate", "",
             batch({"setBasicFilter": {"filter": {"range": {"sheetId": 0}}}}),
             200, {"spreadsheetId": "1_41UgH_SGiG4KVXZq5HNFsZm2M7JHF0NZQ9-8QZFRlM", "replies": [{}]}),
        Step("WorksheetTest.test_basic_filters [7]", "GET", "", "includeGridData=false", None,
             200, [{"range": {"startRowIndex": 0, "endRowIndex": 20, "startColumnIndex": 0, "endColumnIndex": 20}}],
             basic_filter),
    ],
}


def _ours(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _ours(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ours(v) for v in value]
    return DEFAULT_CLIENT_EMAIL if value == RECORDED_ACCOUNT else value


@pytest.fixture(scope="module")
def server():
    with SheetsServer() as srv:
        yield srv


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_replies_match_recorded_google_replies(server: SheetsServer, name: str):
    server.reset(data=True)
    sid = server.create_spreadsheet(f"Test {name}")
    replay = Replay(server, name)
    for step in SCENARIOS[name]:
        where = f"{name}: {step.source}"
        url = f"{server.url}/v4/spreadsheets/{sid}{step.path}" + (f"?{step.query}" if step.query else "")
        response = replay.session.request(step.method, url, json=step.body, timeout=10)
        assert response.status_code == step.status, f"{where}: {response.status_code}: {response.text}"
        actual = response.json()
        replay.compare(_ours(step.reply), step.part(actual) if step.part else actual, [], where)
