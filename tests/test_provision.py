"""`cli.py init --backend google`: provisioning district spreadsheets on the local Sheets server."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from cli import cli
from sync.backends.google import STATUS_SHEET_ID, GoogleBackend, status_tab_format
from sync.config import load_config
from sync.pipeline import run_sync
from sync.schema import STATUS, TABS, Kind
from tests.conftest import write_config
from tests.google_support import google_backend_yaml, provisioner
from tests.sheets_server import SheetsServer

AS_OF = dt.date(2025, 1, 21)
SUMMARY = "สรุปจังหวัดเชียงราย"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def server():
    with SheetsServer() as server:
        yield server


@pytest.fixture
def config_path(tmp_path: Path, server: SheetsServer) -> Path:
    server.write_credentials(tmp_path / "sa.json")
    return write_config(tmp_path, tmp_path / "unused", google_backend_yaml(tmp_path / "sa.json", server.url, SUMMARY))


@pytest.fixture
def config(config_path):
    return load_config(config_path)


def sheets_requests(stats: dict) -> dict:
    return {k: v for k, v in stats["by_kind"].items() if not k.startswith(("drive", "oauth"))}


def by_title(server: SheetsServer, title: str) -> str:
    [sid] = [s for s in server.spreadsheet_ids() if server.spreadsheet(s)["properties"]["title"] == title]
    return sid


def permissions(server: SheetsServer, sid: str) -> dict[str, str]:
    url = f"{server.url}/drive/v3/files/{sid}/permissions"
    answer = requests.get(url, params={"fields": "permissions(emailAddress,role)"},
                          headers={"Authorization": f"Bearer {server.token_for()}"}, timeout=10)
    return {p["emailAddress"]: p["role"] for p in answer.json()["permissions"]}


def row(sheet: dict, index: int) -> list[dict]:
    rows = sheet["data"][0].get("rowData", [])
    return rows[index].get("values", []) if index < len(rows) else []


def test_a_new_spreadsheet_has_the_contract_tabs_drop_downs_formats_and_the_protected_status_tab(config, server):
    district = config.district("5702")
    report = provisioner(config).run([district])
    assert [o.action for o in report.outcomes] == ["created", "created"]  # the district, the summary
    sid = by_title(server, "5702 เวียงชัย")
    book = server.spreadsheet(sid, include_grid_data=True)
    assert [s["properties"]["title"] for s in book["sheets"]] == [*TABS, STATUS]
    assert (book["properties"]["locale"], book["properties"]["timeZone"]) == ("th_TH", "Asia/Bangkok")
    lists = {
        Kind.SECTOR: [s.name for s in config.programme.sectors],
        Kind.ROLE: config.programme.roles,
        Kind.CENTER_TYPE: [t.name for t in config.programme.center_types],
        Kind.DIMENSION: [d.name for d in config.programme.dimensions],
        Kind.LEVEL: config.programme.assessment_levels,
        Kind.DOC_ITEM: ["1", "2", "3", "4", "5"],
    }
    dropdowns = set()
    for sheet, tab in zip(book["sheets"], TABS.values(), strict=False):
        assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
        header = [c["userEnteredValue"]["stringValue"] for c in row(sheet, 0)]
        assert header == [c.header for c in tab.columns]
        assert row(sheet, 0)[0]["userEnteredFormat"]["textFormat"]["bold"] is True
        second = row(sheet, 1)
        for i, column in enumerate(tab.columns):
            cell = second[i] if i < len(second) else {}
            if column.kind in lists:
                rule = cell["dataValidation"]
                assert rule["condition"]["type"] == "ONE_OF_LIST" and rule["strict"] is False
                assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == lists[column.kind]
                dropdowns.add(column.header)
            else:
                assert "dataValidation" not in cell
            if column.kind is Kind.DATE:
                assert cell["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
        assert "data" in sheet and len(sheet["data"][0]["rowData"]) == 1000  # drop-downs reach the last row
    assert dropdowns == {"ภาคี", "ตำแหน่งในคณะทำงาน", "ประเภท", "มิติ 5P", "ผลการประเมิน", "ข้อ"}
    status = book["sheets"][-1]
    assert status["properties"]["sheetId"] == STATUS_SHEET_ID
    assert status["properties"]["gridProperties"]["frozenRowCount"] == 6
    assert "rowData" not in status["data"][0] or not any(
        c.get("userEnteredValue") for r in status["data"][0]["rowData"] for c in r.get("values", [])
    )
    [protection] = status["protectedRanges"]
    assert protection["warningOnly"] is True
    colours = [r for r in status_tab_format(STATUS_SHEET_ID) if "addConditionalFormatRule" in r]
    assert len(status["conditionalFormats"]) == len(colours)
    assert permissions(server, sid)["cd5702@example.go.th"] == "writer"
    summary = by_title(server, SUMMARY)
    assert permissions(server, summary)["provincial-cd@example.go.th"] == "reader"


def test_a_second_init_writes_nothing_and_a_first_sync_takes_two_sheets_requests(config, server):
    districts = [config.district("5702"), config.district("5713")]
    provisioner(config).run(districts)
    server.reset()
    report = provisioner(config).run(districts)
    assert [o.action for o in report.outcomes] == ["unchanged"] * 3
    stats = server.stats()
    assert stats["writes"] == 0
    assert set(stats["by_kind"]) == {"oauth.token", "drive.files.list", "spreadsheets.get"}
    assert stats["by_kind"]["spreadsheets.get"] == 2  # one read per district spreadsheet
    for district in districts:
        server.reset()
        backend = GoogleBackend(config)
        outcome = run_sync(config, AS_OF, [district], email=False, backend=backend)
        assert outcome.status_written == [district.code]
        assert sheets_requests(server.stats()) == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}


def test_from_xlsx_upload_then_check_json_is_the_local_backends(config_path, server, demo_master, tmp_path):
    result = invoke("init", "--backend", "google", "--config", config_path, "--from-xlsx", demo_master)
    assert result.exit_code == 0, result.output
    assert result.output.count(": created https://docs.google.com/spreadsheets/d/") == 18
    assert "5718 ดอยหลวง: created" in result.output and "no tab 'แผนพัฒนา 5P'" in result.output
    stats = server.stats()
    assert stats["by_kind"]["spreadsheets.batchUpdate"] == 17 and stats["reads"] == 0  # one write each
    (tmp_path / "local").mkdir()
    local_path = write_config(tmp_path / "local", demo_master)
    args = ("check", "--format", "json", "--as-of", "2025-01-21")
    local = invoke(*args, "--config", local_path)
    remote = invoke(*args, "--config", config_path)
    assert remote.exit_code == local.exit_code == 0
    assert json.loads(remote.stdout) == json.loads(local.stdout)

    # Dates are date serials with a date format, text dates stay text, formulas stay formulas.
    sid = by_title(server, "5706 ป่าแดด")  # dates typed "20/12/2567"
    reports = server.values(sid, "รายงานรายเดือน", render="FORMULA")
    assert reports[1][1] == "15/12/2567"
    sid = by_title(server, "5701 เมืองเชียงราย")  # date cells
    sheet = next(s for s in server.spreadsheet(sid, include_grid_data=True)["sheets"]
                 if s["properties"]["title"] == "รายงานรายเดือน")
    sent = row(sheet, 1)[1]
    assert "numberValue" in sent["userEnteredValue"] and sent["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    assert sent["formattedValue"] == "20/12/2024"
    plan = server.values(sid, "แผนพัฒนา 5P", render="FORMULA")
    assert plan[1][5].startswith("=SUM(")

    # Running it again changes nothing, and says why the workbooks were not uploaded again.
    server.reset()
    again = invoke("init", "--config", config_path, "--from-xlsx", demo_master)
    assert again.exit_code == 0, again.output
    assert again.output.count(": unchanged") == 18 and "workbook was not uploaded" in again.output
    assert server.stats()["writes"] == 0 and server.stats()["by_kind"]["spreadsheets.get"] == 17


def test_an_existing_spreadsheet_is_repaired_and_officer_cells_are_kept(config, server):
    district = config.district("5702")
    provisioner(config).run([district], summary=False)
    sid = by_title(server, "5702 เวียงชัย")
    committee = [["นายก ใจดี", "ประธาน", "อำเภอ", "ราชการ", "0812345678"]]
    server.set_values(sid, "คณะทำงานขับเคลื่อน", committee, start="A2", value_input_option="RAW")
    committee = server.values(sid, "คณะทำงานขับเคลื่อน")
    book = server.spreadsheet(sid)
    ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in book["sheets"]}
    [protection] = book["sheets"][-1]["protectedRanges"]
    damage = [  # what an officer can do: unfreeze, remove a drop-down, remove the protection
        {"updateSheetProperties": {"properties": {"sheetId": ids["คณะทำงานขับเคลื่อน"],
                                                  "gridProperties": {"frozenRowCount": 0}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"setDataValidation": {"range": {"sheetId": ids["คณะทำงานขับเคลื่อน"], "startRowIndex": 1,
                                         "startColumnIndex": 3, "endColumnIndex": 4}}},
        {"deleteProtectedRange": {"protectedRangeId": protection["protectedRangeId"]}},
    ]
    requests.post(f"{server.url}/v4/spreadsheets/{sid}:batchUpdate", json={"requests": damage}, timeout=10,
                  headers={"Authorization": f"Bearer {server.token_for()}"}).raise_for_status()
    server.reset()
    [outcome] = provisioner(config).run([district], summary=False).outcomes
    assert outcome.action == "updated"
    assert outcome.changes == [
        "froze the header row of คณะทำงานขับเคลื่อน",
        "drop-down on คณะทำงานขับเคลื่อน!ภาคี",
        "protected the status tab (warning only)",
    ]
    assert sheets_requests(server.stats()) == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    assert server.values(sid, "คณะทำงานขับเคลื่อน") == committee
    server.reset()
    [outcome] = provisioner(config).run([district], summary=False).outcomes
    assert outcome.action == "unchanged" and server.stats()["writes"] == 0


def test_from_xlsx_never_uploads_over_an_existing_spreadsheet(config_path, config, server, demo_master):
    provisioner(config).run([config.district("5702")], summary=False)
    sid = by_title(server, "5702 เวียงชัย")
    before = {t: server.values(sid, t) for t in TABS}
    result = invoke("init", "--config", config_path, "--from-xlsx", demo_master, "--district", "5702")
    assert result.exit_code == 0, result.output
    assert "5702 เวียงชัย: unchanged" in result.output and "workbook was not uploaded" in result.output
    assert {t: server.values(sid, t) for t in TABS} == before


def test_a_bare_spreadsheet_is_laid_out_and_a_foreign_one_is_left_alone(config, server):
    bare = server.create_spreadsheet("5702 เวียงชัย")  # what a files.create leaves (init stopped there)
    foreign = server.create_spreadsheet("5703 เชียงของ", {"รายชื่อ": [["ชื่อ"], ["นายก"]]})
    report = provisioner(config).run([config.district("5702"), config.district("5703")], summary=False)
    assert [o.action for o in report.outcomes] == ["updated", "failed"]
    assert report.outcomes[0].changes[0] == "laid out the empty spreadsheet"
    assert [s["properties"]["title"] for s in server.spreadsheet(bare)["sheets"]] == [*TABS, STATUS]
    assert "has none of the contract tabs but holds data" in report.outcomes[1].error
    assert server.values(foreign, "รายชื่อ") == [["ชื่อ"], ["นายก"]]


def test_init_retries_like_the_backend(config, server):
    server.add_fault(503, count=2, kind="spreadsheets.batchUpdate")
    server.add_fault(429, count=1, kind="drive.files.create")
    prov = provisioner(config)
    report = prov.run([config.district("5702")], summary=False)
    assert report.outcomes[0].action == "created"
    assert prov.http.counts["retries"] == 3


def test_cli_exit_codes_and_dry_run(config_path, server, tmp_path):
    dry = invoke("init", "--config", config_path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.count(": would create") == 18 and "dry run, nothing written" in dry.output
    assert server.spreadsheet_ids() == [] and server.stats()["writes"] == 0

    empty = tmp_path / "no-workbooks"
    empty.mkdir()
    missing = invoke("init", "--config", config_path, "--from-xlsx", empty, "--district", "5702")
    assert missing.exit_code == 1
    assert "5702 เวียงชัย: FAILED: " in missing.output and "no workbook for district 5702" in missing.output
    assert [server.spreadsheet(s)["properties"]["title"] for s in server.spreadsheet_ids()] == [SUMMARY]

    assert invoke("init", "--config", config_path, "--district", "9999").exit_code == 2
    assert invoke("init", "--config", config_path, "--backend", "xlsx").exit_code == 2
    (tmp_path / "xlsx").mkdir()
    result = invoke("init", "--config", write_config(tmp_path / "xlsx", tmp_path))
    assert result.exit_code == 2 and "backend.google" in result.output

    server.create_spreadsheet("5704 เทิง")
    server.create_spreadsheet("5704 เทิง")
    twice = invoke("init", "--config", config_path, "--district", "5704")
    assert twice.exit_code == 1 and "2 spreadsheets are titled '5704 เทิง'" in twice.output


def test_a_layout_that_failed_after_the_file_was_created_is_completed_by_the_next_init(config, server):
    district = config.district("5702")
    server.add_fault(400, count=1, kind="spreadsheets.batchUpdate", message="Invalid requests[0]")
    [failed] = provisioner(config).run([district], summary=False).outcomes
    assert failed.action == "failed" and "run init again" in failed.error
    sid = by_title(server, "5702 เวียงชัย")
    assert [s["properties"]["title"] for s in server.spreadsheet(sid)["sheets"]] == ["Sheet1"]
    [outcome] = provisioner(config).run([district], summary=False).outcomes
    assert outcome.action == "updated" and outcome.changes[0] == "laid out the empty spreadsheet"
    assert [s["properties"]["title"] for s in server.spreadsheet(sid)["sheets"]] == [*TABS, STATUS]
    assert permissions(server, sid)["cd5702@example.go.th"] == "writer"


def test_workbooks_to_upload_are_found_without_a_summary_path(tmp_path, config):
    """`init --backend google --from-xlsx DIR` needs no outputs.summary (it used to raise TypeError)."""
    from sync.provision import load_workbooks
    from tests.conftest import save_workbook

    save_workbook(tmp_path / "up" / "5702 เวียงชัย.xlsx", {"คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล"], ["นายก"]]})
    bare = config.model_copy(update={"outputs": config.outputs.model_copy(update={"summary": None})})
    found = load_workbooks(bare, tmp_path / "up", [config.district("5702"), config.district("5703")])
    assert found["5702"].tabs == {"คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล"], ["นายก"]]}
    assert "no workbook for district 5703" in str(found["5703"])
