"""mou.sectors (item 3): the MOU has a dated signature from every one of the seven sectors."""

from rules import Context, Rule
from sync.model import DistrictData, Finding, Status
from sync.schema import MOU, SECTOR, SIGNED_ON


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    table = district.table(MOU)
    signed = {r.values.get(SECTOR) for r in table.records if r.values.get(SIGNED_ON)}
    missing = [s.name for s in ctx.programme.sectors if s.name not in signed]
    cells = [table.column_range(SECTOR)] if missing and table.has(SECTOR) else []
    status = Status.INCOMPLETE if missing else Status.OK
    return [Finding(RULE.id, RULE.item, status, {"missing": missing}, cells)]


RULE = Rule("mou.sectors", 3, "A signing party with a signing date for every configured sector.", check)
