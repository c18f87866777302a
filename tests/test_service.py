"""The scheduled service: its decisions (pure functions), its loop in-process, and `cli.py serve` as a process."""

import datetime as dt
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli import cli
from sync import clock
from sync.config import ConfigError, Schedule, load_config
from sync.logs import MASK, Masker, MaskSecrets, secrets_from_config, secrets_from_environ
from sync.schema import STATUS
from sync.service.history import FAILED, INTERRUPTED, OK, RUNNING, STOPPED, History, Run
from sync.service.lock import FileLock
from sync.service.scheduler import (
    REMINDERS,
    SUMMARY,
    SYNC,
    Service,
    catch_up_plan,
    daily_sync_times,
    health,
    is_summary_day,
    is_working_day,
    scheduled_between,
)
from tests.conftest import REPO, compliant_tabs, save_workbook, write_config

BKK = clock.BANGKOK
HOURLY = Schedule()  # the defaults: hourly 07:00-19:00 on working days, reminders 08:00, summary on the 21st


def bkk(*args) -> dt.datetime:
    return BKK.localize(dt.datetime(*args))


# --- decisions ----------------------------------------------------------------------------------


def test_working_days_and_the_summary_day():
    assert is_working_day(dt.date(2025, 1, 20))  # a Monday
    assert not is_working_day(dt.date(2025, 1, 18))  # a Saturday
    assert not is_working_day(dt.date(2025, 4, 14))  # Songkran, a Monday
    assert is_summary_day(dt.date(2025, 1, 21), HOURLY, 21)
    assert not is_summary_day(dt.date(2025, 1, 22), HOURLY, 21)
    # 21 June 2025 is a Saturday: the summary moves to Monday 23rd, unless every day counts
    assert not is_summary_day(dt.date(2025, 6, 21), HOURLY, 21) and is_summary_day(dt.date(2025, 6, 23), HOURLY, 21)
    every_day = Schedule(working_days_only=False)
    assert is_summary_day(dt.date(2025, 6, 21), every_day, 21) and not is_summary_day(
        dt.date(2025, 6, 23), every_day, 21
    )
    assert not is_summary_day(dt.date(2025, 1, 21), HOURLY, 0)


def test_the_summary_job_runs_on_the_memo_policys_day(tmp_path):
    config = load_config(write_config(tmp_path, tmp_path, "reminders: {summary_day: 25}\n"))
    assert Service(config).summary_day == 25
    assert "summary memo on day 25" in Service(config).describe()
    with pytest.raises(ConfigError, match="schedule.summary_day"):  # one knob only: reminders.summary_day
        load_config(write_config(tmp_path, tmp_path, "schedule: {summary_day: 10}\n"))


def test_sync_times_of_a_day():
    assert daily_sync_times(HOURLY) == [f"{h:02d}:00:00" for h in range(7, 20)]
    assert daily_sync_times(Schedule(sync_times=["16:30", "7:00"])) == ["07:00:00", "16:30:00"]
    assert daily_sync_times(Schedule(window=("08:00", "09:00"), sync_interval_seconds=1800)) == [
        "08:00:00",
        "08:30:00",
        "09:00:00",
    ]
    assert daily_sync_times(Schedule(window=None, sync_interval_seconds=5)) == []


def test_missed_slots_skip_weekends_and_a_long_gap_is_still_caught_up_once():
    friday_evening, monday = bkk(2025, 1, 17, 19, 0, 5), bkk(2025, 1, 20, 9, 30)
    missed = scheduled_between(SYNC, friday_evening, monday, HOURLY)
    assert missed == [bkk(2025, 1, 20, 7), bkk(2025, 1, 20, 8), bkk(2025, 1, 20, 9)]
    assert scheduled_between(REMINDERS, friday_evening, monday, HOURLY) == [bkk(2025, 1, 20, 8)]
    assert scheduled_between(SUMMARY, friday_evening, monday, HOURLY, summary_day=21) == []
    assert scheduled_between(SUMMARY, bkk(2024, 12, 1), monday, HOURLY, summary_day=21) == [bkk(2024, 12, 23, 8, 30)]
    # every 10 s around the clock, 5 h gap: 1800 slots, capped, and one catch-up run for all of them
    fast = Schedule(window=None, sync_interval_seconds=10, working_days_only=False)
    last = monday - dt.timedelta(hours=5)
    assert len(scheduled_between(SYNC, last, monday, fast)) == 1000
    plan = catch_up_plan({SYNC: last, REMINDERS: None, SUMMARY: None}, monday, fast, 21)
    assert list(plan) == [SYNC] and len(plan[SYNC]) == 1000


def test_catch_up_plan():
    monday = bkk(2025, 1, 20, 9, 30)
    just_now = bkk(2025, 1, 20, 9, 0, 3)
    assert (
        catch_up_plan({SYNC: just_now, REMINDERS: bkk(2025, 1, 20, 8, 0, 2), SUMMARY: None}, monday, HOURLY, 21) == {}
    )
    plan = catch_up_plan(
        {SYNC: bkk(2025, 1, 17, 19), REMINDERS: bkk(2025, 1, 17, 8), SUMMARY: bkk(2024, 12, 23, 8, 30, 4)},
        monday,
        HOURLY,
        21,
    )
    assert list(plan) == [SYNC, REMINDERS] and plan[REMINDERS] == [bkk(2025, 1, 20, 8)]
    # nothing completed yet: a first sync, but no memos on a first start
    assert catch_up_plan({SYNC: None, REMINDERS: None, SUMMARY: None}, monday, HOURLY, 21) == {SYNC: []}


def _run(started: dt.datetime, minutes: float = 1, **fields) -> Run:
    finished = (started + dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")
    return Run(started.isoformat(timespec="seconds"), finished, started.date().isoformat(), 17, 0, 5, 0, **fields)


def test_health_is_judged_against_the_schedule_or_a_maximum_age():
    nine = _run(bkk(2025, 1, 20, 9, 0, 2))
    ok, line = health([nine], bkk(2025, 1, 20, 9, 40), HOURLY, in_progress=False)
    assert ok and line.startswith("ok: the last run finished 38 min 58 s ago")
    ok, line = health([nine], bkk(2025, 1, 20, 10, 45), HOURLY, in_progress=False)
    assert not ok and "no run since the sync due at 2025-01-20 10:00" in line
    friday = _run(bkk(2025, 1, 17, 19, 0, 3))
    assert health([friday], bkk(2025, 1, 18, 12), HOURLY, in_progress=False)[0]  # Saturday: nothing was due
    ok, line = health([friday], bkk(2025, 1, 18, 12), HOURLY, in_progress=False, max_age_minutes=60)
    assert not ok and "finished 16 h 58 min 57 s ago" in line and "older than the 1 h allowed" in line
    assert not health([], bkk(2025, 1, 20, 9), HOURLY, in_progress=False)[0]


def test_health_of_failed_killed_stopped_and_running_runs():
    now, before = bkk(2025, 1, 20, 9, 10), _run(bkk(2025, 1, 20, 9))
    failed = _run(bkk(2025, 1, 20, 9, 5), status=FAILED, errors=["IsADirectoryError: summary.xlsx"])
    assert health([failed, before], now, HOURLY, in_progress=False) == (
        False,
        "the last run (started 2025-01-20T09:05:00+07:00) failed: IsADirectoryError: summary.xlsx",
    )
    running = Run("2025-01-20T09:05:00+07:00", "", "2025-01-20", status=RUNNING)
    ok, line = health([running, before], now, HOURLY, in_progress=True)
    assert ok and line.endswith("a run is in progress since 2025-01-20T09:05:00+07:00")
    ok, line = health([running, before], now, HOURLY, in_progress=False)
    assert not ok and "did not finish" in line
    for status in (INTERRUPTED, STOPPED):
        assert not health([_run(bkk(2025, 1, 20, 9, 5), status=status), before], now, HOURLY, in_progress=False)[0]


# --- logs ---------------------------------------------------------------------------------------


def test_secrets_never_reach_the_log():
    config = {"email": {"smtp": {"host": "smtp.example.go.th", "password_env": "SMTP_PASS", "api_token": "tok-998877"}}}
    environ = {"SMTP_PASS": "s3cr3t-value", "GOOGLE_API_KEY": "AIzaXYZ123", "HOME": "/root"}
    masker = Masker(secrets_from_config(config, environ) + secrets_from_environ(environ))
    assert (
        masker("login with s3cr3t-value, key AIzaXYZ123 and tok-998877") == f"login with {MASK}, key {MASK} and {MASK}"
    )
    assert masker("smtp password=hunter2 user=cd57") == f"smtp password={MASK} user=cd57"
    assert masker('{"token": "abc.def", "secretary_marker": "x"}') == f'{{"token": {MASK}, "secretary_marker": "x"}}'
    assert masker("https://cd57:pa55word@mail.example") == f"https://cd57:{MASK}@mail.example"
    assert masker("home /root, 5 tokens") == "home /root, 5 tokens"

    record = logging.LogRecord("khoknongna", logging.ERROR, __file__, 1, "failed: %s", ("s3cr3t-value",), None)
    try:
        raise RuntimeError("password: s3cr3t-value")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    MaskSecrets(masker).filter(record)
    assert record.getMessage() == f"failed: {MASK}" and "s3cr3t-value" not in record.exc_text


# --- the loop, in-process -----------------------------------------------------------------------

FAST = "schedule: {sync_interval_seconds: 1, window: null, working_days_only: false, reminder_time: null,"
NO_SUMMARY = "reminders: {summary_day: 0}\n"
QUIET = NO_SUMMARY + "schedule: {window: null, working_days_only: false, reminder_time: null"  # hourly syncs only
TWO = 'districts: [{code: "5701", name: A}, {code: "5702", name: B}]\n'


def _config(tmp_path, schedule: str = NO_SUMMARY + FAST + " lock_wait_seconds: 0.5}\n", districts=TWO):
    for code in ("5701", "5702"):
        save_workbook(tmp_path / "wb" / f"{code}.xlsx", compliant_tabs())
    return write_config(tmp_path, tmp_path / "wb", districts + schedule)


def test_a_failing_job_is_logged_with_its_traceback_and_the_loop_goes_on(tmp_path, caplog):
    calls = []

    def runner(kinds, trigger):
        calls.append((kinds, trigger))
        if len(calls) == 1:
            raise ValueError("the first run breaks")
        if len(calls) == 3:
            service.stop.set()

    service = Service(load_config(_config(tmp_path)), runner=runner, tick=0.05)
    service.plan()
    with caplog.at_level(logging.INFO, logger="khoknongna"):
        service.loop()
    assert calls == [([SYNC], "schedule")] * 3
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert "failed; the service carries on" in failure.getMessage() and failure.exc_info[0] is ValueError
    assert service.failures == 1


def test_a_gap_is_caught_up_by_one_run_at_start(tmp_path):
    config = load_config(_config(tmp_path, NO_SUMMARY + "schedule: {window: null, working_days_only: false}\n"))
    now = bkk(2025, 1, 21, 12)
    history = History(config.outputs.state)
    history.record(_run(now - dt.timedelta(hours=5), memos="reminder"))
    calls = []
    service = Service(config, now=lambda: now, runner=lambda kinds, trigger: calls.append((kinds, trigger)))
    assert service.catch_up() == [SYNC, REMINDERS]
    assert calls == [([SYNC, REMINDERS], "catch-up")]
    history.record(_run(now, memos="reminder"))
    assert service.catch_up() == [] and len(calls) == 1


# --- `cli.py serve` as a process ----------------------------------------------------------------


def _serve(config: Path, log: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "cli.py", *args, "serve", "--config", str(config)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        env=os.environ | {"SMTP_PASSWORD": "pw-9f8e7d"},
    )


def _wait_for(predicate, timeout: float, what: str, poll: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _runs(config: Path) -> list[Run]:
    state = config.parent / "out" / "state"
    return History(state).recent() if (state / "history.sqlite").exists() else []


def _stop(child: subprocess.Popen) -> int:
    child.send_signal(signal.SIGTERM)
    return child.wait(timeout=20)


@pytest.fixture
def children():
    started: list[subprocess.Popen] = []
    yield started
    for child in started:
        if child.poll() is None:
            child.kill()
        child.wait()


def test_serve_runs_syncs_until_sigterm_and_leaves_a_completed_history(tmp_path, children):
    config, log = _config(tmp_path), tmp_path / "serve.log"
    children.append(child := _serve(config, log, "--log-format", "json"))
    _wait_for(lambda: sum(r.status == OK for r in _runs(config)) >= 2, 30, "two syncs")
    assert _stop(child) == 0
    runs = _runs(config)
    assert len(runs) >= 2 and all(r.status == OK and r.finished for r in runs)
    assert {r.trigger for r in runs} <= {"catch-up", "schedule"} and runs[0].trigger == "schedule"
    assert all(r.districts_ok == 2 and r.memos == "" and r.findings for r in runs)
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert entries[-1]["message"] == "received SIGTERM: stopped"
    assert "pw-9f8e7d" not in log.read_text(encoding="utf-8")
    assert openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)
    result = CliRunner().invoke(cli, ["status", "--config", str(config)])
    assert result.exit_code == 0 and result.stdout.startswith("ok: the last run finished")
    result = CliRunner().invoke(cli, ["history", "--config", str(config), "--limit", "1"])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2 and " schedule " in result.stdout


def test_a_second_serve_is_refused_while_the_first_holds_the_lock(tmp_path, children):
    config = _config(tmp_path, QUIET + ", lock_wait_seconds: 0.5}\n")
    children.append(first := _serve(config, tmp_path / "first.log"))
    serve_lock = FileLock(tmp_path / "out" / "state" / "serve.lock")
    _wait_for(lambda: serve_lock.busy() and serve_lock.holder(), 20, "the first serve to hold its lock")
    children.append(second := _serve(config, tmp_path / "second.log"))
    assert second.wait(timeout=20) == 3
    refusal = (tmp_path / "second.log").read_text(encoding="utf-8")
    assert f"not started: the service lock is held by pid {first.pid}" in refusal and "serve --config" in refusal
    assert first.poll() is None
    assert _stop(first) == 0


def test_an_exception_in_a_job_is_logged_and_the_next_job_still_runs(tmp_path, children):
    config, log = _config(tmp_path), tmp_path / "serve.log"
    summary = tmp_path / "out" / "summary.xlsx"
    summary.mkdir(parents=True)  # every run fails at its last step: a folder where the summary goes
    children.append(child := _serve(config, log))
    _wait_for(lambda: sum(r.status == FAILED for r in _runs(config)) >= 2, 30, "two failed runs")
    summary.rmdir()
    _wait_for(lambda: _runs(config)[0].status == OK, 30, "a run that succeeds again")
    assert _stop(child) == 0
    text = log.read_text(encoding="utf-8")
    assert "failed; the service carries on" in text and "Traceback (most recent call last)" in text
    assert "IsADirectoryError" in text
    failed = [r for r in _runs(config) if r.status == FAILED]
    assert all(r.errors[-1].startswith("IsADirectoryError") for r in failed)


def test_a_simulated_gap_triggers_exactly_one_catch_up_run(tmp_path, children):
    config, log = _config(tmp_path, QUIET + "}\n"), tmp_path / "serve.log"
    History(tmp_path / "out" / "state").record(_run(clock.now() - dt.timedelta(hours=5)))
    children.append(child := _serve(config, log))
    _wait_for(lambda: len(_runs(config)) == 2 and _runs(config)[0].status == OK, 30, "the catch-up run")
    time.sleep(1.5)  # a per-slot catch-up would be running its next run by now
    assert _stop(child) == 0
    new, seeded = _runs(config)
    assert (new.trigger, new.status) == ("catch-up", OK)
    missed = re.search(r"sync: (\d+) scheduled run\(s\) missed since", log.read_text(encoding="utf-8"))
    assert missed and int(missed[1]) >= 4


def test_kill_9_in_the_middle_of_a_run_leaves_whole_workbooks_and_the_next_run_completes(tmp_path, children):
    # all 17 districts of the province, each a workbook with an extra 400-row tab: writing them takes a few seconds
    tabs = compliant_tabs() | {"บันทึก": [[f"r{i}", i, "ข้อความ" * 3, i * 1.5] for i in range(400)]}
    workbooks = tmp_path / "wb"
    first = save_workbook(workbooks / "5701.xlsx", tabs)
    codes = [d.code for d in load_config(write_config(tmp_path, workbooks)).districts]
    for code in codes[1:]:
        shutil.copy(first, workbooks / f"{code}.xlsx")
    config = write_config(tmp_path, workbooks, QUIET + "}\n")
    children.append(child := _serve(config, tmp_path / "serve.log"))

    def writing():
        return [p for p in os.scandir(workbooks) if p.name.endswith(".tmp")] or child.poll() is not None

    _wait_for(writing, 60, "a workbook being written", poll=0.001)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)

    leftovers = [p.name for p in workbooks.iterdir() if not p.name.endswith(".xlsx")]
    assert all(re.fullmatch(r"\.\d{4}\.xlsx\.\w{8}\.tmp", name) for name in leftovers)
    with_status = 0
    for path in sorted(workbooks.glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)  # whole: old or new, never half
        assert {"บันทึก", "รายงานรายเดือน"} <= set(book.sheetnames)
        with_status += STATUS in book.sheetnames
        book.close()
    assert with_status < len(codes)  # killed mid-run
    assert _runs(config)[0].status == RUNNING

    result = subprocess.run(
        [sys.executable, "cli.py", "sync", "--config", str(config), "--no-email"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in workbooks.iterdir()) == sorted(f"{code}.xlsx" for code in codes)
    for path in workbooks.glob("*.xlsx"):
        assert STATUS in openpyxl.load_workbook(path, read_only=True).sheetnames
    newest, killed = _runs(config)
    assert (newest.status, newest.districts_ok, killed.status) == (OK, len(codes), INTERRUPTED)
    assert CliRunner().invoke(cli, ["status", "--config", str(config)]).exit_code == 0


def test_status_exit_codes_and_the_history_command(config_path):
    state = config_path.parent / "out" / "state"

    def status():
        return CliRunner().invoke(cli, ["status", "--config", str(config_path)])

    assert (status().exit_code, status().stdout.strip()) == (1, f"no run recorded yet in {state}")
    History(state).record(_run(clock.now() - dt.timedelta(minutes=3), status=FAILED, errors=["OSError: disk full"]))
    assert status().exit_code == 1 and status().stdout.strip().endswith("failed: OSError: disk full")
    History(state).record(_run(clock.now() - dt.timedelta(minutes=2.5), findings={"ok": 3}))  # finished 90 s ago
    assert status().exit_code == 0
    old = CliRunner().invoke(cli, ["status", "--config", str(config_path), "--max-age", "1"])
    assert old.exit_code == 1 and "older than the 1 min allowed" in old.stdout
    lines = CliRunner().invoke(cli, ["history", "--config", str(config_path)]).stdout.splitlines()
    assert lines[0].split()[:4] == ["id", "started", "finished", "status"]
    assert " ok " in lines[1] and "findings: ok 3" in lines[1] and "errors: OSError: disk full" in lines[2]
    data = json.loads(CliRunner().invoke(cli, ["history", "--config", str(config_path), "--format", "json"]).stdout)
    assert [r["status"] for r in data] == [OK, FAILED]
