
"""The run history: richer rows, begun/finished runs, migration of older tables, the summary's history tab."""

import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing

import pytest
from click.testing import CliRunner

from cli import cli
from sync.config import load_config
from sync.outputs.summary import _history
from sync.pipeline import run_sync
from sync.service.history import FAILED, INTERRUPTED, OK, RUNNING, STOPPED, History, Run
from sync.texts import texts
from tests.conftest import AS_OF, REPO, compliant_tabs, save_workbook, write_config

TWO = 'districts: [{code: "5701", name: A}, {code: "5702", name: B}]\n'


def test_a_run_keeps_its_new_fields_and_the_old_positional_form_still_works(tmp_path):
    history = History(tmp_path)
    history.record(Run("2025-01-21T09:00:00+07:00", "2025-01-21T09:01:00+07:00", "2025-01-21", 16, 1, 40, 3))
    history.record(
        Run(
            "2025-01-21T10:00:00+07:00",
            "2025-01-21T10:01:00+07:00",
            "2025-01-21",
            districts_ok=17,
            findings={"ok": 30, "late": 2},
            errors=["5703: not found"],
            api_requests=12,
            trigger="schedule",
        )
    )
    newest, oldest = history.recent()
    assert (oldest.districts_ok, oldest.districts_failed, oldest.open_findings, oldest.emails) == (16, 1, 40, 3)
    assert (oldest.status, oldest.findings, oldest.errors, oldest.api_requests) == (OK, {}, [], 0)
    assert newest.findings == {"ok": 30, "late": 2} and newest.errors == ["5703: not found"]
    assert (newest.api_requests, newest.trigger, newest.id) == (12, "schedule", 2)
    assert [r.id for r in history.recent(limit=1)] == [2]


def test_an_older_table_gets_the_new_columns_and_keeps_its_rows(tmp_path):
    with closing(sqlite3.connect(tmp_path / "history.sqlite")) as db, db:
        db.execute(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT, finished TEXT, as_of TEXT,"
            " districts_ok INTEGER, districts_failed INTEGER, open_findings INTEGER, emails INTEGER)"
        )
        db.execute(
            "INSERT INTO runs (started, finished, as_of, districts_ok, districts_failed, open_findings, emails)"
            " VALUES ('2025-01-20T09:00:00+07:00', '2025-01-20T09:01:00+07:00', '2025-01-20', 17, 0, 5, 2)"
        )
    history = History(tmp_path)
    [old] = history.recent()
    assert (old.districts_ok, old.emails, old.status, old.trigger, old.findings, old.errors) == (
        17,
        2,
        OK,
        "manual",
        {},
        [],
    )
    history.record(Run("2025-01-21T09:00:00+07:00", "", "2025-01-21", findings={"late": 1}))
    assert history.recent()[0].findings == {"late": 1}
    History(tmp_path)  # opening again migrates nothing twice
    assert len(history.recent()) == 2


def test_a_run_is_begun_then_finished_and_a_killed_one_is_marked_interrupted(tmp_path):
    history = History(tmp_path)
    killed = history.begin(Run("2025-01-21T09:00:00+07:00", "", "2025-01-21"))
    assert history.recent()[0].status == RUNNING
    run = history.begin(Run("2025-01-21T10:00:00+07:00", "", "2025-01-21", memos="reminder,summary"))
    assert {r.id: r.status for r in history.recent()} == {killed.id: INTERRUPTED, run.id: RUNNING}
    run.status, run.finished, run.districts_ok = OK, "2025-01-21T10:02:00+07:00", 17
    history.finish(run)
    assert history.recent()[0].finished == "2025-01-21T10:02:00+07:00"
    assert history.last(status=OK, memo="summary").id == run.id
    assert history.last(status=OK, memo="remind") is None
    assert history.last(status=INTERRUPTED).id == killed.id


def test_a_sync_records_findings_by_status_errors_memos_and_requests(tmp_path):
    save_workbook(tmp_path / "wb" / "5701.xlsx", compliant_tabs())
    config = load_config(write_config(tmp_path, tmp_path / "wb", TWO))  # 5702 has no workbook
    run_sync(config, AS_OF, list(config.districts), email=False, trigger="schedule")
    [run] = History(config.outputs.state).recent()
    assert (run.status, run.trigger, run.memos, run.api_requests) == (OK, "schedule", "", 0)
    assert (run.districts_ok, run.districts_failed, run.emails) == (1, 1, 0)
    assert run.findings["ok"] > 0 and run.findings["error"] == 1
    assert len(run.errors) == 1 and run.errors[0].startswith("5702 B: ")
    assert run.finished >= run.started and run.pid and run.host


def test_a_failing_run_is_recorded_as_failed_with_its_error(tmp_path):
    save_workbook(tmp_path / "wb" / "5701.xlsx", compliant_tabs())
    config = load_config(write_config(tmp_path, tmp_path / "wb", TWO))
    config.outputs.summary.mkdir(parents=True)  # the summary cannot be written over a folder
    with pytest.raises(IsADirectoryError):
        run_sync(config, AS_OF, list(config.districts), email=False)
    [run] = History(config.outputs.state).recent()
    assert run.status == FAILED and run.finished
    assert run.errors[-1].startswith("IsADirectoryError")


def test_a_stop_request_finishes_the_district_in_hand_and_records_a_stopped_run(tmp_path):
    for code in ("5701", "5702"):
        save_workbook(tmp_path / "wb" / f"{code}.xlsx", compliant_tabs())
    config = load_config(write_config(tmp_path, tmp_path / "wb", TWO))
    stop = threading.Event()
    outcome = run_sync(config, AS_OF, list(config.districts), stop=stop, progress=lambda district: stop.set())
    assert outcome.stopped and [d.code for d in outcome.report.districts] == ["5701"]
    assert outcome.memos == [] and outcome.summary == ""
    [run] = History(config.outputs.state).recent()
    assert (run.status, run.districts_ok) == (STOPPED, 1)


def test_the_summary_history_tab_shows_the_new_columns(config):
    runs = [
        Run(
            "2025-01-21T09:00:00+07:00",
            "2025-01-21T09:01:00+07:00",
            "2025-01-21",
            16,
            1,
            5,
            3,
            status=FAILED,
            trigger="schedule",
            findings={"ok": 30, "late": 2},
            api_requests=7,
            errors=["boom", "bang"],
        )
    ]
    sheet = _history(runs, config)
    t = texts()
    assert sheet.title == t["summary"]["tabs"]["history"]
    assert sheet.rows[0] == t["summary"]["history_headers"] and len(sheet.rows[0]) == 12
    row = sheet.rows[1]
    # BE dates in Thai digits, counts as numbers (shown in Thai digits: the workbook's one convention)
    assert row[:7] == ["๒๑ ม.ค. ๒๕๖๘ ๐๙:๐๐ น.", "๒๑ ม.ค. ๒๕๖๘ ๐๙:๐๑ น.", "๒๑ ม.ค. ๒๕๖๘", 16, 1, 5, 3]
    assert sheet.thai_digits
    assert row[7] == t["summary"]["run_statuses"]["failed"]
    assert row[8] == t["summary"]["run_triggers"]["schedule"]
    assert row[9] == f"{t['statuses']['ok']} ๓๐, {t['statuses']['late']} ๒"
    assert row[10:] == [7, "boom\nbang"]


def _killed_sync(config_path, target: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "tests.kill_at", target, "--", "sync", "--config", str(config_path)]
    return subprocess.run([*command, "--as-of", "2025-01-21"], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_a_run_killed_after_its_history_row_is_written_is_interrupted_never_ok(tmp_path):
    for code in ("5701", "5702"):
        save_workbook(tmp_path / "wb" / f"{code}.xlsx", compliant_tabs())
    config_path = write_config(tmp_path, tmp_path / "wb", TWO)
    killed = _killed_sync(config_path, "sync.pipeline:build_summary")  # the row has this run's figures by then
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    state = tmp_path / "out" / "state"
    [row] = History(state).recent()
    assert row.status == RUNNING and row.districts_ok == 2  # figures written, yet not `ok`
    status = CliRunner().invoke(cli, ["status", "--config", str(config_path)])
    assert status.exit_code == 1 and "did not finish: it was killed" in status.stdout
    run_sync(load_config(config_path), AS_OF, load_config(config_path).districts, email=False)
    assert [r.status for r in History(state).recent()] == [OK, INTERRUPTED]


def test_the_summary_written_by_a_run_shows_that_run_as_ok(tmp_path):
    import openpyxl

    for code in ("5701", "5702"):
        save_workbook(tmp_path / "wb" / f"{code}.xlsx", compliant_tabs())
    config = load_config(write_config(tmp_path, tmp_path / "wb", TWO))
    run_sync(config, AS_OF, list(config.districts), email=False)
    sheet = openpyxl.load_workbook(config.outputs.summary)[texts()["summary"]["tabs"]["history"]]
    header = [c.value for c in sheet[1]]
    status_column = header.index(texts()["summary"]["history_headers"][7]) + 1
    assert sheet.cell(2, status_column).value == texts()["summary"]["run_statuses"]["ok"]
