"""Each memo as an editable .docx (issue 9 §4): TH Sarabun New 16 pt by name, the form's layout, the
same text as the PDF, and what LibreOffice makes of it."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from cli import cli
from sync.checker import Checker, Report
from sync.model import RawWorkbook
from sync.outputs.docx import render_docx
from sync.outputs.memos import numbered, reminder, summary
from tests.conftest import AS_OF, compliant_tabs, save_workbook, write_config
from tests.test_memo_form import _garuda, _open_items


def _result(config, tabs, code="5702"):
    return Checker(config, AS_OF).check(config.district(code), RawWorkbook(source="memory", tabs=tabs))


@pytest.fixture
def memo(config):
    tabs = _open_items(2)
    return numbered(reminder(config, _result(config, tabs), AS_OF, reason="overdue", due=AS_OF.replace(day=20)),
                    "ชร ๐๐๑๙.๒/๑๒๓")


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _texts(document) -> list[str]:
    return [" ".join(p.text.split()) for p in document.paragraphs if p.text.strip()]


def test_the_font_is_th_sarabun_new_16_pt_for_thai_and_latin_and_the_language_thai(memo):
    document = _open(render_docx(memo.html))
    normal = document.styles["Normal"].element.rPr
    fonts = normal.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{s}")) for s in ("ascii", "hAnsi", "cs", "eastAsia")} == {"TH Sarabun New"}
    assert normal.find(qn("w:sz")).get(qn("w:val")) == normal.find(qn("w:szCs")).get(qn("w:val")) == "32"
    assert normal.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    section = document.sections[0]
    measures = (section.page_width, section.page_height, section.left_margin, section.right_margin, section.top_margin)
    assert [round(m.cm, 2) for m in measures] == [21, 29.7, 3, 2, 1.5]
    [heading] = document.paragraphs[0].runs[1:2]
    assert heading.text == "บันทึกข้อความ" and heading.font.size == Pt(29)
    assert heading._r.rPr.find(qn("w:bCs")) is not None, "bold for Thai (complex script) too"


def test_the_docx_says_what_the_memo_says_in_the_form_order(memo):
    texts = _texts(_open(render_docx(memo.html)))
    assert texts[:5] == [
        "บันทึกข้อความ",
        "ส่วนราชการ สำนักงานพัฒนาชุมชนจังหวัดเชียงราย กลุ่มงานส่งเสริมการพัฒนาชุมชน โทร ๐ ๕๓๑๗ ๗๓๕๐",
        "ที่ ชร ๐๐๑๙.๒/๑๒๓ วันที่ ๒๑ มกราคม ๒๕๖๘",
        f"เรื่อง {memo.subject}",
        "เรียน พัฒนาการอำเภอเวียงชัย",
    ]
    body = [" ".join(line.split()) for line in memo.text.splitlines()[6:] if line.strip()]
    assert texts[5:] == body, "the same paragraphs, items and sub-items as the text and the PDF"


def test_body_paragraphs_are_thai_distributed_and_the_closing_keeps_with_the_last_paragraph(memo):
    paragraphs = [p for p in _open(render_docx(memo.html)).paragraphs if p.text.strip()]
    body = [p for p in paragraphs if p.paragraph_format.first_line_indent and
            round(p.paragraph_format.first_line_indent.cm, 2) == 2.5]
    assert body and all(p.alignment == WD_ALIGN_PARAGRAPH.THAI_JUSTIFY for p in body)
    closing = next(i for i, p in enumerate(paragraphs) if p.text == "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ")
    assert paragraphs[closing - 1].text.startswith("รายละเอียดทุกรายการ")
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[closing - 1 : -1])
    assert [p.text for p in paragraphs[-2:]] == ["(นางอำไพ บัวระดก)", "พัฒนาการจังหวัดเชียงราย"]


def test_the_summary_table_repeats_its_header_and_keeps_rows_whole(config):
    results = [_result(config, compliant_tabs() if i % 2 else {}, d.code) for i, d in enumerate(config.districts)]
    document = _open(render_docx(summary(config, Report(AS_OF, 2568, results), AS_OF).html))
    [table] = document.tables
    assert len(table.rows) == len(config.districts) + 1
    assert [c.text for c in table.rows[0].cells][:2] == ["อำเภอ", "ข้อ ๑"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert table.rows[1].cells[0].text == config.districts[0].name


def test_the_garuda_is_an_inline_picture_1_5_cm_high(memo, tmp_path):
    document = _open(render_docx(memo.html, _garuda(tmp_path / "garuda.png")))
    [shape] = document.inline_shapes
    assert shape.height == Cm(1.5)


def test_memo_preview_writes_the_docx(tmp_path):
    config_path = write_config(tmp_path, tmp_path / "wb")
    save_workbook(tmp_path / "wb" / "5702.xlsx", _open_items())
    target = tmp_path / "memo.docx"
    args = ["memo", "preview", "--config", str(config_path), "--as-of", "2025-01-21", "--district", "5702"]
    result = CliRunner().invoke(cli, [*args, "--docx", str(target)])
    assert result.exit_code == 0, result.output
    assert "Attachments: memo-5702-reminder-2025-01-21.docx" in result.stdout
    assert _texts(_open(target.read_bytes()))[4] == "เรียน พัฒนาการอำเภอเวียงชัย"


def _libreoffice_pdf(docx_path, out_dir) -> bytes:
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it")
    command = [soffice, "--headless", f"-env:UserInstallation=file://{out_dir}/profile", "--convert-to", "pdf"]
    done = subprocess.run([*command, "--outdir", str(out_dir), str(docx_path)], capture_output=True, text=True,
                          timeout=180)
    pdf = out_dir / docx_path.with_suffix(".pdf").name
    if not pdf.exists():
        if "could not be loaded" in done.stderr:
            pytest.skip("LibreOffice Writer is missing (apt-get install libreoffice-writer-nogui); CI installs it")
        raise AssertionError(done.stderr)
    return pdf.read_bytes()


def test_libreoffice_opens_the_docx_in_the_thai_font_and_keeps_the_closing_with_the_last_paragraph(memo, tmp_path):
    path = tmp_path / "memo.docx"
    path.write_bytes(render_docx(memo.html))
    document = pdfium.PdfDocument(_libreoffice_pdf(path, tmp_path))
    pages = [page.get_textpage().get_text_range() for page in document]
    flat = " ".join(" ".join(pages).split())
    for line in ("บันทึกข้อความ", "ชร ๐๐๑๙.๒/๑๒๓", "๑.๑ ยังไม่มีรายงานผลการดำเนินกิจกรรมของเดือน ม.ค. ๒๕๖๘"):
        assert line in flat
    [closing_page] = [p for p in pages if "จึงเรียนมา" in p]
    assert "รายละเอียดทุกรายการ" in closing_page and "(นางอำไพ บัวระดก)" in closing_page
    assert document[0].get_size() == pytest.approx((595.3, 841.9), abs=1)
