"""committee.sectors (item 1): the working committee has a member from every one of the seven sectors."""

from rules import Context, Rule
from rules._causes import blocked
from sync.model import DistrictData, Finding, Status
from sync.schema import COMMITTEE, SECTOR


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    if cause := district.blocker(COMMITTEE, SECTOR):
        return [blocked(RULE, cause, missing=[])]
    table = district.table(COMMITTEE)
    present = {r.values.get(SECTOR) for r in table.records}
    missing = [s.name for s in ctx.programme.sectors if s.name not in present]
    cells = [table.column_range(SECTOR)] if missing and table.has(SECTOR) else []
    status = Status.INCOMPLETE if missing else Status.OK
    return [Finding(RULE.id, RULE.item, status, {"missing": missing}, cells)]


RULE = Rule("committee.sectors", 1, "At least one committee member from every configured sector.", check)
