"""Folders that are missing or cannot be written: one configuration error (exit 2) before a run,
or a clear one-line failure (exit 1) during it; never a traceback, and nothing an officer made lost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from sync.service.history import FAILED, History
from tests.conftest import REPO, compliant_tabs, save_workbook, write_config

ONE_DISTRICT = "districts: [{code: '5702', name: เวียงชัย, emails: [cd5702@example.go.th]}]\n"
AS_OF = ("--as-of", "2025-01-21")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def cli_py(*args, cwd: Path) -> subprocess.CompletedProcess:
    """`python cli.py …` as an operator types it, in `cwd`."""
    env = {k: v for k, v in os.environ.items() if k != "KHOKNONGNA_CONFIG"}
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True
    )


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


@contextmanager
def read_only(folder: Path):
    """Make `folder` unwritable, for root too: its mode for other users; for root an immutable flag,
    else a read-only bind mount. Skips the test when this machine allows none of them."""
    folder.chmod(0o555)
    undo = None
    try:
        if _writable(folder) and subprocess.run(["chattr", "+i", folder], capture_output=True).returncode == 0:
            undo = ["chattr", "-i", folder]
        if _writable(folder):
            if undo:
                subprocess.run(undo, check=True)
                undo = None
            bound = subprocess.run(["mount", "--bind", "-o", "ro", folder, folder], capture_output=True)
            if bound.returncode == 0:
                undo = ["umount", folder]
        if _writable(folder):
            pytest.skip("cannot make a folder read-only on this machine (root without chattr or mount)")
        yield folder
    finally:
        if undo:
            subprocess.run(undo, check=True)
        folder.chmod(0o755)


@pytest.fixture
def one_district(tmp_path: Path) -> Path:
    """A province of one district (5702, whose workbook passes): a whole-province run writes the summary."""
    save_workbook(tmp_path / "wb" / "5702.xlsx", compliant_tabs())
    return write_config(tmp_path, tmp_path / "wb", ONE_DISTRICT)


def test_the_default_config_without_its_workbooks_folder_is_one_configuration_error(tmp_path):
    shutil.copytree(REPO / "config", tmp_path / "config")
    for command in (["check"], ["sync"], ["memo", "preview", "--district", "5709"], ["serve"]):
        result = cli_py(*command, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert result.stderr.count("configuration error") == 1
        assert result.stderr.startswith(
            f"configuration error: config/config.yaml: backend.workbooks: folder not found: {tmp_path}/data/workbooks\n"
        )
        assert "`python cli.py init --backend xlsx --config config/config.yaml`" in result.stderr
        assert "or set backend.workbooks in config/config.yaml" in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was created


def test_a_missing_workbooks_folder_given_on_the_command_line_is_named_as_such(config_path, tmp_path):
    result = invoke("check", "--config", config_path, "--workbooks", tmp_path / "nope", *AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"configuration error: --workbooks {tmp_path / 'nope'}: folder not found")


def test_commands_that_need_no_workbooks_still_run_without_them(tmp_path):
    shutil.copytree(REPO / "config", tmp_path / "config")
    assert cli_py("rules", cwd=tmp_path).returncode == 0
    assert cli_py("config", "show", cwd=tmp_path).returncode == 0
    assert cli_py("check", "--explain", "8", cwd=tmp_path).returncode == 0
    status = cli_py("status", cwd=tmp_path)
    assert status.returncode == 1 and status.stdout.startswith("no run recorded yet in ")


def test_a_summary_folder_that_cannot_be_created_is_a_configuration_error(tmp_path):
    (tmp_path / "wb").mkdir()
    (tmp_path / "shared").write_text("a file where a folder was meant")
    path = write_config(tmp_path, tmp_path / "wb")
    summary = str(tmp_path / "shared" / "cd" / "s.xlsx")
    path.write_text(path.read_text(encoding="utf-8").replace(str(tmp_path / "out" / "summary.xlsx"), summary))
    result = invoke("sync", "--config", path, *AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"configuration error: {path}: outputs.summary: {tmp_path / 'shared' / 'cd'}: does not exist and cannot "
        f"be created in {tmp_path / 'shared'} (is a file, not a folder)\n"
    )
    assert "make it writable for user" in result.stderr
    assert "or set outputs.summary to a folder that is" in result.stderr


def test_an_unwritable_state_folder_is_a_configuration_error_and_check_still_works(one_district, tmp_path):
    state = tmp_path / "out" / "state"
    state.mkdir(parents=True)
    workbook = (tmp_path / "wb" / "5702.xlsx").read_bytes()
    with read_only(state):
        result = invoke("sync", "--config", one_district, *AS_OF)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"configuration error: {one_district}: outputs.state: {state}: cannot write")
        assert "It holds the run lock, history and memo ledger" in result.stderr
        assert (tmp_path / "wb" / "5702.xlsx").read_bytes() == workbook  # nothing was written
        assert invoke("check", "--config", one_district, *AS_OF).exit_code == 0  # check writes nothing
        assert invoke("sync", "--config", one_district, *AS_OF, "--dry-run").exit_code == 0
    assert invoke("sync", "--config", one_district, *AS_OF).exit_code == 0


def test_a_read_only_workbooks_folder_writes_no_status_tab_and_the_run_exits_1(one_district, tmp_path):
    workbook = tmp_path / "wb" / "5702.xlsx"
    before = workbook.read_bytes()
    with read_only(tmp_path / "wb"):
        result = invoke("sync", "--config", one_district, *AS_OF)
    assert result.exit_code == 1, result.output
    assert "status tab: not written 1 (5702)" in result.stdout
    assert workbook.read_bytes() == before
    [run] = History(tmp_path / "out" / "state").recent()
    [error] = run.errors
    assert error.startswith("5702: status tab not written: ") and str(tmp_path / "wb") in error  # and why


def test_a_summary_that_cannot_be_written_during_the_run_is_one_line_and_exit_1(one_district, tmp_path):
    (tmp_path / "out" / "summary.xlsx").mkdir(parents=True)  # the folder is fine; the file cannot be replaced
    result = invoke("sync", "--config", one_district, *AS_OF)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"sync failed: Is a directory: {tmp_path / 'out' / 'summary.xlsx'}"
    [run] = History(tmp_path / "out" / "state").recent()
    assert run.status == FAILED


@contextmanager
def full_disk(folder: Path):
    """A small tmpfs on `folder`, filled up once the caller has put its files there (skips without mount)."""
    folder.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", folder], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield lambda: _fill(folder / "filler")
    finally:
        subprocess.run(["umount", folder], check=True)


def _fill(path: Path) -> None:
    with open(path, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass


def test_a_full_disk_writes_no_status_tab_and_the_run_exits_1(tmp_path):
    workbooks = tmp_path / "wb"
    with full_disk(workbooks) as fill:
        save_workbook(workbooks / "5702.xlsx", compliant_tabs())
        before = (workbooks / "5702.xlsx").read_bytes()
        fill()
        result = invoke("sync", "--config", write_config(tmp_path, workbooks, ONE_DISTRICT), *AS_OF)
        assert result.exit_code == 1, result.output
        assert "status tab: not written 1 (5702)" in result.stdout
        assert (workbooks / "5702.xlsx").read_bytes() == before
        assert sorted(p.name for p in workbooks.iterdir()) == ["5702.xlsx", "filler"]  # no temporary file left
