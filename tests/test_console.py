"""What the CLI prints for an operator (sync/console.py): officer text is shown as typed."""

from __future__ import annotations

import io

from click.testing import CliRunner
from rich.console import Console

from cli import cli
from sync import console
from sync.backends import open_backend
from sync.config import load_config
from sync.pipeline import check_all, select_districts
from tests.conftest import AS_OF, compliant_tabs, save_workbook


def test_officer_text_that_looks_like_markup_is_shown_as_typed(config_path):
    tabs = compliant_tabs()
    tabs["คณะทำงานขับเคลื่อน"][5][3] = "[/]"
    tabs["คณะทำงานขับเคลื่อน"][6][3] = "[red]ศาลเจ้า[/red]"
    save_workbook(config_path.parent / "wb" / "5702.xlsx", tabs)
    args = ["check", "--config", config_path, "--district", "5702", "--as-of", "2025-01-21"]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "ไม่รู้จักภาคี “[/]”" in result.stdout
    assert "ไม่รู้จักภาคี “[red]ศาลเจ้า[/red]”" in result.stdout
    assert "[คณะทำงานขับเคลื่อน!D6]" in result.stdout


def test_the_summary_table_has_a_row_per_district_with_its_status(demo):
    args = ["check", "--config", demo, "--as-of", "2025-01-21"]
    lines = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False).stdout.splitlines()
    assert lines[0] == "as of 2025-01-21 (fiscal year 2568)"
    assert lines[1].split() == ["district", "name", "status", "needs", "action", "late"]
    rows = {line.split()[0]: line.split() for line in lines[3:20]}
    assert rows["5701"][2:] == ["ok", "(ผ่าน)", "0", "0"]
    # causes to act on (as the status tab and summary count them), and the report sent late apart
    assert rows["5702"][2:] == ["incomplete", "(ยังไม่ครบ)", "4", "1"]
    assert len(rows) == 17


def test_only_the_title_is_italic_and_only_the_status_coloured(demo):
    report = check_all(load_config(demo), AS_OF, select_districts(load_config(demo)), open_backend(load_config(demo)))
    terminal = Console(record=True, force_terminal=True, color_system="standard", width=120, file=io.StringIO())
    terminal.print(console.summary_table(report))
    lines = terminal.export_text(styles=True).splitlines()
    assert lines[0].startswith("\x1b[3mas of 2025-01-21")  # italic title
    row = next(line for line in lines if line.startswith("5702"))  # a row begins plain
    assert "\x1b[31mincomplete (ยังไม่ครบ)" in row and "\x1b[3m" not in row
