"""monthly.report (item 8): a report with activities for every month, sent by that month's due day.

A report whose activities (กิจกรรมที่ดำเนินการ, the evidence of item 6) are blank does not count.
"""

from rules import Context, Rule
from rules._submissions import first_submission
from sync.deadlines import judge, monthly_due
from sync.model import DistrictData, Finding
from sync.schema import ACTIVITIES_DONE, MONTHLY, REPORT_MONTH, SENT_ON


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    table = district.table(MONTHLY)
    deadlines = ctx.programme.deadlines
    findings = []
    for year, month in deadlines.reporting_months():

        def counts(r, period=(year, month)):
            return r.values.get(REPORT_MONTH) == period and bool(r.values.get(ACTIVITIES_DONE))

        first = first_submission(table, counts, ctx.as_of)
        submitted = first.values[SENT_ON] if first else None
        status, details = judge(monthly_due(year, month, deadlines), submitted, ctx.as_of, deadlines.due_soon_days)
        cells = [table.cell(SENT_ON, first)] if first else []
        findings.append(Finding(RULE.id, RULE.item, status, {"month": f"{year:04d}-{month:02d}", **details}, cells))
    return findings


RULE = Rule("monthly.report", 8, "A report with activities for each month, sent on or before its due day.", check)
