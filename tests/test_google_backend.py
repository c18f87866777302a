"""The Google Sheets backend against the local Sheets-API-compatible server."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests

from sync.backends.google import GoogleBackend
from sync.backends.google_http import RetryPolicy
from sync.backends.xlsx import XlsxBackend
from sync.config import load_config
from sync.pipeline import check_all, run_sync, select_districts
from sync.schema import STATUS
from tests.conftest import write_config
from tests.google_support import google_backend_yaml, upload_workbooks
from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SOMEONE_ELSE, SheetsServer

AS_OF = dt.date(2025, 1, 21)
SUMMARY = "สรุปจังหวัดเชียงราย"


@pytest.fixture
def server():
    with SheetsServer() as server:
        yield server


@pytest.fixture
def google(tmp_path: Path, server: SheetsServer, demo_master: Path):
    """The demo uploaded to the local server and a google-backend config pointing at it."""
    server.write_credentials(tmp_path / "sa.json")
    path = write_config(tmp_path, tmp_path / "unused", google_backend_yaml(tmp_path / "sa.json", server.url, SUMMARY))
    config = load_config(path)
    ids = upload_workbooks(config, demo_master)
    server.create_spreadsheet(SUMMARY, {"Sheet1": []})
    server.reset()
    return config, ids


def backend_for(config) -> GoogleBackend:
    backend = GoogleBackend(config)
    backend.http.retry = RetryPolicy(max_retries=5, base_delay=0.01, max_delay=0.05)
    return backend


def sync(config, as_of=AS_OF, backend=None):
    return run_sync(config, as_of, select_districts(config), email=False, backend=backend or backend_for(config))


def sheets_requests(stats: dict) -> dict:
    """Sheets API requests by kind (Drive and OAuth are not Sheets quota)."""
    return {k: v for k, v in stats["by_kind"].items() if not k.startswith(("drive", "oauth"))}


def titles(server, spreadsheet_id: str) -> list[str]:
    return [s["properties"]["title"] for s in server.spreadsheet(spreadsheet_id)["sheets"]]


def config_summary_id(server) -> str:
    return next(sid for sid in server.spreadsheet_ids() if server.spreadsheet(sid)["properties"]["title"] == SUMMARY)


SUMMARY_WRITE = {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}  # its tab list, then one batch


def drive_requests(stats: dict) -> int:
    return sum(v for k, v in stats["by_kind"].items() if k.startswith("drive"))


def test_google_backend_reports_what_the_local_backend_reports(google, demo_master):
    config, _ = google
    local = load_config(write_config(Path(config.outputs.state).parent.parent, demo_master))
    districts = select_districts(config)
    expected = check_all(local, AS_OF, districts, XlsxBackend(local)).as_json()
    actual = check_all(config, AS_OF, districts, backend_for(config)).as_json()
    assert json.dumps(actual, ensure_ascii=False, sort_keys=True) == json.dumps(
        expected, ensure_ascii=False, sort_keys=True
    )


def test_first_sync_is_frugal_and_an_unchanged_second_sync_reads_and_writes_nothing(google, server):
    config, ids = google
    first = sync(config)
    assert not first.unreadable and len(first.status_written) == 17
    stats = server.stats()
    assert stats["throttled"] == 0
    # One read and one write per district, also for 5718 whose workbook lacks a tab.
    on_districts = {
        kind: sum(1 for r in stats["requests"] if r["kind"] == kind and config_summary_id(server) not in r["path"])
        for kind in ("spreadsheets.get", "spreadsheets.batchUpdate")
    }
    assert on_districts == {"spreadsheets.get": 17, "spreadsheets.batchUpdate": 17}
    assert sum(sheets_requests(stats).values()) == 17 * 2 + 2  # + the summary's
    assert drive_requests(stats) == 2  # the listing, and one more to learn the written files' modifiedTime
    server.reset()
    second = sync(config)
    assert second.status_written == [] and len(second.status_unchanged) == 17
    assert sheets_requests(server.stats()) == SUMMARY_WRITE  # the provincial summary only
    assert drive_requests(server.stats()) == 1


def test_a_district_status_is_written_as_soon_as_it_is_checked(google, server):
    config, _ = google
    sync(config)
    summary = config_summary_id(server)
    kinds = [r["kind"] for r in server.stats()["requests"] if summary not in r["path"]]
    first_write = kinds.index("spreadsheets.batchUpdate")
    last_read = max(i for i, kind in enumerate(kinds) if kind == "spreadsheets.get")
    assert first_write < last_read, "writes overlap the reads instead of waiting for all of them"


def test_a_cached_spreadsheet_is_read_again_once_the_cache_is_older_than_its_limit(google, server):
    config, _ = google
    sync(config)
    google_settings = config.backend.google.model_copy(update={"cache_max_age_hours": 0})
    stale = config.model_copy(update={"backend": config.backend.model_copy(update={"google": google_settings})})
    server.reset()
    again = sync(stale)
    assert again.status_written == [] and len(again.status_unchanged) == 17
    assert sheets_requests(server.stats())["spreadsheets.get"] == 17 + 1  # one read each, and the summary's


def test_officer_cells_are_never_written_and_status_text_stays_text(google, server):
    config, ids = google
    before = {sid: {t: server.values(sid, t) for t in titles(server, sid) if t != STATUS} for sid in ids.values()}
    sync(config)
    for sid, tabs in before.items():
        for title, values in tabs.items():
            assert server.values(sid, title) == values, f"{title} of {sid} changed"
        status = server.values(sid, "สถานะ (อัตโนมัติ)", render="FORMULA")
        assert status[0][0].startswith("สถานะการดำเนินงาน")
    code = "5717"
    sid = ids[code]
    committee = server.values(sid, "คณะทำงานขับเคลื่อน")
    server.set_values(sid, "คณะทำงานขับเคลื่อน", [*committee, ['=HYPERLINK("http://x")', "คณะทำงาน", "", "ภาคกีฬา2"]])
    sync(config)
    status = server.values(sid, "สถานะ (อัตโนมัติ)", render="FORMULA")
    assert any("ภาคกีฬา2" in str(cell) for row in status for cell in row)
    assert not any(str(cell).startswith("=") for row in status for cell in row)


def test_an_officer_edit_between_syncs_is_picked_up(google, server):
    config, ids = google
    sync(config)
    sid = ids["5702"]
    reports = server.values(sid, "รายงานรายเดือน")
    header = reports[0]
    row = [""] * len(header)
    row[header.index("เดือนที่รายงาน")] = "ม.ค. 2568"
    row[header.index("วันที่ส่ง")] = "21/01/2568"
    row[header.index("กิจกรรมที่ดำเนินการ")] = "ประชุมคณะทำงาน"
    server.set_values(sid, "รายงานรายเดือน", [*reports, row])
    server.reset()
    outcome = sync(config)
    assert outcome.status_written == ["5702"]
    assert sheets_requests(server.stats()) == {"spreadsheets.get": 1 + 1, "spreadsheets.batchUpdate": 1 + 1}
    january = next(
        f
        for d in outcome.report.districts
        if d.code == "5702"
        for f in d.findings
        if f.rule == "monthly.report" and f.details["month"] == "2025-01"
    )
    assert january.status.value == "late" and january.details["days_late"] == 1


def test_429_storms_and_5xx_are_survived_with_bounded_retries(google, server):
    config, _ = google
    server.add_fault(429, count=3, kind="spreadsheets.get")
    server.add_fault(503, count=2, kind="spreadsheets.batchUpdate")
    server.add_fault(None, drop=True, count=1, kind="drive.files.list")
    backend = backend_for(config)
    outcome = sync(config, backend=backend)
    assert not outcome.unreadable and len(outcome.status_written) == 17
    assert backend.http.counts["retries"] == 6


def test_retries_are_bounded(google, server):
    config, _ = google
    server.add_fault(503, count=1000, kind="spreadsheets.get")
    backend = backend_for(config)
    report = check_all(config, AS_OF, select_districts(config), backend)
    assert all(not d.readable for d in report.districts)
    assert backend.http.counts["sheets.get"] == 17 * 6  # 1 try + 5 retries each
    assert "could not be read: Google API error 503" in report.districts[0].findings[0].details["reason"]


def test_unshared_or_deleted_spreadsheet_is_unreadable_for_that_district_only(google, server, tmp_path):
    config, ids = google
    strangers = server.create_spreadsheet("5703 เชียงของ (สำเนา)", {"ก": [["x"]]}, owner=SOMEONE_ELSE)
    token = server.token_for()
    requests.delete(f"{server.url}/drive/v3/files/{ids['5704']}", headers={"Authorization": f"Bearer {token}"})
    districts = [
        {"code": d.code, "name": d.name, **({"spreadsheet": strangers} if d.code == "5703" else {})}
        for d in config.districts
    ]
    path = Path(config.outputs.state).parent.parent / "test.yaml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"districts: {json.dumps(districts, ensure_ascii=False)}\n")
    outcome = sync(load_config(path))
    reasons = {d.code: d.findings[0].details["reason"] for d in outcome.unreadable}
    assert set(reasons) == {"5703", "5704"}
    assert "not shared with the service account: share it with sheets-sync@" in reasons["5703"]
    assert "no spreadsheet titled '5704 เทิง'" in reasons["5704"]
    assert len(outcome.status_written) == 15


def test_a_tab_added_after_the_first_sync_is_read(google, server):
    config, ids = google
    sync(config)
    sid = ids["5718"]  # its workbook has no แผนพัฒนา 5P tab
    server.add_sheet(sid, "แผนพัฒนา 5P")
    server.set_values(sid, "แผนพัฒนา 5P", [["รหัสศูนย์", "มิติ 5P", "กิจกรรม"]])
    outcome = sync(config)
    rules = {f.rule for d in outcome.report.districts if d.code == "5718" for f in d.findings}
    assert "data.missing_tab" not in rules and "plan.coverage" in rules


def test_several_service_accounts_of_one_project_share_the_requests(google, server, tmp_path):
    config, ids = google
    second = "sheets-sync-2@khoknongna-sync.iam.gserviceaccount.com"
    server.write_credentials(tmp_path / "sa2.json", client_email=second)
    for sid in [*ids.values(), config_summary_id(server)]:
        server.share(sid, second, "writer")
    path = Path(config.outputs.state).parent.parent / "test.yaml"
    yaml = google_backend_yaml([tmp_path / "sa.json", tmp_path / "sa2.json"], server.url, SUMMARY)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(yaml)
    both = load_config(path)
    backend = backend_for(both)
    assert backend.parallel == 2
    outcome = sync(both, backend=backend)
    assert not outcome.unreadable and len(outcome.status_written) == 17
    by_user = server.stats()["by_user"]
    assert by_user[second] >= 10 and by_user[DEFAULT_CLIENT_EMAIL] >= 10
    assert outcome.report.as_json() == check_all(config, AS_OF, select_districts(config), backend_for(config)).as_json()
