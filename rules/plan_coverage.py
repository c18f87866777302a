"""plan.coverage (item 5): every learning centre has at least one planned activity in each 5P dimension."""

from rules import Context, Rule
from rules._causes import blocked, row_problems
from sync.model import DistrictData, Finding, Status
from sync.schema import ACTIVITY, CENTER_CODE, CENTERS, DIMENSION, PLAN


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    if cause := district.blocker(PLAN, CENTER_CODE, DIMENSION, ACTIVITY) or district.blocker(CENTERS, CENTER_CODE):
        return [blocked(RULE, cause, centers=0, missing=[])]
    plan = district.table(PLAN)
    codes = dict.fromkeys(r.values[CENTER_CODE] for r in district.table(CENTERS).records if r.values.get(CENTER_CODE))
    covered = {(r.values.get(CENTER_CODE), r.values.get(DIMENSION)) for r in plan.records if r.values.get(ACTIVITY)}
    dimensions = [d.name for d in ctx.programme.dimensions]
    gaps = [(code, d) for code in codes for d in dimensions if (code, d) not in covered]
    # A centre × dimension whose plan row has a blank or unreadable activity is not claimed missing: that cell is.
    problems = row_problems(district, plan, lambda r: (r.values.get(CENTER_CODE), r.values.get(DIMENSION)), (ACTIVITY,))
    unchecked = {gap: problems[gap] for gap in gaps if gap in problems}
    details = {
        "centers": len(codes),
        "missing": _by_center([g for g in gaps if g not in unchecked]),
        **({"unchecked": _by_center(list(unchecked))} if unchecked else {}),
    }
    if unchecked and not details["missing"]:
        return [blocked(RULE, next(iter(unchecked.values())), **details)]
    ok = bool(codes) and not details["missing"]
    cells = [plan.column_range(DIMENSION)] if details["missing"] and plan.has(DIMENSION) else []
    return [Finding(RULE.id, RULE.item, Status.OK if ok else Status.INCOMPLETE, details, cells)]


def _by_center(gaps: list[tuple[str, str]]) -> list[dict]:
    """[(centre, dimension)] → [{"center": ..., "dimensions": [...]}], in the order given."""
    grouped: dict[str, list[str]] = {}
    for code, dimension in gaps:
        grouped.setdefault(code, []).append(dimension)
    return [{"center": code, "dimensions": dims} for code, dims in grouped.items()]


RULE = Rule("plan.coverage", 5, "Every centre has an activity in each of the five configured 5P dimensions.", check)
