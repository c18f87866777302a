"""monthly.report (item 8): a report with activities for every month, sent by that month's due day.

A report whose activities (กิจกรรมที่ดำเนินการ, the evidence of item 6) are blank does not count; it is
not claimed missing either: the month is `invalid`, caused by that blank cell.
"""

from rules import Context, Rule
from rules._causes import blocked, row_problems
from rules._submissions import first_submission
from sync.deadlines import judge, monthly_due
from sync.model import DistrictData, Finding
from sync.schema import ACTIVITIES_DONE, MONTHLY, REPORT_MONTH, SENT_ON


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    table = district.table(MONTHLY)
    deadlines = ctx.programme.deadlines
    cause = district.blocker(MONTHLY, REPORT_MONTH, SENT_ON, ACTIVITIES_DONE)
    problems = (
        {} if cause else row_problems(district, table, lambda r: r.values.get(REPORT_MONTH), (SENT_ON, ACTIVITIES_DONE))
    )
    findings = []
    for year, month in deadlines.reporting_months():
        period, due = f"{year:04d}-{month:02d}", monthly_due(year, month, deadlines)

        def counts(r, key=(year, month)):
            return r.values.get(REPORT_MONTH) == key and bool(r.values.get(ACTIVITIES_DONE))

        first = None if cause else first_submission(table, counts, ctx.as_of)
        if first is None and (blocker := cause or problems.get((year, month))):
            findings.append(blocked(RULE, blocker, month=period, due=due.isoformat(), submitted=None, days_late=None))
            continue
        submitted = first.values[SENT_ON] if first else None
        status, details = judge(due, submitted, ctx.as_of, deadlines.due_soon_days)
        cells = [table.cell(SENT_ON, first)] if first else []
        findings.append(Finding(RULE.id, RULE.item, status, {"month": period, **details}, cells))
    return findings


RULE = Rule("monthly.report", 8, "A report with activities for each month, sent on or before its due day.", check)
