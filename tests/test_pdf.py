"""The memo as an A4 PDF: Sarabun embedded, Thai shaped, lines broken between words, text intact.

The PDF's text is read back with pypdfium2: characters in content-stream order, without the
spaces and line breaks pdfium invents from glyph positions (FPDFText_IsGenerated), a new line
wherever a base character's baseline moves (combining marks belong to their base).
"""

from __future__ import annotations

import ctypes
import re
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pythainlp.tokenize import word_tokenize

from sync.checker import Checker, Report
from sync.config import load_config
from sync.model import RawWorkbook
from sync.outputs.memos import keep_whole, reminder, summary
from sync.outputs.pdf import recompose_sara_am, render_pdf, typeset
from tests.conftest import AS_OF, compliant_tabs, write_config

# Words that need the font's mark positioning: stacked vowel + tone, tall consonants, descenders.
HARD = "ปู่ป้าฟื้นฟูฝั่งน้ำ ญาติกตัญญูฐานะ ปิ่นปักผม กล่ำปลี"
A4 = (595.28, 841.89)
PAGE_NUMBER = re.compile(r"- [๐-๙]+ -")


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    return load_config(write_config(folder, folder))


def _result(config, tabs, code="5702"):
    return Checker(config, AS_OF).check(config.district(code), RawWorkbook(source="memory", tabs=tabs))


@pytest.fixture(scope="module")
def memo(config):
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()  # January report missing: overdue
    tabs["ส่งเอกสารจังหวัด"].pop()  # document 5 never sent
    tabs["คณะทำงานขับเคลื่อน"] = tabs["คณะทำงานขับเคลื่อน"][:4]  # four sectors missing
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย ก", "คณะทำงาน", "หน่วย", HARD])
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย ข", "คณะทำงาน", "หน่วย", "<script>alert(1)</script>"])
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย ค", "คณะทำงาน", "หน่วย", '=HYPERLINK("http://evil.example","คลิก")'])
    return reminder(config, _result(config, tabs), AS_OF, reason="overdue", due=AS_OF.replace(day=20))


@pytest.fixture(scope="module")
def pdf(memo, config) -> bytes:
    return render_pdf(memo.html, keep_whole(config))


def _origin(textpage, index) -> tuple[float, float]:
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
    return x.value, y.value


def _chars(pdf: bytes):
    """(page number, char, box) of every character drawn, in content-stream order."""
    document = pdfium.PdfDocument(pdf)
    for number, page in enumerate(document, 1):
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage.raw, i):
                continue
            char = textpage.get_text_range(i, 1)
            if char and char not in "\r\n":
                yield number, char, textpage.get_charbox(i), _origin(textpage, i)


def pdf_lines(pdf: bytes) -> list[str]:
    lines: list[str] = []
    last = None
    for page, char, _, (_, y) in _chars(pdf):
        if unicodedata.category(char) != "Mn" and (page, round(y)) != last:
            lines.append("")
            last = (page, round(y))
        lines[-1] += char
    return [recompose_sara_am(line) for line in lines if line.strip(" •") and not PAGE_NUMBER.fullmatch(line)]


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a4_with_sarabun_embedded_and_every_glyph_from_it(pdf):
    document = pdfium.PdfDocument(pdf)
    buffer = ctypes.create_string_buffer(200)
    fonts = set()
    for page in document:
        assert page.get_size() == pytest.approx(A4, abs=0.5)
        assert pdfium_c.FPDFPage_GetAnnotCount(page.raw) == 0, "no links or other annotations"
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,)):
            font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
            length = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
            assert pdfium_c.FPDFFont_GetIsEmbedded(font)
            fonts.add(buffer.raw[: max(length - 1, 0)].decode())
    assert fonts and all(re.fullmatch(r"([A-Z]{6}\+)?Sarabun(-Bold)?", f) for f in fonts), fonts
    assert len(pdf) < 60_000


def test_memo_lines_are_intact_and_in_order(pdf, memo):
    lines = pdf_lines(pdf)
    assert lines[0] == "บันทึกข้อความ"
    assert "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" in lines
    assert lines[-2:] == ["(นางอำไพ บัวระดก)", "พัฒนาการจังหวัดเชียงราย"]
    pages = [[c for p, c, _, _ in _chars(pdf) if p == number] for number in (1, 2)]
    assert pages[1], "this memo takes two pages"
    assert "".join(pages[1]).endswith("- ๒ -") and "-" not in "".join(pages[0])[-5:], "page numbers from page 2"
    flat = _bare("".join(lines))
    expected = [
        "บันทึกข้อความ",
        "ส่วนราชการ สำนักงานพัฒนาชุมชนจังหวัดเชียงราย กลุ่มงานส่งเสริมการพัฒนาชุมชน โทร ๐ ๕๓๑๗ ๗๓๕๐",
        "ที่ ชร ๐๐๑๙.๒/",
        "วันที่ ๒๑ มกราคม ๒๕๖๘",
        f"เรื่อง {memo.subject}",
        "เรียน พัฒนาการอำเภอเวียงชัย",
        "ตามหนังสือจังหวัดเชียงราย ที่ ชร ๐๐๑๙.๒/ว ๓๐๓๒๒ ลงวันที่ ๒ ธันวาคม ๒๕๖๗",
        "๑. ข้อ ๑ แต่งตั้งหรือทบทวนคณะทำงานขับเคลื่อนการพัฒนาศูนย์เรียนรู้ ที่ประกอบด้วยภาคีการพัฒนาทั้ง ๗ ภาคส่วน"
        " (กำหนด ๓๑ ธ.ค. ๒๕๖๗ เกินกำหนด ๒๑ วัน)",
        "๑.๑ ขาดผู้แทน ๔ ภาคี: ภาควิชาการ, ภาคศาสนา, ภาคสื่อมวลชน, ภาคประชาชน",
        "ยังไม่ส่งรายงานเดือน ม.ค. ๒๕๖๘ เกินกำหนด ๑ วัน (กำหนด ๒๐ ม.ค. ๒๕๖๘)",
        f"แท็บ คณะทำงานขับเคลื่อน เซลล์ D5 ไม่รู้จักภาคี “{HARD}”",
        "ไม่รู้จักภาคี “<script>alert(1)</script>”",
        'ไม่รู้จักภาคี “=HYPERLINK("http://evil.example","คลิก")”',
        "ทั้งนี้ ได้เลยกำหนดส่งวันที่ ๒๐ มกราคม ๒๕๖๘ มาแล้ว",
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ",
        "(นางอำไพ บัวระดก)",
    ]
    position = 0
    for text in expected:
        found = flat.find(_bare(text), position)
        assert found >= position, f"not found (in order): {text}"
        position = found + len(_bare(text))


def _boundaries(text: str) -> set[int]:
    """Offsets, in `text` without whitespace, where a pythainlp (newmm) word or a space ends, or
    where the characters on either side are not both Thai (a long Latin run, such as a URL, may
    break where pango allows: pdf._LONGEST_KEPT_WHOLE)."""
    ends, offset = {0}, 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        offset += len(_bare(token))
        ends.add(offset)
    bare = _bare(text)
    thai = re.compile(r"[\u0E01-\u0E4E]")
    ends |= {i for i in range(1, len(bare)) if not (thai.match(bare[i - 1]) and thai.match(bare[i]))}
    return ends


def test_lines_break_between_words(pdf, memo):
    lines = [_bare(line) for line in pdf_lines(pdf)]
    breaks, offset = [], 0
    for line in lines:
        offset += len(line)
        breaks.append(offset)
    flat = "".join(lines)
    paragraphs = [line.strip().removeprefix("- ") for line in memo.text.splitlines() if line.startswith("    ")]
    checked = 0
    for paragraph in paragraphs:
        start = flat.find(_bare(paragraph))
        assert start >= 0, f"paragraph not intact in the PDF: {paragraph}"
        inside = [b - start for b in breaks if start < b < start + len(_bare(paragraph))]
        allowed, bare = _boundaries(paragraph), _bare(paragraph)
        for cut in inside:
            assert cut in allowed, f"line broken inside a word: {bare[:cut][-12:]}|{bare[cut:][:12]}"
        checked += len(inside)
    assert checked >= 8, "the memo should wrap several body lines"


_UPPER_VOWELS = set("\u0E31\u0E34\u0E35\u0E36\u0E37\u0E47")
_TONES = set("\u0E48\u0E49\u0E4A\u0E4B\u0E4C")


def test_thai_marks_sit_on_their_consonant_and_do_not_collide(pdf):
    base = vowel = None
    marks = 0
    for _, char, (left, bottom, right, top), _ in _chars(pdf):
        if unicodedata.category(char) != "Mn":
            base, vowel = (left, bottom, right, top), None
            continue
        if char in "\u0E4D":  # NIKHAHIT of SARA AM: sits over the consonant before it, checked with it
            continue
        marks += 1
        centre = (left + right) / 2
        assert base[0] - 1 <= centre <= base[2] + 1, f"mark {char!r} floats away from its consonant"
        if char in _UPPER_VOWELS:
            vowel = (left, bottom, right, top)
        elif char in _TONES and vowel:
            assert bottom >= vowel[3] - 0.6, f"tone mark {char!r} collides with the vowel under it"
    assert marks > 100


def test_html_text_is_escaped_again_after_typesetting():
    document = "<html><body><p>ภาคี &lt;script&gt;alert(1)&lt;/script&gt; &amp; ที่</p></body></html>"
    html = typeset(document)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert html.count("<p>") == 1


def test_summary_memo_pdf_tables_every_district(config):
    results = [_result(config, compliant_tabs() if i % 3 else {}, d.code) for i, d in enumerate(config.districts)]
    memo = summary(config, Report(AS_OF, 2568, results), AS_OF)
    pdf = render_pdf(memo.html, keep_whole(config))
    lines = pdf_lines(pdf)
    flat = "".join(lines)
    position = 0
    for district in config.districts:
        position = flat.index(district.name, position)
    assert "อำเภอที่ดำเนินการครบถ้วน ๑๑ อำเภอ" in flat
    assert lines[-2:] == ["(นางสาวพิมพ์ใจ ศรีสุข)", "หัวหน้ากลุ่มงานส่งเสริมการพัฒนาชุมชน"]
    assert len(pdfium.PdfDocument(pdf)) >= 1


@pytest.mark.parametrize("width", ["9cm", "12.5cm"])
def test_a_long_thai_paragraph_breaks_between_words_at_any_width(config, width):
    paragraph = (
        "สำนักงานพัฒนาชุมชนจังหวัดเชียงรายได้ตรวจสอบข้อมูลในสเปรดชีตของอำเภอเวียงป่าเป้าและอำเภอเวียงเชียงรุ้ง"
        "พบว่าคณะทำงานขับเคลื่อนยังขาดผู้แทนภาคประชาสังคมและภาคสื่อมวลชน ขอให้ดำเนินการแต่งตั้งเพิ่มเติมโดยด่วน"
        "แล้วรายงานผลการดำเนินกิจกรรมตามแผนพัฒนาศักยภาพศูนย์เรียนรู้ให้จังหวัดทราบภายในวันที่ ๒๐ กุมภาพันธ์ ๒๕๖๘"
    )
    document = (
        '<html lang="th"><head><style>@font-face { font-family: "Sarabun"; src: url("Sarabun-Regular.ttf"); }'
        f"body {{ font-family: Sarabun; font-size: 12pt; width: {width}; }}</style></head><body><p>{paragraph}</p>"
        "</body></html>"
    )
    lines = [_bare(line) for line in pdf_lines(render_pdf(document, keep_whole(config)))]
    assert "".join(lines) == _bare(paragraph) and len(lines) >= 4
    allowed, offset = _boundaries(paragraph), 0
    for line in lines[:-1]:
        offset += len(line)
        assert offset in allowed, f"line broken inside a word: {line[-10:]}|"
