"""Google faults (issue 11), each injected into the local Sheets server: one district or one request
never ends the run; what the whole run needs failing ends it cleanly; an officer's tab is never
taken for the service's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from cli import cli
from sync.backends import BackendUnavailable
from sync.backends.google import STATUS_SHEET_ID
from sync.backends.google_http import RetryPolicy
from sync.config import load_config
from sync.pipeline import run_sync, select_districts
from sync.schema import STATUS
from sync.service.history import History
from tests.conftest import write_config
from tests.google_support import google_backend_yaml, upload_workbooks
from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SOMEONE_ELSE, SheetsServer
from tests.test_google_backend import AS_OF, SUMMARY, backend_for, sync, titles

NEAR_NAME = "สถานะ(อัตโนมัติ)"  # an officer's own tab, one space short of the service's


@pytest.fixture
def server():
    with SheetsServer() as server:
        yield server


def google_config(tmp_path: Path, server: SheetsServer, demo_master: Path, **settings):
    """The demo uploaded (with the default settings), and a configuration with `settings` for the sync."""
    server.write_credentials(tmp_path / "sa.json")
    ids = upload_workbooks(
        load_config(write_config(tmp_path, tmp_path / "unused", yaml_for(tmp_path, server))), demo_master
    )
    config = load_config(write_config(tmp_path, tmp_path / "unused", yaml_for(tmp_path, server, **settings)))
    server.create_spreadsheet(SUMMARY, {"Sheet1": []})
    server.reset()
    return config, ids


def yaml_for(tmp_path: Path, server: SheetsServer, **settings) -> str:
    return google_backend_yaml(tmp_path / "sa.json", server.url, SUMMARY, **settings)


@pytest.fixture
def google(tmp_path, server, demo_master):
    return google_config(tmp_path, server, demo_master)


def with_districts(config, **spreadsheets: str):
    """The configuration with some districts pointed at other spreadsheets (code=id)."""
    districts = [
        {"code": d.code, "name": d.name, **({"spreadsheet": spreadsheets[d.code]} if d.code in spreadsheets else {})}
        for d in config.districts
    ]
    path = Path(config.outputs.state).parent.parent / "test.yaml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"districts: {json.dumps(districts, ensure_ascii=False)}\n")
    return load_config(path)


def batch_update(server: SheetsServer, spreadsheet_id: str, requests_: list[dict], email: str = DEFAULT_CLIENT_EMAIL):
    """A batchUpdate as `email` would send it (an officer's edit, or the service's)."""
    reply = requests.post(
        f"{server.url}/v4/spreadsheets/{spreadsheet_id}:batchUpdate",
        json={"requests": requests_},
        headers={"Authorization": f"Bearer {server.token_for(email)}"},
    )
    assert reply.ok, reply.text
    return reply.json()


def last_run(config):
    return History(Path(config.outputs.state)).recent(1)[0]


# --- the whole run -------------------------------------------------------------------------------------------
def test_429_on_every_request_fails_the_run_cleanly_with_one_line_and_exit_1(tmp_path, server, demo_master):
    config, _ = google_config(tmp_path, server, demo_master, max_retries=1)
    server.add_fault(429, count=None)
    path = Path(config.outputs.state).parent.parent / "test.yaml"
    result = CliRunner().invoke(cli, ["sync", "--config", str(path), "--as-of", "2025-01-21", "--no-email"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("sync failed: Google Drive: the spreadsheets could not be listed (Google API error 429")
    assert "Traceback" not in result.output + result.stderr
    run = last_run(config)
    assert run.status == "failed" and "could not be listed" in run.errors[-1]


def test_a_persistent_connection_drop_on_the_drive_listing_fails_the_run_cleanly(google, server):
    config, _ = google
    server.add_fault(drop=True, count=None, kind="drive.files.list")
    with pytest.raises(BackendUnavailable, match="could not be listed .*ConnectionError"):
        sync(config)
    run = last_run(config)
    assert run.status == "failed" and "ConnectionError" in run.errors[-1]
    assert server.stats()["by_kind"].get("spreadsheets.get", 0) == 0


# --- one district --------------------------------------------------------------------------------------------
def test_a_refused_status_write_fails_that_district_only(google, server):
    config, ids = google
    server.add_fault(503, count=None, kind="spreadsheets.batchUpdate", spreadsheet_id=ids["5702"])
    server.add_fault(429, count=None, kind="spreadsheets.batchUpdate", spreadsheet_id=ids["5703"])
    outcome = sync(config)
    assert outcome.status_failed == ["5702", "5703"]
    assert len(outcome.status_written) == 15 and not outcome.unreadable
    assert "Google API error 503" in outcome.status_errors["5702"]
    assert "Google API error 429" in outcome.status_errors["5703"]
    run = last_run(config)
    assert any(e.startswith("5702: status tab not written") and "503" in e for e in run.errors)
    assert outcome.summary, "the provincial summary is still written"


def test_a_timeout_or_a_dropped_connection_on_one_spreadsheet_makes_only_that_one_unreadable(
    tmp_path, server, demo_master
):
    config, ids = google_config(tmp_path, server, demo_master, timeout_seconds=2)
    server.add_fault(delay=3.0, count=None, kind="spreadsheets.get", spreadsheet_id=ids["5704"])
    server.add_fault(drop=True, count=None, kind="spreadsheets.get", spreadsheet_id=ids["5705"])
    backend = backend_for(config)
    backend.http.retry = RetryPolicy(max_retries=1, base_delay=0.01, max_delay=0.01)
    outcome = sync(config, backend=backend)
    reasons = {d.code: d.findings[0].details["reason"] for d in outcome.unreadable}
    assert set(reasons) == {"5704", "5705"}
    assert "could not be read: ReadTimeout" in reasons["5704"]
    assert "could not be read: ConnectionError" in reasons["5705"]
    assert len(outcome.status_written) == 15


def read_only_copy(server: SheetsServer, spreadsheet_id: str, role: str = "reader") -> str:
    """The same tabs in a spreadsheet someone else owns, shared with the service account as `role`."""
    tabs = {t: server.values(spreadsheet_id, t) for t in titles(server, spreadsheet_id) if t != STATUS}
    return server.create_spreadsheet(
        "5703 เชียงของ (อ่านอย่างเดียว)", tabs, owner=SOMEONE_ELSE, shared_with=[DEFAULT_CLIENT_EMAIL], role=role
    )


def test_a_spreadsheet_shared_read_only_is_checked_and_reported_with_whom_to_share_as_editor(google, server):
    config, ids = google
    config = with_districts(config, **{"5703": read_only_copy(server, ids["5703"])})
    outcome = sync(config)
    assert outcome.status_failed == ["5703"] and len(outcome.status_written) == 16
    assert not outcome.unreadable, "it was read and checked"
    message = outcome.status_errors["5703"]
    assert f"read-only: share it with {DEFAULT_CLIENT_EMAIL} as editor" in message


def test_a_403_when_adding_the_status_tab_says_whom_to_share_with_as_editor(google, server):
    config, ids = google
    copy = read_only_copy(server, ids["5703"], role="writer")
    config = with_districts(config, **{"5703": copy})

    def downgrade(district):  # the owner makes it read-only after the run listed it
        if district.code == "5703":
            server.share(copy, DEFAULT_CLIENT_EMAIL, "reader")

    outcome = run_sync(
        config, AS_OF, select_districts(config), email=False, backend=backend_for(config), progress=downgrade
    )
    assert outcome.status_failed == ["5703"] and len(outcome.status_written) == 16
    assert "as editor" in outcome.status_errors["5703"]
    assert server.stats()["by_status"].get("403") == 1
    assert STATUS not in titles(server, copy)


# --- the service's own tab, exactly ----------------------------------------------------------------------------
def test_a_near_name_officer_tab_is_never_written(google, server):
    config, ids = google
    officer = [["บันทึกของเจ้าหน้าที่"], ["ห้ามลบ"]]
    for code in ("5702", "5703"):
        server.add_sheet(ids[code], NEAR_NAME)
        server.set_values(ids[code], NEAR_NAME, officer)
    batch_update(server, ids["5702"], [{"deleteSheet": {"sheetId": STATUS_SHEET_ID}}])  # 5702: no status tab
    outcome = sync(config)
    assert len(outcome.status_written) == 17
    for code in ("5702", "5703"):
        assert server.values(ids[code], NEAR_NAME) == officer, code
        assert server.values(ids[code], STATUS)[0][0].startswith("สถานะการดำเนินงาน"), code


def test_a_tab_titled_like_the_status_tab_that_the_service_did_not_make_is_left_alone(google, server):
    config, ids = google
    sync(config)  # the cache now knows the status tab's sheet id
    sid = ids["5702"]
    batch_update(server, sid, [{"deleteSheet": {"sheetId": STATUS_SHEET_ID}}])
    server.add_sheet(sid, STATUS)
    server.set_values(sid, STATUS, [["ตารางของเจ้าหน้าที่"]])
    outcome = sync(config)
    assert outcome.status_failed == ["5702"]
    assert "was not made by the service" in outcome.status_errors["5702"]
    assert server.values(sid, STATUS) == [["ตารางของเจ้าหน้าที่"]]


def test_a_provincial_summary_that_cannot_be_written_fails_the_run_after_the_districts(google, server):
    config, ids = google
    summary = next(s for s in server.spreadsheet_ids() if s not in ids.values())
    server.add_fault(503, count=None, kind="spreadsheets.batchUpdate", spreadsheet_id=summary)
    with pytest.raises(BackendUnavailable, match="provincial summary spreadsheet .* could not be written"):
        sync(config)
    run = last_run(config)
    assert run.status == "failed" and run.districts_ok == 17
    assert all(server.values(ids[code], STATUS) for code in ids), "every district's status was written first"
