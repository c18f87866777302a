"""network.members, mou.sectors, centers.assessed and plan.coverage (items 2–5)."""

import pytest

from rules import Context
from rules.centers_assessed import RULE as CENTERS
from rules.mou_sectors import RULE as MOU
from rules.network_members import RULE as NETWORK
from rules.plan_coverage import RULE as PLAN
from sync.checker import Checker
from sync.config import ConfigError, load_config
from sync.model import RawWorkbook, Status
from sync.texts import message
from tests.conftest import AS_OF, compliant_tabs, parse, write_config


def run(rule, tabs, config, **params):
    data = parse(tabs, config)
    return rule.check(data, Context(AS_OF, config.programme, {**rule.params, **params})), data


@pytest.mark.parametrize("rule", [NETWORK, MOU, CENTERS, PLAN])
def test_compliant_district_passes(rule, config):
    [finding], data = run(rule, compliant_tabs(), config)
    assert finding.status is Status.OK, finding.details
    assert finding.item == rule.item
    assert data.findings == []


def test_network_centre_without_member_and_unknown_centre(config):
    tabs = compliant_tabs()
    tabs["คณะทำงานเครือข่าย"][2][2] = "ศูนย์ที่ไม่มีจริง"
    [finding], data = run(NETWORK, tabs, config)
    assert finding.status is Status.INCOMPLETE
    assert finding.details == {"members": 1, "min_members": 1, "unrepresented": ["HLM-02"]}
    assert message(finding) == "ศูนย์เรียนรู้ที่ยังไม่มีผู้แทนในคณะทำงานเครือข่าย: HLM-02"
    [unknown] = [f for f in data.findings if f.rule == "data.unknown_center"]
    assert unknown.cells == ["คณะทำงานเครือข่าย!C3"]


def test_network_parameters_change_the_verdict(config):
    tabs = compliant_tabs()
    del tabs["คณะทำงานเครือข่าย"][2]
    [strict], _ = run(NETWORK, tabs, config, min_members=3)
    [lenient], _ = run(NETWORK, tabs, config, every_center_represented=False)
    assert strict.status is Status.INCOMPLETE and strict.details["members"] == 1
    assert lenient.status is Status.OK


def test_network_without_members_is_incomplete(config):
    tabs = compliant_tabs()
    tabs["คณะทำงานเครือข่าย"] = tabs["คณะทำงานเครือข่าย"][:1]
    [finding], _ = run(NETWORK, tabs, config)
    assert finding.status is Status.INCOMPLETE and finding.details["members"] == 0


def test_mou_missing_sector_and_undated_signature(config):
    tabs = compliant_tabs()
    tabs["บันทึกข้อตกลง"] = [r for r in tabs["บันทึกข้อตกลง"] if r[0] != "ภาคสื่อมวลชน"]
    tabs["บันทึกข้อตกลง"][1][3] = ""  # ภาครัฐ signed but no date
    [finding], data = run(MOU, tabs, config)
    assert finding.status is Status.INCOMPLETE
    # ภาครัฐ's row lacks only its date: the blank cell is the cause, ภาครัฐ is not claimed missing.
    assert finding.details == {"missing": ["ภาคสื่อมวลชน"], "unchecked": ["ภาครัฐ"]}
    assert [f.cells for f in data.findings] == [["บันทึกข้อตกลง!D2"]]


def test_mou_whose_only_gap_is_an_undated_signature_is_invalid_with_that_cause(config):
    tabs = compliant_tabs()
    tabs["บันทึกข้อตกลง"][1][3] = "32/13/2567"
    [finding], data = run(MOU, tabs, config)
    [bad_date] = data.findings
    assert finding.status is Status.INVALID and finding.cause is bad_date
    assert finding.details == {"missing": [], "unchecked": ["ภาครัฐ"], "cause": "data.bad_date"}
    assert finding.cells == ["บันทึกข้อตกลง!D2"]


def test_centres_unassessed_or_with_an_unconfigured_level(config):
    tabs = compliant_tabs()
    tabs["ศูนย์เรียนรู้"][1][5] = "ดีมาก"
    tabs["ศูนย์เรียนรู้"][2][4] = ""
    [finding], data = run(CENTERS, tabs, config)
    assert finding.status is Status.INCOMPLETE
    # CLM-01 has a date and an unreadable level: not claimed unassessed; HLM-02 has no date at all.
    assert finding.details == {"centers": 2, "unassessed": ["HLM-02"], "unchecked": ["CLM-01"]}
    assert finding.cells == ["ศูนย์เรียนรู้!E3"]
    assert [(f.rule, f.details["value"]) for f in data.findings] == [("data.bad_value", "ดีมาก")]


def test_no_centres_listed_is_incomplete(config):
    tabs = compliant_tabs()
    tabs["ศูนย์เรียนรู้"] = tabs["ศูนย์เรียนรู้"][:1]
    [assessed], _ = run(CENTERS, tabs, config)
    [plan], _ = run(PLAN, tabs, config)
    assert assessed.status is Status.INCOMPLETE and message(assessed).startswith("ยังไม่มีรายชื่อศูนย์เรียนรู้")
    assert plan.status is Status.INCOMPLETE


def test_a_missing_centres_tab_blocks_items_2_4_and_5_with_one_cause(config):
    tabs = compliant_tabs()
    del tabs["ศูนย์เรียนรู้"]
    data = parse(tabs, config)
    [missing_tab] = [f for f in data.findings if f.rule == "data.missing_tab"]
    for rule in (NETWORK, CENTERS, PLAN):
        [finding] = rule.check(data, Context(AS_OF, config.programme, rule.params))
        assert finding.status is Status.INVALID and finding.cause is missing_tab, rule.id


def test_plan_missing_dimensions_per_centre_and_unknown_dimension(config):
    tabs = compliant_tabs()
    plan = tabs["แผนพัฒนา 5P"]
    plan[:] = [r for r in plan if not (r[0] == "HLM-02" and r[1] in ("P4", "P5"))]
    plan.append(["HLM-02", "มิติที่หก", "x", 0])
    plan.append(["XYZ-99", "P1", "x", 0])
    [finding], data = run(PLAN, tabs, config)
    assert finding.status is Status.INCOMPLETE
    assert finding.details["missing"] == [
        {"center": "HLM-02", "dimensions": ["ภาคีเครือข่าย (Partnership)", "การตลาดและประชาสัมพันธ์ (Promotion)"]}
    ]
    rules = sorted((f.rule, tuple(f.cells)) for f in data.findings)
    assert rules == [("data.unknown_center", ("แผนพัฒนา 5P!A11",)), ("data.unknown_dimension", ("แผนพัฒนา 5P!B10",))]


def test_rules_can_be_switched_off_and_parameterised_in_config(tmp_path):
    extra = "rules: {plan.coverage: {enabled: false}, network.members: {params: {min_members: 5}}}\n"
    config = load_config(write_config(tmp_path, tmp_path, extra))
    result = Checker(config, AS_OF).check(config.district("5702"), RawWorkbook("memory", compliant_tabs()))
    rules = {f.rule: f for f in result.findings}
    assert "plan.coverage" not in rules
    assert rules["network.members"].status is Status.INCOMPLETE


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("rules: {nope.rule: {enabled: false}}\n", "rules.nope.rule: no such rule"),
        ("rules: {network.members: {params: {colour: 1}}}\n", "rules.network.members.params.colour: unknown"),
        ("rules: {network.members: {params: {min_members: 'x'}}}\n", "min_members = 'x': expected a int"),
    ],
)
def test_bad_rule_settings_are_config_errors(tmp_path, extra, expected):
    config = load_config(write_config(tmp_path, tmp_path, extra))
    with pytest.raises(ConfigError, match=expected):
        Checker(config, AS_OF)
