"""network.members (item 2): the network committee has members, each naming a known learning centre,
and (by default) every centre of the district has a member."""

from rules import Context, Rule
from rules._causes import blocked
from sync.model import DistrictData, Finding, Status
from sync.schema import CENTER, CENTER_CODE, CENTERS, NETWORK


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    if cause := district.blocker(NETWORK, CENTER) or district.blocker(CENTERS, CENTER_CODE):
        return [blocked(RULE, cause, min_members=ctx.params["min_members"])]
    network = district.table(NETWORK)
    centers = district.table(CENTERS)
    represented = {r.values.get(CENTER) for r in network.records} - {None}
    members = sum(1 for r in network.records if r.values.get(CENTER))
    unrepresented = []
    if ctx.params["every_center_represented"]:
        codes = [r.values.get(CENTER_CODE) for r in centers.records if r.values.get(CENTER_CODE)]
        unrepresented = [code for code in dict.fromkeys(codes) if code not in represented]
    ok = members >= ctx.params["min_members"] and not unrepresented
    cells = [centers.column_range(CENTER_CODE)] if unrepresented else []
    details = {"members": members, "min_members": ctx.params["min_members"], "unrepresented": unrepresented}
    return [Finding(RULE.id, RULE.item, Status.OK if ok else Status.INCOMPLETE, details, cells)]


RULE = Rule(
    "network.members",
    2,
    "Enough network members naming a known centre; every centre represented (when switched on).",
    check,
    params={"min_members": 1, "every_center_represented": True},
)
