"""`cli.py init --backend xlsx`: a blank workbook per district, from the same template as Google's."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli import cli
from sync.provision.template import contract_tabs
from sync.schema import STATUS
from tests import officer_workbooks as officer
from tests.conftest import save_workbook


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def init(config_path, *args):
    return invoke("init", "--backend", "xlsx", "--config", config_path, *args)


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def findings(config_path, folder: Path, *codes) -> dict[str, list[dict]]:
    args = ["check", "--config", config_path, "--workbooks", folder, "--format", "json", "--as-of", "2025-01-21"]
    for code in codes:
        args += ["--district", code]
    result = invoke(*args)
    return {d["code"]: d["findings"] for d in json.loads(result.output)["districts"]}


def test_init_creates_a_workbook_for_each_district_without_one_and_never_overwrites(config_path, tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    save_workbook(folder / "5703.xlsx", {"ของเจ้าหน้าที่": [["ห้ามแตะ"]]})
    (folder / "5704 เทิง.xls").write_bytes(b"\xd0\xcf\x11\xe0 officer's old workbook")
    before = contents(folder)
    result = init(config_path, "--workbooks", folder, "--district", "5702", "--district", "5703", "--district", "5704")
    assert result.exit_code == 0, result.output
    assert "5702 เวียงชัย: created" in result.output and "5703 เชียงของ: unchanged" in result.output
    assert "5704 เทิง: unchanged" in result.output and "5704 เทิง.xls" in result.output
    assert result.output.strip().endswith("init: 1 created, 0 updated, 2 unchanged, 0 failed")
    after = contents(folder)
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {"5702 เวียงชัย.xlsx"}

    again = init(config_path, "--workbooks", folder, "--district", "5702", "--district", "5703")
    assert again.exit_code == 0 and "0 created" in again.output
    assert contents(folder) == after, "running init again changes nothing"


def test_a_dry_run_writes_nothing(config_path, tmp_path):
    folder = tmp_path / "dry"
    result = init(config_path, "--workbooks", folder, "--district", "5702", "--dry-run")
    assert "5702 เวียงชัย: would create" in result.output and "nothing written" in result.output
    assert not folder.exists()


@pytest.fixture
def blank(config_path, tmp_path) -> Path:
    folder = tmp_path / "blank"
    assert init(config_path, "--workbooks", folder).exit_code == 0
    return folder


def test_the_blank_workbooks_pass_the_contract_check(config_path, config, blank):
    assert len(list(blank.glob("*.xlsx"))) == len(config.districts)
    for code, found in findings(config_path, blank).items():
        rules = {f["rule"] for f in found}
        assert not rules & {"data.missing_tab", "data.missing_column", "source.unreadable"}, code
        assert not any(r.startswith("data.") for r in rules), code


def test_a_blank_workbook_has_the_instructions_drop_downs_formats_and_the_status_tab(config, blank):
    book = openpyxl.load_workbook(blank / "5702 เวียงชัย.xlsx")
    tabs = contract_tabs(config.programme)
    assert book.sheetnames == ["คำแนะนำ", *[t.name for t in tabs], STATUS]
    guide = book["คำแนะนำ"]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert "อำเภอเวียงชัย" in text and "ภาคประชาสังคม" in text and "CLM (ศูนย์เรียนรู้ระดับตำบล)" in text
    assert guide.protection.sheet and book[STATUS].protection.sheet
    for tab in tabs:
        ws = book[tab.name]
        assert [c.value for c in ws[1]] == tab.headers
        assert ws.freeze_panes == "A2" and ws["A1"].font.b
        rules = {str(v.sqref).split(":")[0][:-1]: v for v in ws.data_validations.dataValidation}
        for i, column in enumerate(tab.columns):
            letter = openpyxl.utils.get_column_letter(i + 1)
            assert ws.column_dimensions[letter].width == column.width
            if column.choices:
                rule = rules[letter]
                assert rule.type == "list" and rule.errorStyle == "warning"
                assert rule.formula1 == '"' + ",".join(column.choices) + '"'
            else:
                assert letter not in rules
            if column.is_date:
                assert ws.column_dimensions[letter].number_format == "dd/mm/yyyy"
    with zipfile.ZipFile(blank / "5702 เวียงชัย.xlsx") as package:
        styles = package.read("xl/styles.xml").decode()
    default_font = styles.split("</font>")[0]
    assert f'<name val="{config.outputs.font.name}"/>' in default_font, "the officers' font is the workbook's default"
    dimensions = {v.formula1 for ws in book for v in ws.data_validations.dataValidation}
    assert '"1,2,3,4,5"' in dimensions


@pytest.mark.skipif(officer.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_and_resaves_a_blank_workbook_and_its_drop_downs_survive(config_path, blank, tmp_path):
    source = blank / "5702 เวียงชัย.xlsx"
    resaved = officer.libreoffice_convert(source, tmp_path / "lo")
    shutil.move(resaved, source)
    book = openpyxl.load_workbook(source)
    committee = book["คณะทำงานขับเคลื่อน"]
    lists = {v.formula1 for v in committee.data_validations.dataValidation}
    assert any("ภาครัฐ" in (f or "") for f in lists) and any("ประธาน" in (f or "") for f in lists)
    assert {v.errorStyle for v in committee.data_validations.dataValidation} == {"warning"}
    rules = {f["rule"] for f in findings(config_path, blank, "5702")["5702"]}
    assert not any(r.startswith("data.") for r in rules)
