"""New files the service writes (the summary, memo .eml copies) follow the umask; replaced files keep their mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sync.atomic import atomic_write
from sync.config import load_config
from sync.pipeline import run_sync, select_districts
from tests.conftest import AS_OF, compliant_tabs, save_workbook, write_config


@pytest.fixture
def umask():
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_sync_writes_the_summary_and_memos_with_the_umask_mode(tmp_path, umask, mask, expected):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()  # January missing: a reminder goes out on 2025-01-21
    save_workbook(tmp_path / "wb" / "5702.xlsx", tabs)
    config = load_config(write_config(tmp_path, tmp_path / "wb"))
    umask(mask)
    run_sync(config, AS_OF, select_districts(config))
    [eml] = (tmp_path / "out" / "outbox" / "2025-01-21").glob("5702-*.eml")
    assert _mode(eml) == expected
    assert _mode(tmp_path / "out" / "summary.xlsx") == expected


def test_a_replaced_file_keeps_its_mode_and_no_temporary_file_stays(tmp_path, umask):
    path = tmp_path / "summary.xlsx"
    atomic_write(path, lambda handle: handle.write(b"one"))
    os.chmod(path, 0o600)  # an operator's choice
    atomic_write(path, lambda handle: handle.write(b"two"))
    assert path.read_bytes() == b"two" and _mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["summary.xlsx"]
