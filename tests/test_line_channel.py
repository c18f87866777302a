"""The LINE channel end to end against the local LINE server: what goes out when, exactly once, within budget."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing

from sync.checker import Checker, Report
from sync.delivery.ledger import Ledger
from sync.delivery.line.channel import plan
from sync.delivery.policy import plan as memo_plan
from sync.model import RawWorkbook
from sync.service.history import History
from tests.conftest import compliant_tabs, save_workbook
from tests.line_support import (
    MEMBERS,
    OPEN,
    PROVINCE_GROUP,
    PROVINCE_MEMBERS,
    group_of,
    line_config,
    line_fixture,  # noqa: F401  (the `line` fixture)
    received,
    sync,
    with_open_items,
)

ALL = {"province": 1, "5702": 1, "5705": 1, "5709": 1}


def _ledger(config) -> list[tuple[str, str, str]]:
    return [(e.district, e.channel, e.status) for e in Ledger(config.outputs.state).entries() if e.channel == "line"]


def test_the_policy_picks_the_same_days_as_email(tmp_path):
    config = line_config(tmp_path, None)
    districts = [config.district(c) for c in ("5702", "5705")]
    day, line_days, memo_days = dt.date(2025, 1, 1), [], []
    while day <= dt.date(2025, 3, 31):
        checker = Checker(config, day)
        results = [checker.check(d, RawWorkbook("memory", with_open_items())) for d in districts]
        report = Report(day, config.programme.fiscal_year, results)
        line_days += [(day, p.message.kind, p.period) for p in plan(config, report, day, whole_province=True)]
        memo_days += [(day, p.memo.kind, p.period) for p in memo_plan(config, report, day, whole_province=True)]
        day += dt.timedelta(days=1)
    assert sorted(set(line_days)) == sorted(set(memo_days))
    assert (dt.date(2025, 1, 15), "reminder", "due_soon:2025-01-20") in line_days
    assert (dt.date(2025, 1, 21), "reminder", "overdue:2025-01-20") in line_days
    assert (dt.date(2025, 1, 21), "summary", "2025-01") in line_days
    assert not [d for d in line_days if d[0] == dt.date(2025, 1, 10)]  # an ordinary day sends nothing


def test_each_group_gets_its_message_once_and_a_second_run_sends_nothing(tmp_path, line):
    config = line_config(tmp_path, line)
    first = sync(config)
    assert received(line) == ALL and first.line.ok
    assert first.line.sent == ["province-summary", "5702-reminder", "5705-reminder", "5709-reminder"]
    assert line.platform.deliveries[0].group == PROVINCE_GROUP  # the province's message goes first
    requests = len(line.requests)
    second = sync(config)
    assert received(line) == ALL and len(line.requests) == requests  # not even the quota is read
    assert second.line.sent == [] and second.line.already == first.line.sent and second.line.ok
    assert set(_ledger(config)) == {(code, "line", "sent") for code in ("province", "5702", "5705", "5709")}
    next_day = sync(config, as_of=dt.date(2025, 1, 22))  # a catch-up day of the same reminder: sent already
    assert received(line) == ALL and next_day.line.sent == []


def test_a_changed_spreadsheet_does_not_send_a_second_message_for_the_same_period(tmp_path, line):
    config = line_config(tmp_path, line)
    sync(config)
    fixed = dict(OPEN, **{"5702": with_open_items()})
    fixed["5702"]["รายงานรายเดือน"].append(["ม.ค. 68", "2025-01-21", "อบรม"])  # January's report, a day late
    again = sync(config, fixed)
    assert received(line) == ALL and again.line.already == ["province-summary", "5702-reminder", "5705-reminder",
                                                           "5709-reminder"]


def test_no_message_on_an_ordinary_day_or_without_line_enabled(tmp_path, line):
    assert sync(line_config(tmp_path, line), as_of=dt.date(2025, 1, 10)).line.sent == []
    assert sync(line_config(tmp_path / "off", line, enabled=False)).line is None
    assert line.requests == []


def test_a_timeout_after_acceptance_does_not_deliver_twice(tmp_path, line):
    config = line_config(tmp_path, line, timeout=0.5)
    line.fail(accept=True, delay=1.5)  # the province's push is accepted, the answer comes too late
    line.fail(accept=True, drop=True, to=group_of("5702"))  # 5702's is accepted, then the connection drops
    outcome = sync(config)
    assert received(line) == ALL and outcome.line.ok
    pushes = line.platform.pushes()
    assert [status for _, _, status in pushes].count(409) == 2  # each retry was told "already accepted"
    entries = {e.district: e for e in Ledger(config.outputs.state).entries() if e.channel == "line"}
    assert entries["province"].status == "sent" and entries["province"].attempts == 1
    assert entries["province"].last_error.startswith("accepted earlier (409)")
    keys = [d.retry_key for d in line.platform.deliveries]
    assert keys == [entries[c].retry_key for c in ("province", "5702", "5705", "5709")]


def test_5xx_and_rate_limits_are_retried_with_the_same_retry_key(tmp_path, line):
    config = line_config(tmp_path, line, retries=3)
    line.fail(status=500, count=2)
    line.fail(status=429)  # "The API rate limit has been exceeded"
    outcome = sync(config)
    assert received(line) == ALL and outcome.line.ok
    statuses = [status for _, _, status in line.platform.pushes()]
    assert statuses[:4] == [500, 500, 429, 200]


def test_a_line_that_stays_down_leaves_the_messages_for_the_next_run(tmp_path, line):
    config = line_config(tmp_path, line, retries=2)
    line.fail(status=503, count=3)  # every attempt at the province's message
    down = sync(config)
    assert not down.line.ok and "503" in down.line.error and down.line.waiting == ["province-summary"]
    assert received(line) == {}
    [run] = History(config.outputs.state).recent(1)
    assert any(e.startswith("LINE: sending stopped: LINE push: 503") for e in run.errors)
    up = sync(config)
    assert received(line) == ALL and up.line.ok and up.line.sent[0] == "province-summary"


def test_the_monthly_budget_is_never_crossed_and_the_province_goes_first(tmp_path, line):
    line.platform.used = 480  # this month's consumption so far
    config = line_config(tmp_path, line, budget=500)  # 20 left: the province (8) and two districts (5 each)
    outcome = sync(config)
    assert received(line) == {"province": 1, "5702": 1, "5705": 1}
    assert line.used == 498 <= 500
    assert outcome.line.over_budget == ["5709-reminder"] and outcome.line.ok
    [run] = History(config.outputs.state).recent(1)
    assert run.errors == ["LINE warning: 1 not sent, the monthly message budget would be crossed: 5709-reminder"]
    assert "budget 500 messages a month (LINE quota 1000): 480 used this month, 20 left" in outcome.line.budget
    again = sync(config)  # later the same day: still no room, nothing more is sent
    assert line.used == 498 and again.line.over_budget == ["5709-reminder"]
    assert received(line) == {"province": 1, "5702": 1, "5705": 1}


def test_lines_own_quota_counts_when_it_is_lower_than_the_budget(tmp_path, line):
    line.platform.quota, line.platform.used = 20, 10  # the plan allows 20 a month
    outcome = sync(line_config(tmp_path, line, budget=500))
    assert received(line) == {"province": 1}  # 8 of the 10 left; no district (5) fits after it
    assert outcome.line.over_budget == ["5702-reminder", "5705-reminder", "5709-reminder"]
    assert line.used == 18


def test_a_group_the_bot_is_not_in_is_recorded_failed_with_lines_message(tmp_path, line):
    config = line_config(tmp_path, line, groups={"5705": "C" + "0" * 31 + "9"})  # unknown to LINE
    outcome = sync(config)
    assert not outcome.line.ok and received(line) == {"province": 1, "5702": 1, "5709": 1}
    [refusal] = outcome.line.refused
    assert refusal == "5705-reminder: LINE group member count: 404 Not found"
    [entry] = [e for e in Ledger(config.outputs.state).entries() if e.district == "5705" and e.channel == "line"]
    assert entry.status == "failed" and entry.last_error == "LINE group member count: 404 Not found"
    [run] = History(config.outputs.state).recent(1)
    assert run.errors == [f"LINE: refused by LINE: {refusal}"]


def test_an_invalid_push_is_refused_with_lines_message_and_the_others_still_go(tmp_path, line):
    config = line_config(tmp_path, line)
    line.fail(status=400, message="The property, 'to', in the request body is invalid (line: -, column: -)")
    outcome = sync(config)
    assert received(line) == {"5702": 1, "5705": 1, "5709": 1}
    assert outcome.line.refused == ["province-summary: LINE push: 400 The property, 'to', in the request body is "
                                    "invalid (line: -, column: -)"]
    again = sync(config)  # a failed message does not count as sent: the next run tries it anew, with a new key
    assert received(line) == ALL and again.line.sent == ["province-summary"]
    rows = [e for e in Ledger(config.outputs.state).entries() if e.district == "province" and e.channel == "line"]
    assert [e.status for e in rows] == ["failed", "sent"] and len({e.retry_key for e in rows}) == 2


def test_a_wrong_token_stops_the_sending_and_keeps_nothing_half_done(tmp_path, line, monkeypatch):
    monkeypatch.setenv("KHOKNONGNA_LINE_TOKEN", "not-the-token")
    outcome = sync(line_config(tmp_path, line))
    assert received(line) == {} and "401" in outcome.line.error and not outcome.line.ok
    assert "not-the-token" not in outcome.line.error


def test_an_expired_retry_key_is_not_pushed_again(tmp_path, line):
    config = line_config(tmp_path, line, retries=0)
    line.fail(accept=True, drop=True)  # accepted, but the run never learns it
    first = sync(config)
    assert first.line.waiting == ["province-summary"] and received(line) == {"province": 1}
    with closing(sqlite3.connect(config.outputs.state / "memos.sqlite")) as db, db:  # two days pass
        db.execute("UPDATE memos SET queued_at = '2025-01-19T00:00:00+00:00' WHERE district = 'province'")
    later = sync(config)
    assert later.line.unconfirmed == ["province-summary"] and received(line)["province"] == 1
    assert not later.line.ok


def test_resend_sends_again_with_a_new_retry_key(tmp_path, line):
    config = line_config(tmp_path, line)
    sync(config)
    forced = sync(config, resend=True)
    assert forced.line.sent == ["province-summary", "5702-reminder", "5705-reminder", "5709-reminder"]
    assert received(line) == {who: 2 for who in ALL}
    assert len({d.retry_key for d in line.platform.deliveries}) == 8


def test_a_dry_run_sends_and_records_nothing(tmp_path, line):
    config = line_config(tmp_path, line)
    outcome = sync(config, dry_run=True)
    assert outcome.line.planned == ["province-summary", "5702-reminder", "5705-reminder", "5709-reminder"]
    assert line.requests == [] and not (config.outputs.state / "memos.sqlite").exists()


def test_what_a_group_receives_is_the_message_as_built(tmp_path, line):
    config = line_config(tmp_path, line)
    sync(config)
    entries = {e.district: e for e in Ledger(config.outputs.state).entries() if e.channel == "line"}
    for delivery in line.platform.deliveries:
        stored = json.loads(Ledger(config.outputs.state).message(entries[_code(delivery.group)].id))
        assert delivery.messages == stored["messages"] and delivery.group == stored["to"]
    assert line.used == PROVINCE_MEMBERS + 3 * MEMBERS


def _code(group: str) -> str:
    return "province" if group == PROVINCE_GROUP else str(int(group[1:], 16))


def test_cli_sync_says_what_line_did_and_exits_1_when_line_refused_a_message(tmp_path, line):
    from click.testing import CliRunner

    from cli import cli

    config = line_config(tmp_path, line)
    for district in config.districts:
        tabs = OPEN.get(district.code, compliant_tabs())
        save_workbook(tmp_path / "wb" / f"{district.code}.xlsx", tabs)
    line.fail(status=400, message="A message (messages[0]) in the request body is invalid")
    run = ["sync", "--config", str(tmp_path / "test.yaml"), "--as-of", "2025-01-21"]
    result = CliRunner().invoke(cli, run)
    assert result.exit_code == 1, result.output
    assert "LINE: sent 3 to their groups: 5702-reminder, 5705-reminder, 5709-reminder" in result.output
    assert "LINE: refused by LINE: province-summary: LINE push: 400 A message (messages[0])" in result.output
    again = CliRunner().invoke(cli, run)  # the province's message goes now; the districts' are not repeated
    assert again.exit_code == 0, again.output
    assert "LINE: sent 1 to their groups: province-summary" in again.output
    assert received(line) == ALL


def test_district_messages_leave_room_for_the_months_province_message(tmp_path, line):
    line.platform.used = 488  # 12 left: the province's message (8) and at most one district (5) would fit
    config = line_config(tmp_path, line, budget=500)
    due_soon = sync(config, as_of=dt.date(2025, 1, 15))  # before the summary day: the province's 8 are kept
    assert received(line) == {} and len(due_soon.line.over_budget) == 4  # every district is 'due soon'
    [warning] = History(config.outputs.state).recent(1)[0].errors
    assert warning.startswith("LINE warning: 4 not sent, the monthly message budget would be crossed")
    summary_day = sync(config)  # 2025-01-21: the province first, then what still fits
    assert received(line) == {"province": 1}
    assert summary_day.line.over_budget == ["5702-reminder", "5705-reminder", "5709-reminder"]
    line.platform.used = 480  # more room later the same day: with the province's sent, nothing is kept back
    later = sync(config)
    assert received(line) == {"province": 1, "5702": 1, "5705": 1, "5709": 1} and later.line.over_budget == []
