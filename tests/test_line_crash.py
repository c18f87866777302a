"""A run killed between LINE's acceptance of a push and the ledger's record of it: the next run
finds the row 'sending' with its retry key, pushes again, is told 409, and records it as sent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from sync.delivery.ledger import Ledger
from sync.service.history import INTERRUPTED, History
from tests.conftest import REPO, compliant_tabs, save_workbook
from tests.line_support import (
    OPEN,
    PROVINCE_GROUP,
    line_config,
    line_fixture,  # noqa: F401  (the `line` fixture)
    received,
    sync,
)


def test_a_run_killed_after_the_push_was_accepted_does_not_deliver_twice(tmp_path, line):
    config = line_config(tmp_path, line, timeout=60)
    for district in config.districts:
        save_workbook(tmp_path / "wb" / f"{district.code}.xlsx", OPEN.get(district.code, compliant_tabs()))
    hold = threading.Event()
    line.fail(accept=True, hold=hold)  # the province's push is accepted; its answer waits
    run = subprocess.Popen(
        [sys.executable, "cli.py", "sync", "--config", str(tmp_path / "test.yaml"), "--as-of", "2025-01-21"],
        cwd=REPO, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not line.received(PROVINCE_GROUP) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
        assert line.received(PROVINCE_GROUP), run.stderr.read().decode() if run.poll() is not None else "no push"
        run.send_signal(signal.SIGKILL)  # dies with LINE's answer still on its way
        run.wait(30)
    finally:
        hold.set()
        if run.poll() is None:
            run.kill()
        run.stderr.close()
    [row] = [e for e in Ledger(config.outputs.state, create=False).entries() if e.channel == "line"]
    assert (row.district, row.status, row.attempts) == ("province", "sending", 1)
    assert line.received(PROVINCE_GROUP)[0].retry_key == row.retry_key

    outcome = sync(config)  # the next run
    assert received(line) == {"province": 1, "5702": 1, "5705": 1, "5709": 1}
    assert outcome.line.ok and outcome.line.sent[0] == "province-summary"
    entries = {e.district: e for e in Ledger(config.outputs.state).entries() if e.channel == "line"}
    assert entries["province"].status == "sent" and entries["province"].retry_key == row.retry_key
    assert entries["province"].last_error.startswith("accepted earlier (409)")
    assert History(config.outputs.state).recent(2)[1].status == INTERRUPTED
