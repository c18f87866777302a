"""What the groups read: the district's and the province's Flex messages, Thai digits and BE dates,
buttons only to web links, and officer text that stays plain text within LINE's limits."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

from sync.checker import Checker, Report
from sync.delivery.line.messages import (
    ALT_TEXT_MAX,
    BUBBLE_MAX_BYTES,
    LINE_MAX,
    clip,
    district_message,
    province_message,
    utf16_length,
)
from sync.model import RawWorkbook
from tests.conftest import AS_OF, compliant_tabs
from tests.line_support import (
    group_of,
    line_config,
    line_fixture,  # noqa: F401  (the `line` fixture)
    received,
    sync,
    with_open_items,
)

SHEET = "https://docs.google.com/spreadsheets/d/1AbC"
OVERDUE = {"reason": "overdue", "due": dt.date(2025, 1, 20)}


def check(config, tabs, code="5702", link=SHEET, as_of=AS_OF):
    return Checker(config, as_of).check(config.district(code), RawWorkbook("memory", tabs, link=link))


def texts(node) -> list[str]:
    """Every text a phone shows, in order."""
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        return own + [t for key, value in node.items() if key != "text" for t in texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in texts(value)]
    return []


def buttons(bubble) -> list[dict]:
    return [c["action"] for c in bubble["footer"]["contents"] if c["type"] == "button"]


def test_a_district_reads_its_causes_with_status_and_due_date_in_thai(tmp_path):
    config = line_config(tmp_path, None)
    message = district_message(config, check(config, with_open_items()), AS_OF, **OVERDUE, link=SHEET)
    shown = texts(message.contents)
    assert shown[:4] == ["ติดตามงานโคก หนอง นา · จังหวัดเชียงราย", "อำเภอเวียงชัย", "เลยกำหนดส่ง ๒๐ ม.ค. ๒๕๖๘ แล้ว",
                         "ข้อมูล ณ ๒๑ ม.ค. ๒๕๖๘"]
    assert "ข้อ ๑" in shown and "ขาดผู้แทน ๑ ภาคี: ภาคประชาชน" in shown
    assert any(t.startswith("ยังไม่ครบ · กำหนด ๓๑ ธ.ค. ๒๕๖๗") for t in shown)  # items 1–5: due with their documents
    assert "ยังไม่ส่งรายงานเดือน ม.ค. ๒๕๖๘ เกินกำหนด ๑ วัน (กำหนด ๒๐ ม.ค. ๒๕๖๘)" in shown
    assert any(t.startswith("เกินกำหนด · กำหนด ๒๐ ม.ค. ๒๕๖๘") for t in shown)
    assert not any(ch in "0123456789" for t in shown[:4] for ch in t)
    assert buttons(message.contents) == [{"type": "uri", "label": "เปิดสเปรดชีตอำเภอ", "uri": SHEET}]
    assert message.to == group_of("5702") and message.kind == "reminder" and message.key == "5702"
    assert message.alt_text.startswith("อำเภอเวียงชัย: เลยกำหนดส่ง ๒๐ ม.ค. ๒๕๖๘ แล้ว ต้องดำเนินการ")


def test_without_a_web_link_there_is_no_button_but_a_hint(tmp_path):
    config = line_config(tmp_path, None)
    result = check(config, with_open_items(), link="file:///srv/workbooks/5702.xlsx")
    message = district_message(config, result, AS_OF, **OVERDUE, link=result.raw.link)
    assert buttons(message.contents) == []
    assert texts(message.contents["footer"]) == ["ดูรายละเอียดในแท็บ สถานะ (อัตโนมัติ) ของสเปรดชีตอำเภอ"]


def test_nothing_is_sent_to_a_district_with_nothing_needing_action(tmp_path):
    config = line_config(tmp_path, None)
    late = compliant_tabs()
    late["รายงานรายเดือน"][-1][1] = "2025-01-21"  # January's report sent a day late: shown, but nothing to do
    assert district_message(config, check(config, late), AS_OF, **OVERDUE) is None
    assert district_message(config, check(config, compliant_tabs()), AS_OF, **OVERDUE) is None
    unreadable = Checker(config, AS_OF).check(config.district("5702"), None, "file not found")
    assert district_message(config, unreadable, AS_OF, **OVERDUE) is None


def test_officer_text_stays_plain_text_and_within_lines_limits(tmp_path, line):
    config = line_config(tmp_path, line)
    tabs = with_open_items()
    typed = ["<script>alert('x')</script>", '=HYPERLINK("http://evil.example/","คลิก")', "ก" * 5000,
             "ภาค\x00ศาสนา\x1b[31m\u2028x"]
    tabs["คณะทำงานขับเคลื่อน"] += [[f"นาย {i}", "คณะทำงาน", "หน่วย", value] for i, value in enumerate(typed)]
    message = district_message(config, check(config, tabs), AS_OF, **OVERDUE, link=SHEET)
    shown = texts(message.contents)
    def line_of(cell: str) -> str:
        [text] = [t for t in shown if t.startswith(f"แท็บ คณะทำงานขับเคลื่อน เซลล์ {cell} ")]
        return text

    assert line_of("D8").endswith("ไม่รู้จักภาคี “<script>alert('x')</script>”")  # LINE shows text as typed
    assert line_of("D9").endswith('ไม่รู้จักภาคี “=HYPERLINK("http://evil.example/","คลิก")”')  # computes nothing
    assert all(utf16_length(t) <= LINE_MAX for t in shown)
    assert "ไม่รู้จักภาคี “กกกกก" in line_of("D10") and line_of("D10").endswith("ก…")
    assert not any(ch in t for t in shown for ch in "\x00\x1b\u2028")
    assert utf16_length(message.alt_text) <= ALT_TEXT_MAX
    assert len(json.dumps(message.contents, ensure_ascii=False).encode()) <= BUBBLE_MAX_BYTES
    assert all(a["uri"] == SHEET for a in buttons(message.contents))  # no link comes from officer text

    outcome = sync(config, {"5702": tabs})  # LINE (the local server checks its limits) takes it as it is
    assert outcome.line.ok and received(line)["5702"] == 1
    [delivery] = line.received(group_of("5702"))
    assert texts(delivery.messages[0]["contents"]) == texts(outcome_message(config, tabs))


def outcome_message(config, tabs):
    return district_message(config, check(config, tabs), AS_OF, **OVERDUE, link=SHEET).contents


def test_many_causes_are_counted_not_all_listed(tmp_path):
    config = line_config(tmp_path, None)
    tabs = with_open_items()
    tabs["คณะทำงานขับเคลื่อน"] += [[f"นาย {i}", "คณะทำงาน", "หน่วย", f"ภาคที่ไม่รู้จัก {i}"] for i in range(30)]
    message = district_message(config, check(config, tabs), AS_OF, **OVERDUE)
    shown = texts(message.contents)
    assert shown[4] == "ต้องดำเนินการ ๓๓ เรื่อง"  # 3 causes and 30 unknown sectors
    assert "และอีก ๒๓ เรื่อง ดูในแท็บ สถานะ (อัตโนมัติ)" in shown  # 10 lines shown


def test_the_province_reads_counts_per_item_and_the_districts_needing_action(tmp_path):
    config = line_config(tmp_path, None)
    checker = Checker(config, AS_OF)
    results = [
        checker.check(config.district("5701"), RawWorkbook("m", compliant_tabs())),
        checker.check(config.district("5702"), RawWorkbook("m", with_open_items())),
        checker.check(config.district("5705"), RawWorkbook("m", with_open_items())),
        checker.check(config.district("5709"), None, "not shared with the service account"),
    ]
    message = province_message(config, Report(AS_OF, 2568, results), AS_OF, link=SHEET)
    shown = texts(message.contents)
    assert shown[1:3] == ["สรุปประจำเดือน มกราคม ๒๕๖๘", "ข้อมูล ณ ๒๑ ม.ค. ๒๕๖๘"]
    assert "อำเภอที่ต้องดำเนินการ ๓ จาก ๔ อำเภอ" in shown
    item_1 = shown.index("ข้อ ๑ แต่งตั้งคณะทำงานขับเคลื่อนจาก ๗ ภาคี")
    assert shown[item_1 + 1] == "๒" and shown[shown.index("ข้อ ๗ ส่งสำเนาเอกสารข้อ ๑–๕ ให้จังหวัด") + 1] == "๐"
    assert "เวียงชัย (๓), พาน (๓)" in shown and "แม่สาย" in shown  # unreadable, listed on its own
    assert buttons(message.contents) == [{"type": "uri", "label": "เปิดสรุปของจังหวัด", "uri": SHEET}]
    assert message.alt_text == "สรุปโคก หนอง นา จ.เชียงราย ๒๑ ม.ค. ๒๕๖๘: ต้องดำเนินการ ๓ จาก ๔ อำเภอ – เวียงชัย, พาน, แม่สาย"


def test_clip_never_leaves_a_vowel_without_its_consonant():
    assert clip("ที่นี่", 10) == "ที่นี่"
    for limit in range(2, 7):
        cut = clip("ที่นี่ที่นั่น", limit)
        assert cut.endswith("…") and utf16_length(cut) <= limit
        assert unicodedata.category(cut[0]) == "Lo" and unicodedata.category(cut[-2]) != "Mn"
    assert clip("😀" * 10, 5) == "😀😀…"  # an emoji counts twice, as LINE counts


def test_the_html_picture_escapes_officer_text_and_links_only_to_the_web(tmp_path):
    from sync.delivery.line.render import page

    config = line_config(tmp_path, None)
    tabs = with_open_items()
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย x", "คณะทำงาน", "หน่วย", "<script>alert('x')</script>"])
    message = district_message(config, check(config, tabs), AS_OF, **OVERDUE, link=SHEET)
    html = page([("พช.อ.<b>เวียงชัย</b>", message.message())])
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;เวียงชัย" in html and f'href="{SHEET}"' in html
    message.contents["footer"]["contents"][0]["action"]["uri"] = "javascript:alert(1)"
    assert "javascript:" not in page([("x", message.message())])
