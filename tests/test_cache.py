"""The parsed-tables cache (sync/cache.py): a sync reads and parses only what changed, and its
results are the results of reading everything again."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sync.backends.xlsx
import sync.cache
from sync.backends import open_backend
from sync.cache import FILE
from sync.checker import Checker
from sync.config import load_config
from sync.model import DistrictData, Finding, RawWorkbook, Record, Status, Table
from sync.outputs.status_tab import build_status_sheet
from sync.pipeline import check_all, run_sync, select_districts
from sync.tagged_json import decode, decode_workbook, encode, encode_workbook
from tests.conftest import AS_OF, compliant_tabs, save_workbook, write_config


class CountedReads:
    """python-calamine, counting the workbooks it opens (delegates everything)."""

    def __init__(self, calamine):
        self.calamine, self.opened = calamine, 0

    def from_filelike(self, handle):
        self.opened += 1
        return self.calamine.from_filelike(handle)


@pytest.fixture
def reads(monkeypatch) -> CountedReads:
    counter = CountedReads(sync.backends.xlsx.CalamineWorkbook)
    monkeypatch.setattr(sync.backends.xlsx, "CalamineWorkbook", counter)
    return counter


def sync_report(config, as_of=AS_OF, codes=(), **options) -> dict:
    outcome = run_sync(config, as_of, select_districts(config, codes), email=False, **options)
    return outcome.report.as_json()


def check_report(config, as_of=AS_OF) -> dict:
    """The report of reading and parsing every workbook afresh (what `check` does)."""
    return check_all(config, as_of, select_districts(config), open_backend(config)).as_json()


def test_an_unchanged_workbook_is_neither_read_nor_parsed_again(demo, reads):
    config = load_config(demo)
    first = sync_report(config)
    assert reads.opened == 17 + 17  # each read, and read back once its status tab was written
    reads.opened = 0
    assert sync_report(config) == first == check_report(config)
    assert reads.opened == 17  # only check_report's
    reads.opened = 0
    later = sync_report(config, dt.date(2025, 2, 25))  # the rules run with the day's date
    assert reads.opened == 17  # status tabs rewritten for the new day, and read back
    assert later == check_report(config, dt.date(2025, 2, 25)) != first


@pytest.mark.parametrize("held", [1, 100])
def test_an_entry_is_held_until_its_status_write_and_stored_once(demo, reads, monkeypatch, held):
    """With room to hold them, each workbook's entry is stored once, after its status write; with
    none (held=1, entries pushed out before their write), stored twice but as right."""
    monkeypatch.setattr(sync.cache, "_PENDING", held)
    stores = []
    store = sync.cache.ParsedCache._store
    monkeypatch.setattr(
        sync.cache.ParsedCache, "_store", lambda self, path, entry: (stores.append(path), store(self, path, entry))
    )
    config = load_config(demo)
    for day in (AS_OF, dt.date(2025, 2, 25)):  # every status tab written
        stores.clear()
        reads.opened = 0
        report = sync_report(config, day)
        assert reads.opened == (17 + 17 if day == AS_OF else 17)  # read (first time), and read back
        assert len(set(stores)) == 17 and (len(stores) == 17 if held == 100 else len(stores) <= 34)
        assert report == check_report(config, day)
    reads.opened = 0
    assert sync_report(config, dt.date(2025, 2, 25)) == report and reads.opened == 0  # unchanged: none read


def test_an_officers_edit_is_read_at_the_next_sync(demo, reads):
    config = load_config(demo)
    sync_report(config)
    path = next(Path(config.backend.workbooks).glob("5701*.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = book["คณะทำงานขับเคลื่อน"]
    sector = [c.column for c in sheet[1] if c.value == "ภาคี"][0]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, sector).value == "ภาคศาสนา":
            sheet.cell(row, sector).value = "ศาลเจ้า"  # no such sector
    book.save(path)
    reads.opened = 0
    report = sync_report(config)
    assert reads.opened == 2  # 5701 read (and read back after its status tab was written); the rest cached
    assert report == check_report(config)
    [district] = [d for d in report["districts"] if d["code"] == "5701"]
    assert {"rule": "data.unknown_sector", "value": "ศาลเจ้า"} in [
        {"rule": f["rule"], "value": f["details"].get("value")} for f in district["findings"]
    ]


def test_a_touched_or_copied_back_workbook_is_hashed_not_read(demo, reads):
    config = load_config(demo)
    sync_report(config)
    path = next(Path(config.backend.workbooks).glob("5702*.xlsx"))
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)  # a new inode, mtime and ctime; the same bytes
    os.utime(path, ns=(0, 0))
    reads.opened = 0
    assert sync_report(config) == check_report(config)
    assert reads.opened == 17  # check_report's only


def test_a_workbook_saved_again_unchanged_is_read_but_not_parsed_again(demo, reads, monkeypatch):
    config = load_config(demo)
    sync_report(config)
    path = next(Path(config.backend.workbooks).glob("5703*.xlsx"))
    openpyxl.load_workbook(path).save(path)  # other bytes, the same cells
    parsed = []
    monkeypatch.setattr("sync.normalise.Parser.parse", lambda self, raw, *a: parsed.append(raw) or None)
    reads.opened = 0
    run_sync(config, AS_OF, select_districts(config), email=False)
    assert reads.opened == 1 and parsed == []


def test_a_new_synonym_in_the_programme_applies_to_unchanged_workbooks(tmp_path):
    (tmp_path / "wb").mkdir()
    tabs = compliant_tabs()
    tabs["คณะทำงานขับเคลื่อน"][5][3] = "ศาลเจ้า"  # the only ภาคศาสนา member
    save_workbook(tmp_path / "wb" / "5702.xlsx", tabs)
    config_path = write_config(tmp_path, tmp_path / "wb")
    assert _missing_sectors(sync_report(load_config(config_path), codes=["5702"])) == ["ภาคศาสนา"]
    shipped = Path(__file__).parents[1] / "config" / "programme.yaml"
    programme = shipped.read_text(encoding="utf-8").replace("ศาสนสถาน,", "ศาสนสถาน, ศาลเจ้า,")
    (tmp_path / "programme.yaml").write_text(programme, encoding="utf-8")
    config_path.write_text(config_path.read_text(encoding="utf-8").replace(str(shipped), "programme.yaml"))
    assert _missing_sectors(sync_report(load_config(config_path), codes=["5702"])) == []


def _missing_sectors(report: dict) -> list[str]:
    [district] = report["districts"]
    [finding] = [f for f in district["findings"] if f["rule"] == "committee.sectors"]
    return finding["details"].get("missing", [])


def test_a_damaged_cache_file_is_made_anew_and_the_sync_still_right(demo, caplog, reads):
    config = load_config(demo)
    state = Path(config.outputs.state)
    state.mkdir(parents=True)
    (state / FILE).write_bytes(b"this is not a database" * 100)
    assert sync_report(config) == check_report(config)
    assert "parsed-tables cache" in caplog.text and "made anew" in caplog.text
    reads.opened = 0
    sync_report(config)
    assert reads.opened == 0


def test_a_dry_run_writes_no_cache(demo):
    config = load_config(demo)
    sync_report(config, dry_run=True)
    assert not (Path(config.outputs.state) / FILE).exists()


def test_entries_are_found_by_path_and_belong_to_one_version(demo):
    config = load_config(demo)
    sync_report(config)
    with sqlite3.connect(Path(config.outputs.state) / FILE) as db:
        rows = db.execute("SELECT path, version, sha256 FROM workbooks").fetchall()
    assert sorted(Path(p).name[:4] for p, _, _ in rows) == sorted(d.code for d in config.districts)
    assert len({version for _, version, _ in rows}) == 1
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for _, _, digest in rows)


# --- the format of an entry ------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.sampled_from(Status),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=3), st.sampled_from(["$", "v"])), inner, max_size=3),
        st.dictionaries(st.integers(0, 9), inner, max_size=2),
    ),
    max_leaves=12,
)


@given(_VALUES)
@settings(max_examples=300, deadline=None)
def test_values_come_back_as_the_same_types(value):
    back = decode(encode(value))
    assert back == value and _types(back) == _types(value)


def _types(value):
    if isinstance(value, dict):
        return dict, [(_types(k), _types(v)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return type(value), [_types(v) for v in value]
    return type(value)


def test_a_parsed_workbook_comes_back_whole():
    records = [Record(2, {"วันที่ส่ง": dt.date(2024, 12, 20), "เดือนที่รายงาน": (2024, 12)}), Record(4, {})]
    tables = {
        "รายงานรายเดือน": Table("รายงานรายเดือน", True, {"วันที่ส่ง": 1, "เดือนที่รายงาน": 0}, records),
        "ศูนย์เรียนรู้": Table("ศูนย์เรียนรู้", False),
    }
    finding = Finding("data.bad_date", None, Status.INVALID, {"value": "32/13/2567"}, ["รายงานรายเดือน!B3"], "x")
    raw = RawWorkbook("a.xlsx", {"t": [["a", 1.5, dt.datetime(2567, 1, 2)]]}, "f", "file:///a.xlsx")
    raw.parsed = DistrictData("5702", "เวียงชัย", tables, [finding])
    assert decode(encode(raw)) == raw


def test_cells_as_calamine_gives_them_come_back_as_they_were():
    cells = [["ข้อ", 1.0, True, "", dt.date(2024, 12, 20), dt.datetime(2567, 12, 20, 9, 30), dt.time(8, 15)],
             [dt.timedelta(hours=36), float("inf"), -0.0, "=SUM(A1)", '{"$": "date"}']]
    raw = RawWorkbook("a.xlsx", {"รายงานรายเดือน": cells, "ว่าง": []}, "f", "file:///a.xlsx")
    back = decode_workbook(encode_workbook(raw))
    assert back == raw and _types(back.tabs) == _types(raw.tabs)


def test_a_status_written_in_another_thread_is_followed(demo, reads):
    config = load_config(demo)
    backend = open_backend(config, cache=True)
    district = config.district("5702")
    raw = backend.read(district)
    result = Checker(config, AS_OF).check(district, raw)
    sheet = build_status_sheet(result, AS_OF, "๒๑ ม.ค. ๒๕๖๘ ๐๙:๐๐ น.", config)
    with ThreadPoolExecutor(1) as pool:  # as a write-behind thread would
        pool.submit(backend.write_status, district, raw, sheet).result()
    reads.opened = 0
    again = open_backend(config, cache=True).read(district)
    assert reads.opened == 0 and again.tabs["สถานะ (อัตโนมัติ)"]


def test_a_cache_of_another_layout_is_replaced(demo, reads):
    config = load_config(demo)
    state = Path(config.outputs.state)
    state.mkdir(parents=True)
    with sqlite3.connect(state / FILE) as db:  # an older layout of the file
        db.execute("CREATE TABLE workbooks (path TEXT PRIMARY KEY, version TEXT, entry TEXT)")
    assert sync_report(config) == check_report(config)
    reads.opened = 0
    sync_report(config)
    assert reads.opened == 0


def test_the_entry_of_a_removed_workbook_goes(demo):
    config = load_config(demo)
    sync_report(config)
    next(Path(config.backend.workbooks).glob("5702*.xlsx")).unlink()
    sync_report(config)
    with sqlite3.connect(Path(config.outputs.state) / FILE) as db:
        codes = sorted(Path(p).name[:4] for (p,) in db.execute("SELECT path FROM workbooks"))
    assert "5702" not in codes and len(codes) == 16


def test_a_workbook_of_tens_of_thousands_of_rows_is_not_kept_and_still_checked(demo, reads, monkeypatch):
    monkeypatch.setattr(sync.cache, "_MOST_ROWS", 60)  # the demo's workbooks have 30 to 70 rows
    config = load_config(demo)
    first = sync_report(config)
    with sqlite3.connect(Path(config.outputs.state) / FILE) as db:
        kept = db.execute("SELECT count(*) FROM workbooks").fetchone()[0]
    assert 0 < kept < 17  # the larger workbooks are read again each time, the others kept
    reads.opened = 0
    assert sync_report(config) == first == check_report(config)
    assert reads.opened == (17 - kept) + 17  # the sync read those not kept; check_report read all
