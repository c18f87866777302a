"""Formats, validation rules and notes of the local Sheets server are stored by ranges (RangeMap),
and read back exactly as they were when they were stored cell by cell."""

from __future__ import annotations

import random

import pytest
import requests

from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SheetsServer
from tests.sheets_server.ranges import RangeMap


def _reference_shift(cells: dict, dimension: str, start: int, count: int) -> dict:
    axis = 0 if dimension == "ROWS" else 1
    moved = {}
    for key, value in cells.items():
        pos = key[axis]
        if pos >= start and count < 0 and pos < start - count:
            continue
        new = list(key)
        if pos >= start:
            new[axis] = pos + count
        moved[tuple(new)] = value
    return moved


@pytest.mark.parametrize("seed", range(40))
def test_range_map_behaves_like_a_dict_of_cells(seed: int):
    """Random boxes, masked updates, inserted/deleted rows and columns and a shrinking grid give the
    same cells as a plain {(row, col): value} dict, with the runs always sorted and joined."""
    rnd = random.Random(seed)
    ranges, cells = RangeMap(), {}
    for _ in range(60):
        op = rnd.random()
        if op < 0.6:
            r1, c1 = rnd.randint(1, 14), rnd.randint(1, 5)
            r2, c2 = rnd.randint(r1, 14), rnd.randint(c1, 5)
            if rnd.random() < 0.5:
                value = rnd.choice([None, "a", "b"])
                ranges.update(r1, c1, r2, c2, lambda _old, v=value: v)
                for key in [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]:
                    if value is None:
                        cells.pop(key, None)
                    else:
                        cells[key] = value
            else:  # a masked update: only set cells change, each from its own old value
                ranges.update(r1, c1, r2, c2, lambda old: None if old is None else old + "+")
                for key in [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]:
                    if key in cells:
                        cells[key] += "+"
        elif op < 0.85:
            dimension, start, count = rnd.choice(["ROWS", "COLUMNS"]), rnd.randint(1, 10), rnd.choice([1, 3, -1, -2])
            ranges.shift(dimension, start, count)
            cells = _reference_shift(cells, dimension, start, count)
        else:
            rows, cols = rnd.randint(4, 16), rnd.randint(2, 6)
            ranges.truncate(rows, cols)
            cells = {k: v for k, v in cells.items() if k[0] <= rows and k[1] <= cols}
        got = {(r, c): ranges.get(r, c) for r in range(1, 50) for c in range(1, 30) if ranges.get(r, c) is not None}
        assert got == cells
        assert set(ranges.cells(1, 1, 50, 30)) == set(cells)
        for col, runs in ranges._cols.items():
            for before, after in zip(runs, runs[1:], strict=False):
                assert before[1] < after[0], f"column {col}: runs overlap or are unsorted: {runs}"
                assert not (before[1] + 1 == after[0] and before[2] == after[2]), f"column {col}: not joined: {runs}"


@pytest.fixture(scope="module")
def server():
    with SheetsServer() as srv:
        yield srv


def _batch(server: SheetsServer, sid: str, requests_: list[dict]) -> dict:
    r = requests.post(f"{server.url}/v4/spreadsheets/{sid}:batchUpdate", json={"requests": requests_},
                      headers={"Authorization": f"Bearer {server.token_for(DEFAULT_CLIENT_EMAIL)}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def _cell(server: SheetsServer, sid: str, row: int, col: int) -> dict:
    meta = server.spreadsheet(sid, include_grid_data=True)
    data = meta["sheets"][0]["data"][0]
    rows = data.get("rowData", [])
    if row - 1 >= len(rows):
        return {}
    values = rows[row - 1].get("values", [])
    return values[col - 1] if col - 1 < len(values) else {}


def test_a_whole_column_rule_and_format_cost_one_run_and_read_back_on_every_cell(server: SheetsServer):
    server.reset(data=True)
    sid = server.create_spreadsheet("s", {"Sheet1": [["ภาคี", "วันที่"]]}, grid=(1200, 4))
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "ภาครัฐ"}]},
            "showCustomUi": True, "strict": False}
    date = {"numberFormat": {"type": "DATE", "pattern": "d/m/yyyy"}}
    _batch(server, sid, [
        {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 0,
                                         "endColumnIndex": 1}, "rule": rule}},
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2},
                        "cell": {"userEnteredFormat": date}, "fields": "userEnteredFormat.numberFormat"}},
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
    ])
    stored = server.stats()["stored"]
    assert stored["validation_runs"] == 1
    assert stored["format_runs"] == 4 + 1  # the bold header row (4 columns) and the date column
    assert _cell(server, sid, 1200, 1)["dataValidation"] == rule
    assert _cell(server, sid, 1200, 2)["userEnteredFormat"] == date
    assert _cell(server, sid, 1, 2)["userEnteredFormat"] == {"textFormat": {"bold": True}}
    server.set_values(sid, "Sheet1", [["", "2024-12-20"]], start="A700")
    assert server.values(sid, "Sheet1", render="FORMATTED_VALUE")[699] == ["", "20/12/2024"]
    # A masked update of part of the column splits its run; the rest keeps the old format.
    _batch(server, sid, [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 9, "endRowIndex": 10, "startColumnIndex": 1, "endColumnIndex": 2},
        "cell": {"userEnteredFormat": {"textFormat": {"italic": True}}},
        "fields": "userEnteredFormat.textFormat.italic"}}])
    assert _cell(server, sid, 10, 2)["userEnteredFormat"] == {**date, "textFormat": {"italic": True}}
    assert _cell(server, sid, 11, 2)["userEnteredFormat"] == date


def test_formats_and_rules_move_with_inserted_and_deleted_rows_and_go_with_the_grid(server: SheetsServer):
    server.reset(data=True)
    sid = server.create_spreadsheet("s", {"Sheet1": [["a"], ["b"], ["c"]]}, grid=(10, 3))
    centred = {"horizontalAlignment": "CENTER"}
    _batch(server, sid, [
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0,
                                  "endColumnIndex": 1}, "cell": {"userEnteredFormat": centred},
                        "fields": "userEnteredFormat"}},
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 2, "columnIndex": 0},
                         "rows": [{"values": [{"note": "ตรวจแล้ว"}]}], "fields": "note"}},
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 4}}},
    ])
    assert server.values(sid, "Sheet1") == [["a"], ["b"], [], [], ["c"]]
    assert _cell(server, sid, 2, 1).get("userEnteredFormat") == centred  # "b" kept its format
    assert "userEnteredFormat" not in _cell(server, sid, 3, 1)  # the inserted rows have none
    assert _cell(server, sid, 5, 1)["userEnteredFormat"] == centred  # "c" took its format along
    assert _cell(server, sid, 5, 1)["note"] == "ตรวจแล้ว"
    _batch(server, sid, [
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}}},
    ])
    assert _cell(server, sid, 3, 1) == {"userEnteredValue": {"stringValue": "c"},
                                        "effectiveValue": {"stringValue": "c"}, "formattedValue": "c",
                                        "userEnteredFormat": centred, "note": "ตรวจแล้ว"}
    _batch(server, sid, [{"updateSheetProperties": {
        "properties": {"sheetId": 0, "gridProperties": {"rowCount": 2, "columnCount": 3}},
        "fields": "gridProperties.rowCount"}}])
    assert server.stats()["stored"]["format_runs"] == 0 and server.stats()["stored"]["note_runs"] == 0
