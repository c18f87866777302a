"""A memo's HTML as an A4 PDF (weasyprint), with the Sarabun font embedded and Thai set properly.

The HTML is the memo template's (its @media print styles and @font-face rules naming the Sarabun
files, resolved here against the fontpkg-sarabun folder). Shaping (marks above and below their
consonant, tone marks stacked over vowels) is HarfBuzz's, through pango, with Sarabun's own
positioning tables. Before weasyprint sees the HTML, its text is prepared (`typeset`):

- Line breaks fall between words only. Thai has no spaces between words. pango's Thai breaker
  (libthai) mostly agrees with pythainlp's word tokenisation (newmm, with the configuration's
  names added to the dictionary), but it splits some compounds and words it does not know
  (สเปรดชีต, names). Where they disagree, a word pango would cut is wrapped in a
  `white-space: nowrap` span and a `<wbr>` marks a boundary pango would not break at. Markup is
  added only there: every inline element costs weasyprint layout time.
- Dates (๒๑ มกราคม ๒๕๖๘) stay on one line.
- Table cells are left to pango's own breaks: a narrow column (the summary's statuses) needs them,
  and libthai breaks the short labels there where a reader would (เกิน|กำหนด, ยังไม่|ครบ).
- SARA AM (ำ) is written as NIKHAHIT + SARA AA, in the order HarfBuzz uses anyway: the same glyphs
  in the same places, but every glyph then maps back to one character, so text copied or
  extracted from the PDF stays readable. Viewers give "ํา" for "ำ" (as for most Thai PDFs);
  `recompose_sara_am` turns it back. Without this, the SARA AA glyph shared by "า" and "ำ" makes
  viewers extract one as the other.

Fonts are embedded as subsets (a memo is about 20 KB). weasyprint subsets with fontTools unless
the system has libharfbuzz-subset (faster: fontTools takes some 0.3 s a memo on Sarabun's tables).
"""

from __future__ import annotations

import html
import logging
import re
import warnings
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import fontpkg_sarabun
from pythainlp.util.date import thai_abbr_months, thai_full_months

FONT_DIR = Path(fontpkg_sarabun.ROOT) / "files"
WORD_CLASS = "thw"
_STYLE = f".{WORD_CLASS} {{ white-space: nowrap; }} wbr {{ font-size: 0; line-height: 0; }}"
_THAI_LETTER = re.compile(r"[\u0E01-\u0E4E]")
# Marks HarfBuzz moves NIKHAHIT in front of when it decomposes SARA AM (hb-ot-shaper-thai.cc).
_ABOVE = "\u0e31\u0e34-\u0e37\u0e47-\u0e4e"
_SARA_AM = re.compile(f"([{_ABOVE}]*)\u0e33")
_DECOMPOSED_AM = re.compile(f"\u0e4d([{_ABOVE}]*)\u0e32")
# A date as the memos write it (๒๑ ม.ค. ๒๕๖๘, ๒๑ มกราคม ๒๕๖๘): kept on one line.
_MONTHS = "|".join(re.escape(m) for m in sorted(thai_full_months + thai_abbr_months, key=len, reverse=True))
_DATE = re.compile(f"[๐-๙0-9]{{1,2}} (?:{_MONTHS}) [๐-๙0-9]{{4}}")
_LONGEST_KEPT_WHOLE = 40  # longer runs (URLs, long numbers) may break where pango allows
_OPENING_QUOTE = re.compile(r"[“‘]+[^\s“‘]")  # pango may break after “: keep it with what it opens
_RAW_ELEMENTS = {"style", "script", "title", "head"}
_CELLS = {"td", "th"}


def font_base() -> str:
    """The Sarabun folder as a file: URI ending in '/', for @font-face of an HTML file on disk."""
    return FONT_DIR.as_uri() + "/"


def decompose_sara_am(text: str) -> str:
    return _SARA_AM.sub(lambda m: "\u0e4d" + m.group(1) + "\u0e32", text)


def recompose_sara_am(text: str) -> str:
    """Text extracted from our PDFs back to ordinary Thai: "ํา" (after any tone mark) → "ำ"."""
    return _DECOMPOSED_AM.sub(lambda m: m.group(1) + "\u0e33", text)


# Words pythainlp's dictionary lacks and would cut (สเปรดชีต → ส|เปร|ด|ชีต). Names from the
# configuration (districts, sectors, signers) come in through `words`.
DOMAIN_WORDS = frozenset({"สเปรดชีต", "แท็บ", "โคก", "ครัวเรือนต้นแบบ", "ศูนย์เรียนรู้", "คณะทำงาน"})


@cache
def _base_dictionary():
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(set(thai_words()) | DOMAIN_WORDS)


@cache
def _dictionary(extra: frozenset[str]):
    trie = _base_dictionary()  # built once (about a second); adding names to it is cheap and harmless
    for word in extra:
        trie.add(word)
    return trie


def words(text: str, extra: frozenset[str] = frozenset()) -> list[str]:
    """pythainlp's newmm tokenisation with the domain words (and `extra`) in its dictionary."""
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, custom_dict=_dictionary(extra), engine="newmm", keep_whitespace=True)


def _runs(text: str, extra: frozenset[str]) -> tuple[list[str], list[bool]]:
    """The text as runs (a word with the whitespace after it; punctuation, digits and Latin glued to
    their neighbour; a date kept whole) and, per run, whether a Thai word ends right before it
    (a break wanted there, with no space to break at)."""
    tokens = []
    position = 0
    for date in _DATE.finditer(text):
        tokens += words(text[position : date.start()], extra) + [date.group()]
        position = date.end()
    tokens += words(text[position:], extra)
    runs: list[str] = []
    thai_boundary: list[bool] = []
    for token in tokens:
        if runs and (token.isspace() or not (runs[-1][-1].isspace() or _thai_pair(runs[-1], token))):
            runs[-1] += token
        else:
            thai_boundary.append(bool(runs) and _thai_pair(runs[-1], token))
            runs.append(token)
    return runs, thai_boundary


def _thai_pair(before: str, after: str) -> bool:
    return bool(_THAI_LETTER.match(before[-1]) and _THAI_LETTER.match(after[0]))


def _pango_breaks(text: str) -> set[int]:
    """Where pango (with libthai) would allow a line break in `text`, as weasyprint lays it out."""
    from weasyprint.text.line_break import get_log_attrs

    _weasyprint()
    attrs = get_log_attrs(text, "th")
    return {i for i in range(1, len(text)) if attrs[i].is_line_break}


def typeset_text(text: str, extra: frozenset[str] = frozenset()) -> str:
    """One text node as HTML for the PDF: SARA AM decomposed, lines breakable between words only.

    pango already breaks Thai between words most of the time, so the markup is added only where
    it disagrees with pythainlp (markup costs layout time): a word pango would cut is wrapped in a
    nowrap span, a <wbr> goes where two Thai words meet and pango would not break. Wrapping splits
    the text pango sees, so this repeats until nothing changes.
    """
    if not _THAI_LETTER.search(text):
        return html.escape(text, quote=False)
    runs, thai_boundary = _runs(text, extra)
    runs = [decompose_sara_am(run) for run in runs]
    wrap = [False] * len(runs)
    wbr = [False] * len(runs)  # a <wbr> before run i
    changed = True
    while changed:
        changed = False
        start = 0
        while start < len(runs):  # one segment: runs that reach pango as one text
            end = start
            while end < len(runs) and not wrap[end] and (end == start or not wbr[end]):
                end += 1
            if end == start:  # a wrapped run: its own span; a Thai boundary next to it gets a <wbr>
                for i in (start, start + 1):
                    if i < len(runs) and thai_boundary[i] and not wbr[i]:
                        wbr[i] = changed = True
                start += 1
                continue
            breaks = _pango_breaks("".join(runs[start:end]))
            offset = 0
            for i in range(start, end):
                inside = range(offset + 1, offset + len(runs[i].rstrip()))
                if len(runs[i].rstrip()) <= _LONGEST_KEPT_WHOLE and any(b in breaks for b in inside):
                    wrap[i] = changed = True
                if i > start and thai_boundary[i] and offset not in breaks and not wbr[i]:
                    wbr[i] = changed = True
                offset += len(runs[i])
            start = end
    out = []
    for i, run in enumerate(runs):
        if wbr[i]:
            out.append("<wbr>")
        escaped = html.escape(run, quote=False)
        if not wrap[i]:
            escaped = _OPENING_QUOTE.sub(lambda m: f'<span class="{WORD_CLASS}">{m.group()}</span>', escaped)
        out.append(f'<span class="{WORD_CLASS}">{escaped}</span>' if wrap[i] else escaped)
    return "".join(out)


class _Typesetter(HTMLParser):
    """Rewrites the text nodes of the body with `typeset_text`; tags and styles pass unchanged."""

    def __init__(self, extra: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.extra = extra
        self.out: list[str] = []
        self.raw_depth = 0
        self.cell_depth = 0

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in _RAW_ELEMENTS:
            self.raw_depth += 1
        self.cell_depth += tag in _CELLS

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in _RAW_ELEMENTS:
            self.raw_depth = max(self.raw_depth - 1, 0)
        if tag in _CELLS:
            self.cell_depth = max(self.cell_depth - 1, 0)

    def handle_data(self, data):
        if self.raw_depth:
            # style and script content arrives raw; title text arrives unescaped
            self.out.append(data if self.lasttag in ("style", "script") else html.escape(data, quote=False))
        elif self.cell_depth:
            self.out.append(html.escape(decompose_sara_am(data), quote=False))
        else:
            self.out.append(typeset_text(data, self.extra))

    def handle_comment(self, data):
        pass


def typeset(document: str, extra: Iterable[str] = ()) -> str:
    """The HTML document with every text node of its body prepared by `typeset_text`."""
    parser = _Typesetter(frozenset(extra))
    parser.feed(document)
    parser.close()
    return "".join(parser.out)


class _QuietSubsetWarning(logging.Filter):
    """weasyprint warns on every PDF that it subsets fonts with fontTools (the system lacks
    libharfbuzz-subset); the PDFs are right either way. Its other warnings pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()


@cache
def _weasyprint():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint

    logging.getLogger("weasyprint").addFilter(_QuietSubsetWarning())
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return weasyprint, fonts, weasyprint.CSS(string=_STYLE, font_config=fonts)


def render_pdf(document: str, words: Iterable[str] = ()) -> bytes:
    """The A4 PDF of a memo's HTML (fonts resolved against the Sarabun folder, embedded as subsets).

    `words`: names to keep whole besides the dictionary's (memos.keep_whole(config)).
    """
    weasyprint, fonts, style = _weasyprint()
    page = weasyprint.HTML(string=typeset(document, words), base_url=font_base())
    # Subsets only: whole fonts (full_fonts) map back to text through the font's cmap alone, which
    # loses Thai mark variants (low and left-shifted tone marks) and garbles copied text.
    return page.write_pdf(stylesheets=[style], font_config=fonts)
