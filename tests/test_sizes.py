"""Sizes are bounded (issue 11): an officer's huge cell is quoted short, a tab of thousands of bad values
gives a few lines and "และอีก N รายการ" (the JSON keeps every finding), every written cell stays far
below the 32,767 characters a cell holds."""

from sync.checker import Checker, Report
from sync.model import RawWorkbook
from sync.outputs.actions import LINES_PER_RULE, action_lines
from sync.outputs.sheet import CELL_LIMIT
from sync.outputs.status_tab import build_status_sheet
from sync.outputs.summary import build_summary
from sync.service.history import Run
from sync.texts import MESSAGE_LIMIT, QUOTE_LIMIT
from tests.conftest import AS_OF, compliant_tabs

HUGE = "ก" * 1_000_000


def check(config, tabs):
    return Checker(config, AS_OF).check(config.district("5702"), RawWorkbook(source="memory", tabs=tabs))


def longest_cell(sheets) -> int:
    return max(len(str(v)) for sheet in sheets for row in sheet.rows for v in row if v is not None)


def test_a_huge_cell_is_quoted_at_most_200_characters(config):
    tabs = compliant_tabs()
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย ก", "คณะทำงาน", "หน่วย", HUGE])
    tabs["รายงานรายเดือน"].append(["ม.ค. 68", HUGE, "x"])
    result = check(config, tabs)
    sector = next(f for f in result.findings if f.rule == "data.unknown_sector")
    date = next(f for f in result.findings if f.rule == "data.bad_date")
    assert len(sector.details["value"]) == len(HUGE)  # the JSON is truthful
    for finding in (sector, date):
        quoted = finding.message.split("“")[1].split("”")[0]
        assert len(quoted) == QUOTE_LIMIT and quoted.endswith("…")
    assert max(len(f.message) for f in result.findings) <= MESSAGE_LIMIT
    sheet = build_status_sheet(result, AS_OF, "now", config)
    assert longest_cell([sheet]) < 1_000


def test_thousands_of_bad_values_give_ten_lines_and_the_rest_counted(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"] += [["ม.ค. 68", f"{32 + i}/13/2567", "x"] for i in range(5_000)]
    result = check(config, tabs)
    bad = [f for f in result.findings if f.rule == "data.bad_date"]
    assert len(bad) == 5_000  # every finding stays in the JSON
    lines = [line for line in action_lines(result) if line.rule == "data.bad_date"]
    assert len(lines) == LINES_PER_RULE + 1
    first, more = lines[0], lines[-1]
    assert first.cells == ["รายงานรายเดือน!B4"]  # in the order of the sheet
    assert more.text == "และอีก ๔,๙๙๐ รายการ (อ่านวันที่ไม่ได้)" and more.more == 4_990
    assert len(more.findings) == 4_990 and more.needs_action
    sheet = build_status_sheet(result, AS_OF, "now", config)
    assert len(sheet.rows) < 40


def test_long_lists_in_rule_messages_are_cut_and_counted(config):
    tabs = compliant_tabs()
    centers = [[f"CLM-{i:04d}-" + "ข" * 300, f"ศูนย์ {i}", "CLM"] for i in range(2_000)]
    tabs["ศูนย์เรียนรู้"] = [["รหัสศูนย์", "ชื่อศูนย์", "ประเภท", "วันที่ประเมิน", "ผลการประเมิน"], *centers]
    result = check(config, tabs)
    assessed = next(f for f in result.findings if f.rule == "centers.assessed")
    assert len(assessed.details["unassessed"]) == 2_000
    assert "และอีก ๑,๙๙๐ รายการ" in assessed.message and len(assessed.message) <= MESSAGE_LIMIT
    plan = next(f for f in result.findings if f.rule == "plan.coverage")
    assert "และอีก ๑,๙๙๕ ศูนย์" in plan.message and len(plan.message) <= MESSAGE_LIMIT


def test_every_status_and_summary_cell_stays_below_the_cell_limit(config):
    tabs = compliant_tabs()
    tabs["คณะทำงานขับเคลื่อน"] += [["นาย ก", "คณะทำงาน", "หน่วย", "ง" * 40_000 + str(i)] for i in range(30)]
    tabs["ศูนย์เรียนรู้"] += [[f"X{i}" + "ค" * 5_000, "ศูนย์", "CLM"] for i in range(500)]
    result = check(config, tabs)
    report = Report(AS_OF, 2568, [result])
    errors = ["5702: " + HUGE] * 3
    runs = [Run("2025-01-21T09:00:00+07:00", "2025-01-21T09:01:00+07:00", "2025-01-21", errors=errors)]
    sheets = [build_status_sheet(result, AS_OF, "now", config), *build_summary(report, config, runs, "now")]
    assert longest_cell(sheets) < CELL_LIMIT
    assert longest_cell(sheets[:1]) < 5_000  # the status tab by design, not by the guard
