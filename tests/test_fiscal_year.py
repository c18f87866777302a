"""The next fiscal year's letter is a change of config/programme.yaml only: the README's block for
fiscal year 2569, put into a copy of the configuration, checks a 2569 workbook with unchanged code."""

from __future__ import annotations

import json
import re
import shutil

import yaml
from click.testing import CliRunner

from cli import cli
from sync.config import _merge
from tests.conftest import CONFIG_DIR, REPO, compliant_tabs, save_workbook


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def readme_next_year() -> dict:
    """The YAML block of the README's section "A new fiscal year"."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## A new fiscal year\n", 1)[1].split("\n## ", 1)[0]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def next_year(tabs: dict) -> dict:
    """The same district a year later: every date and month moved on by one year."""
    moved = {"2025-": "2026-", "2024-": "2025-", "ธ.ค. 67": "ธ.ค. 68", "ม.ค. 68": "ม.ค. 69", "/2567": "/2568"}

    def shift(value):
        if not isinstance(value, str):
            return value
        for old, new in moved.items():
            if old in value:
                return value.replace(old, new)
        return value

    return {tab: [[shift(v) for v in row] for row in rows] for tab, rows in tabs.items()}


def test_the_next_fiscal_year_is_a_change_of_programme_yaml_only(tmp_path):
    config_dir = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config_dir)
    programme = config_dir / "programme.yaml"
    change = readme_next_year()
    assert set(change) == {"province", "programme"} and set(change["province"]) == {"letter"}
    programme.write_text(
        yaml.safe_dump(_merge(yaml.safe_load(programme.read_text(encoding="utf-8")), change), allow_unicode=True),
        encoding="utf-8",
    )
    changed = [p.name for p in config_dir.iterdir() if p.read_bytes() != (CONFIG_DIR / p.name).read_bytes()]
    assert changed == ["programme.yaml"]

    tabs = next_year(compliant_tabs())
    save_workbook(tmp_path / "data" / "workbooks" / "5702.xlsx", tabs)  # where config.yaml looks
    tabs["รายงานรายเดือน"] = tabs["รายงานรายเดือน"][:2]  # no report for ม.ค. 2569 yet
    save_workbook(tmp_path / "data" / "workbooks" / "5703.xlsx", tabs)
    config = config_dir / "config.yaml"
    args = ("--config", config, "--district", "5702", "--district", "5703")

    result = invoke("check", *args, "--as-of", "2026-01-21", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    report = json.loads(result.stdout)
    assert report["fiscal_year"] == 2569
    compliant, late = report["districts"]
    assert compliant["status"] == "ok"
    months = [f["details"]["month"] for f in compliant["findings"] if f["rule"] == "monthly.report"]
    assert months == [f"2025-{m}" for m in ("12",)] + [f"2026-{m:02d}" for m in range(1, 10)]
    docs = [f["details"]["due"] for f in compliant["findings"] if f["rule"] == "documents.submitted"]
    assert docs == ["2025-12-31"] * 5
    [january] = [f for f in late["findings"] if f["rule"] == "monthly.report" and f["status"] == "overdue"]
    assert january["details"]["month"] == "2026-01" and january["details"]["due"] == "2026-01-20"

    memo = invoke("memo", "preview", "--config", config, "--district", "5703", "--as-of", "2026-01-21")
    assert memo.exit_code == 0, memo.output
    assert "ที่ ชร ๐๐๑๙.๒/ว ๑๒๓๔๕ ลงวันที่ ๑ ธันวาคม ๒๕๖๘" in memo.stdout
    assert "ปี ๒๕๖๙" in memo.stdout and "๒๐ มกราคม ๒๕๖๙" in memo.stdout
    assert "๒๕๖๗" not in memo.stdout  # nothing of fiscal year 2568 is left

    last_year = invoke("check", *args, "--as-of", "2025-01-21")
    assert "warning: 2025-01-21 is before fiscal year 2569 (2025-10-01 – 2026-09-30)" in last_year.stderr
    assert "letter ชร ๐๐๑๙.๒/ว ๑๒๓๔๕ of 2025-12-01" in last_year.stderr
