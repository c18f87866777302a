"""District reminders and the provincial summary memo: content, Thai digits, escaping, email form."""

import datetime as dt
from email import message_from_bytes, policy

from sync.checker import Checker, Report
from sync.delivery.message import to_email
from sync.model import RawWorkbook
from sync.outputs.memos import reminder, summary
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
    # the letter prints ขร; the memo quotes it under the office's one prefix
    assert "ที่ ชร ๐๐๑๙.๒/ว ๓๐๓๒๒ ลงวันที่ ๒ ธันวาคม ๒๕๖๗" in text and "ขร" not in text
    assert "เรียน พัฒนาการอำเภอเวียงชัย" in text
    assert "๒.๑ ยังไม่ส่งรายงานเดือน ม.ค. ๒๕๖๘ เกินกำหนด ๑ วัน (กำหนด ๒๐ ม.ค. ๒๕๖๘)" in text
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
    assert parsed["From"] == "สำนักงานพัฒนาชุมชนจังหวัดเชียงราย <noreply-cd57@example.go.th>"
    assert parsed["Message-ID"] and parsed["Date"]
    assert parsed.get_body(("plain",)).get_content() == memo.text
    assert parsed.get_body(("html",)).get_content() == memo.html
    assert all(ord(c) < 128 for c in raw.decode("ascii")), "headers and bodies are transfer-encoded"


def test_items_carry_their_due_date_and_days_late_and_the_reason_closes_the_body(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()
    tabs["คณะทำงานขับเคลื่อน"].pop()  # ภาคประชาชน missing: item 1, due with the documents
    memo = reminder(config, result_of(config, tabs), AS_OF, reason="overdue", due=dt.date(2025, 1, 20))
    title = "๑. ข้อ ๑ แต่งตั้งหรือทบทวนคณะทำงานขับเคลื่อนการพัฒนาศูนย์เรียนรู้ ที่ประกอบด้วยภาคีการพัฒนาทั้ง ๗ ภาคส่วน"
    assert f"{title} (กำหนด ๓๑ ธ.ค. ๒๕๖๗ เกินกำหนด ๒๑ วัน)\n        ๑.๑ ขาดผู้แทน ๑ ภาคี: ภาคประชาชน" in memo.text
    assert "ให้จังหวัด ทุกวันที่ ๒๐ ของเดือน (กำหนด ๒๐ ม.ค. ๒๕๖๘ เกินกำหนด ๑ วัน)" in memo.text
    assert "ทั้งนี้ ได้เลยกำหนดส่งวันที่ ๒๐ มกราคม ๒๕๖๘ มาแล้ว ขอให้เร่งดำเนินการโดยด่วน" in memo.text
    assert '<span class="due">(กำหนด ๓๑ ธ.ค. ๒๕๖๗ เกินกำหนด ๒๑ วัน)</span>' in memo.html
    assert memo.attachment_name == "memo-5702-reminder-2025-01-21.pdf"


def test_memo_preview_shows_a_memo_and_writes_pdf_and_html_without_sending(config_path, tmp_path):
    from click.testing import CliRunner

    from cli import cli
    from tests.conftest import save_workbook, write_config

    config_path = write_config(config_path.parent, config_path.parent / "wb", pdf=True)
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()
    save_workbook(config_path.parent / "wb" / "5702.xlsx", tabs)
    save_workbook(config_path.parent / "wb" / "5701.xlsx", compliant_tabs())
    pdf, html = tmp_path / "memo.pdf", tmp_path / "memo.html"
    args = ["memo", "preview", "--config", str(config_path), "--as-of", "2025-01-21"]
    result = CliRunner().invoke(cli, [*args, "--district", "5702", "--pdf", str(pdf), "--html", str(html)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "To: cd5702@example.go.th" in out and "Subject: ติดตามการดำเนินงานศูนย์เรียนรู้" in out
    assert "Attachments: memo-5702-reminder-2025-01-21.pdf, memo-5702-reminder-2025-01-21.docx" in out
    assert "policy: 2025-01-21 is a reminder day (overdue, due 2025-01-20" in out and "ledger: not recorded yet" in out
    assert "บันทึกข้อความ\n" in out and "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" in out
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "fontpkg_sarabun/files/Sarabun-Regular.ttf" in html.read_text(encoding="utf-8")
    assert not (config_path.parent / "out").exists(), "a preview sends and records nothing"

    later = CliRunner().invoke(cli, [*args[:-1], "2025-01-26", "--district", "5702"])
    assert "policy: 2025-01-26 is not a reminder day; the next is 2025-02-15 (due_soon, due 2025-02-20)" in later.stdout
    nothing = CliRunner().invoke(cli, [*args, "--district", "5701"])
    assert nothing.exit_code == 1 and "5701 has nothing open on 2025-01-21" in nothing.stdout
    summary_memo = CliRunner().invoke(cli, [*args, "--kind", "summary"])
    assert summary_memo.exit_code == 0 and "Subject: สรุปผลการดำเนินงานศูนย์เรียนรู้" in summary_memo.stdout
    assert CliRunner().invoke(cli, args).exit_code == 2  # a reminder needs --district
