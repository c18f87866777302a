"""The whole demo through `sync`: officer sheets untouched, status tabs, summary, memos, all eight items."""

import json

import jsonschema
import openpyxl
from click.testing import CliRunner

from cli import cli
from sync.config import load_config
from tests.conftest import RULE_IDS, snapshot
from tests.test_cli import SCHEMA

AS_OF = "2025-01-21"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def workbooks(config_path):
    return sorted(load_config(config_path).backend.workbooks.glob("*.xlsx"))


def test_sync_keeps_officer_sheets_and_is_repeatable(demo):
    before = {p.name: snapshot(p) for p in workbooks(demo)}
    first = invoke("sync", "--config", demo, "--as-of", AS_OF)
    assert first.exit_code == 0, first.output
    assert "status tab: wrote 17" in first.stdout
    after_first = {}
    for path in workbooks(demo):
        assert snapshot(path) == before[path.name], f"{path.name}: an officer cell changed"
        book = openpyxl.load_workbook(path)
        assert book.sheetnames[-1] == "สถานะ (อัตโนมัติ)"
        after_first[path.name] = path.read_bytes()
    second = invoke("sync", "--config", demo, "--as-of", AS_OF)
    assert second.exit_code == 0
    assert "status tab: unchanged 17" in second.stdout
    assert {p.name: p.read_bytes() for p in workbooks(demo)} == after_first


def test_status_tab_is_replaced_when_findings_change(demo):
    invoke("sync", "--config", demo, "--as-of", AS_OF)
    later = invoke("sync", "--config", demo, "--as-of", "2025-02-25")
    assert "status tab: wrote 17" in later.stdout
    path = next(p for p in workbooks(demo) if p.name.startswith("5702"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames.count("สถานะ (อัตโนมัติ)") == 1
    text = "\n".join(str(c) for row in book["สถานะ (อัตโนมัติ)"].iter_rows(values_only=True) for c in row if c)
    assert "ข้อมูล ณ วันที่ ๒๕ กุมภาพันธ์ ๒๕๖๘" in text
    assert "ยังไม่ส่งรายงานเดือน ก.พ. ๒๕๖๘" in text


def test_check_json_covers_all_eight_items_and_every_rule(demo):
    result = invoke("check", "--config", demo, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    findings = [f for d in report["districts"] for f in d["findings"]]
    rules = {f["rule"] for f in findings}
    assert set(RULE_IDS) <= rules
    assert {
        "data.missing_tab",
        "data.missing_column",
        "data.bad_date",
        "data.unknown_sector",
        "data.unknown_center",
        "data.unknown_dimension",
        "data.duplicate_row",
        "data.blank_required",
    } <= rules
    assert {f["item"] for f in findings} == {None, *range(1, 9)}
    statuses = {f["status"] for f in findings}
    assert {"ok", "pending", "late", "overdue", "incomplete", "invalid"} <= statuses
    by_rule = {f["rule"]: f for f in findings if f["status"] == "incomplete"}
    assert set(by_rule["centers.assessed"]["details"]) >= {"unassessed"}
    assert set(by_rule["plan.coverage"]["details"]["missing"][0]) == {"center", "dimensions"}
    assert set(by_rule["mou.sectors"]["details"]) >= {"missing"}


def test_due_soon_shows_five_days_before_the_next_report(demo):
    report = json.loads(invoke("check", "--config", demo, "--as-of", "2025-02-17", "--format", "json").stdout)
    february = [
        f
        for d in report["districts"]
        for f in d["findings"]
        if f["rule"] == "monthly.report" and f["details"]["month"] == "2025-02"
    ]
    assert {f["status"] for f in february} == {"due_soon", "ok"}


def test_summary_workbook_has_the_four_tabs_with_colours(demo, tmp_path):
    invoke("sync", "--config", demo, "--as-of", AS_OF)
    config = load_config(demo)
    book = openpyxl.load_workbook(config.outputs.summary)
    assert book.sheetnames == ["สรุปรายอำเภอ", "รายงานรายเดือน", "ปัญหาข้อมูล", "ประวัติการตรวจ"]
    districts = book["สรุปรายอำเภอ"]
    header = [c.value for c in districts[4]]
    assert header[:4] == ["รหัส", "อำเภอ", "สถานะรวม", "ข้อ ๑"] and "ข้อ ๘" in header
    row = {districts.cell(r, 1).value: r for r in range(5, 22)}
    assert len(row) == 17 and districts.cell(22, 1).value is None
    assert districts.cell(row["5701"], 3).value == "ผ่าน"
    assert districts.cell(row["5701"], 3).fill.fgColor.rgb.endswith("C6EFCE")
    assert districts.cell(row["5702"], 3).fill.fgColor.rgb.endswith("FFC7CE")
    months = book["รายงานรายเดือน"]
    assert [c.value for c in months[1]][2:4] == ["ธ.ค. ๒๕๖๗", "ม.ค. ๒๕๖๘"]
    cells = {months.cell(r, 1).value: [c.value for c in months[r]][2:] for r in range(2, 19)}
    assert cells["5702"][:3] == ["ล่าช้า ๓ วัน", "ยังไม่ส่ง", "ยังไม่ถึงกำหนด"]
    assert cells["5709"][:2] == ["ตรงเวลา", "ข้อมูลไม่ถูกต้อง"]  # the January report's date is unreadable
    assert cells["5701"][0] == "ตรงเวลา"
    problems = book["ปัญหาข้อมูล"]
    [bad_date] = [r for r in problems.iter_rows(values_only=True) if r[4] == "รายงานรายเดือน!B3" and r[0] == "5709"]
    assert bad_date[2] == "อ่านวันที่ไม่ได้" and bad_date[5] == "๖ และ ๘"
    assert book["ประวัติการตรวจ"].max_row == 2


def test_memos_only_for_districts_with_open_findings(demo):
    invoke("sync", "--config", demo, "--as-of", AS_OF)
    outbox = load_config(demo).outputs.outbox / AS_OF
    report = json.loads(invoke("check", "--config", demo, "--as-of", AS_OF, "--format", "json").stdout)
    open_codes = {
        d["code"] for d in report["districts"] if any(f["status"] not in ("ok", "pending") for f in d["findings"])
    }
    names = {p.name for p in outbox.iterdir()}
    assert names == {f"{c}-reminder.eml" for c in open_codes} | {"province-summary.eml"}
    assert "5701-reminder.eml" not in names


def test_a_corrupt_workbook_exits_1_and_the_rest_are_synced(demo):
    broken = next(p for p in workbooks(demo) if p.name.startswith("5703"))
    broken.write_bytes(b"not a zip")
    result = invoke("sync", "--config", demo, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "status tab: wrote 16" in result.stdout
    assert "could not read 5703" in result.stdout
    assert broken.read_bytes() == b"not a zip"
    summary = openpyxl.load_workbook(load_config(demo).outputs.summary)["สรุปรายอำเภอ"]
    row = next(r for r in summary.iter_rows(values_only=True) if r[0] == "5703")
    assert row[2] == "ตรวจสอบไม่ได้"
