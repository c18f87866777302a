"""The command line, through click's CliRunner: reports, exit codes, dry runs."""

import json
from pathlib import Path

import jsonschema
import openpyxl
from click.testing import CliRunner

from cli import cli
from tests.conftest import RULE_IDS, save_workbook

SCHEMA = json.loads((Path(__file__).parent / "report_schema.json").read_text(encoding="utf-8"))

GOOD = {
    "คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "ภาคี"], ["นายก", "ประธาน", "ภาครัฐ"]],
    "รายงานรายเดือน": [["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"], ["ธ.ค. 67", "23/12/2567", "อบรม"]],
}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_check_json_matches_the_report_contract(config_path):
    save_workbook(config_path.parent / "wb" / "5702 เวียงชัย.xlsx", GOOD)
    result = invoke("check", "--config", config_path, "--district", "5702", "--as-of", "2025-01-21", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["as_of"] == "2025-01-21" and report["fiscal_year"] == 2568
    [district] = report["districts"]
    assert (district["code"], district["name"], district["status"]) == ("5702", "เวียงชัย", "incomplete")
    late = [f for f in district["findings"] if f["rule"] == "monthly.report" and f["status"] == "late"]
    assert late[0]["details"] == {"month": "2024-12", "due": "2024-12-20", "submitted": "2024-12-23", "days_late": 3}


def test_as_of_accepts_buddhist_era(config_path):
    save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    result = invoke("check", "--config", config_path, "--district", "5702", "--as-of", "2568-01-21", "--format", "json")
    assert json.loads(result.stdout)["as_of"] == "2025-01-21"


def test_unreadable_district_exits_1_and_the_others_are_still_checked(config_path):
    save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    (config_path.parent / "wb" / "5703.xlsx").write_bytes(b"garbage")
    result = invoke(
        "check",
        "--config",
        config_path,
        "--district",
        "5702",
        "--district",
        "5703",
        "--as-of",
        "2025-01-21",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    broken = report["districts"][1]
    assert broken["status"] == "error"
    assert [f["rule"] for f in broken["findings"]] == ["source.unreadable"]
    assert "5703.xlsx" in broken["findings"][0]["details"]["reason"]
    assert report["districts"][0]["status"] != "error"


def test_usage_and_configuration_errors_exit_2(config_path, tmp_path):
    assert invoke("check", "--config", config_path, "--district", "9999").exit_code == 2
    assert invoke("check", "--config", config_path, "--as-of", "yesterday-ish").exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(config_path.read_text(encoding="utf-8") + "programme: {fiscal_year: 68}\n", encoding="utf-8")
    result = invoke("sync", "--config", bad, "--as-of", "2025-01-21")
    assert result.exit_code == 2
    assert f"{bad}: programme.fiscal_year = 68" in result.stderr


def test_sync_dry_run_writes_nothing(config_path):
    path = save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    before = path.read_bytes()
    result = invoke("sync", "--config", config_path, "--district", "5702", "--as-of", "2025-01-21", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would write 1 (5702)" in result.stdout
    assert "5702-reminder.eml" in result.stdout
    assert path.read_bytes() == before
    assert not (config_path.parent / "out").exists()


def test_sync_writes_status_and_memo_and_skips_an_unchanged_status(config_path):
    path = save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    args = ("sync", "--config", config_path, "--district", "5702", "--as-of", "2025-01-21")
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert "status tab: wrote 1 (5702)" in first.stdout
    written = path.read_bytes()
    assert "สถานะ (อัตโนมัติ)" in openpyxl.load_workbook(path).sheetnames
    second = invoke(*args)
    assert "status tab: unchanged 1" in second.stdout
    assert path.read_bytes() == written
    outbox = config_path.parent / "out" / "outbox" / "2025-01-21"
    assert [p.name for p in outbox.iterdir()] == ["5702-reminder.eml"]


def test_no_email_writes_no_memo(config_path):
    save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    invoke("sync", "--config", config_path, "--district", "5702", "--as-of", "2025-01-21", "--no-email")
    assert not (config_path.parent / "out" / "outbox").exists()


def test_rules_lists_every_rule_with_its_item_and_parameters(config_path):
    result = invoke("rules", "--config", config_path)
    assert result.exit_code == 0
    for rule_id in RULE_IDS:
        assert rule_id in result.stdout
    assert "min_members=1" in result.stdout


def test_check_explain_says_what_passes_in_thai_with_the_configured_facts(config_path):
    result = invoke("check", "--config", config_path, "--explain", "documents.submitted")
    assert result.exit_code == 0
    assert "documents.submitted (item 7" in result.stdout
    assert "ภายในวันที่ ๓๑ ธันวาคม ๒๕๖๗" in result.stdout
    assert invoke("check", "--config", config_path, "--explain", "no.such").exit_code == 2


def test_config_show_prints_the_effective_configuration(config_path, tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text(config_path.read_text(encoding="utf-8") + "rules: {plan.coverage: {enabled: false}}\n")
    result = invoke("config", "show", "--config", bad, "--format", "json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert [s["name"] for s in shown["programme"]["sectors"]][0] == "ภาครัฐ"
    assert shown["rules"]["plan.coverage"]["enabled"] is False
    assert shown["email"]["smtp"]["password_env"] == "KHOKNONGNA_SMTP_PASSWORD"
    assert "ภาครัฐ" in invoke("config", "show", "--config", bad).stdout  # YAML, Thai unescaped


def test_effective_configuration_masks_secret_values():
    from unittest import mock

    from sync.config import effective

    config = mock.Mock()  # no model field holds a secret today: passwords come from the environment
    config.model_dump.return_value = {"smtp": {"password": "hunter2", "api_token": "abc", "password_env": "X"}}
    assert effective(config) == {"smtp": {"password": "********", "api_token": "********", "password_env": "X"}}


def test_missing_google_credentials_is_a_configuration_error(tmp_path):
    from tests.conftest import write_config

    extra = f"backend: {{kind: google, google: {{credentials: {tmp_path / 'nope.json'}, summary_spreadsheet: s}}}}\n"
    path = write_config(tmp_path, tmp_path, extra)
    result = invoke("check", "--config", path, "--as-of", "2025-01-21")
    assert result.exit_code == 2
    assert f"backend.google.credentials: service-account file not found: {tmp_path / 'nope.json'}" in result.stderr
