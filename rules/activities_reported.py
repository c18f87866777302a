"""activities.reported (item 6): the 5P plan's activities are being carried out, as evidenced by a
monthly report with activities for every month already due (late or not: timeliness is item 8)."""

from rules import Context, Rule
from rules._causes import blocked, row_problems
from rules._submissions import first_submission
from sync.deadlines import monthly_due
from sync.model import DistrictData, Finding, Status
from sync.schema import ACTIVITIES_DONE, MONTHLY, REPORT_MONTH, SENT_ON


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    table = district.table(MONTHLY)
    deadlines = ctx.programme.deadlines
    due = [(y, m) for y, m in deadlines.reporting_months() if monthly_due(y, m, deadlines) < ctx.as_of]
    if cause := district.blocker(MONTHLY, REPORT_MONTH, SENT_ON, ACTIVITIES_DONE):
        return [blocked(RULE, cause, months_due=len(due), missing=[])]
    lacking = [
        (y, m)
        for y, m in due
        if not first_submission(
            table,
            lambda r, p=(y, m): r.values.get(REPORT_MONTH) == p and bool(r.values.get(ACTIVITIES_DONE)),
            ctx.as_of,
        )
    ]
    # A month whose report row has a blank or unreadable date or activities is not claimed missing.
    problems = row_problems(district, table, lambda r: r.values.get(REPORT_MONTH), (SENT_ON, ACTIVITIES_DONE))
    unchecked = {f"{y:04d}-{m:02d}": problems[(y, m)] for y, m in lacking if (y, m) in problems}
    missing = [f"{y:04d}-{m:02d}" for y, m in lacking if f"{y:04d}-{m:02d}" not in unchecked]
    details = {"months_due": len(due), "missing": missing, **({"unchecked": list(unchecked)} if unchecked else {})}
    if unchecked and not missing:
        return [blocked(RULE, next(iter(unchecked.values())), **details)]
    status = Status.PENDING if not due else Status.INCOMPLETE if missing else Status.OK
    cells = [table.column_range(ACTIVITIES_DONE)] if missing and table.has(ACTIVITIES_DONE) else []
    return [Finding(RULE.id, RULE.item, status, details, cells)]


RULE = Rule(
    "activities.reported",
    6,
    "Activities reported for every month already due (the evidence that item 6 is carried out).",
    check,
)
