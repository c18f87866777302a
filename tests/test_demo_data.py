"""Tests of the bundled demo data generator (demo/make_demo.py).

They build the 17 workbooks in a temporary folder and check: file names, determinism, the tabs and
headers of the contract, the look of an officer's spreadsheet, and that every scenario tag declared
in ``SCENARIOS`` is backed by the data (one check per tag, run for two seeds).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

ROOT = Path(__file__).resolve().parents[1]


def _load_make_demo() -> ModuleType:
    name = "_make_demo_under_test"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "demo" / "make_demo.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return sys.modules[name]


md = _load_make_demo()
OTHER_SEED = 7

# --- reading helpers (deliberately independent of the service's own reader) --------------------------
_ZW = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_MONTHS = {n: i for i, n in enumerate(md.MONTH_ABBR) if n} | {n: i for i, n in enumerate(md.MONTH_FULL) if n}


def norm(value: object) -> str:
    text = _ZW.sub("", unicodedata.normalize("NFC", "" if value is None else str(value)))
    return " ".join(text.split())


def squash(value: object) -> str:
    """``norm`` without any whitespace (Thai sector names have no meaningful spaces)."""
    return "".join(norm(value).split())


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not norm(value))


def headers(wb: Workbook, tab: str) -> list[str]:
    return [norm(c.value) for c in wb[tab][1]]


def raw_headers(wb: Workbook, tab: str) -> list[str]:
    return [c.value for c in wb[tab][1] if c.value is not None]


def records(wb: Workbook, tab: str) -> list[dict[str, object]]:
    rows = list(wb[tab].iter_rows(values_only=True))
    keys = [norm(h) for h in rows[0]]
    return [dict(zip(keys, row, strict=True)) for row in rows[1:] if not all(blank(v) for v in row)]


def _year(y: int) -> int:
    if y < 100:
        y += 2500
    return y - 543 if y >= 2400 else y


def to_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return date(_year(value.year), value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return date(1899, 12, 30) + timedelta(days=value)
    if not isinstance(value, str):
        return None
    s = norm(value).translate(_THAI_DIGITS)
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
            return date(_year(int(m[1])), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", s):
            return date(_year(int(m[3])), int(m[2]), int(m[1]))
        if (m := re.fullmatch(r"(\d{1,2}) (\S+) (\d{2}|\d{4})", s)) and m[2] in _MONTHS:
            return date(_year(int(m[3])), _MONTHS[m[2]], int(m[1]))
    except ValueError:
        return None
    return None


def to_month(value: object) -> tuple[int, int] | None:
    if isinstance(value, datetime):
        return _year(value.year), value.month
    s = norm(value).translate(_THAI_DIGITS)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
        return int(m[1]), int(m[2])
    if m := re.fullmatch(r"(\d{1,2})/(\d{2}|\d{4})", s):
        return _year(int(m[2])), int(m[1])
    if (m := re.fullmatch(r"(\S+) (\d{2}|\d{4})", s)) and m[1] in _MONTHS:
        return _year(int(m[2])), _MONTHS[m[1]]
    return None


def month_due(month: tuple[int, int]) -> date:
    return date(month[0], month[1], md.REPORT_DUE_DAY)


_SECTOR_OF = {squash(n): n for n in md.SECTORS} | {squash(s): n for n, ss in md.SECTORS.items() for s in ss}
_DIMENSION_OF = {squash(n): n for n in md.DIMENSIONS} | {
    squash(s): n for n, ss in md.DIMENSIONS.items() for s in ss}


def sector(value: object) -> str | None:
    return _SECTOR_OF.get(squash(value))


def dimension(value: object) -> str | None:
    return _DIMENSION_OF.get(squash(value))


def doc_item(value: object) -> int | None:
    m = re.fullmatch(r"(?:ข้อ\s*)?([1-5])", norm(value).translate(_THAI_DIGITS))
    return int(m[1]) if m else None


def committee_sectors(wb: Workbook) -> set[str | None]:
    return {sector(r["ภาคี"]) for r in records(wb, md.TAB_COMMITTEE)}


def roles(wb: Workbook) -> list[str]:
    return [norm(r["ตำแหน่งในคณะทำงาน"]) for r in records(wb, md.TAB_COMMITTEE)]


def centres(wb: Workbook) -> list[dict[str, object]]:
    return records(wb, md.TAB_CENTERS)


def centre_lookup(wb: Workbook) -> dict[str, str]:
    """รหัสศูนย์ or ชื่อศูนย์ -> รหัสศูนย์."""
    out: dict[str, str] = {}
    for c in centres(wb):
        out[norm(c["รหัสศูนย์"])] = out[norm(c["ชื่อศูนย์"])] = norm(c["รหัสศูนย์"])
    return out


def plan_rows(wb: Workbook) -> list[dict[str, object]]:
    return [r for r in records(wb, md.TAB_PLAN) if not blank(r["รหัสศูนย์"])]


def reports(wb: Workbook) -> list[dict[str, object]]:
    return records(wb, md.TAB_MONTHLY)


def report_months(wb: Workbook) -> list[tuple[int, int] | None]:
    return [to_month(r["เดือนที่รายงาน"]) for r in reports(wb)]


DATE_COLUMNS = ((md.TAB_CENTERS, "วันที่ประเมิน"), (md.TAB_MOU, "วันที่ลงนาม"), (md.TAB_MONTHLY, "วันที่ส่ง"),
                (md.TAB_DOCS, "วันที่ส่ง"))


def _column_cells(wb: Workbook, tab: str, header: str) -> list:
    if tab not in wb.sheetnames or header not in headers(wb, tab):
        return []
    col = headers(wb, tab).index(header) + 1
    ws = wb[tab]
    return [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)
            if not blank(ws.cell(row=r, column=col).value)]


def date_cells(wb: Workbook) -> list:
    return [c for tab, h in DATE_COLUMNS for c in _column_cells(wb, tab, h)]


def date_form(cell) -> str:
    v = cell.value
    if isinstance(v, datetime):
        if v.year >= 2400:
            return "be_datetime"
        return "datetime_th_format" if cell.number_format == md.FMT_DATE_TH else "datetime"
    if isinstance(v, int):
        return "serial"
    s = norm(v)
    if s != s.translate(_THAI_DIGITS):
        return "thai_digits"
    for form, pattern in (("iso", r"\d{4}-\d{2}-\d{2}"), ("dmy_be", r"\d{1,2}/\d{1,2}/\d{4}"),
                          ("dmy_be2", r"\d{1,2}/\d{1,2}/\d{2}"), ("thai_abbrev", r"\d{1,2} \S+\. \d{2}")):
        if re.fullmatch(pattern, s):
            return form
    return "other"


def month_form(cell) -> str:
    v = cell.value
    if isinstance(v, datetime):
        return "date_cell"
    s = norm(v)
    if s != s.translate(_THAI_DIGITS):
        return "thai_digits"
    for form, pattern in (("iso", r"\d{4}-\d{2}"), ("numeric", r"\d{1,2}/\d{4}"), ("abbrev_be", r"\S+\. \d{4}"),
                          ("full_be", r"[^\d\s.]+ \d{4}"), ("full_be2", r"[^\d\s.]+ \d{2}")):
        if re.fullmatch(pattern, s):
            return form
    return "other"


# --- fixtures ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, dict[str, Path]]]:
    """The default seed written to disk; the other seed only as paths (its workbooks stay in memory)."""
    folder = tmp_path_factory.mktemp("demo")
    paths = md.build_demo(folder)
    return {md.DEFAULT_SEED: (folder, {p.name.split(" ")[0].removesuffix(".xlsx"): p for p in paths}),
            OTHER_SEED: (Path(), {code: Path(md.file_name(code)) for code in md.DISTRICTS})}


@pytest.fixture(scope="module")
def books(built) -> dict[int, dict[str, Workbook]]:
    """Workbooks as read back from disk (default seed) and as made in memory (other seed)."""
    return {md.DEFAULT_SEED: {code: load_workbook(p) for code, p in built[md.DEFAULT_SEED][1].items()},
            OTHER_SEED: {code: md.build_workbook(md.make_district(code, OTHER_SEED)) for code in md.DISTRICTS}}


# --- files, determinism, CLI ------------------------------------------------------------------------------
def test_seventeen_files_named_by_code(built) -> None:
    folder, paths = built[md.DEFAULT_SEED]
    assert sorted(paths) == sorted(md.DISTRICTS) and len(paths) == 17
    assert "5715" not in paths
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(md.file_name(c) for c in md.DISTRICTS)
    assert "5702 เวียงชัย.xlsx" in names
    short = {n for n in names if re.fullmatch(r"\d{4}\.xlsx", n)}
    assert 1 <= len(short) <= 2 and short == {f"{c}.xlsx" for c in md.SHORT_FILE_NAMES}
    for code, path in paths.items():
        assert path.name in (f"{code}.xlsx", f"{code} {md.DISTRICTS[code]}.xlsx")


def _values(wb: Workbook) -> dict[str, list[tuple]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def test_deterministic_and_cli_summary(built, books, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, paths = built[md.DEFAULT_SEED]
    stale = tmp_path / "5709 แม่สาย.xlsx"  # an old copy under the other name is replaced, not duplicated
    stale.write_bytes(b"old")
    assert md.main(["--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert len(printed.strip().splitlines()) == 1 and "17" in printed
    assert not stale.exists() and len(list(tmp_path.glob("*.xlsx"))) == 17
    for code, path in paths.items():
        again = tmp_path / path.name
        assert _values(load_workbook(again)) == _values(books[md.DEFAULT_SEED][code]), code
        assert again.read_bytes() == path.read_bytes(), code  # fixed timestamps: byte-identical
        props = books[md.DEFAULT_SEED][code].properties
        assert props.created == md.FIXED_TIMESTAMP and props.modified == md.FIXED_TIMESTAMP


def test_seed_changes_names_not_scenarios(built, books) -> None:
    default, other = books[md.DEFAULT_SEED], books[OTHER_SEED]
    a = [r["ชื่อ-สกุล"] for r in records(default["5701"], md.TAB_COMMITTEE)]
    b = [r["ชื่อ-สกุล"] for r in records(other["5701"], md.TAB_COMMITTEE)]
    assert a != b
    assert [wb.sheetnames for wb in default.values()] == [wb.sheetnames for wb in other.values()]


# --- the contract: tabs and headers ---------------------------------------------------------------------
ALLOWED_EXTRA_HEADERS = {md.INDEX_HEADER, md.NOTES_HEADER, md.PLAN_TOTAL_HEADER}


@pytest.mark.parametrize("code", list(md.DISTRICTS))
def test_tabs_and_headers(books, code: str) -> None:
    wb = books[md.DEFAULT_SEED][code]
    tags = md.SCENARIOS[code]
    assert md.STATUS_TAB not in wb.sheetnames
    expected_tabs = [t for t in md.TABS if not (t == md.TAB_PLAN and "missing_tab_plan" in tags)]
    assert sorted(t for t in wb.sheetnames if t in md.TABS) == sorted(expected_tabs)
    assert set(wb.sheetnames) - set(md.TABS) <= {md.INSTRUCTIONS_TAB}
    for tab in expected_tabs:
        found = headers(wb, tab)
        expected = set(md.HEADERS[tab])
        if tab == md.TAB_DOCS and "missing_column_doc_date" in tags:
            expected.discard("วันที่ส่ง")
            assert "วันที่ส่ง" not in found
        assert expected <= set(found), (tab, found)
        assert set(found) - expected <= ALLOWED_EXTRA_HEADERS, (tab, found)
        assert len(found) == len(set(found))


def test_exactly_one_missing_tab_and_one_missing_column() -> None:
    assert [c for c, t in md.SCENARIOS.items() if "missing_tab_plan" in t] == ["5718"]
    assert [c for c, t in md.SCENARIOS.items() if "missing_column_doc_date" in t] == ["5706"]


@pytest.mark.parametrize("code", list(md.DISTRICTS))
def test_looks_like_an_officer_spreadsheet(books, code: str) -> None:
    wb = books[md.DEFAULT_SEED][code]
    comments = 0
    for tab in (t for t in wb.sheetnames if t in md.TABS):
        ws = wb[tab]
        first = ws.cell(row=1, column=1)
        assert first.font.b and first.fill.fgColor.rgb.endswith(md.TAB_COLOURS[tab]), tab
        assert ws.freeze_panes in ("A2", "B2")
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width >= 8
        comments += sum(1 for row in ws.iter_rows() for c in row if c.comment)
    assert comments >= 1
    validations = {tab: wb[tab].data_validations.dataValidation for tab in (md.TAB_COMMITTEE, md.TAB_CENTERS)}
    assert len(validations[md.TAB_COMMITTEE]) == 2 and len(validations[md.TAB_CENTERS]) == 2
    assert any("ภาครัฐ" in dv.formula1 for dv in validations[md.TAB_COMMITTEE])
    assert any("CLM" in dv.formula1 for dv in validations[md.TAB_CENTERS])
    if md.TAB_PLAN in wb.sheetnames:
        ws = wb[md.TAB_PLAN]
        formulas = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
        assert len(formulas) == 1 and formulas[0].value.startswith("=SUM(")
        budget = [c for c in _column_cells(wb, md.TAB_PLAN, "งบประมาณ") if isinstance(c.value, int)]
        assert budget and all(c.number_format == md.FMT_BAHT for c in budget)


@pytest.mark.parametrize("code", list(md.DISTRICTS))
def test_every_date_reads_inside_the_fiscal_window(books, code: str) -> None:
    wb = books[md.DEFAULT_SEED][code]
    for cell in date_cells(wb):
        if cell.value == md.BAD_DATE:
            continue
        d = to_date(cell.value)
        assert d is not None and date(2024, 11, 1) <= d <= md.AS_OF, (cell.coordinate, cell.value)
    for cell in _column_cells(wb, md.TAB_MONTHLY, "เดือนที่รายงาน"):
        assert to_month(cell.value) is not None, cell.value


# --- the scenario table ------------------------------------------------------------------------------------
def test_scenario_table_shape() -> None:
    assert list(md.SCENARIOS) == list(md.DISTRICTS)
    assert all(md.SCENARIOS[c] and len(set(md.SCENARIOS[c])) == len(md.SCENARIOS[c]) for c in md.SCENARIOS)
    assert len({tuple(sorted(t)) for t in md.SCENARIOS.values()}) == 17  # a distinct profile each
    assert len([c for c, t in md.SCENARIOS.items() if "compliant" in t]) >= 3
    unknown = {t for tags in md.SCENARIOS.values() for t in tags} - set(CHECKS)
    assert not unknown, f"tags without a check: {sorted(unknown)}"
    for code, tags in md.SCENARIOS.items():
        assert code in md.__doc__, code
        assert sum(t.startswith("dates_") and t != "dates_serial" for t in tags) == 1, code
        assert sum(t.startswith("months_") for t in tags) == 1, code


CHECKS: dict[str, Callable[[Workbook, str, Path], None]] = {}


def check(*tags: str) -> Callable:
    def register(fn: Callable[[Workbook, str, Path], None]) -> Callable[[Workbook, str, Path], None]:
        for tag in tags:
            CHECKS[tag] = fn
        return fn
    return register


def _passes(tag: str, wb: Workbook, path: Path) -> bool:
    try:
        CHECKS[tag](wb, tag, path)
    except Exception:  # a check of another tag may find no such tab or column at all
        return False
    return True


@pytest.mark.parametrize("seed", [md.DEFAULT_SEED, OTHER_SEED])
@pytest.mark.parametrize("code", list(md.DISTRICTS))
def test_scenario_tags_are_backed_by_data(built, books, code: str, seed: int) -> None:
    wb, path = books[seed][code], built[seed][1][code]
    for tag in md.SCENARIOS[code]:
        CHECKS[tag](wb, tag, path)
    # and the table is exact: no check of an undeclared tag passes on this workbook
    undeclared = [t for t in CHECKS if t not in md.SCENARIOS[code] and _passes(t, wb, path)]
    assert not undeclared, undeclared


@check("compliant")
def _compliant(wb: Workbook, tag: str, path: Path) -> None:
    committee = records(wb, md.TAB_COMMITTEE)
    assert committee_sectors(wb) == set(md.SECTOR_NAMES)
    assert roles(wb).count("ประธาน") == 1 and any("เลขานุการ" in r for r in roles(wb))
    assert all(r in md.ROLES for r in roles(wb))
    assert all(not blank(r["ชื่อ-สกุล"]) for r in committee)
    names = [norm(r["ชื่อ-สกุล"]) for r in committee]
    assert len(names) == len(set(names))
    codes = [norm(c["รหัสศูนย์"]) for c in centres(wb)]
    assert 3 <= len(codes) == len(set(codes)) <= 8
    for c in centres(wb):
        assert to_date(c["วันที่ประเมิน"]) and norm(c["ผลการประเมิน"]) in md.LEVELS
        assert norm(c["ประเภท"]) in md.CENTER_TYPES
    lookup = centre_lookup(wb)
    network = records(wb, md.TAB_NETWORK)
    assert network and all(norm(r["ศูนย์เรียนรู้"]) in lookup for r in network)
    assert {lookup[norm(r["ศูนย์เรียนรู้"])] for r in network} == set(codes)
    signed = {sector(r["ภาคี"]) for r in records(wb, md.TAB_MOU)
              if to_date(r["วันที่ลงนาม"]) and not blank(r["ผู้ลงนาม"]) and not blank(r["หน่วยงานที่ลงนาม"])}
    assert signed == set(md.SECTOR_NAMES)
    covered = {(norm(r["รหัสศูนย์"]), dimension(r["มิติ 5P"])) for r in plan_rows(wb)}
    assert covered == {(c, dim) for c in codes for dim in md.DIMENSION_NAMES}
    assert all(not blank(r["กิจกรรม"]) for r in plan_rows(wb))
    assert sorted(report_months(wb)) == [(2024, 12), (2025, 1)]
    for r in reports(wb):
        assert not blank(r["กิจกรรมที่ดำเนินการ"])
        assert to_date(r["วันที่ส่ง"]) <= month_due(to_month(r["เดือนที่รายงาน"]))
    docs = records(wb, md.TAB_DOCS)
    assert sorted(doc_item(r["ข้อ"]) for r in docs) == [1, 2, 3, 4, 5]
    assert all(to_date(r["วันที่ส่ง"]) <= md.DOCS_DUE for r in docs)


@check("boundary_due_dates")
def _boundary(wb: Workbook, tag: str, path: Path) -> None:
    sent = {to_month(r["เดือนที่รายงาน"]): to_date(r["วันที่ส่ง"]) for r in reports(wb)}
    assert sent == {(2024, 12): date(2024, 12, 20), (2025, 1): date(2025, 1, 20)}
    assert {to_date(r["วันที่ส่ง"]) for r in records(wb, md.TAB_DOCS)} == {md.DOCS_DUE}


# committee ----------------------------------------------------------------------------------------------
@check("committee_missing_sectors")
def _committee_missing(wb: Workbook, tag: str, path: Path) -> None:
    found = committee_sectors(wb)
    assert None not in found
    assert 1 <= len(set(md.SECTOR_NAMES) - found) <= 2


@check("committee_no_chair", "committee_two_chairs")
def _chairs(wb: Workbook, tag: str, path: Path) -> None:
    assert roles(wb).count("ประธาน") == (0 if tag == "committee_no_chair" else 2)


@check("committee_no_secretary")
def _no_secretary(wb: Workbook, tag: str, path: Path) -> None:
    assert roles(wb).count("ประธาน") == 1
    assert not any("เลขานุการ" in r for r in roles(wb))


@check("committee_duplicate_person")
def _duplicate_person(wb: Workbook, tag: str, path: Path) -> None:
    rows = Counter(tuple(norm(r[h]) for h in md.HEADERS[md.TAB_COMMITTEE]) for r in records(wb, md.TAB_COMMITTEE))
    assert max(rows.values()) == 2


@check("committee_blank_role")
def _blank_role(wb: Workbook, tag: str, path: Path) -> None:
    rows = [r for r in records(wb, md.TAB_COMMITTEE) if blank(r["ตำแหน่งในคณะทำงาน"])]
    assert len(rows) == 1 and not blank(rows[0]["ชื่อ-สกุล"]) and sector(rows[0]["ภาคี"])


def _sector_values(wb: Workbook) -> list[object]:
    return [r["ภาคี"] for r in records(wb, md.TAB_COMMITTEE)]


@check("sector_whitespace")
def _sector_whitespace(wb: Workbook, tag: str, path: Path) -> None:
    values = _sector_values(wb)
    odd = [v for v in values if v != norm(v) or "\u200b" in str(v) or " " in norm(v)]
    assert len(odd) >= 4
    assert committee_sectors(wb) == set(md.SECTOR_NAMES)  # all resolve once spaces are dropped


@check("sector_synonyms")
def _sector_synonyms(wb: Workbook, tag: str, path: Path) -> None:
    values = {norm(v) for v in _sector_values(wb)} | {norm(r["ภาคี"]) for r in records(wb, md.TAB_MOU)}
    assert not values & set(md.SECTOR_NAMES)
    assert {"หน่วยงานราชการ", "บริษัท", "มหาวิทยาลัย", "วัด", "สื่อ", "ชุมชน", "มูลนิธิ", "NGO"} <= values
    assert committee_sectors(wb) == set(md.SECTOR_NAMES)


def _only_private_as(wb: Workbook, typed: str) -> None:
    values = [norm(v) for v in _sector_values(wb)]
    assert typed in values
    assert "ภาคเอกชน" not in values and committee_sectors(wb) == set(md.SECTOR_NAMES) - {"ภาคเอกชน"} | {None}


@check("sector_typo")
def _sector_typo(wb: Workbook, tag: str, path: Path) -> None:
    _only_private_as(wb, md.TYPO_SECTOR)


@check("sector_wrong_layout")
def _sector_wrong_layout(wb: Workbook, tag: str, path: Path) -> None:
    util = pytest.importorskip("pythainlp.util")
    typed = util.thai_to_eng("ภาคเอกชน")
    assert typed == md.WRONG_LAYOUT_FALLBACK["ภาคเอกชน"]
    assert util.eng_to_thai(typed) == "ภาคเอกชน"
    _only_private_as(wb, typed)


@check("sector_abbreviation")
def _sector_abbreviation(wb: Workbook, tag: str, path: Path) -> None:
    values = {norm(v) for v in _sector_values(wb)}
    assert {"ภ.รัฐ", "ภ.ประชาชน"} <= values and not values & {"ภาครัฐ", "ภาคประชาชน"}


@check("sector_unknown")
def _sector_unknown(wb: Workbook, tag: str, path: Path) -> None:
    values = [norm(v) for v in _sector_values(wb)]
    assert values.count(md.UNKNOWN_SECTOR) == 1
    assert committee_sectors(wb) == set(md.SECTOR_NAMES) | {None}


# network, MOU, centres, plan ------------------------------------------------------------------------------
def _network_refs(wb: Workbook) -> list[str]:
    return [norm(r["ศูนย์เรียนรู้"]) for r in records(wb, md.TAB_NETWORK)]


@check("network_unknown_center")
def _network_unknown(wb: Workbook, tag: str, path: Path) -> None:
    unknown = [r for r in _network_refs(wb) if r not in centre_lookup(wb)]
    assert len(unknown) == 1


@check("network_center_uncovered")
def _network_uncovered(wb: Workbook, tag: str, path: Path) -> None:
    lookup = centre_lookup(wb)
    covered = {lookup[r] for r in _network_refs(wb)}
    assert len(set(lookup.values()) - covered) == 1 and len(_network_refs(wb)) >= 5


@check("network_empty")
def _network_empty(wb: Workbook, tag: str, path: Path) -> None:
    assert records(wb, md.TAB_NETWORK) == [] and set(md.HEADERS[md.TAB_NETWORK]) <= set(headers(wb, md.TAB_NETWORK))


@check("network_by_name", "network_by_mixed")
def _network_by(wb: Workbook, tag: str, path: Path) -> None:
    names = {norm(c["ชื่อศูนย์"]) for c in centres(wb)}
    codes = {norm(c["รหัสศูนย์"]) for c in centres(wb)}
    refs = set(_network_refs(wb))
    if tag == "network_by_name":
        assert refs and refs <= names
    else:
        assert refs & names and refs & codes


@check("mou_missing_sectors")
def _mou_missing(wb: Workbook, tag: str, path: Path) -> None:
    found = {sector(r["ภาคี"]) for r in records(wb, md.TAB_MOU)}
    assert None not in found and 1 <= len(set(md.SECTOR_NAMES) - found) <= 2


@check("mou_unsigned_row")
def _mou_unsigned(wb: Workbook, tag: str, path: Path) -> None:
    rows = [r for r in records(wb, md.TAB_MOU) if blank(r["วันที่ลงนาม"])]
    assert len(rows) == 1 and not blank(rows[0]["ผู้ลงนาม"])


@check("center_not_assessed")
def _not_assessed(wb: Workbook, tag: str, path: Path) -> None:
    assert len([c for c in centres(wb) if blank(c["วันที่ประเมิน"]) and blank(c["ผลการประเมิน"])]) == 1


@check("center_assessed_no_date")
def _assessed_no_date(wb: Workbook, tag: str, path: Path) -> None:
    rows = [c for c in centres(wb) if blank(c["วันที่ประเมิน"])]
    assert len(rows) == 1 and norm(rows[0]["ผลการประเมิน"]) in md.LEVELS


@check("center_bad_level")
def _bad_level(wb: Workbook, tag: str, path: Path) -> None:
    levels = [norm(c["ผลการประเมิน"]) for c in centres(wb)]
    assert levels.count(md.UNKNOWN_LEVEL) == 1 and md.UNKNOWN_LEVEL not in md.LEVELS


@check("center_duplicate_code")
def _duplicate_code(wb: Workbook, tag: str, path: Path) -> None:
    codes = Counter(norm(c["รหัสศูนย์"]) for c in centres(wb))
    assert sorted(codes.values())[-1] == 2
    names = [norm(c["ชื่อศูนย์"]) for c in centres(wb)]
    assert len(names) == len(set(names))


@check("plan_missing_dimensions")
def _plan_missing(wb: Workbook, tag: str, path: Path) -> None:
    covered: dict[str, set[str | None]] = {}
    for r in plan_rows(wb):
        covered.setdefault(norm(r["รหัสศูนย์"]), set()).add(dimension(r["มิติ 5P"]))
    short = {c: set(md.DIMENSION_NAMES) - dims for c, dims in covered.items() if set(md.DIMENSION_NAMES) - dims}
    assert len(short) == 1 and len(next(iter(short.values()))) == 2


@check("plan_unknown_dimension")
def _plan_unknown_dimension(wb: Workbook, tag: str, path: Path) -> None:
    unknown = [r["มิติ 5P"] for r in plan_rows(wb) if dimension(r["มิติ 5P"]) is None]
    assert unknown == [md.UNKNOWN_DIMENSION]


@check("plan_unknown_center")
def _plan_unknown_center(wb: Workbook, tag: str, path: Path) -> None:
    known = {norm(c["รหัสศูนย์"]) for c in centres(wb)}
    assert len([r for r in plan_rows(wb) if norm(r["รหัสศูนย์"]) not in known]) == 1


@check("plan_total_row")
def _plan_total_row(wb: Workbook, tag: str, path: Path) -> None:
    total = [r for r in records(wb, md.TAB_PLAN) if norm(r["กิจกรรม"]) == md.PLAN_TOTAL_LABEL]
    assert len(total) == 1 and str(total[0]["งบประมาณ"]).startswith("=SUM(")
    assert blank(total[0]["รหัสศูนย์"]) and blank(total[0]["มิติ 5P"])
    assert md.PLAN_TOTAL_HEADER not in headers(wb, md.TAB_PLAN)


@check("dimension_synonyms")
def _dimension_synonyms(wb: Workbook, tag: str, path: Path) -> None:
    values = {norm(r["มิติ 5P"]) for r in plan_rows(wb)}
    assert not values & set(md.DIMENSION_NAMES)
    assert {dimension(v) for v in values} == set(md.DIMENSION_NAMES)


@check("missing_tab_plan")
def _missing_tab(wb: Workbook, tag: str, path: Path) -> None:
    assert md.TAB_PLAN not in wb.sheetnames and len([t for t in wb.sheetnames if t in md.TABS]) == 6


@check("missing_column_doc_date")
def _missing_column(wb: Workbook, tag: str, path: Path) -> None:
    assert "วันที่ส่ง" not in headers(wb, md.TAB_DOCS)
    assert sorted(doc_item(r["ข้อ"]) for r in records(wb, md.TAB_DOCS)) == [1, 2, 3, 4, 5]


# monthly reports and documents -------------------------------------------------------------------------
@check("monthly_late")
def _monthly_late(wb: Workbook, tag: str, path: Path) -> None:
    late = [(m, to_date(r["วันที่ส่ง"])) for r in reports(wb) if (m := to_month(r["เดือนที่รายงาน"]))
            and to_date(r["วันที่ส่ง"]) and to_date(r["วันที่ส่ง"]) > month_due(m)]
    assert len(late) == 1
    month, sent = late[0]
    assert 1 <= (sent - month_due(month)).days <= 5 and sent <= md.AS_OF


@check("monthly_jan_missing")
def _jan_missing(wb: Workbook, tag: str, path: Path) -> None:
    assert (2025, 1) not in report_months(wb) and (2024, 12) in report_months(wb)


@check("monthly_duplicate_month")
def _duplicate_month(wb: Workbook, tag: str, path: Path) -> None:
    counts = Counter(report_months(wb))
    assert counts[(2024, 12)] == 2 and all(n == 1 for m, n in counts.items() if m != (2024, 12))
    dec = sorted(to_date(r["วันที่ส่ง"]) for r in reports(wb) if to_month(r["เดือนที่รายงาน"]) == (2024, 12))
    assert dec[0] <= date(2024, 12, 20) < dec[1]


@check("monthly_blank_activity")
def _blank_activity(wb: Workbook, tag: str, path: Path) -> None:
    rows = [r for r in reports(wb) if blank(r["กิจกรรมที่ดำเนินการ"])]
    assert len(rows) == 1 and to_month(rows[0]["เดือนที่รายงาน"]) == (2025, 1) and to_date(rows[0]["วันที่ส่ง"])


@check("monthly_future_early")
def _future_early(wb: Workbook, tag: str, path: Path) -> None:
    early = [r for r in reports(wb) if to_month(r["เดือนที่รายงาน"]) > (2025, 1)]
    assert len(early) == 1 and to_date(early[0]["วันที่ส่ง"]) <= md.AS_OF


@check("monthly_out_of_period")
def _out_of_period(wb: Workbook, tag: str, path: Path) -> None:
    assert (2024, 11) in report_months(wb)


@check("bad_date")
def _bad_date(wb: Workbook, tag: str, path: Path) -> None:
    cells = [c for c in date_cells(wb) if c.value == md.BAD_DATE]
    assert len(cells) == 1 and to_date(cells[0].value) is None
    assert cells[0].parent.title == md.TAB_MONTHLY


def _doc_dates(wb: Workbook) -> dict[int | None, date | None]:
    return {doc_item(r["ข้อ"]): to_date(r["วันที่ส่ง"]) for r in records(wb, md.TAB_DOCS)}


@check("documents_late")
def _documents_late(wb: Workbook, tag: str, path: Path) -> None:
    dates = _doc_dates(wb)
    assert set(dates) == {1, 2, 3, 4, 5}
    assert any(d > md.DOCS_DUE for d in dates.values()) and all(d <= md.AS_OF for d in dates.values())


@check("documents_overdue")
def _documents_overdue(wb: Workbook, tag: str, path: Path) -> None:
    dates = _doc_dates(wb)
    assert dates and set(dates) < {1, 2, 3, 4, 5} and all(d <= md.DOCS_DUE for d in dates.values())


@check("documents_none")
def _documents_none(wb: Workbook, tag: str, path: Path) -> None:
    assert records(wb, md.TAB_DOCS) == [] and set(md.HEADERS[md.TAB_DOCS]) <= set(headers(wb, md.TAB_DOCS))


@check("doc_item_thai_digit", "doc_item_prefixed")
def _doc_item_forms(wb: Workbook, tag: str, path: Path) -> None:
    values = [norm(r["ข้อ"]) for r in records(wb, md.TAB_DOCS)]
    if tag == "doc_item_thai_digit":
        assert values == ["๑", "๒", "๓", "๔", "๕"]
    else:
        assert all(v.startswith("ข้อ") for v in values) and any(v != v.translate(_THAI_DIGITS) for v in values)
    assert sorted(doc_item(v) for v in values) == [1, 2, 3, 4, 5]


# layout -------------------------------------------------------------------------------------------------
def _contract_tabs(wb: Workbook) -> list[str]:
    return [t for t in wb.sheetnames if t in md.TABS]


@check("header_spaces")
def _header_spaces(wb: Workbook, tag: str, path: Path) -> None:
    raw = [h for t in _contract_tabs(wb) for h in raw_headers(wb, t)]
    assert sum(1 for h in raw if h != h.strip() or "  " in h) >= 7


@check("header_zero_width")
def _header_zero_width(wb: Workbook, tag: str, path: Path) -> None:
    raw = [h for t in _contract_tabs(wb) for h in raw_headers(wb, t)]
    assert sum(1 for h in raw if "\u200b" in h) >= 7


@check("index_column")
def _index_column(wb: Workbook, tag: str, path: Path) -> None:
    for tab in _contract_tabs(wb):
        assert headers(wb, tab)[0] == md.INDEX_HEADER
        assert [r[md.INDEX_HEADER] for r in records(wb, tab) if r[md.INDEX_HEADER] is not None] == list(
            range(1, len([r for r in records(wb, tab) if r[md.INDEX_HEADER] is not None]) + 1))


@check("extra_columns")
def _extra_columns(wb: Workbook, tag: str, path: Path) -> None:
    for tab in _contract_tabs(wb):
        assert headers(wb, tab)[-1] in (md.NOTES_HEADER, md.PLAN_TOTAL_HEADER)
        assert md.NOTES_HEADER in headers(wb, tab)
    assert any(not blank(r.get(md.NOTES_HEADER)) for t in _contract_tabs(wb) for r in records(wb, t))


@check("extra_tab")
def _extra_tab(wb: Workbook, tag: str, path: Path) -> None:
    assert wb.sheetnames[0] == md.INSTRUCTIONS_TAB


@check("columns_reordered")
def _columns_reordered(wb: Workbook, tag: str, path: Path) -> None:
    reordered = [t for t in _contract_tabs(wb)
                 if [h for h in headers(wb, t) if h in md.HEADERS[t]] != list(md.HEADERS[t])]
    assert len(reordered) >= 3


@check("tabs_reordered")
def _tabs_reordered(wb: Workbook, tag: str, path: Path) -> None:
    assert _contract_tabs(wb) != list(md.TABS) and sorted(_contract_tabs(wb)) == sorted(md.TABS)


@check("blank_rows")
def _blank_rows(wb: Workbook, tag: str, path: Path) -> None:
    found = 0
    for tab in _contract_tabs(wb):
        rows = list(wb[tab].iter_rows(min_row=2, values_only=True))
        filled = [i for i, row in enumerate(rows) if not all(blank(v) for v in row)]
        found += sum(1 for i in range(filled[0], filled[-1]) if i not in filled) if filled else 0
    assert found >= 1


@check("short_filename")
def _short_filename(wb: Workbook, tag: str, path: Path) -> None:
    assert re.fullmatch(r"57\d\d\.xlsx", path.name)


# date and month forms -----------------------------------------------------------------------------------
@check("dates_datetime", "dates_be_datetime", "dates_dmy_be", "dates_dmy_be2", "dates_thai_abbrev",
       "dates_thai_digits", "dates_iso", "dates_datetime_th_format")
def _date_form(wb: Workbook, tag: str, path: Path) -> None:
    forms = {date_form(c) for c in date_cells(wb)}
    assert forms == {tag.removeprefix("dates_")}, forms


@check("dates_mixed")
def _dates_mixed(wb: Workbook, tag: str, path: Path) -> None:
    forms = Counter(date_form(c) for c in date_cells(wb) if c.value != md.BAD_DATE)
    assert len(forms) >= 8 and "other" not in forms, forms


@check("dates_serial")
def _dates_serial(wb: Workbook, tag: str, path: Path) -> None:
    cells = [c for c in date_cells(wb) if date_form(c) == "serial"]
    assert cells and all(c.number_format == "General" for c in cells)


@check("months_abbrev_be", "months_full_be", "months_full_be2", "months_numeric", "months_iso",
       "months_date_cell", "months_thai_digits")
def _month_form(wb: Workbook, tag: str, path: Path) -> None:
    forms = {month_form(c) for c in _column_cells(wb, md.TAB_MONTHLY, "เดือนที่รายงาน")}
    assert forms == {tag.removeprefix("months_")}, forms


@check("months_mixed")
def _months_mixed(wb: Workbook, tag: str, path: Path) -> None:
    forms = [month_form(c) for c in _column_cells(wb, md.TAB_MONTHLY, "เดือนที่รายงาน")]
    assert len(set(forms)) == len(forms) >= 2 and "other" not in forms


# --- embedded programme facts stay in step with config/programme.yaml ---------------------------------
def test_embedded_facts_match_config() -> None:
    yaml = pytest.importorskip("yaml")
    path = ROOT / "config" / "programme.yaml"
    if not path.exists():
        pytest.skip("no config/programme.yaml")
    programme = yaml.safe_load(path.read_text(encoding="utf-8"))["programme"]
    assert {s["name"]: tuple(s["synonyms"]) for s in programme["sectors"]} == md.SECTORS
    assert list(md.SECTORS) == [s["name"] for s in programme["sectors"]]
    assert tuple(programme["roles"]) == md.ROLES
    assert {d["name"]: tuple(d["synonyms"]) for d in programme["dimensions"]} == md.DIMENSIONS
    assert tuple(programme["assessment_levels"]) == md.LEVELS
    assert tuple(t["name"] for t in programme["center_types"]) == md.CENTER_TYPES
    deadlines = programme["deadlines"]
    assert deadlines["documents_due"] == md.DOCS_DUE and deadlines["monthly_due_day"] == md.REPORT_DUE_DAY
    assert (deadlines["reporting_from"], deadlines["reporting_to"]) == ("2024-12", "2025-09")
