"""The run and service locks: one at a time, bounded waits, a refusal that names the holder."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from cli import cli
from sync.service.lock import FileLock, LockBusy, remove_leftovers, run_lock
from tests.conftest import REPO, save_workbook

GOOD = {"รายงานรายเดือน": [["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"], ["ธ.ค. 67", "2024-12-18", "อบรม"]]}


def test_a_second_holder_is_refused_after_a_bounded_wait_with_the_holder_named(tmp_path):
    first = FileLock(tmp_path / "run.lock", "the run lock", command="cli.py serve --config c.yaml").acquire()
    second = FileLock(tmp_path / "run.lock", "the run lock", command="cli.py sync")
    began = time.monotonic()
    with pytest.raises(LockBusy) as refused:
        second.acquire(wait=0.3, poll=0.05)
    assert 0.25 <= time.monotonic() - began < 2
    message = str(refused.value)
    assert f"pid {os.getpid()} on {socket.gethostname()}" in message
    assert "`cli.py serve --config c.yaml`" in message and "the run lock" in message and "0.3 s" in message
    assert second.busy() and not second.held
    first.release()
    assert first.holder() is None and not second.busy()
    with second.acquire(wait=0):
        assert second.held and second.holder().command == "cli.py sync"
    assert not second.held


def test_a_wait_ends_when_the_lock_is_released_or_a_stop_is_requested(tmp_path):
    first = FileLock(tmp_path / "x.lock").acquire()
    threading.Timer(0.2, first.release).start()
    FileLock(tmp_path / "x.lock").acquire(wait=5, poll=0.05).release()

    first.acquire()
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    began = time.monotonic()
    with pytest.raises(LockBusy):
        FileLock(tmp_path / "x.lock").acquire(wait=30, stop=stop, poll=0.05)
    assert time.monotonic() - began < 5
    first.release()


def test_the_lock_of_a_killed_process_is_free_at_once(tmp_path):
    code = (
        "import sys, time; sys.path.insert(0, '.'); from sync.service.lock import FileLock; "
        f"FileLock({str(tmp_path / 'run.lock')!r}, command='holder').acquire(); print('held', flush=True); "
        "time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        lock = FileLock(tmp_path / "run.lock")
        assert lock.busy() and lock.holder().pid == child.pid
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        lock.acquire(wait=2)  # the kernel dropped the flock with the process
        assert lock.holder().pid == os.getpid()
        lock.release()
    finally:
        child.kill()
        child.wait()


def test_a_manual_sync_during_a_run_waits_then_exits_3_naming_the_holder(config_path):
    save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    state = config_path.parent / "out" / "state"
    holder = run_lock(state, command="cli.py serve --config prod.yaml").acquire()
    try:
        args = [
            "sync",
            "--config",
            str(config_path),
            "--district",
            "5702",
            "--as-of",
            "2025-01-21",
            "--no-email",
            "--wait",
            "0.3",
        ]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 3
        assert "waiting up to 0.3 s for the run in progress" in result.stderr
        assert f"not run: the run lock is held by pid {os.getpid()}" in result.stderr
        assert "`cli.py serve --config prod.yaml`" in result.stderr
        assert not (config_path.parent / "out" / "outbox").exists()
    finally:
        holder.release()
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_leftover_temporary_files_are_removed_and_nothing_else(tmp_path):
    keep = [tmp_path / "5701.xlsx", tmp_path / ".hidden.tmp", tmp_path / "~$5701.xlsx", tmp_path / ".x.xlsx.tmp"]
    gone = [tmp_path / ".5701 เมือง.xlsx.a1b2_c3d.tmp", tmp_path / ".summary.xlsx.zzzzzzzz.tmp"]
    for path in keep + gone:
        path.write_bytes(b"x")
    assert sorted(remove_leftovers([tmp_path, tmp_path / "missing"])) == sorted(gone)
    assert sorted(tmp_path.iterdir()) == sorted(keep)
