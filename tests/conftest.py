"""Shared fixtures: the repo's configuration pointed at temporary folders, tiny workbooks, the demo."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from sync.config import Config, load_config
from sync.model import RawWorkbook
from sync.normalise import Parser

REPO = Path(__file__).resolve().parents[1]
CONFIG_DIR = REPO / "config"
AS_OF = dt.date(2025, 1, 21)


def write_config(folder: Path, workbooks: Path, extra: str = "", pdf: bool = False) -> Path:
    """A configuration like the demo's, with every path inside `folder`. Memos get no PDF unless
    asked (rendering one takes half a second; tests/test_pdf.py and test_delivery.py cover it)."""
    path = folder / "test.yaml"
    includes = ", ".join(str(CONFIG_DIR / n) for n in ("province.yaml", "districts.yaml", "programme.yaml"))
    no_pdf = "" if pdf or "email:" in extra else "email: {attach_pdf: false}\n"
    path.write_text(
        f"include: [{includes}]\n"
        f"backend: {{kind: xlsx, workbooks: {workbooks}}}\n"
        f"outputs: {{summary: {folder / 'out' / 'summary.xlsx'}, outbox: {folder / 'out' / 'outbox'},"
        f" state: {folder / 'out' / 'state'}}}\n" + no_pdf + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    (tmp_path / "wb").mkdir()
    return write_config(tmp_path, tmp_path / "wb")


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


def save_workbook(path: Path, tabs: dict[str, list[list]]) -> Path:
    """Write a workbook with one sheet per tab, rows as given (row 1 = headers)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def snapshot(path: Path, skip: str = "สถานะ (อัตโนมัติ)") -> dict:
    """Every officer sheet: cell values (formulas as text), types, fonts, fills, number formats,
    comments, data validations, column widths, merged cells and frozen panes."""
    book = openpyxl.load_workbook(path)
    shot = {"order": [s.title for s in book.worksheets if s.title != skip]}
    for sheet in book.worksheets:
        if sheet.title == skip:
            continue
        cells = {
            c.coordinate: (
                c.value,
                c.data_type,
                c.font.b,
                c.font.color.rgb if c.font.color else None,
                c.fill.fgColor.rgb,
                c.number_format,
                c.comment.text if c.comment else None,
            )
            for row in sheet.iter_rows()
            for c in row
        }
        validations = [(v.type, v.formula1, str(v.sqref)) for v in sheet.data_validations.dataValidation]
        widths = {k: d.width for k, d in sheet.column_dimensions.items()}
        merged = sorted(str(m) for m in sheet.merged_cells.ranges)
        shot[sheet.title] = (cells, validations, widths, merged, sheet.freeze_panes)
    return shot


def parse(tabs: dict[str, list[list]], config: Config, code: str = "5702", name: str = "เวียงชัย"):
    """Parse an in-memory workbook the way a sync does."""
    return Parser(config.programme).parse(RawWorkbook(source="memory", tabs=tabs), code, name)


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> Path:
    """The bundled demo workbooks, built once per test session (never modified)."""
    from demo.make_demo import build_demo

    folder = tmp_path_factory.mktemp("demo-master")
    build_demo(folder)
    return folder


@pytest.fixture
def demo(tmp_path: Path, demo_master: Path) -> Path:
    """A private copy of the demo workbooks and a config that points at it."""
    workbooks = tmp_path / "workbooks"
    shutil.copytree(demo_master, workbooks)
    return write_config(tmp_path, workbooks)


# Every rule of the letter, by the ids of DOMAIN.md §2 (and activities.reported for item 6).
RULE_IDS = (
    "committee.sectors",
    "committee.roles",
    "network.members",
    "mou.sectors",
    "centers.assessed",
    "plan.coverage",
    "activities.reported",
    "documents.submitted",
    "monthly.report",
)

SECTORS = ["ภาครัฐ", "ภาคเอกชน", "ภาคประชาสังคม", "ภาควิชาการ", "ภาคศาสนา", "ภาคสื่อมวลชน", "ภาคประชาชน"]
DIMENSIONS = ["P1", "P2", "P3", "P4", "P5"]


def compliant_tabs() -> dict[str, list[list]]:
    """A district workbook that passes every check as of 2025-01-21."""
    roles = ["ประธาน", "คณะทำงานและเลขานุการ"] + ["คณะทำงาน"] * 5
    centers = [["CLM-01", "ศูนย์บ้านดอน", "CLM", "ดอนศิลา", "2024-11-15", "ดี"],
               ["HLM-02", "ครัวเรือนนายแก้ว", "HLM", "ผางาม", "16/11/2567", "ดีเยี่ยม"]]
    return {
        "คณะทำงานขับเคลื่อน": [["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "หน่วยงาน", "ภาคี"]]
        + [[f"นาย ทดสอบ{i}", roles[i], "หน่วยงาน", s] for i, s in enumerate(SECTORS)],
        "คณะทำงานเครือข่าย": [["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "ศูนย์เรียนรู้"],
                              ["นางคำ ดี", "ประธาน", "CLM-01"], ["นายแก้ว มา", "คณะทำงาน", "ครัวเรือนนายแก้ว"]],
        "บันทึกข้อตกลง": [["ภาคี", "หน่วยงานที่ลงนาม", "ผู้ลงนาม", "วันที่ลงนาม"]]
        + [[s, f"หน่วยงาน {s}", f"ผู้ลงนาม {i}", "2024-12-10"] for i, s in enumerate(SECTORS)],
        "ศูนย์เรียนรู้": [["รหัสศูนย์", "ชื่อศูนย์", "ประเภท", "ตำบล", "วันที่ประเมิน", "ผลการประเมิน"], *centers],
        "แผนพัฒนา 5P": [["รหัสศูนย์", "มิติ 5P", "กิจกรรม", "งบประมาณ"]]
        + [[c[0], d, f"กิจกรรม {d}", 1000] for c in centers for d in DIMENSIONS],
        "รายงานรายเดือน": [["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"],
                          ["ธ.ค. 67", "2024-12-18", "อบรม"], ["ม.ค. 68", "2025-01-20", "อบรม"]],
        "ส่งเอกสารจังหวัด": [["ข้อ", "วันที่ส่ง"]] + [[i, "2024-12-25"] for i in range(1, 6)],
    }
