"""committee.sectors and committee.roles (item 1)."""

from rules import Context
from rules.committee_roles import RULE as ROLES
from rules.committee_sectors import RULE as SECTORS
from sync.model import Status
from sync.texts import message
from tests.conftest import AS_OF, parse

HEAD = ["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "หน่วยงาน", "ภาคี"]
ALL_SECTORS = ["ภาครัฐ", "ภาคเอกชน", "ภาคประชาสังคม", "ภาควิชาการ", "ภาคศาสนา", "ภาคสื่อมวลชน", "ภาคประชาชน"]


def committee(rows, head=HEAD):
    return {"คณะทำงานขับเคลื่อน": [head, *rows]}


def members(sectors, roles=None):
    roles = roles or ["ประธาน", "คณะทำงานและเลขานุการ"] + ["คณะทำงาน"] * len(sectors)
    return [[f"นาย ก{i}", roles[i], "หน่วยงาน", s] for i, s in enumerate(sectors)]


def run(rule, tabs, config):
    return rule.check(parse(tabs, config), Context(AS_OF, config.programme))


def test_all_sectors_present_is_ok(config):
    [finding] = run(SECTORS, committee(members(ALL_SECTORS)), config)
    assert finding.status is Status.OK
    assert finding.details == {"missing": []}
    assert finding.cells == []


def test_missing_sectors_are_listed_in_config_order_with_the_column_range(config):
    present = ["ภาครัฐ", "ภาคประชาชน", "ภาคเอกชน", "ภาคประชาสังคม", "ภาควิชาการ"]
    [finding] = run(SECTORS, committee(members(present)), config)
    assert finding.status is Status.INCOMPLETE
    assert finding.details["missing"] == ["ภาคศาสนา", "ภาคสื่อมวลชน"]
    assert message(finding) == "ขาดผู้แทน ๒ ภาคี: ภาคศาสนา, ภาคสื่อมวลชน"
    assert finding.cells == ["คณะทำงานขับเคลื่อน!D2:D6"]


def test_synonyms_count_for_their_sector(config):
    typed = ["หน่วยงานราชการ", "บริษัท", "NGO", "มหาวิทยาลัย", "วัด", "สื่อ", "ชุมชน"]
    [finding] = run(SECTORS, committee(members(typed)), config)
    assert finding.status is Status.OK


def test_unknown_sector_is_a_data_finding_and_does_not_count(config):
    rows = members(ALL_SECTORS[:6] + ["ภาคกีฬา"])
    data = parse(committee(rows), config)
    [finding] = SECTORS.check(data, Context(AS_OF, config.programme))
    assert finding.details["missing"] == ["ภาคประชาชน"]
    [unknown] = [f for f in data.findings if f.rule == "data.unknown_sector"]
    assert unknown.cells == ["คณะทำงานขับเคลื่อน!D8"]
    assert unknown.details["value"] == "ภาคกีฬา"


def test_a_missing_tab_is_the_cause_not_missing_sectors(config):
    data = parse({}, config)
    [sectors] = SECTORS.check(data, Context(AS_OF, config.programme))
    [roles] = ROLES.check(data, Context(AS_OF, config.programme))
    [missing_tab] = [f for f in data.findings if f.rule == "data.missing_tab" and f.details["tab"] == "คณะทำงานขับเคลื่อน"]
    for finding in (sectors, roles):
        assert finding.status is Status.INVALID and finding.cause is missing_tab
        assert finding.details["cause"] == "data.missing_tab"
    assert sectors.details["missing"] == []


def test_a_missing_column_blocks_only_the_rule_that_reads_it(config):
    head = ["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "หน่วยงาน"]
    tabs = committee([r[:3] for r in members(ALL_SECTORS)], head)
    [sectors] = run(SECTORS, tabs, config)
    [roles] = run(ROLES, tabs, config)
    assert sectors.status is Status.INVALID and sectors.cells == ["คณะทำงานขับเคลื่อน!1:1"]
    assert sectors.details == {"missing": [], "cause": "data.missing_column"}
    assert roles.status is Status.OK


def test_roles_one_chair_and_a_secretary_is_ok(config):
    [finding] = run(ROLES, committee(members(ALL_SECTORS)), config)
    assert finding.status is Status.OK
    assert finding.details == {"chairs": 1, "secretaries": 1}


def test_roles_two_chairs_is_incomplete(config):
    roles = ["ประธาน", "ประธาน", "คณะทำงานและผู้ช่วยเลขานุการ"]
    [finding] = run(ROLES, committee(members(["ภาครัฐ"] * 3, roles)), config)
    assert finding.status is Status.INCOMPLETE
    assert finding.details == {"chairs": 2, "secretaries": 1}
    assert message(finding) == "มีประธาน ๒ คน (ต้องมีคนเดียว)"
    assert finding.cells == ["คณะทำงานขับเคลื่อน!B2:B4"]


def test_roles_no_chair_no_secretary_is_incomplete(config):
    [finding] = run(ROLES, committee(members(["ภาครัฐ"] * 2, ["รองประธาน", "คณะทำงาน"])), config)
    assert finding.status is Status.INCOMPLETE
    assert finding.details == {"chairs": 0, "secretaries": 0}
    assert message(finding) == "ยังไม่มีประธาน และยังไม่มีเลขานุการ"
