"""documents.submitted (item 7) and monthly.report (item 8): every deadline branch."""

import datetime as dt

import pytest

from rules import Context
from rules.documents_submitted import RULE as DOCUMENTS
from rules.monthly_report import RULE as MONTHLY
from sync.config import load_config
from sync.deadlines import deadline_status, effective_due
from sync.model import Status
from tests.conftest import AS_OF, parse, write_config

DOC_HEAD = ["ข้อ", "วันที่ส่ง", "เลขที่หนังสือ"]
REPORT_HEAD = ["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"]


def run(rule, tabs, config, as_of=AS_OF):
    return rule.check(parse(tabs, config), Context(as_of, config.programme))


@pytest.mark.parametrize(
    ("due", "submitted", "as_of", "expected"),
    [
        ("2024-12-31", "2024-12-30", "2025-01-21", (Status.OK, 0)),
        ("2024-12-31", "2024-12-31", "2025-01-21", (Status.OK, 0)),
        ("2024-12-31", "2025-01-03", "2025-01-21", (Status.LATE, 3)),
        ("2024-12-31", None, "2025-01-21", (Status.OVERDUE, 21)),
        ("2024-12-31", None, "2024-12-31", (Status.DUE_SOON, None)),
        ("2024-12-31", None, "2024-12-26", (Status.DUE_SOON, None)),
        ("2024-12-31", None, "2024-12-25", (Status.PENDING, None)),
        ("2024-12-31", "2025-02-01", "2025-01-21", (Status.OVERDUE, 21)),  # sent after as-of: not yet
    ],
)
def test_deadline_status_branches(due, submitted, as_of, expected):
    to_date = lambda v: dt.date.fromisoformat(v) if v else None  # noqa: E731
    assert deadline_status(to_date(due), to_date(submitted), to_date(as_of), 5) == expected


def test_documents_one_finding_per_item_with_each_status(config):
    rows = [DOC_HEAD, ["1", "20/12/2567", "ชร 1"], ["ข้อ 2", "2025-01-05"], ["๓", "๓๑ ธ.ค. ๖๗"], [4, "28/12/67"]]
    findings = run(DOCUMENTS, {"ส่งเอกสารจังหวัด": rows}, config)
    assert [f.details["doc_item"] for f in findings] == [1, 2, 3, 4, 5]
    assert [f.status for f in findings] == [Status.OK, Status.LATE, Status.OK, Status.OK, Status.OVERDUE]
    assert findings[1].details == {
        "doc_item": 2,
        "due": "2024-12-31",
        "submitted": "2025-01-05",
        "days_late": 5,
    }
    assert findings[1].cells == ["ส่งเอกสารจังหวัด!B3"]
    assert findings[4].details["submitted"] is None and findings[4].cells == []


def test_documents_before_the_due_date_are_pending_or_due_soon(config):
    empty = {"ส่งเอกสารจังหวัด": [DOC_HEAD]}
    early = run(DOCUMENTS, empty, config, as_of=dt.date(2024, 12, 10))
    soon = run(DOCUMENTS, empty, config, as_of=dt.date(2024, 12, 28))
    assert {f.status for f in early} == {Status.PENDING}
    assert {f.status for f in soon} == {Status.DUE_SOON}


def test_documents_earliest_of_several_submissions_counts(config):
    rows = [DOC_HEAD, ["1", "2025-01-10"], ["1", "2024-12-15"]]
    first = run(DOCUMENTS, {"ส่งเอกสารจังหวัด": rows}, config)[0]
    assert first.status is Status.OK and first.details["submitted"] == "2024-12-15"
    assert first.cells == ["ส่งเอกสารจังหวัด!B3"]


def test_monthly_one_finding_per_month_of_the_period(config):
    rows = [REPORT_HEAD, ["ธ.ค. 2567", "23/12/2567", "อบรมการทำปุ๋ย"]]
    findings = run(MONTHLY, {"รายงานรายเดือน": rows}, config)
    months = [f.details["month"] for f in findings]
    assert months[0] == "2024-12" and months[-1] == "2025-09" and len(months) == 10
    december, january, february = findings[:3]
    assert december.status is Status.LATE
    assert december.details == {"month": "2024-12", "due": "2024-12-20", "submitted": "2024-12-23", "days_late": 3}
    assert january.status is Status.OVERDUE and january.details["days_late"] == 1
    assert {f.status for f in findings[2:]} == {Status.PENDING}
    assert february.details["submitted"] is None and february.details["days_late"] is None


def test_monthly_on_time_due_soon_and_month_forms(config):
    rows = [
        REPORT_HEAD,
        ["ธันวาคม 67", dt.datetime(2567, 12, 20), "ประชุมเครือข่าย"],
        ["2025-01", "๑๘ มกราคม ๒๕๖๘", "ลงพื้นที่"],
    ]
    findings = run(MONTHLY, {"รายงานรายเดือน": rows}, config, as_of=dt.date(2025, 2, 16))
    assert [f.status for f in findings[:3]] == [Status.OK, Status.OK, Status.DUE_SOON]


def test_monthly_report_without_activities_does_not_count_and_is_not_claimed_missing(config):
    rows = [REPORT_HEAD, ["12/2567", "2024-12-19", ""]]
    data = parse({"รายงานรายเดือน": rows}, config)
    december, january = MONTHLY.check(data, Context(AS_OF, config.programme))[:2]
    [blank] = [f for f in data.findings if f.rule == "data.blank_required"]
    assert blank.cells == ["รายงานรายเดือน!C2"]
    assert december.status is Status.INVALID and december.cause is blank and december.cells == blank.cells
    assert december.details == {
        "month": "2024-12", "due": "2024-12-20", "submitted": None, "days_late": None, "cause": "data.blank_required"
    }
    assert january.status is Status.OVERDUE  # no row for January at all: that one is missing


def test_due_dates_shift_to_the_next_working_day_when_configured(tmp_path):
    extra = "programme: {deadlines: {shift_to_next_working_day: true}}\n"
    config = load_config(write_config(tmp_path, tmp_path, extra))
    deadlines = config.programme.deadlines
    # 2025-04-20 is a Sunday; 2024-12-31 is a Thai public holiday (New Year's Eve).
    assert effective_due(dt.date(2025, 4, 20), deadlines) == dt.date(2025, 4, 21)
    assert effective_due(dt.date(2024, 12, 31), deadlines) > dt.date(2024, 12, 31)
    findings = run(
        MONTHLY, {"รายงานรายเดือน": [REPORT_HEAD, ["เม.ย. 68", "21/04/2568", "x"]]}, config, dt.date(2025, 5, 1)
    )
    assert findings[4].details["due"] == "2025-04-21" and findings[4].status is Status.OK
