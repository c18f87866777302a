"""One cause, one finding (DOMAIN.md §6): a data problem that keeps a check from being made makes the
dependent findings `invalid` with that cause, and a district reads one line per cause."""

import jsonschema
import pytest

from sync.checker import Checker, Report
from sync.model import RawWorkbook, Status
from sync.outputs.actions import action_lines
from tests.conftest import AS_OF, compliant_tabs
from tests.test_cli import SCHEMA


def check(config, tabs, code="5702"):
    return Checker(config, AS_OF).check(config.district(code), RawWorkbook(source="memory", tabs=tabs))


def open_lines(result):
    return [(line.items, line.status, line.text) for line in action_lines(result)]


def test_a_documents_tab_without_its_date_column_is_one_line_not_five_overdue_documents(config):
    tabs = compliant_tabs()
    tabs["ส่งเอกสารจังหวัด"] = [["ข้อ"]] + [[i] for i in range(1, 6)]
    result = check(config, tabs)
    documents = [f for f in result.findings if f.rule == "documents.submitted"]
    assert [f.details["doc_item"] for f in documents] == [1, 2, 3, 4, 5]  # the JSON keeps its shape
    [column] = [f for f in result.findings if f.rule == "data.missing_column"]
    for finding in documents:
        assert finding.status is Status.INVALID and finding.cause is column
        assert finding.details["cause"] == "data.missing_column" and finding.cells == ["ส่งเอกสารจังหวัด!1:1"]
        assert "ยังไม่ส่ง" not in finding.message and "เกินกำหนด" not in finding.message
    assert open_lines(result) == [
        ((7,), Status.INVALID, "ตรวจข้อ ๗ ไม่ได้: แท็บ ส่งเอกสารจังหวัด ไม่มีคอลัมน์ วันที่ส่ง (กำหนดส่ง ๓๑ ธ.ค. ๒๕๖๗)")
    ]


def test_a_missing_plan_tab_is_one_line_not_one_per_centre_and_dimension(config):
    tabs = compliant_tabs()
    del tabs["แผนพัฒนา 5P"]
    result = check(config, tabs)
    [plan] = [f for f in result.findings if f.rule == "plan.coverage"]
    assert plan.status is Status.INVALID and plan.details["cause"] == "data.missing_tab"
    assert open_lines(result) == [((5,), Status.INVALID, "ตรวจข้อ ๕ ไม่ได้: ไม่มีแท็บ แผนพัฒนา 5P")]


def test_a_typo_in_the_send_date_of_the_report_that_would_count_is_the_cause_of_items_6_and_8(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"][2][1] = "32/13/2567"  # January's report, sent on a date nobody can read
    result = check(config, tabs)
    january = next(f for f in result.findings if f.rule == "monthly.report" and f.details["month"] == "2025-01")
    activities = next(f for f in result.findings if f.rule == "activities.reported")
    [bad_date] = [f for f in result.findings if f.rule == "data.bad_date"]
    assert january.cause is bad_date and activities.cause is bad_date
    assert january.details == {
        "month": "2025-01",
        "due": "2025-01-20",
        "submitted": None,
        "days_late": None,
        "cause": "data.bad_date",
    }
    assert {f.status for f in result.findings} <= {Status.OK, Status.PENDING, Status.INVALID}
    assert open_lines(result) == [
        (
            (6, 8),
            Status.INVALID,
            "ตรวจข้อ ๖ และ ๘ ไม่ได้: แท็บ รายงานรายเดือน เซลล์ B3 อ่านวันที่ไม่ได้ “32/13/2567” (กำหนดส่ง ๒๐ ม.ค. ๒๕๖๘)",
        )
    ]
    line = action_lines(result)[0]
    assert line.cells == ["รายงานรายเดือน!B3"] and line.is_data_problem and line.findings[0] is bad_date


def test_a_bad_date_in_a_copy_that_does_not_count_blocks_nothing(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].append(["ม.ค. 68", "๓๒ ม.ค. ๖๘", "ฉบับแก้ไข"])  # a corrected copy; the first counts
    result = check(config, tabs)
    assert all(f.cause is None for f in result.findings)
    assert open_lines(result) == [((), Status.INVALID, "แท็บ รายงานรายเดือน เซลล์ B4 อ่านวันที่ไม่ได้ “๓๒ ม.ค. ๖๘”")]


def test_late_is_shown_but_needs_no_action(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"][1][1] = "2024-12-23"  # December's report three days late
    result = check(config, tabs)
    assert result.needs_action == [] and [f.details["month"] for f in result.late] == ["2024-12"]
    [line] = action_lines(result)
    assert line.status is Status.LATE and not line.needs_action
    assert line.text == "รายงานเดือน ธ.ค. ๒๕๖๗ ส่งล่าช้า ๓ วัน (ส่ง ๒๓ ธ.ค. ๒๕๖๗ กำหนด ๒๐ ธ.ค. ๒๕๖๗)"


def test_needs_action_counts_causes_not_findings(config):
    tabs = compliant_tabs()
    tabs["ส่งเอกสารจังหวัด"] = [["ข้อ"]]  # one cause, five documents
    tabs["คณะทำงานขับเคลื่อน"].pop()  # ภาคประชาชน missing
    result = check(config, tabs)
    assert len(result.needs_action) == 2
    assert sorted(c.items for c in result.needs_action) == [(1,), (7,)]


def test_the_report_with_causes_matches_the_schema(config):
    tabs = compliant_tabs()
    tabs["ส่งเอกสารจังหวัด"] = [["ข้อ"]]
    tabs["รายงานรายเดือน"][2][1] = "32/13/2567"
    del tabs["แผนพัฒนา 5P"]
    tabs["บันทึกข้อตกลง"][1][3] = ""
    report = Report(AS_OF, 2568, [check(config, tabs)]).as_json()
    jsonschema.validate(report, SCHEMA)
    caused = [f for f in report["districts"][0]["findings"] if "cause" in f["details"]]
    assert {f["rule"] for f in caused} == {
        "documents.submitted",
        "monthly.report",
        "activities.reported",
        "plan.coverage",
        "mou.sectors",
    }
    claims_overdue = dict(caused[0], status="overdue")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**report, "districts": [{**report["districts"][0], "findings": [claims_overdue]}]}, SCHEMA)


@pytest.mark.parametrize("column", ["วันที่ประเมิน", "ผลการประเมิน"])
def test_a_centres_tab_without_an_assessment_column_cannot_be_checked_for_item_4_not_every_centre_unassessed(
    config, column
):
    tabs = compliant_tabs()
    header = tabs["ศูนย์เรียนรู้"][0]
    at = header.index(column)
    tabs["ศูนย์เรียนรู้"] = [row[:at] + row[at + 1 :] for row in tabs["ศูนย์เรียนรู้"]]
    result = check(config, tabs)
    [missing] = [f for f in result.findings if f.rule == "data.missing_column"]
    assert missing.details == {"tab": "ศูนย์เรียนรู้", "column": column}
    [assessed] = [f for f in result.findings if f.rule == "centers.assessed"]
    assert assessed.status is Status.INVALID and assessed.cause is missing
    assert open_lines(result) == [((4,), Status.INVALID, f"ตรวจข้อ ๔ ไม่ได้: แท็บ ศูนย์เรียนรู้ ไม่มีคอลัมน์ {column}")]
    # the other items that read the centres tab do not need the assessment columns
    assert all(f.status is Status.OK for f in result.findings if f.rule in ("network.members", "plan.coverage"))
