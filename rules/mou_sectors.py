"""mou.sectors (item 3): the MOU has a dated signature from every one of the seven sectors."""

from rules import Context, Rule
from rules._causes import blocked, row_problems
from sync.model import DistrictData, Finding, Status
from sync.schema import MOU, SECTOR, SIGNED_ON


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    if cause := district.blocker(MOU, SECTOR, SIGNED_ON):
        return [blocked(RULE, cause, missing=[])]
    table = district.table(MOU)
    signed = {r.values.get(SECTOR) for r in table.records if r.values.get(SIGNED_ON)}
    missing = [s.name for s in ctx.programme.sectors if s.name not in signed]
    # A sector whose row has a blank or unreadable signing date is not claimed missing: that cell is the cause.
    problems = row_problems(district, table, lambda r: r.values.get(SECTOR), (SIGNED_ON,))
    unchecked = {s: problems[s] for s in missing if s in problems}
    missing = [s for s in missing if s not in unchecked]
    details = {"missing": missing, **({"unchecked": list(unchecked)} if unchecked else {})}
    if unchecked and not missing:
        return [blocked(RULE, next(iter(unchecked.values())), **details)]
    cells = [table.column_range(SECTOR)] if missing else []
    status = Status.INCOMPLETE if missing else Status.OK
    return [Finding(RULE.id, RULE.item, status, details, cells)]


RULE = Rule("mou.sectors", 3, "A signing party with a signing date for every configured sector.", check)
