"""Whatever a cell holds, a check names it or reads it and never crashes the run (issue 11).

The fuzzer puts values of every type a backend gives (calamine: text, floats, booleans, dates,
datetimes, times, durations; Google: ints and floats from JSON) under the contract headers of
every tab and runs the whole check of a district on them: parsing, the rules and the messages.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import cli
from sync.checker import Checker
from sync.config import Config, load_config
from sync.model import RawWorkbook, Status
from sync.schema import TABS, Kind
from tests.conftest import AS_OF, parse, save_workbook, write_config

DOCS = "ส่งเอกสารจังหวัด"


def test_a_doc_item_of_4301_digits_is_a_bad_value_naming_its_cell(config_path):
    digits = "9" * 4301  # one more than int() reads
    rows = [["ข้อ", "วันที่ส่ง"], ["1", "25/12/2567"], [digits, "25/12/2567"], ["ข้อ " + "0" * 4300 + "2", "25/12/2567"]]
    save_workbook(config_path.parent / "wb" / "5702.xlsx", {DOCS: rows})
    args = ["check", "--config", config_path, "--district", "5702", "--as-of", "2025-01-21", "--format", "json"]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [district] = json.loads(result.stdout)["districts"]
    bad = [f for f in district["findings"] if f["rule"] == "data.bad_value"]
    assert [f["cells"] for f in bad] == [[f"{DOCS}!A3"], [f"{DOCS}!A4"]]
    assert bad[0]["details"] == {"value": digits, "column": "ข้อ"}
    sent = {f["details"]["doc_item"]: f["status"] for f in district["findings"] if f["rule"] == "documents.submitted"}
    assert sent[1] == "ok"  # the readable row still counts


def test_a_budget_beyond_any_float_is_a_bad_value(config):
    tabs = {"แผนพัฒนา 5P": [["รหัสศูนย์", "มิติ 5P", "กิจกรรม", "งบประมาณ"], ["CLM-01", "P1", "อบรม", 10**400]]}
    result = Checker(config, AS_OF).check(config.districts[0], RawWorkbook("memory", tabs))
    [bad] = [f for f in result.findings if f.rule == "data.bad_value"]
    assert bad.cells == ["แผนพัฒนา 5P!D2"] and bad.details["column"] == "งบประมาณ"


_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789๐๑๒๓/.- ข้อธ.ค.ภาครัฐ\u200b\u0e4d\u0e32", max_size=24),
    st.text(alphabet="0123456789๙", min_size=4290, max_size=4400),
    st.sampled_from(["", " ", "รวม", "ข้อ 3", "20/12/2567", "ธ.ค. 67", "45646", "nan", "inf", "-0", "1e400"]),
)
_VALUE = st.one_of(
    st.none(),
    _TEXT,
    st.booleans(),
    st.integers(min_value=-(10**4299), max_value=10**4299),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@st.composite
def _workbook(draw) -> dict[str, list[list]]:
    tabs = {}
    for tab in TABS.values():
        if draw(st.booleans()) and draw(st.booleans()):
            continue  # a missing tab, now and then
        header = [c.header for c in tab.columns]
        rows = draw(st.lists(st.lists(_VALUE, min_size=0, max_size=len(header) + 1), max_size=4))
        tabs[tab.name] = [header, *rows]
    return tabs


_CELL = re.compile(r"^(?P<tab>[^!]+)!(?:[A-Z]+[0-9]+|1:1|[A-Z]+2:[A-Z]+[0-9]+)$")


_TYPES = {
    Kind.DATE: dt.date,
    Kind.MONTH: tuple,
    Kind.DOC_ITEM: int,
    Kind.NUMBER: float,
}


@pytest.fixture(scope="module")
def shared_config(tmp_path_factory) -> Config:
    """One configuration for every generated workbook (nothing is written through it)."""
    folder = tmp_path_factory.mktemp("fuzz")
    return load_config(write_config(folder, folder))


@given(_workbook())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_any_cell_values_give_findings_never_a_crash(shared_config, tabs):
    config = shared_config
    data = parse(tabs, config)
    for tab in TABS.values():
        for record in data.table(tab.name).records:
            for column in tab.columns:
                value = record.values.get(column.header)
                assert value is None or isinstance(value, _TYPES.get(column.kind, str)), (column, value)
    result = Checker(config, AS_OF).check(config.districts[0], RawWorkbook("memory", tabs))
    json.dumps(result.as_json(), ensure_ascii=False)
    for finding in result.findings:
        assert isinstance(finding.status, Status) and finding.message
        for cell in finding.cells:
            assert _CELL.match(cell) and _CELL.match(cell)["tab"] in TABS, cell
        if finding.rule.startswith("data.") and finding.rule != "data.missing_tab":
            assert finding.cells, finding
