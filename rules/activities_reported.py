"""activities.reported (item 6): the 5P plan's activities are being carried out, as evidenced by a
monthly report with activities for every month already due (late or not: timeliness is item 8)."""

from rules import Context, Rule
from rules._submissions import first_submission
from sync.deadlines import monthly_due
from sync.model import DistrictData, Finding, Status
from sync.schema import ACTIVITIES_DONE, MONTHLY, REPORT_MONTH


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    table = district.table(MONTHLY)
    deadlines = ctx.programme.deadlines
    due = [(y, m) for y, m in deadlines.reporting_months() if monthly_due(y, m, deadlines) < ctx.as_of]
    missing = [
        f"{y:04d}-{m:02d}"
        for y, m in due
        if not first_submission(
            table,
            lambda r, p=(y, m): r.values.get(REPORT_MONTH) == p and bool(r.values.get(ACTIVITIES_DONE)),
            ctx.as_of,
        )
    ]
    status = Status.PENDING if not due else Status.INCOMPLETE if missing else Status.OK
    cells = [table.column_range(ACTIVITIES_DONE)] if missing and table.has(ACTIVITIES_DONE) else []
    return [Finding(RULE.id, RULE.item, status, {"months_due": len(due), "missing": missing}, cells)]


RULE = Rule(
    "activities.reported",
    6,
    "Activities reported for every month already due (the evidence that item 6 is carried out).",
    check,
)
