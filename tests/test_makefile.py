"""`make`'s own output: one line per step; pip's output (and this machine's pip warnings) only when
pip fails, then in full. A stand-in Python plays `python -m venv` and `python -m pip` so the test
runs in a second, offline, without touching the project's .venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO

FAKE_PYTHON = textwrap.dedent(
    """\
    #!/bin/sh
    # `python -m venv DIR`: DIR/bin/python is this script; `python -m pip …`: pip's noise, then $FAKE_PIP's verdict
    if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && exit 0; fi
    echo "WARNING: Location 'file:///opt/pypi-more/simple/six/' is ignored: it is neither a file nor a directory." >&2
    if [ "$FAKE_PIP" = fail ]; then
        echo "ERROR: Could not find a version that satisfies the requirement weasyprint<71,>=62" >&2
        echo "ERROR: No matching distribution found for weasyprint<71,>=62" >&2
        exit 1
    fi
    """
)


@pytest.fixture
def fake_python(tmp_path: Path) -> Path:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    path = tmp_path / "python3"
    path.write_text(FAKE_PYTHON)
    path.chmod(0o755)
    return path


def make_install(tmp_path: Path, python: Path, pip: str) -> subprocess.CompletedProcess:
    venv = tmp_path / "venv"
    return subprocess.run(
        ["make", "--no-print-directory", "-C", REPO, "install", f"VENV={venv}", f"PYTHON={python}"],
        capture_output=True,
        text=True,
        env={**os.environ, "FAKE_PIP": pip},
    )


def test_make_install_prints_one_line_and_hides_pips_warnings(tmp_path, fake_python):
    result = make_install(tmp_path, fake_python, "ok")
    assert result.returncode == 0, result.stdout + result.stderr
    venv = tmp_path / "venv"
    assert result.stdout.splitlines() == [
        f"install: {venv} with the pinned packages of constraints.txt (pip's log: {venv}/pip.log)"
    ]
    assert result.stderr == ""
    assert "is ignored" in (venv / "pip.log").read_text()  # kept for whoever wants it
    again = make_install(tmp_path, fake_python, "ok")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")  # up to date: nothing to say


def test_make_install_shows_pips_errors_in_full_when_pip_fails(tmp_path, fake_python):
    result = make_install(tmp_path, fake_python, "fail")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "ERROR: Could not find a version that satisfies the requirement weasyprint<71,>=62" in output
    assert "ERROR: No matching distribution found for weasyprint<71,>=62" in output
    assert f"install: pip failed (above; also in {tmp_path / 'venv'}/pip.log)" in output
    assert not (tmp_path / "venv" / ".installed").exists()  # the next `make` tries again
