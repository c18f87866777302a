"""Text normalisation and label matching (sync.textnorm)."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.util import normalize as thai_normalize

from sync.textnorm import (
    LabelMatcher,
    _allowed_edits,
    _distance,
    _keys,
    normalise_text,
    to_arabic_digits,
    to_thai_digits,
)

PROGRAMME_YAML = Path(__file__).resolve().parents[1] / "config" / "programme.yaml"


@pytest.fixture(scope="module")
def programme() -> dict:
    return yaml.safe_load(PROGRAMME_YAML.read_text(encoding="utf-8"))["programme"]


def _matcher(programme: dict, group: str, **kwargs) -> LabelMatcher:
    entries = programme[group]
    return LabelMatcher([(e["name"], e.get("synonyms", [])) for e in entries], **kwargs)


@pytest.fixture(scope="module")
def sectors(programme) -> LabelMatcher:
    return _matcher(programme, "sectors")


@pytest.fixture(scope="module")
def dimensions(programme) -> LabelMatcher:
    return _matcher(programme, "dimensions")


@pytest.fixture(scope="module")
def center_types(programme) -> LabelMatcher:
    return _matcher(programme, "center_types")


@pytest.fixture(scope="module")
def roles(programme) -> LabelMatcher:
    return LabelMatcher([(r, []) for r in programme["roles"]], max_edits=1)


# --- normalise_text and digits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  ชื่อ-สกุล  ", "ชื่อ-สกุล"),
        ("ชื่อ\u200b-\u200cสกุล\u200d\u2060\ufeff", "ชื่อ-สกุล"),
        ("ตำแหน่ง\u00adในคณะทำงาน", "ตำแหน่งในคณะทำงาน"),
        ("มิติ\u00a05P", "มิติ 5P"),
        ("มิติ \u2003\u3000\t\n 5P", "มิติ 5P"),
        ("คณะทํางาน", "คณะทำงาน"),  # nikhahit + sara aa -> sara am
        ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),  # with a tone mark in between
        (unicodedata.normalize("NFD", "Café"), "Café"),
        ("", ""),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_normalise_text_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.strip()
    assert "  " not in once


def _normalise_by_definition(text: str) -> str:
    """normalise_text spelt out step by step, every step on every text."""
    text = text.translate(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")))
    text = re.sub("\u0e4d([\u0e48-\u0e4b]*)\u0e32", "\\1\u0e33", text)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


# What cells hold: Thai letters, vowels and tone marks (nikhahit, sara aa, sara am), invisible
# characters, every kind of space, combining Latin, digits of both scripts; and anything at all.
_CELL_TEXT = st.text(
    alphabet=st.sampled_from(
        "กขคนมาำ\u0e4d\u0e32\u0e48\u0e49\u0e4a\u0e4b\u0e31\u0e34\u0e38ะเแ๐๑๙09aZé\u0301e\u0308"
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e \u00a0\t\n\r\u3000\u2003\u2028\x1c\x85.-/(ภาค)"
    )
)


@given(st.one_of(_CELL_TEXT, st.text()))
@settings(max_examples=2000, deadline=None)
def test_normalise_text_skips_only_steps_that_change_nothing(text):
    assert normalise_text(text) == _normalise_by_definition(text)


def test_digits_both_ways():
    assert to_arabic_digits("๒๐/๑๒/๒๕๖๗ ข้อ ๓") == "20/12/2567 ข้อ 3"
    assert to_thai_digits("20/12/2567 ข้อ 3") == "๒๐/๑๒/๒๕๖๗ ข้อ ๓"
    assert to_arabic_digits("") == "" == to_thai_digits("")


@given(st.text(alphabet="0123456789/ -abcกขค"))
@settings(max_examples=100, deadline=None)
def test_digit_conversion_round_trips(text):
    assert to_arabic_digits(to_thai_digits(text)) == text


# --- LabelMatcher: exact and synonyms ------------------------------------------------------------


def test_labels_in_config_order(sectors, programme):
    assert sectors.labels == tuple(s["name"] for s in programme["sectors"])


def test_every_configured_name_and_synonym_matches(programme):
    for group in ("sectors", "dimensions", "center_types"):
        matcher = _matcher(programme, group)
        for entry in programme[group]:
            for text in (entry["name"], *entry["synonyms"]):
                assert matcher.match(text) == entry["name"], (group, text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("หน่วยงานราชการ", "ภาครัฐ"),
        ("บริษัท", "ภาคเอกชน"),
        ("มหาวิทยาลัย", "ภาควิชาการ"),
        ("พระสงฆ์", "ภาคศาสนา"),
        ("สื่อ", "ภาคสื่อมวลชน"),
        ("ชุมชน", "ภาคประชาชน"),
        ("มูลนิธิ", "ภาคประชาสังคม"),
        # Latin case
        ("ngo", "ภาคประชาสังคม"),
        ("Ngos", "ภาคประชาสังคม"),
        # spaces, missing or extra, and invisible characters
        ("ภาค รัฐ", "ภาครัฐ"),
        ("  ภาคประชา  สังคม ", "ภาคประชาสังคม"),
        ("สื่อ มวลชน", "ภาคสื่อมวลชน"),
        ("ภาค\u200bรัฐ", "ภาครัฐ"),
        ("\ufeffภาคเอกชน\u00a0", "ภาคเอกชน"),
        # punctuation and brackets around, a remark in brackets
        ("(ภาครัฐ)", "ภาครัฐ"),
        ('"ภาคเอกชน"', "ภาคเอกชน"),
        ("- ภาคศาสนา -", "ภาคศาสนา"),
        ("ภาครัฐ.", "ภาครัฐ"),
        ("ภาครัฐ (อบต.)", "ภาครัฐ"),
        # ภาค missing or added
        ("รัฐ", "ภาครัฐ"),
        ("ภาควัด", "ภาคศาสนา"),
        ("ภาคบริษัท", "ภาคเอกชน"),
        # abbreviations
        ("ภ.รัฐ", "ภาครัฐ"),
        ("ภ.เอกชน", "ภาคเอกชน"),
        ("ภ. ประชาสังคม", "ภาคประชาสังคม"),
        ("ภ.สื่อ", "ภาคสื่อมวลชน"),
        ("อ.ป.ท.", "ภาครัฐ"),
        ("อปท", "ภาครัฐ"),
        ("ม.ราชภัฏ", "ภาควิชาการ"),
        ("N.G.O.", "ภาคประชาสังคม"),
        # typed with the keyboard in the English layout (Kedmanee keys)
        ("4k8gvd=o", "ภาคเอกชน"),
        ("Lklok", "ภาคศาสนา"),
        ("4k8iy{", "ภาครัฐ"),
        # Latin label typed with the keyboard in the Thai layout
        ("์ฌฯ", "ภาคประชาสังคม"),
        # small misspellings within the bound
        ("ภาคเอกชล", "ภาคเอกชน"),
        ("ภาคประชาชม", "ภาคประชาชน"),
        ("ภาคสือมวลชน", "ภาคสื่อมวลชน"),
        ("ภาคประชาสังคน", "ภาคประชาสังคม"),
        ("องค์กรพัฒนาเอกชม", "ภาคประชาสังคม"),
    ],
)
def test_sector_matching(sectors, typed, expected):
    assert sectors.match(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "\u200b",
        "ภาคอื่นๆ",
        "xyz",
        "รัด",  # 3 characters: no edits allowed
        "ประชา",  # truncated, could be ภาคประชาชน or ภาคประชาสังคม
        "ภาครชาการ",  # 2 edits from ภาคราชการ (ภาครัฐ) and from ภาควิชาการ: a tie
        "ภ.",  # abbreviates every sector
        "ภาคเอกกกกกชน",  # too many edits
    ],
)
def test_sector_no_match(sectors, typed):
    assert sectors.match(typed) is None


def test_none_is_no_match(sectors):
    assert sectors.match(None) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("P1", "พัฒนาคน (People)"),
        ("p 1", "พัฒนาคน (People)"),
        ("P๑", "พัฒนาคน (People)"),
        ("people", "พัฒนาคน (People)"),
        ("พัฒนาคน", "พัฒนาคน (People)"),
        ("พัฒนาคน(People)", "พัฒนาคน (People)"),
        ("(Place)", "พัฒนาพื้นที่ (Place)"),
        ("พัฒนาพื้นที", "พัฒนาพื้นที่ (Place)"),  # missing tone mark
        ("ภาคี", "ภาคีเครือข่าย (Partnership)"),  # ภาคี is not ภาค + ี
        ("Partnerships", "ภาคีเครือข่าย (Partnership)"),
        ("การตลาด", "การตลาดและประชาสัมพันธ์ (Promotion)"),
    ],
)
def test_dimension_matching(dimensions, typed, expected):
    assert dimensions.match(typed) == expected


@pytest.mark.parametrize("typed", ["P6", "P", "มิติ"])
def test_dimension_no_match(dimensions, typed):
    assert dimensions.match(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("clm", "CLM"), ("Hlm", "HLM"), ("ศูนย์ clm", "CLM"), ("HLM.", "HLM"), ("ครัวเรือนต้นแบ", "HLM")],
)
def test_center_type_matching(center_types, typed, expected):
    assert center_types.match(typed) == expected


@pytest.mark.parametrize("typed", ["CLN", "LM", "ศูนย์ LM", "ศูนย์ XLM"])
def test_center_type_short_or_ambiguous(center_types, typed):
    # CLM and HLM differ by one letter: short keys get no edits and ties match nothing.
    assert center_types.match(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("คณะทํางาน", "คณะทำงาน"),  # decomposed sara am
        (unicodedata.normalize("NFD", "คณะทำงานและเลขานุการ"), "คณะทำงานและเลขานุการ"),
        ("คณะทำงาน และ เลขานุการ", "คณะทำงานและเลขานุการ"),
        ("ประธาน", "ประธาน"),
        ("รองประธาน", "รองประธาน"),
        ("คณะทำงานและผู้ช่วยเลขานุการ", "คณะทำงานและผู้ช่วยเลขานุการ"),
        ("คณะทำงานและเลขานุกาล", "คณะทำงานและเลขานุการ"),
    ],
)
def test_role_matching(roles, typed, expected):
    assert roles.match(typed) == expected


def test_ties_between_canonicals_match_nothing():
    matcher = LabelMatcher([("north zone", []), ("south zone", [])])
    assert matcher.match("norrh zone") == "north zone"
    assert matcher.match("nouth zone") is None  # one edit from both


def test_exact_synonym_beats_closer_fuzzy_key():
    matcher = LabelMatcher([("สีแดง", ["แดง"]), ("สีดำ", ["แดงก่ำ"])])
    assert matcher.match("แดง") == "สีแดง"
    assert matcher.match("แดงก่ำ") == "สีดำ"


def test_same_key_for_two_canonicals_is_ambiguous():
    matcher = LabelMatcher([("A", ["ชุมชน"]), ("B", ["ชุมชน"])])
    assert matcher.match("ชุมชน") is None
    assert matcher.match("a") == "A"


def test_max_edits_zero_disables_fuzzy():
    matcher = LabelMatcher([("ภาคเอกชน", [])], max_edits=0)
    assert matcher.match("ภาคเอกชน") == "ภาคเอกชน"
    assert matcher.match("ภาคเอกชล") is None


def test_many_cells_are_fast(sectors):
    start = time.perf_counter()
    for i in range(500):
        sectors.match(f"ภาคเอกชน {i}")  # a new text each time: every tier runs
        sectors.match("ภาคเอกชน")
    assert time.perf_counter() - start < 3


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_match_never_raises(sectors, text):
    result = sectors.match(text)
    assert result is None or result in sectors.labels


@given(st.text(alphabet="ภาครัฐเอกชนประสังคมวิชศื่อ .()ํา\u200b", max_size=20))
@settings(max_examples=200, deadline=None)
def test_match_never_raises_on_thai_like_text(sectors, text):
    result = sectors.match(text)
    assert result is None or result in sectors.labels


# --- LabelMatcher: the index of near keys --------------------------------------------------------


def _nearest_by_scanning(matcher: LabelMatcher, keys: tuple[str, str]) -> set[str]:
    """What LabelMatcher._nearest finds, measuring every key (as it did before the index)."""
    limit = matcher._max_edits
    best: dict[str, tuple[int, bool]] = {}
    for typed, index in ((keys[0], matcher._exact), (keys[1], matcher._loose)):
        for key, names in index.items():
            d = _distance(typed, key, limit)
            if d > limit:
                continue
            within = d <= _allowed_edits(min(len(typed), len(key)), limit)
            for name in names:
                known = best.get(name, (limit + 1, False))
                if d < known[0] or (d == known[0] and within):
                    best[name] = (d, within)
    if not limit or not best:
        return set()
    closest = min(d for d, _ in best.values())
    winners = {name for name, (d, _) in best.items() if d == closest}
    return set() if len(winners) == 1 and not best[next(iter(winners))][1] else winners


@st.composite
def _typo(draw, programme) -> str:
    """A configured name or synonym with up to three characters inserted, deleted or replaced."""
    words = [w for g in ("sectors", "dimensions") for e in programme[g] for w in (e["name"], *e["synonyms"])]
    text = draw(st.sampled_from(words + programme["roles"]))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from("กขคงภาคเอนัิี่้ ํา.PN1"))
        text = draw(st.sampled_from([text[:at] + char + text[at:], text[:at] + text[at + 1 :],
                                     text[:at] + char + text[at + 1 :]]))
    return text


@given(st.data())
@settings(max_examples=400, deadline=None)
def test_the_near_key_index_finds_what_a_full_scan_finds(programme, sectors, dimensions, roles, data):
    typed = data.draw(_typo(programme))
    for matcher in (sectors, dimensions, roles):
        keys = _keys(typed)
        assert matcher._nearest(keys) == _nearest_by_scanning(matcher, keys)


@given(st.text(alphabet=st.characters(blacklist_characters=[chr(c) for c in range(0x0E00, 0x0E80)])))
@settings(max_examples=500, deadline=None)
def test_pythainlp_normalize_changes_no_normalised_text_without_thai(text):
    text = normalise_text(text)
    assert thai_normalize(text) == text
