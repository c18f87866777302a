"""The demo workbooks, with their status tabs, opened and saved by LibreOffice (as many district offices
do) read the same: every finding unchanged. Skips when LibreOffice is not installed (CI installs it)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from cli import cli
from sync.config import load_config
from tests.officer_workbooks import soffice

AS_OF = "2025-01-21"


def findings(config_path, workbooks=None) -> dict[str, list]:
    args = ["check", "--config", str(config_path), "--as-of", AS_OF, "--format", "json"]
    if workbooks:
        args += ["--workbooks", str(workbooks)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    report = json.loads(result.stdout)
    return {d["code"]: d["findings"] for d in report["districts"]}


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_the_demo_workbooks_resaved_by_libreoffice_give_the_same_findings(demo, tmp_path):
    assert CliRunner().invoke(cli, ["sync", "--config", str(demo), "--as-of", AS_OF, "--no-email"]).exit_code == 0
    sources = sorted(load_config(demo).backend.workbooks.glob("*.xlsx"))
    resaved = tmp_path / "resaved"
    profile = (tmp_path / "lo-profile").as_uri()
    command = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx"]
    files = [*command, "--outdir", str(resaved), *map(str, sources)]
    subprocess.run(files, check=True, capture_output=True, timeout=600)
    assert sorted(p.name for p in resaved.glob("*.xlsx")) == [p.name for p in sources]
    before, after = findings(demo), findings(demo, resaved)
    assert sum(map(len, before.values())) > 200
    assert after == before
    # and the status tabs LibreOffice kept are recognised as the service's, with the same content
    for source in sources:
        shutil.copyfile(resaved / source.name, source)
    again = CliRunner().invoke(cli, ["sync", "--config", str(demo), "--as-of", AS_OF, "--no-email"])
    assert "status tab: unchanged 17" in again.stdout, again.stdout
