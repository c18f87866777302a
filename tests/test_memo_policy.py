"""The reminder policy: which memos go out on which day, and what makes two memos the same."""

import datetime as dt

import pytest

from sync.checker import Checker, Report
from sync.config import load_config
from sync.delivery.policy import plan, reminder_trigger, summary_trigger
from sync.model import RawWorkbook
from sync.outputs.memos import reminder
from tests.conftest import AS_OF, compliant_tabs, write_config

D = dt.date


def configured(tmp_path, extra=""):
    (tmp_path / "wb").mkdir(exist_ok=True)
    return load_config(write_config(tmp_path, tmp_path / "wb", extra))


def results(config, as_of=AS_OF, open_codes=("5702",), unreadable=()):
    checker = Checker(config, as_of)
    out = []
    for district in config.districts:
        if district.code in unreadable:
            out.append(checker.check(district, None, "cannot open"))
            continue
        tabs = compliant_tabs()
        if district.code in open_codes:
            tabs["รายงานรายเดือน"].pop()  # the January report is missing
        out.append(checker.check(district, RawWorkbook(source="memory", tabs=tabs)))
    return Report(as_of, 2568, out)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2024, 12, 15), ("due_soon", D(2024, 12, 20), D(2024, 12, 15))),  # 5 days before the 20th
        (D(2024, 12, 21), ("overdue", D(2024, 12, 20), D(2024, 12, 21))),  # the day after
        (D(2024, 12, 26), ("due_soon", D(2024, 12, 31), D(2024, 12, 26))),  # documents due 31 Dec
        (D(2025, 1, 1), ("overdue", D(2024, 12, 31), D(2025, 1, 1))),
        (D(2025, 1, 15), ("due_soon", D(2025, 1, 20), D(2025, 1, 15))),
        (D(2025, 1, 21), ("overdue", D(2025, 1, 20), D(2025, 1, 21))),
        (D(2025, 1, 23), ("overdue", D(2025, 1, 20), D(2025, 1, 21))),  # made up within catch_up_days
        (D(2025, 1, 25), None),
        (D(2025, 1, 10), None),
        (D(2025, 9, 21), ("overdue", D(2025, 9, 20), D(2025, 9, 21))),  # the last reported month
        (D(2025, 10, 21), None),
    ],
)
def test_reminder_days_follow_the_due_dates(config, as_of, expected):
    trigger = reminder_trigger(config, as_of)
    assert (trigger and (trigger.reason, trigger.due, trigger.day)) == expected


def test_reminder_period_names_reason_and_due(config):
    assert reminder_trigger(config, D(2025, 1, 21)).period == "overdue:2025-01-20"
    assert reminder_trigger(config, D(2025, 2, 15)).period == "due_soon:2025-02-20"
    assert summary_trigger(config, D(2025, 1, 21)).period == "2025-01"


def test_summary_on_day_21_made_up_within_the_catch_up_days(config):
    assert summary_trigger(config, D(2025, 1, 21)).day == D(2025, 1, 21)
    assert summary_trigger(config, D(2025, 1, 24)).day == D(2025, 1, 21)
    assert summary_trigger(config, D(2025, 1, 25)) is None
    assert summary_trigger(config, D(2025, 1, 20)) is None


def test_policy_is_configurable(tmp_path):
    config = configured(
        tmp_path,
        "reminders: {due_soon_days: 3, overdue_after_days: 2, summary_day: 25, catch_up_days: 0}\n"
        "schedule: {working_days_only: false}\n",  # 2025-01-25 is a Saturday
    )
    assert reminder_trigger(config, D(2025, 1, 17)).reason == "due_soon"
    assert reminder_trigger(config, D(2025, 1, 15)) is None
    assert reminder_trigger(config, D(2025, 1, 22)).period == "overdue:2025-01-20"
    assert reminder_trigger(config, D(2025, 1, 21)) is None
    assert reminder_trigger(config, D(2025, 1, 23)) is None  # no catch-up
    assert summary_trigger(config, D(2025, 1, 25)).period == "2025-01"
    assert summary_trigger(config, D(2025, 1, 21)) is None


def test_a_zero_switches_a_memo_off(tmp_path):
    config = configured(tmp_path, "reminders: {due_soon_days: 0, summary_day: 0}\n")
    assert reminder_trigger(config, D(2025, 1, 15)) is None
    assert reminder_trigger(config, D(2025, 1, 21)).reason == "overdue"
    assert summary_trigger(config, D(2025, 1, 21)) is None


def test_due_dates_moved_to_working_days_move_the_reminders(tmp_path):
    config = configured(tmp_path, "programme: {deadlines: {shift_to_next_working_day: true}}\n")
    # 20 April 2025 is a Sunday: due Monday the 21st, overdue reminder on the 22nd.
    assert reminder_trigger(config, D(2025, 4, 22)).period == "overdue:2025-04-21"
    assert reminder_trigger(config, D(2025, 4, 21)) is None


def test_reminders_only_for_districts_with_something_open_and_readable(config):
    report = results(config, open_codes=("5702", "5703"), unreadable=("5704",))
    planned = plan(config, report, AS_OF, whole_province=True)
    assert [(p.memo.key, p.memo.kind, p.period) for p in planned] == [
        ("5702", "reminder", "overdue:2025-01-20"),
        ("5703", "reminder", "overdue:2025-01-20"),
        ("province", "summary", "2025-01"),
    ]
    assert "ทั้งนี้ ได้เลยกำหนดส่งวันที่ ๒๐ มกราคม ๒๕๖๘ มาแล้ว" in planned[0].memo.text


def test_no_memo_on_other_days_unless_resent(config):
    as_of = D(2025, 1, 25)  # after the catch-up days of the 21st
    report = results(config, as_of)
    assert plan(config, report, as_of, whole_province=True) == []
    resent = plan(config, report, as_of, whole_province=True, resend=True)
    assert [(p.memo.key, p.period) for p in resent] == [
        ("5702", "manual:2025-01-25"),
        ("province", "manual:2025-01-25"),
    ]


def test_summary_only_when_every_district_was_checked_and_kinds_filter(config):
    report = results(config)
    assert [p.memo.kind for p in plan(config, report, AS_OF, whole_province=False)] == ["reminder"]
    assert [p.memo.kind for p in plan(config, report, AS_OF, whole_province=True, kinds=("summary",))] == ["summary"]


def test_catch_up_days_are_marked(config):
    planned = plan(config, results(config, D(2025, 1, 22)), D(2025, 1, 22), whole_province=True)
    assert all(p.catch_up for p in planned)
    assert not any(p.catch_up for p in plan(config, results(config), AS_OF, whole_province=True))


def test_content_hash_ignores_the_date_and_day_counts_but_not_what_is_open(config):
    one = reminder(config, results(config, D(2025, 1, 21)).districts[1], D(2025, 1, 21))
    two = reminder(config, results(config, D(2025, 1, 22)).districts[1], D(2025, 1, 22))
    assert one.text != two.text  # a new date, one more day late
    assert one.content_hash == two.content_hash
    tabs = compliant_tabs()
    del tabs["ส่งเอกสารจังหวัด"][-1]
    other = Checker(config, AS_OF).check(config.district("5702"), RawWorkbook(source="memory", tabs=tabs))
    assert reminder(config, other, AS_OF).content_hash != one.content_hash


def test_a_summary_day_off_moves_to_the_next_working_day_as_the_scheduler_does(tmp_path):
    from sync.delivery.policy import summary_trigger
    from sync.service.scheduler import Service, is_summary_day

    config = configured(tmp_path, "reminders: {summary_day: 21, catch_up_days: 0}\n")
    saturday, monday = dt.date(2025, 6, 21), dt.date(2025, 6, 23)
    assert summary_trigger(config, saturday) is None
    assert summary_trigger(config, monday).day == monday
    assert is_summary_day(monday, config.schedule, Service(config).summary_day)
