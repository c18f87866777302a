"""The fast part of the fault catalogue (tests/faults) as ordinary tests: each fault of issue 11 that
runs in seconds is run against the real components and must be survived, with no officer part
changed and no memo duplicated (beyond one per kill) or lost. `make faults` runs them all."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.faults.catalogue import CATALOGUE
from tests.faults.runner import run_fault

FAST = [fault for fault in CATALOGUE if not fault.slow]


@pytest.fixture(scope="module")
def labs():
    """A folder for the labs that the service user of the permission faults (nobody) can reach."""
    root = Path(tempfile.mkdtemp(prefix="test-faults-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("fault", FAST, ids=[fault.id for fault in FAST])
def test_the_fault_is_survived(fault, labs):
    result = run_fault(fault, labs / fault.id)
    if result.skipped:
        pytest.skip(result.skipped)
    assert result.survived, "\n".join(result.problems)
    assert result.officer_parts_changed == [] and result.lost == 0
    assert result.duplicated <= result.allowed_duplicates
