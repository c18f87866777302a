"""Thai-aware date and month parsing and formatting (sync.dates)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pythainlp.util.date import thai_abbr_months, thai_full_months

from sync.dates import (
    DateParseError,
    DateWindow,
    fiscal_window,
    parse_as_of,
    parse_date,
    parse_month,
    thai_date,
    thai_month,
)
from sync.textnorm import to_thai_digits

WINDOW = fiscal_window(2568)
DEC20 = date(2024, 12, 20)
SERIAL_DEC20 = (DEC20 - date(1899, 12, 30)).days  # 45646
ENGLISH_MONTHS = "January February March April May June July August September October November December".split()


def test_fiscal_window():
    assert fiscal_window(2568) == DateWindow(date(2022, 10, 1), date(2027, 9, 30))
    assert fiscal_window(2568, margin_years=0) == (date(2024, 10, 1), date(2025, 9, 30))
    assert fiscal_window(2568).start == date(2022, 10, 1)


# --- parse_date: the forms officers type ---------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "20/12/2567",
        "20/12/67",
        "20-12-2567",
        "20.12.67",
        "20 ธ.ค. 67",
        "20 ธ.ค.67",
        "20ธค67",
        "20 ธ.ค 2567",
        "๒๐ ธันวาคม ๒๕๖๗",
        "20 ธันวาคม พ.ศ. 2567",
        "20 ธันวาคม พ.ศ.2567",
        "วันที่ 20 ธันวาคม 2567",
        "วันศุกร์ที่ 20 ธันวาคม 2567",
        "20 ธันวา 67",
        "2024-12-20",
        "2567-12-20",
        "2024-12-20 00:00:00",
        "2024-12-20T10:30:00",
        "20/12/2567 10:30",
        "20 Dec 2024",
        "20 December 2024",
        "December 20, 2024",
        "20th December 2024",
        "20/12/2024",
        "20/12/24",
        " 20 / 12 / 2567 ",
        "20\u200b/12/2567\u00a0",
        "๒๐/๑๒/๖๗",
        str(SERIAL_DEC20),
        to_thai_digits(str(SERIAL_DEC20)),
        f"{SERIAL_DEC20}.75",
    ],
)
def test_text_forms(value):
    assert parse_date(value, WINDOW) == DEC20


@pytest.mark.parametrize(
    "value",
    [
        DEC20,
        datetime(2024, 12, 20, 13, 45),
        datetime(2567, 12, 20),  # a date cell whose year is already BE
        date(2567, 12, 20),
        SERIAL_DEC20,
        float(SERIAL_DEC20),
        SERIAL_DEC20 + 0.5,  # time of day
        (date(2567, 12, 20) - date(1899, 12, 30)).days,  # serial of a cell holding the BE date
    ],
)
def test_cell_values(value):
    assert parse_date(value, WINDOW) == DEC20


def test_be_datetime_on_29_february_that_does_not_exist_in_ce():
    # 2568 BE is a leap year in the proleptic calendar, but 2025 CE is not.
    with pytest.raises(DateParseError, match="invalid date"):
        parse_date(datetime(2568, 2, 29), WINDOW)


def test_29_february_in_be_text():
    assert parse_date("29/02/2567", WINDOW) == date(2024, 2, 29)
    assert parse_date("29 ก.พ. 67", WINDOW) == date(2024, 2, 29)
    with pytest.raises(DateParseError, match="invalid date"):
        parse_date("29/02/2568", WINDOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1/10/65", date(2022, 10, 1)),  # BE reading, first day of the window
        ("30/9/70", date(2027, 9, 30)),  # BE reading, last day of the window
        ("1/10/22", date(2022, 10, 1)),  # CE reading
        ("30/9/27", date(2027, 9, 30)),  # CE reading
        ("5 มี.ค. 68", date(2025, 3, 5)),
        ("5 มีนาคม 68", date(2025, 3, 5)),
        ("5 พ.ค. 68", date(2025, 5, 5)),
        ("5 พ.ย. 67", date(2024, 11, 5)),
        ("10 กรกฎาคม 2568", date(2025, 7, 10)),
        ("10 กรกฏาคม 2568", date(2025, 7, 10)),  # common misspelling
        ("1 มิ.ย. 68", date(2025, 6, 1)),
        ("15 Sept 2025", date(2025, 9, 15)),
        ("20 ธ.ค. พ.ศ. 67", date(2024, 12, 20)),
    ],
)
def test_two_digit_years_and_month_names(value, expected):
    assert parse_date(value, WINDOW) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("20/12/50", "outside"),  # 2007 (BE) or 2050 (CE): neither in the window
        ("30/9/65", "outside"),  # 2022-09-30 (BE): one day before the window
        ("20/12/30", "outside"),
        ("20/12/2020", "outside"),  # four-digit CE year outside the window
        ("20/12/2467", "outside"),  # BE 2467 = 1924
        ("32/13/2567", "invalid date"),
        ("0/12/2567", "invalid date"),
        ("31/04/2568", "invalid date"),
        ("20/13/67", "invalid date"),
        ("20/12", "not a date"),
        ("ธันวาคม 2567", "not a date"),
        ("20 ธ.ค.", "not a date"),
        ("20/12/567", "2 or 4 digits"),
        ("20/12/2567 (ส่งทางอีเมล)", "unexpected character"),
        ("ส่งแล้ว", "unknown word"),
        ("20 ธ.ค. 2567 ค.ศ. พ.ศ.", "both BE and CE"),
        ("", "blank"),
        ("  \u200b ", "blank"),
        ("1" * 200, "too long"),
    ],
)
def test_bad_text(value, reason):
    with pytest.raises(DateParseError, match=reason):
        parse_date(value, WINDOW)


def test_two_readings_inside_the_window_are_ambiguous():
    wide = DateWindow(date(1950, 1, 1), date(2100, 12, 31))
    with pytest.raises(DateParseError, match="ambiguous"):
        parse_date("20/12/67", wide)  # 2024 (BE) and 2067 (CE)
    assert parse_date("20/12/2567", wide) == DEC20


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, -5, 12, 2567, 10**30, float("nan"), float("inf"), 45646e10, object(), [1]],
)
def test_bad_cells(value):
    with pytest.raises(DateParseError):
        parse_date(value, WINDOW)


def test_datetime_outside_the_window():
    with pytest.raises(DateParseError, match="outside"):
        parse_date(datetime(2020, 1, 1), WINDOW)


# --- parse_month -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "ธ.ค. 2567",
        "ธ.ค.67",
        "ธค 67",
        "ธันวาคม 67",
        "ธันวาคม 2567",
        "เดือนธันวาคม 2567",
        "เดือน ธันวาคม พ.ศ. 2567",
        "๑๒/๒๕๖๗",
        "ธ.ค. ๖๗",
        "12/2567",
        "12/67",
        "12-2567",
        "2024-12",
        "2567-12",
        "2024/12",
        "Dec 2024",
        "December 2024",
        "20/12/2567",
        "2024-12-01",
        "2024-12-01 00:00:00",
        str(SERIAL_DEC20),
        DEC20,
        datetime(2024, 12, 1),
        datetime(2567, 12, 1),
        SERIAL_DEC20,
        float(SERIAL_DEC20),
    ],
)
def test_month_forms(value):
    assert parse_month(value, WINDOW) == (2024, 12)


def test_month_from_be_datetime_on_29_february():
    assert parse_month(datetime(2568, 2, 29), WINDOW) == (2025, 2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1/68", (2025, 1)), ("ก.ย. 68", (2025, 9)), ("ต.ค. 65", (2022, 10)), ("ม.ค.2568", (2025, 1))],
)
def test_month_readings(value, expected):
    assert parse_month(value, WINDOW) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("13/2567", "invalid month"),
        ("0/2567", "invalid month"),
        ("ธ.ค.", "not a month"),
        ("12/20", "outside"),
        ("ก.ย. 65", "outside"),  # 2022-09, the month before the window
        ("ธ.ค. 2560", "outside"),
        ("ธ.ค. ธ.ค. 2567", "not a date"),
        ("ธันวาคม", "not a month"),
        ("abc", "unknown word"),
        ("", "blank"),
        (None, "not a date"),
        (True, "not a date"),
        (12, "outside"),
    ],
)
def test_bad_months(value, reason):
    with pytest.raises(DateParseError, match=reason):
        parse_month(value, WINDOW)


def test_ambiguous_month():
    with pytest.raises(DateParseError, match="ambiguous"):
        parse_month("12/67", DateWindow(date(1950, 1, 1), date(2100, 12, 31)))


# --- parse_as_of, formatting ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2025-01-21", "2568-01-21", "21/01/2568", "๒๑ มกราคม ๒๕๖๘"])
def test_parse_as_of(text):
    assert parse_as_of(text) == date(2025, 1, 21)


def test_parse_as_of_rejects_garbage():
    with pytest.raises(DateParseError):
        parse_as_of("tomorrow")


def test_thai_date_and_month():
    d = date(2025, 1, 21)
    assert thai_date(d) == "๒๑ มกราคม ๒๕๖๘"
    assert thai_date(d, short=True) == "๒๑ ม.ค. ๒๕๖๘"
    assert thai_date(d, thai_digits=False) == "21 มกราคม 2568"
    assert thai_month(2024, 12) == "ธ.ค. ๒๕๖๗"
    assert thai_month(2024, 12, short=False) == "ธันวาคม ๒๕๖๗"
    assert thai_month(2024, 12, thai_digits=False) == "ธ.ค. 2567"


# --- properties ----------------------------------------------------------------------------------


def _year(d: date, be: bool, two_digits: bool) -> str:
    year = d.year + 543 if be else d.year
    return f"{year % 100:02d}" if two_digits else str(year)


# Each form: (template, needs a four-digit year, always BE). Fields: d, m, mm, y, abbr, abbr_nodot,
# full, eng_abbr, eng_full.
TEXT_FORMS = [
    ("{d}/{m}/{y}", False, False),
    ("{dd}/{mm}/{y}", False, False),
    ("{d}-{m}-{y}", False, False),
    ("{d}.{m}.{y}", False, False),
    ("{d} {abbr} {y}", False, False),
    ("{d} {abbr}{y}", False, False),
    ("{d}{abbr_nodot}{y}", False, False),
    ("{d} {full} {y}", False, False),
    ("{d} {full} พ.ศ. {y}", False, True),
    ("วันที่ {d} {full} {y}", False, False),
    ("{y}-{mm}-{dd}", True, False),
    ("{y}-{mm}-{dd} 00:00:00", True, False),
    ("{d} {eng_abbr} {y}", False, False),
    ("{eng_full} {d}, {y}", False, False),
]


@st.composite
def rendered_dates(draw):
    d = draw(st.dates(min_value=WINDOW.start, max_value=WINDOW.end))
    template, four_digits, always_be = draw(st.sampled_from(TEXT_FORMS))
    be = always_be or draw(st.booleans())
    two_digits = not four_digits and draw(st.booleans())
    text = template.format(
        d=d.day,
        dd=f"{d.day:02d}",
        m=d.month,
        mm=f"{d.month:02d}",
        y=_year(d, be, two_digits),
        abbr=thai_abbr_months[d.month - 1],
        abbr_nodot=thai_abbr_months[d.month - 1].replace(".", ""),
        full=thai_full_months[d.month - 1],
        eng_abbr=ENGLISH_MONTHS[d.month - 1][:3],
        eng_full=ENGLISH_MONTHS[d.month - 1],
    )
    if draw(st.booleans()):
        text = to_thai_digits(text)
    return d, text


@given(rendered_dates())
@settings(max_examples=300, deadline=None)
def test_any_rendered_date_parses_back(case):
    expected, text = case
    assert parse_date(text, WINDOW) == expected


@given(st.dates(min_value=WINDOW.start, max_value=WINDOW.end), st.sampled_from(["date", "datetime", "be", "serial"]))
@settings(max_examples=200, deadline=None)
def test_any_date_cell_parses_back(d, kind):
    if kind == "date":
        value = d
    elif kind == "datetime":
        value = datetime(d.year, d.month, d.day, 8, 30)
    elif kind == "be":
        assume(not (d.month == 2 and d.day == 29))  # no such BE datetime
        value = datetime(d.year + 543, d.month, d.day)
    else:
        value = (d - date(1899, 12, 30)).days
    assert parse_date(value, WINDOW) == d
    assert parse_month(value, WINDOW) == (d.year, d.month)


MONTH_FORMS = ["{abbr} {y}", "{abbr}{y}", "{full} {y}", "เดือน{full} {y}", "{m}/{y}", "{eng_abbr} {y}"]


@given(
    st.dates(min_value=WINDOW.start, max_value=WINDOW.end),
    st.sampled_from(MONTH_FORMS),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_any_rendered_month_parses_back(d, template, be, two_digits, thai_digits):
    text = template.format(
        m=d.month,
        y=_year(d, be, two_digits),
        abbr=thai_abbr_months[d.month - 1],
        full=thai_full_months[d.month - 1],
        eng_abbr=ENGLISH_MONTHS[d.month - 1][:3],
    )
    if thai_digits:
        text = to_thai_digits(text)
    assert parse_month(text, WINDOW) == (d.year, d.month)


@given(st.dates(min_value=WINDOW.start, max_value=WINDOW.end))
@settings(max_examples=100, deadline=None)
def test_iso_month_parses_back(d):
    assert parse_month(f"{d.year}-{d.month:02d}", WINDOW) == (d.year, d.month)
    assert parse_month(f"{d.year + 543}-{d.month:02d}", WINDOW) == (d.year, d.month)


@given(st.dates(min_value=WINDOW.start, max_value=WINDOW.end), st.booleans(), st.booleans())
@settings(max_examples=100, deadline=None)
def test_thai_date_parses_back(d, thai_digits, short):
    assert parse_date(thai_date(d, thai_digits=thai_digits, short=short), WINDOW) == d
    assert parse_month(thai_month(d.year, d.month, thai_digits=thai_digits, short=short), WINDOW) == (
        d.year,
        d.month,
    )


_DATEISH = st.text(alphabet="0123456789๐๑๒๕๖๗/-.: ธค.พศันวาคมเดือนวันที่Decmbrt,()", max_size=30)


@given(st.one_of(st.text(), _DATEISH))
@settings(max_examples=300, deadline=None)
def test_arbitrary_text_raises_only_date_parse_error(text):
    for parse in (parse_date, parse_month):
        try:
            result = parse(text, WINDOW)
        except DateParseError:
            continue
        if parse is parse_date:
            assert WINDOW.start <= result <= WINDOW.end
        else:
            assert date(*result, 1) <= WINDOW.end


@given(st.one_of(st.integers(), st.floats(), st.none(), st.booleans()))
@settings(max_examples=200, deadline=None)
def test_arbitrary_cells_raise_only_date_parse_error(value):
    for parse in (parse_date, parse_month):
        try:
            parse(value, WINDOW)
        except DateParseError:
            pass


def test_serial_epoch_matches_spreadsheets():
    assert parse_date(SERIAL_DEC20, WINDOW) == date(1899, 12, 30) + timedelta(days=SERIAL_DEC20)
    assert SERIAL_DEC20 == 45646
