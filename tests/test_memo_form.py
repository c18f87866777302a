"""The memo as a Thai official files it (issue 9 §4): ที่ numbers from a register, the office's one
prefix, the ตราครุฑ, numbered sub-items, tabs and cells named, the closing kept with the last
paragraph, the summary signed by a person, and the editable .docx beside the PDF."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from contextlib import closing

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from cli import cli
from sync.checker import Checker, Report
from sync.config import ConfigError, load_config
from sync.model import RawWorkbook
from sync.outputs.memos import keep_whole, numbered, print_html, reminder, summary
from sync.outputs.pdf import render_pdf
from sync.pipeline import run_sync, select_districts
from tests.conftest import AS_OF, compliant_tabs, save_workbook, write_config

PREFIX = "ชร ๐๐๑๙.๒"


def _garuda(path):
    image = Image.new("RGB", (300, 340), "white")
    ImageDraw.Draw(image).polygon([(150, 10), (290, 140), (150, 330), (10, 140)], fill=(150, 20, 20))
    image.save(path)
    return path


def _open_items(extra_sector_rows: int = 0) -> dict:
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()  # the January report is missing: a reminder on 2025-01-21
    for i in range(extra_sector_rows):
        tabs["คณะทำงานขับเคลื่อน"].append([f"นาง ตัวอย่าง{i}", "คณะทำงาน", "หน่วย", f"ภาคีที่ไม่รู้จัก{i}"])
    return tabs


def _result(config, tabs, code="5702"):
    return Checker(config, AS_OF).check(config.district(code), RawWorkbook(source="memory", tabs=tabs))


def _setup(tmp_path, extra: str = "", codes=("5702", "5703")):
    for code in codes:
        save_workbook(tmp_path / "wb" / f"{code}.xlsx", _open_items())
    return write_config(tmp_path, tmp_path / "wb", extra)


def _sync(config_path, day=AS_OF, codes=("5702", "5703"), **options):
    config = load_config(config_path)
    return run_sync(config, day, select_districts(config, codes), **options)


def _numbers(outcome) -> dict[str, str]:
    """District -> the ที่ line of each memo this run wrote (outbox mode)."""
    numbers = {}
    for path in outcome.memos:
        from email import message_from_bytes, policy

        text = message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
        numbers[path.name.split("-")[0]] = next(line for line in text.splitlines() if line.startswith("ที่ "))
    return numbers


def _register_rows(tmp_path) -> list[tuple]:
    with closing(sqlite3.connect(tmp_path / "out" / "state" / "register.sqlite")) as db:
        return db.execute("SELECT prefix, year, number, district, period FROM register ORDER BY id").fetchall()


# --- the register ---


def test_memos_get_the_next_numbers_of_the_year_kept_on_resend_never_reused(tmp_path):
    config_path = _setup(tmp_path)
    first = _numbers(_sync(config_path))
    assert first == {"5702": f"ที่ {PREFIX}/๑    วันที่ ๒๑ มกราคม ๒๕๖๘", "5703": f"ที่ {PREFIX}/๒    วันที่ ๒๑ มกราคม ๒๕๖๘"}
    resent = _numbers(_sync(config_path, codes=("5702",), resend=True))
    assert resent["5702"].startswith(f"ที่ {PREFIX}/๑ "), "a memo sent again keeps its number"
    # a new memo (new content on a later reminder day) takes the next number; ๑ and ๒ are never given again
    save_workbook(tmp_path / "wb" / "5702.xlsx", _open_items(extra_sector_rows=1))
    later = _numbers(_sync(config_path, day=dt.date(2025, 2, 15), codes=("5702",)))
    assert later["5702"].startswith(f"ที่ {PREFIX}/๓ ")
    assert [row[2] for row in _register_rows(tmp_path)] == [1, 2, 3]


def test_numbers_run_per_calendar_year_and_per_prefix(tmp_path):
    from sync.delivery.ledger import Key
    from sync.delivery.register import Register

    register = Register(tmp_path)
    key = Key("5702", "reminder", "overdue:2024-12-20", "a")
    assert str(register.number(PREFIX, dt.date(2024, 12, 21), key, "s")) == f"{PREFIX}/๑"
    assert str(register.number(PREFIX, dt.date(2024, 12, 21), key, "s")) == f"{PREFIX}/๑", "same memo, same number"
    other = Key("5702", "reminder", "overdue:2025-01-20", "b")
    assert str(register.number(PREFIX, dt.date(2025, 1, 21), other, "s")) == f"{PREFIX}/๑", "a new year starts at 1"
    elsewhere = Key("5703", "reminder", "p", "c")
    assert str(register.number("ชร ๐๐๑๙.๓", dt.date(2025, 1, 21), elsewhere, "s")).endswith("/๑"), "per prefix"
    third = Key("5704", "reminder", "overdue:2025-01-20", "c")
    assert Register(tmp_path).number(PREFIX, dt.date(2025, 1, 21), third, "s").number == 2, "kept on disk"


def test_a_preview_takes_no_number_and_shows_the_one_a_memo_has(tmp_path):
    config_path = _setup(tmp_path)
    args = ["memo", "preview", "--config", str(config_path), "--as-of", "2025-01-21", "--district", "5702"]
    before = CliRunner().invoke(cli, args)
    assert before.exit_code == 0, before.output
    note = f"register: a run would give it ที่ {PREFIX}/๑ (or the next free number); a preview takes none"
    assert note in before.stdout
    assert not (tmp_path / "out" / "state" / "register.sqlite").exists()
    _sync(config_path)
    rows = _register_rows(tmp_path)
    after = CliRunner().invoke(cli, args)
    assert f"register: this memo has ที่ {PREFIX}/๑" in after.stdout and f"ที่ {PREFIX}/๑    วันที่" in after.stdout
    assert _register_rows(tmp_path) == rows


def test_without_the_register_the_memo_is_marked_draft(tmp_path):
    config_path = _setup(tmp_path, "memo: {numbering: draft}\n")
    [eml, _] = _sync(config_path).memos
    from email import message_from_bytes, policy

    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("บันทึกข้อความ    [ร่าง]") and f"ที่ {PREFIX}/    วันที่" in text
    assert '<p class="draft">ร่าง</p>' in message.get_body(("html",)).get_content()
    assert not (tmp_path / "out" / "state" / "register.sqlite").exists()


# --- what the memo says ---


def test_the_memo_quotes_the_letter_under_the_office_prefix_and_numbers_sub_items(config):
    tabs = _open_items()
    tabs["รายงานรายเดือน"].append(["ก.พ. 68", "32/13/2567", "อบรม"])  # a send date nobody can read
    memo = reminder(config, _result(config, tabs), AS_OF)
    assert f"ที่ {PREFIX}/ว ๓๐๓๒๒" in memo.text and "ขร" not in memo.text + memo.html
    assert "•" not in memo.text and "<ul" not in memo.html and "<li" not in memo.html
    assert "        ๑.๑ ยังไม่มีรายงานผลการดำเนินกิจกรรมของเดือน ม.ค. ๒๕๖๘" in memo.text
    [line] = [line for line in memo.text.splitlines() if "32/13/2567" in line]
    assert line.startswith("        ๒.๒ ") and "แท็บ รายงานรายเดือน เซลล์ B3" in line, "a data fix names tab and cell"
    assert '<span class="num">๒.๒</span>' in memo.html


def test_5p_is_written_as_the_programme_names_it(config):
    tabs = _open_items()
    tabs["แผนพัฒนา 5P"] = tabs["แผนพัฒนา 5P"][:-1]  # one dimension missing: item 5
    memo = reminder(config, _result(config, tabs), AS_OF)
    assert "ข้อ ๕ วิเคราะห์และจัดทำแผนการพัฒนาศักยภาพศูนย์เรียนรู้ ตามกรอบความคิด “ก้าวต่อไป โคก หนอง นา พัฒนาชุมชน” (๕P)" in memo.text


def test_late_alone_needs_no_reminder(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"][-1][1] = "2025-01-21"  # January's report sent a day late: late, nothing to do
    assert reminder(config, _result(config, tabs), AS_OF) is None


def test_the_summary_is_signed_by_the_configured_person(config):
    memo = summary(config, Report(AS_OF, 2568, [_result(config, compliant_tabs(), "5701")]), AS_OF)
    signature = [line.strip() for line in memo.text.splitlines()[-2:]]
    assert signature == ["(นางสาวพิมพ์ใจ ศรีสุข)", "หัวหน้ากลุ่มงานส่งเสริมการพัฒนาชุมชน"]


# --- the printed form ---


def test_the_garuda_is_1_5_cm_high_at_the_top_left_of_the_pdf_and_absent_from_the_email(tmp_path):
    garuda = _garuda(tmp_path / "garuda.png")
    config = load_config(write_config(tmp_path, tmp_path, f"memo: {{garuda: {garuda.name}}}\n"))
    assert config.memo.garuda == garuda.resolve()
    memo = reminder(config, _result(config, _open_items()), AS_OF)
    assert "garuda" not in memo.html.split("</style>")[1], "mail programs would not show a file"
    pdf = pdfium.PdfDocument(render_pdf(print_html(memo, config.memo.garuda), keep_whole(config)))
    [image] = list(pdf[0].get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
    left, bottom, right, top = image.get_bounds()
    cm = 72 / 2.54
    assert top - bottom == pytest.approx(1.5 * cm, abs=0.5)
    assert left == pytest.approx(3 * cm, abs=1) and top == pytest.approx(pdf[0].get_height() - 1.5 * cm, abs=1)


def test_a_missing_garuda_image_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigError, match=r"memo\.garuda.*no image file"):
        load_config(write_config(tmp_path, tmp_path, "memo: {garuda: nowhere.png}\n"))


def _pages(pdf: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]


LAST_PARAGRAPH = "รายละเอียดทุกรายการอยู่ในแท็บ"


def test_the_closing_and_signature_never_stand_alone_on_a_page(config):
    """Memos of growing length: wherever the page breaks, the closing's page also has the last
    paragraph and the end of the items before it."""
    on_later_page = 0
    for rows in range(0, 8):
        memo = numbered(reminder(config, _result(config, _open_items(rows)), AS_OF), f"{PREFIX}/๑")
        pages = _pages(render_pdf(memo.html, keep_whole(config)))
        [closing_page] = [p for p in pages if "จึงเรียนมา" in p]
        assert LAST_PARAGRAPH in closing_page, f"{rows} rows: the closing's page lacks the last paragraph"
        if closing_page is not pages[0]:
            on_later_page += 1
            before = closing_page.split(LAST_PARAGRAPH)[0]
            assert re.search(r"ทั้งนี้|[๐-๙]+\.[๐-๙]* ", before), f"{rows} rows: no item before the closing"
    assert on_later_page, "some memo put its closing on a later page"


def test_the_summary_closing_takes_the_last_table_rows_along_to_a_new_page(config):
    rows_along = 0
    for count in range(10, 18):
        results = [_result(config, _open_items(i % 3), d.code) for i, d in enumerate(config.districts[:count])]
        memo = summary(config, Report(AS_OF, 2568, results), AS_OF)
        pages = _pages(render_pdf(memo.html, keep_whole(config)))
        [closing_page] = [p for p in pages if "จึงเรียนมา" in p]
        names = [d.name for d in config.districts[:count] if d.name in closing_page]
        assert closing_page is pages[0] or names, f"{count} districts: the closing's page has no row of the table"
        rows_along += closing_page is not pages[0]
    assert rows_along, "in some memo the closing went to a page of its own, with rows of the table"


def test_a_numbered_memo_marked_draft_loses_its_number(config):
    memo = numbered(reminder(config, _result(config, _open_items()), AS_OF), f"{PREFIX}/๑๒")
    draft = numbered(memo, None)
    assert f"ที่ {PREFIX}/    วันที่" in draft.text and "/๑๒" not in draft.text and draft.draft
