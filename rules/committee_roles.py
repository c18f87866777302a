"""committee.roles (item 1): exactly one chair and at least one secretary in the working committee."""

from rules import Context, Rule
from rules._causes import blocked
from sync.model import DistrictData, Finding, Status
from sync.schema import COMMITTEE, ROLE


def check(district: DistrictData, ctx: Context) -> list[Finding]:
    if cause := district.blocker(COMMITTEE, ROLE):
        return [blocked(RULE, cause)]
    table = district.table(COMMITTEE)
    roles = [r.values.get(ROLE) or "" for r in table.records]
    chairs = sum(role == ctx.programme.chair_role for role in roles)
    secretaries = sum(ctx.programme.secretary_marker in role for role in roles)
    ok = chairs == 1 and secretaries >= 1
    cells = [table.column_range(ROLE)] if not ok and table.has(ROLE) else []
    details = {"chairs": chairs, "secretaries": secretaries}
    return [Finding(RULE.id, RULE.item, Status.OK if ok else Status.INCOMPLETE, details, cells)]


RULE = Rule("committee.roles", 1, "Exactly one chair and at least one secretary in the committee.", check)
