"""Memo delivery under faults, against a real SMTP server (aiosmtpd on 127.0.0.1) and real kills:
at most one duplicate, and the truth about what was sent (issue 11)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from sync.config import load_config
from sync.delivery.email import describe
from sync.delivery.ledger import Ledger
from sync.pipeline import run_sync, select_districts
from sync.service.history import History
from tests.conftest import AS_OF, REPO, compliant_tabs, save_workbook, write_config
from tests.smtp_support import Server, free_port

NOW = dt.datetime(2025, 1, 21, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
CODES = ("5702", "5703")


@pytest.fixture
def server():
    server = Server(free_port()).start()
    yield server
    server.stop()


def _open_items() -> dict:
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()  # the January report is missing: a reminder on 2025-01-21
    return tabs


def _setup(tmp_path, port: int, retries: int = 1):
    for code in CODES:
        save_workbook(tmp_path / "wb" / f"{code}.xlsx", _open_items())
    smtp = f"{{host: 127.0.0.1, port: {port}, security: none, timeout_seconds: 5}}"
    extra = f"email: {{attach_pdf: false, smtp: {smtp}, retry: {{ambiguous_retries: {retries}}}}}\n"
    return write_config(tmp_path, tmp_path / "wb", extra)


def _sync(config_path, codes=CODES, **options):
    config = load_config(config_path)
    return run_sync(config, AS_OF, select_districts(config, codes), now=NOW, **options)


def _status(config_path):
    return CliRunner().invoke(cli, ["status", "--config", str(config_path), "--max-age", "60"])


def _copies(server, code: str) -> list[str]:
    """Message-IDs of what the server accepted for a district."""
    return [m["Message-ID"] for m in server.sink.parsed() if f".{code}-reminder@" in m["Message-ID"]]


def test_a_send_cut_off_after_the_server_took_it_is_sent_once_more_then_held(tmp_path, server):
    config_path = _setup(tmp_path, server.port)
    server.sink.drop = 2  # the server takes the next two messages and hangs up before it answers
    runs = [_sync(config_path) for _ in range(4)]
    first, second, third, fourth = (r.delivery for r in runs)
    assert first.held == [] and first.waiting == ["5702-reminder.eml", "5703-reminder.eml"]
    assert "connection lost after the message was handed over" in first.error
    assert second.held and second.held[0].startswith("5702-reminder.eml: ")
    assert third.sent == ["5703-reminder.eml"] and fourth.sent == []
    assert fourth.waiting_operator == ["5702-reminder.eml"]
    assert "memos: 1 held or refused earlier, not sent again (cli.py status): 5702-reminder.eml" in describe(
        fourth, load_config(config_path)
    )
    copies = _copies(server, "5702")
    assert len(copies) == 2 and copies[0] == copies[1], "one duplicate at most, with the same Message-ID"
    assert len(_copies(server, "5703")) == 1
    second_run = History(tmp_path / "out" / "state").recent(4)[2]
    assert any(e.startswith("memo held (may have arrived; `sync --resend` sends it): 5702-reminder.eml") for e in
               second_run.errors)
    status = _status(config_path)
    assert status.exit_code == 1
    assert "memo 5702-reminder.eml of 2025-01-21 held (it may have arrived)" in status.stdout
    assert "`cli.py sync --resend --district 5702` sends it again" in status.stdout

    resent = _sync(config_path, codes=("5702",), resend=True)  # the operator decides
    assert resent.delivery.released == ["5702-reminder.eml"] and resent.delivery.sent == ["5702-reminder.eml"]
    assert _copies(server, "5702") == copies + copies[:1], "the held message itself goes out"
    assert _status(config_path).exit_code == 0


def test_with_no_automatic_retry_an_ambiguous_send_is_held_at_once(tmp_path, server):
    config_path = _setup(tmp_path, server.port, retries=0)
    server.sink.drop = 1
    assert _sync(config_path).delivery.held[0].startswith("5702-reminder.eml")
    _sync(config_path)
    assert len(_copies(server, "5702")) == 1 and len(_copies(server, "5703")) == 1


def _killed_sync(config_path, target: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "tests.kill_at", target, "--", "sync", "--config", str(config_path)]
    command += ["--as-of", "2025-01-21", *(a for code in CODES for a in ("--district", code))]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)


def test_kill_9_between_acceptance_and_the_ledger_gives_one_duplicate_at_most(tmp_path, server):
    config_path = _setup(tmp_path, server.port)
    for _ in range(2):  # killed right after the server took 5702's reminder, twice in a row
        killed = _killed_sync(config_path, "sync.delivery.ledger:Ledger.mark_sent")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert [e.status for e in Ledger(tmp_path / "out" / "state").entries()] == ["sending", "queued"]
    after = _sync(config_path)
    assert after.delivery.held and "killed" in after.delivery.held[0]
    assert after.delivery.sent == ["5703-reminder.eml"]
    _sync(config_path)
    copies = _copies(server, "5702")
    assert len(copies) == 2 and copies[0] == copies[1]
    assert len(_copies(server, "5703")) == 1


def test_one_kill_is_one_duplicate_and_then_every_memo_is_sent(tmp_path, server):
    config_path = _setup(tmp_path, server.port)
    assert _killed_sync(config_path, "sync.delivery.ledger:Ledger.mark_sent").returncode == -signal.SIGKILL
    after = _sync(config_path)
    assert after.delivery.sent == ["5702-reminder.eml", "5703-reminder.eml"] and after.delivery.ok
    assert len(_copies(server, "5702")) == 2 and len(_copies(server, "5703")) == 1
    assert [e.status for e in Ledger(tmp_path / "out" / "state").entries()] == ["sent", "sent"]


def _tagged(tag: str) -> list[int]:
    """Processes whose environment carries the tag (the run, its fork server and its workers)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"MEMO_FAULT_TAG={tag}".encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc to find the worker processes")
def test_a_run_killed_while_its_workers_render_leaves_no_process_behind(tmp_path, server):
    config_path = _setup(tmp_path, server.port)
    config_path.write_text(config_path.read_text().replace("attach_pdf: false", "attach_pdf: true"))
    tag = uuid.uuid4().hex
    command = [sys.executable, "-m", "tests.kill_at", "sync.delivery.ledger:Ledger.queue", "--", "sync"]
    command += ["--config", str(config_path), "--as-of", "2025-01-21"]
    killed = subprocess.run(command, cwd=REPO, env=os.environ | {"MEMO_FAULT_TAG": tag}, capture_output=True,
                            text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    deadline = time.monotonic() + 30
    while _tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _tagged(tag) == [], "the fork server and the workers end with the run"
