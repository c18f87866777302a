"""activities.reported (item 6): evidence of activities for every month already due."""

import datetime as dt

from rules import Context
from rules.activities_reported import RULE
from sync.model import Status
from sync.texts import message
from tests.conftest import parse

HEAD = ["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"]


def run(rows, config, as_of):
    [finding] = RULE.check(parse({"รายงานรายเดือน": [HEAD, *rows]}, config), Context(as_of, config.programme))
    return finding


def test_pending_before_the_first_report_is_due(config):
    finding = run([], config, dt.date(2024, 12, 15))
    assert finding.status is Status.PENDING and finding.details == {"months_due": 0, "missing": []}


def test_late_reports_still_evidence_activities(config):
    rows = [["ธ.ค. 67", "2024-12-28", "อบรม"], ["ม.ค. 68", "2025-01-25", "ศึกษาดูงาน"]]
    finding = run(rows, config, dt.date(2025, 2, 1))
    assert finding.status is Status.OK and finding.details["months_due"] == 2


def test_month_without_a_report_is_incomplete(config):
    rows = [["ธ.ค. 67", "2024-12-18", "อบรม"], ["ก.พ. 68", "2025-01-18", "ประชุม"]]
    finding = run(rows, config, dt.date(2025, 1, 21))
    assert finding.status is Status.INCOMPLETE
    assert finding.details == {"months_due": 2, "missing": ["2025-01"]}
    assert finding.cells == ["รายงานรายเดือน!C2:C3"]
    assert message(finding) == "ยังไม่มีรายงานผลการดำเนินกิจกรรมของเดือน ม.ค. ๒๕๖๘"


def test_a_report_row_with_blank_activities_is_not_claimed_missing(config):
    rows = [["ธ.ค. 67", "2024-12-18", "อบรม"], ["ม.ค. 68", "2025-01-18", ""]]
    finding = run(rows, config, dt.date(2025, 1, 21))
    assert finding.status is Status.INVALID
    assert finding.details == {"months_due": 2, "missing": [], "unchecked": ["2025-01"], "cause": "data.blank_required"}
    assert finding.cells == ["รายงานรายเดือน!C3"]
