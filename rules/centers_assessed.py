"""centers.assessed (item 4): every learning centre has an assessment date and a configured result level."""

from rules import Context, Rule
from sync.model import DistrictData, Finding, Status
from sync.schema import ASSESSED_ON, ASSESSMENT, CENTER_CODE, CENTERS


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    table = district.table(CENTERS)
    centers = [r for r in table.records if r.values.get(CENTER_CODE)]
    unassessed = [
        r.values[CENTER_CODE] for r in centers if not (r.values.get(ASSESSED_ON) and r.values.get(ASSESSMENT))
    ]
    ok = bool(centers) and not unassessed
    cells = [
        table.cell(h, r)
        for r in centers
        if r.values[CENTER_CODE] in unassessed
        for h in (ASSESSED_ON, ASSESSMENT)
        if h in table.columns and not r.values.get(h)
    ]
    details = {"centers": len(centers), "unassessed": unassessed}
    return [Finding(RULE.id, RULE.item, Status.OK if ok else Status.INCOMPLETE, details, cells)]


RULE = Rule("centers.assessed", 4, "Every centre has an assessment date and a configured result level.", check)
