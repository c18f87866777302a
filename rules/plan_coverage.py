"""plan.coverage (item 5): every learning centre has at least one planned activity in each 5P dimension."""

from rules import Context, Rule
from sync.model import DistrictData, Finding, Status
from sync.schema import ACTIVITY, CENTER_CODE, CENTERS, DIMENSION, PLAN


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    plan = district.table(PLAN)
    codes = dict.fromkeys(r.values[CENTER_CODE] for r in district.table(CENTERS).records if r.values.get(CENTER_CODE))
    covered = {(r.values.get(CENTER_CODE), r.values.get(DIMENSION)) for r in plan.records if r.values.get(ACTIVITY)}
    dimensions = [d.name for d in ctx.programme.dimensions]
    missing = [
        {"center": code, "dimensions": gaps}
        for code in codes
        if (gaps := [d for d in dimensions if (code, d) not in covered])
    ]
    ok = bool(codes) and not missing
    cells = [plan.column_range(DIMENSION)] if missing and plan.has(DIMENSION) else []
    details = {"centers": len(codes), "missing": missing}
    return [Finding(RULE.id, RULE.item, Status.OK if ok else Status.INCOMPLETE, details, cells)]


RULE = Rule("plan.coverage", 5, "Every centre has an activity in each of the five configured 5P dimensions.", check)
