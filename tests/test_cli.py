"""The command line, through click's CliRunner: reports, exit codes, dry runs."""

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
from click.testing import CliRunner

from cli import cli
from sync.preflight import shown_path
from tests.conftest import CONFIG_DIR, REPO, RULE_IDS, save_workbook

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


# --- an operator's first hour (issue 12) -----------------------------------------------------------


def run_py(*args, python=sys.executable, env=None, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([python, *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env)


def test_cli_py_run_by_a_python_without_the_dependencies_says_how_to_run_it():
    result = run_py("-S", "cli.py", "check")  # -S: no site-packages, like a system Python without them
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"cli.py: this Python ({sys.executable}) lacks the package 'click': run `make install`")
    assert "`. .venv/bin/activate`" in line and "`.venv/bin/python cli.py …`" in line


def test_the_khoknongna_console_script_runs_the_same_commands():
    script = Path(sys.executable).parent / "khoknongna"
    assert script.exists(), "no console script: `make install` installs pyproject's [project.scripts]"
    result = subprocess.run([script, "check", "--explain", "8", "--config", "config/demo.yaml"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("monthly.report (item 8")
    usage = subprocess.run([script, "check", "--nope"], capture_output=True, text=True)
    assert "Usage: khoknongna check" in usage.stderr


def test_explain_takes_an_item_of_the_letter_or_a_rule(config_path):
    item_1 = invoke("check", "--config", config_path, "--explain", "1")
    assert item_1.exit_code == 0
    assert item_1.stdout.startswith("committee.roles (item 1") and "\n\ncommittee.sectors (item 1" in item_1.stdout
    for item_8 in ("8", "๘", "ข้อ 8"):
        result = invoke("check", "--config", config_path, "--explain", item_8)
        assert result.exit_code == 0 and result.stdout.startswith("monthly.report (item 8"), item_8
        assert "ตั้งแต่ ธันวาคม ๒๕๖๗ ถึง กันยายน ๒๕๖๘" in result.stdout
    one = invoke("check", "--config", config_path, "--explain", "monthly.report")
    assert one.stdout == invoke("check", "--config", config_path, "--explain", "8").stdout
    missing = invoke("check", "--config", config_path, "--explain", "9")
    assert missing.exit_code == 2
    assert "no rule checks item 9; items with rules: 1, 2, 3, 4, 5, 6, 7, 8" in missing.stderr


def test_rules_fit_a_narrow_terminal_without_cutting_a_parameter():
    for columns in (80, 60, 120):
        env = {**os.environ, "COLUMNS": str(columns)}
        result = run_py("cli.py", "rules", "--config", "config/demo.yaml", env=env)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert max(map(len, lines)) <= columns, (columns, max(lines, key=len))
        assert "every_center_represented=True" in result.stdout and "min_members=1" in result.stdout
        assert "…" not in result.stdout
        assert all(rule_id in result.stdout for rule_id in RULE_IDS)


def test_a_dry_run_says_no_memos_when_there_are_none(config_path):
    save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    args = ("sync", "--config", config_path, "--district", "5702", "--dry-run")
    none_due = invoke(*args, "--as-of", "2025-02-05")  # no reminder due, none to make up
    assert none_due.exit_code == 0
    assert "memos: no memos due on 2025-02-05 (config reminders)" in none_due.stdout
    assert "would write 0" not in none_due.stdout and "()" not in none_due.stdout
    assert "memos:" not in invoke(*args, "--as-of", "2025-02-05", "--no-email").stdout


def test_status_max_age_compares_and_prints_in_the_same_units(config_path):
    from sync import clock
    from sync.service.history import History, Run

    state = config_path.parent / "out" / "state"

    def finished(seconds_ago: int) -> None:
        end = clock.now() - dt.timedelta(seconds=seconds_ago)
        iso = end.isoformat(timespec="seconds")
        History(state).record(Run(iso, iso, "2025-01-21", 17, 0, 5, 3))

    finished(90)
    old = invoke("status", "--config", config_path, "--max-age", "1")
    assert old.exit_code == 1
    assert re.fullmatch(r"the last run finished 1 min 3\d s ago \(.*\): older than the 1 min allowed\n", old.stdout)
    finished(5)
    fresh = invoke("status", "--config", config_path, "--max-age", "1")
    assert fresh.exit_code == 0
    assert re.fullmatch(r"ok: the last run finished \d+ s ago \(.*\): 17 districts read, 0 unreadable, 3 memos\n",
                        fresh.stdout)
    assert invoke("status", "--config", config_path, "--max-age", "99999999").exit_code == 2


def test_history_calls_the_memo_count_memos_in_the_table_and_the_json(config_path):
    save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    invoke("sync", "--config", config_path, "--district", "5702", "--as-of", "2025-01-21")
    table = invoke("history", "--config", config_path).stdout.splitlines()
    header = table[0].split()
    assert table[1].split()[header.index("memos")] == "1"  # ("as of" and the start time are two words each)
    [run] = json.loads(invoke("history", "--config", config_path, "--format", "json").stdout)
    assert run["memos"] == 1 and run["memo_kinds"] == [] and "emails" not in run  # one district: no memo kinds asked


def test_an_impossible_as_of_date_echoes_what_was_typed_and_names_the_wrong_part(config_path):
    month = invoke("check", "--config", config_path, "--as-of", "2568-13-01")
    assert month.exit_code == 2
    assert "Invalid value for '--as-of': '2568-13-01': month 13 (months are 1–12)" in month.stderr
    day = invoke("check", "--config", config_path, "--as-of", "2568-02-29")
    assert "'2568-02-29': day 29 (February 2568 has 28 days)" in day.stderr
    assert "'๒๕๖๘-๐๒-๓๐': day 30" in invoke("check", "--config", config_path, "--as-of", "๒๕๖๘-๐๒-๓๐").stderr


def test_dates_outside_the_programme_warn_naming_the_programme_and_its_dates(config_path):
    save_workbook(config_path.parent / "wb" / "5702.xlsx", GOOD)
    inside = invoke("check", "--config", config_path, "--district", "5702", "--as-of", "2025-09-30")
    assert inside.exit_code == 0 and "warning" not in inside.stderr
    after = invoke("check", "--config", config_path, "--district", "5702", "--as-of", "2026-11-29")
    assert after.exit_code == 0
    [warning] = [line for line in after.stderr.splitlines() if line.startswith("warning:")]
    assert warning.startswith(
        "warning: 2026-11-29 is after fiscal year 2568 (2024-10-01 – 2025-09-30), the programme configured in "
        f"{shown_path(CONFIG_DIR / 'programme.yaml')}: letter ขร ๐๐๑๙.๒/ว ๓๐๓๒๒ of 2024-12-02, "
        "documents due 2024-12-31, monthly reports 2024-12 – 2025-09 due on day 20."
    )
    before = invoke("sync", "--config", config_path, "--district", "5702", "--as-of", "2024-09-30", "--dry-run")
    assert "warning: 2024-09-30 is before fiscal year 2568" in before.stderr
    memo = invoke("memo", "preview", "--config", config_path, "--district", "5702", "--as-of", "2026-11-29")
    assert memo.exit_code == 0
    assert "warning: 2026-11-29 is after fiscal year 2568" in memo.stdout.split("-" * 72)[0]  # among the notes


def test_init_from_xlsx_for_google_needs_no_summary_file(tmp_path, demo_master):
    from tests.google_support import google_backend_yaml
    from tests.sheets_server import SheetsServer

    with SheetsServer() as server:
        server.write_credentials(tmp_path / "sa.json")
        path = tmp_path / "google.yaml"
        includes = ", ".join(str(CONFIG_DIR / n) for n in ("province.yaml", "districts.yaml", "programme.yaml"))
        path.write_text(
            f"include: [{includes}]\n" + google_backend_yaml(tmp_path / "sa.json", server.url, "สรุป")
            + f"outputs: {{outbox: {tmp_path / 'outbox'}, state: {tmp_path / 'state'}}}\n",  # no outputs.summary
            encoding="utf-8",
        )
        result = invoke("init", "--backend", "google", "--config", path, "--from-xlsx", demo_master,
                        "--district", "5702", "--dry-run")
        assert result.exit_code == 0, result.output
        assert "5702 เวียงชัย: would create" in result.output


CHECK_LOADS_NOT = ("openpyxl", "weasyprint", "docx", "linebot", "holidays", "sync.delivery.email", "sync.cache")


def test_check_loads_nothing_it_does_not_use(demo):
    """`check` writes nothing and sends nothing: the writers, the memo and LINE code, the holiday
    calendars and the parsed-tables cache stay unloaded (issue 13: imports were 6-7% of a check)."""
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['cli.py', 'check', '--config', {str(demo)!r}, '--as-of', '2025-01-21', '--format', 'json']\n"
        "try:\n    runpy.run_path('cli.py', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {CHECK_LOADS_NOT!r} if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout)["districts"], done.stderr  # the check ran
    assert done.stderr.strip().splitlines()[-1] == "[]"
