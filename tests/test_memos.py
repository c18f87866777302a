"""District reminders and the provincial summary memo: content, Thai digits, escaping, email form."""

import datetime as dt
from email import message_from_bytes, policy
from email.header import decode_header, make_header

from sync.checker import Checker, Report
from sync.memos import reminder, summary, to_email
from sync.model import RawWorkbook
from tests.conftest import AS_OF, compliant_tabs


def result_of(config, tabs, code="5702"):
    district = config.district(code)
    return Checker(config, AS_OF).check(district, RawWorkbook(source="memory", tabs=tabs))


def test_reminder_cites_the_letter_lists_open_items_in_thai_digits(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()  # January missing: overdue by 1 day on 2025-01-21
    memo = reminder(config, result_of(config, tabs), AS_OF)
    text = memo.text
    assert text.startswith("บันทึกข้อความ")
    assert "ส่วนราชการ สำนักงานพัฒนาชุมชนจังหวัดเชียงราย" in text and "โทร ๐ ๕๓๑๗ ๗๓๕๐" in text
    assert "ที่ ชร ๐๐๑๙.๒/" in text and "วันที่ ๒๑ มกราคม ๒๕๖๘" in text
    assert "ที่ ขร ๐๐๑๙.๒/ว ๓๐๓๒๒ ลงวันที่ ๒ ธันวาคม ๒๕๖๗" in text
    assert "เรียน พัฒนาการอำเภอเวียงชัย" in text
    assert "ยังไม่ส่งรายงานเดือน ม.ค. ๒๕๖๘ เกินกำหนด ๑ วัน (กำหนด ๒๐ ม.ค. ๒๕๖๘)" in text
    assert "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" in text
    assert "(นางอำไพ บัวระดก)" in text
    assert memo.recipients == ["cd5702@example.go.th"]


def test_no_reminder_when_nothing_is_open(config):
    assert reminder(config, result_of(config, compliant_tabs()), AS_OF) is None


def test_officer_text_is_escaped_in_html(config):
    tabs = compliant_tabs()
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย x", "คณะทำงาน", "หน่วย", "<script>alert(1)</script>"])
    memo = reminder(config, result_of(config, tabs), AS_OF)
    assert "<script>" not in memo.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in memo.html
    assert "<script>alert(1)</script>" in memo.text


def test_summary_memo_tables_districts_by_items(config):
    results = [result_of(config, compliant_tabs(), "5701"), result_of(config, {}, "5702")]
    memo = summary(config, Report(AS_OF, 2568, results), AS_OF)
    assert "เรียน พัฒนาการจังหวัดเชียงราย" in memo.text
    assert "อำเภอที่ดำเนินการครบถ้วน ๑ อำเภอ" in memo.text
    assert "<th>ข้อ ๘</th>" in memo.html
    assert memo.recipients == list(config.province.staff_emails)


def test_email_has_text_and_html_parts_and_thai_subject(config):
    tabs = compliant_tabs()
    tabs["ส่งเอกสารจังหวัด"].pop()
    memo = reminder(config, result_of(config, tabs), AS_OF)
    now = dt.datetime(2025, 1, 21, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    raw = to_email(memo, config, now).as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == memo.subject and "อำเภอเวียงชัย" in parsed["Subject"]
    assert parsed["To"] == "cd5702@example.go.th"
    # RFC 2047 decoding (the stdlib's display-name parser adds spaces between encoded words).
    sender = str(make_header(decode_header(message_from_bytes(raw)["From"])))
    assert sender == "สำนักงานพัฒนาชุมชนจังหวัดเชียงราย <noreply-cd57@example.go.th>"
    assert parsed["Message-ID"] and parsed["Date"]
    assert parsed.get_body(("plain",)).get_content() == memo.text
    assert parsed.get_body(("html",)).get_content() == memo.html
    assert all(ord(c) < 128 for c in raw.decode("ascii")), "headers and bodies are transfer-encoded"
