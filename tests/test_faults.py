"""The fast part of the fault catalogue (tests/faults) as ordinary tests: each fault of issue 11 that
runs in seconds is run against the real components and must be survived, with no officer part
changed and no memo duplicated (beyond one per kill) or lost. `make faults` runs them all."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from sync.backends.xlsx_package import write_tab
from sync.delivery.ledger import Key, Ledger
from sync.outputs.sheet import Sheet
from sync.schema import STATUS
from tests import officer_workbooks as officer
from tests.faults import mail, parts
from tests.faults.catalogue import CATALOGUE
from tests.faults.model import Result
from tests.faults.runner import closing_line, main, run_fault

FAST = [pytest.param(fault, id=fault.id) for fault in CATALOGUE if not fault.slow]


@pytest.fixture(scope="module")
def labs():
    """A folder for the labs that the service user of the permission faults (nobody) can reach."""
    root = Path(tempfile.mkdtemp(prefix="test-faults-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("fault", FAST)
def test_the_fault_is_survived(fault, labs):
    result = run_fault(fault, labs / fault.id)
    if result.skipped:
        pytest.skip(result.skipped)
    assert result.survived, "\n".join(result.problems)
    assert result.officer_parts_changed == [] and result.lost == 0
    assert result.duplicated <= result.allowed_duplicates


# --- the harness itself: what it counts must be what happened ----------------------------------------------


def test_officer_parts_ignore_the_status_tab_and_catch_a_changed_photo(tmp_path):
    path = officer.build(tmp_path / "5702 เวียงชัย.xlsx")
    before = parts.snapshot([path])
    path.write_bytes(write_tab(path.read_bytes(), Sheet(STATUS, [["ผลการตรวจ"]])))
    assert parts.changed(before, parts.snapshot([path])) == []
    members = officer.members(path)
    members["xl/media/image1.png"] += b"\0"
    with zipfile.ZipFile(path, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    assert parts.changed(before, parts.snapshot([path])) == ["5702 เวียงชัย.xlsx: xl/media/image1.png"]
    path.unlink()
    assert len(parts.changed(before, parts.snapshot([path]))) == len(before[str(path)])


def _message(number: int) -> bytes:
    return f"Message-ID: <{number}@example.go.th>\r\nSubject: memo {number}\r\n\r\ntext\r\n".encode()


def test_memos_duplicated_by_message_id_and_lost_against_the_ledger(tmp_path):
    ledger = Ledger(tmp_path)
    for number in (1, 2):
        entry = ledger.queue(Key(f"570{number}", "reminder", "overdue:2025-01-20", "hash"), as_of="2025-01-21",
                             file_name=f"570{number}-reminder.eml", subject="s", sender="a@example.go.th",
                             recipients=["b@example.go.th"], message=_message(number))
        ledger.mark_sent(entry, "smtp")
    mailbox = mail.Mailbox()
    mailbox.messages = [_message(1), _message(1)]  # the first memo twice, the second never
    duplicated, lost, what = mail.account(mailbox, tmp_path, {"5701-reminder.eml", "province-summary.eml"})
    assert (duplicated, lost) == (1, 2)
    assert what == ["5702-reminder.eml (the ledger says sent)", "province-summary.eml (expected, never arrived)"]


def test_the_closing_line_counts_what_was_tried():
    results = [Result("a", "", duplicated=1, memos_checked=True, allowed_duplicates=1), Result("b", "", ["x"]),
               Result("c", "", skipped="no tmpfs")]
    assert closing_line(results) == (
        "faults: 2 tried, 1 survived; officer parts changed 0; memos lost 0, duplicated 1 (≤ 1 per kill)"
    )


def test_the_runner_prints_json_and_exits_0_when_every_fault_tried_was_survived(capsys):
    assert main(["--only", "config.not_utf8", "--only", "xlsx.empty_file", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["result"]) for f in printed["faults"]] == [
        ("xlsx.empty_file", "survived"), ("config.not_utf8", "survived")]
    assert printed["summary"].startswith("faults: 2 tried, 2 survived; officer parts changed 0; memos lost 0")
