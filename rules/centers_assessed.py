"""centers.assessed (item 4): every learning centre has an assessment date and a configured result level."""

from rules import Context, Rule
from rules._causes import blocked, row_problem
from sync.model import DistrictData, Finding, Status
from sync.schema import ASSESSED_ON, ASSESSMENT, CENTER_CODE, CENTERS


def _unreadable(district: DistrictData, table, record) -> Finding | None:
    """The data finding when every value the centre lacks is there but unreadable (none is simply blank)."""
    problems = [
        row_problem(district, table, record, (h,)) for h in (ASSESSED_ON, ASSESSMENT) if not record.values.get(h)
    ]
    return problems[0] if problems and all(problems) else None


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    if cause := district.blocker(CENTERS, CENTER_CODE, ASSESSED_ON, ASSESSMENT):
        return [blocked(RULE, cause, centers=0, unassessed=[])]
    table = district.table(CENTERS)
    centers = [r for r in table.records if r.values.get(CENTER_CODE)]
    unassessed = [r for r in centers if not (r.values.get(ASSESSED_ON) and r.values.get(ASSESSMENT))]
    # A centre whose missing date or level is there but unreadable is not claimed unassessed: that cell is the cause.
    unchecked = {r.values[CENTER_CODE]: p for r in unassessed if (p := _unreadable(district, table, r))}
    unassessed = [r for r in unassessed if r.values[CENTER_CODE] not in unchecked]
    codes = [r.values[CENTER_CODE] for r in unassessed]
    details = {"centers": len(centers), "unassessed": codes, **({"unchecked": list(unchecked)} if unchecked else {})}
    if unchecked and not unassessed:
        return [blocked(RULE, next(iter(unchecked.values())), **details)]
    ok = bool(centers) and not unassessed
    cells = [
        table.cell(h, r)
        for r in unassessed
        for h in (ASSESSED_ON, ASSESSMENT)
        if h in table.columns and not r.values.get(h)
    ]
    return [Finding(RULE.id, RULE.item, Status.OK if ok else Status.INCOMPLETE, details, cells)]


RULE = Rule("centers.assessed", 4, "Every centre has an assessment date and a configured result level.", check)
