"""Thai-aware parsing and formatting of dates and months typed in district spreadsheets.

Years >= 2400 are Buddhist Era (BE = CE + 543). Slash forms are always day/month/year. Where a
value can be read more than one way (two-digit years), the reading inside the window wins.
"""

from __future__ import annotations

import calendar
import functools
import math
import numbers
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, NamedTuple

from pythainlp.util.date import thai_abbr_months, thai_full_months, thai_full_weekdays

from sync.textnorm import normalise_text, to_arabic_digits, to_thai_digits

__all__ = [
    "DateParseError",
    "DateWindow",
    "fiscal_window",
    "parse_as_of",
    "parse_date",
    "parse_month",
    "thai_date",
    "thai_month",
]

BE_OFFSET = 543
_BE_FROM = 2400
_SERIAL_EPOCH = date(1899, 12, 30)  # Google Sheets / Excel (1900 system) day 0
_SERIAL_MAX = (date(9999, 12, 31) - _SERIAL_EPOCH).days
_MAX_TEXT = 80
_ENGLISH_MONTHS = "january february march april may june july august september october november december"
_ENGLISH_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"

_BE, _CE = "BE", "CE"


class DateParseError(ValueError):
    """A value that is not a usable date; the message is a short English reason."""


class DateWindow(NamedTuple):
    """Inclusive range of plausible dates."""

    start: date
    end: date


def fiscal_window(fiscal_year_be: int, margin_years: int = 2) -> DateWindow:
    """Thai fiscal year (1 Oct – 30 Sep, named by its BE end year) widened by `margin_years` each side."""
    end_ce = fiscal_year_be - BE_OFFSET
    return DateWindow(date(end_ce - 1 - margin_years, 10, 1), date(end_ce + margin_years, 9, 30))


def _thai_month_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for number, (full, abbr) in enumerate(zip(thai_full_months, thai_abbr_months, strict=True), 1):
        for word in (
            full,
            full.replace("ฎ", "ฏ"),  # กรกฏาคม, a common misspelling
            re.sub("(คม|ยน|พันธ์)$", "", full),  # ธันวา, เมษา, กุมภา (spoken short forms)
            abbr.replace(".", ""),  # ธค (dots are removed before lookup)
        ):
            words[normalise_text(word)] = number
    return words


_MONTH_WORDS = _thai_month_words()
_FILLER_WORDS = {
    **{word: None for word in ("วันที่", "วัน", "ที่", "เดือน", "ปี", "ณ", "ประจำเดือน")},
    **{day: None for day in thai_full_weekdays},
    **{day.removeprefix("วัน"): None for day in thai_full_weekdays},
    "พศ": _BE,
    "คศ": _CE,
}
_THAI_WORDS: dict[str, int | str | None] = {**_FILLER_WORDS, **_MONTH_WORDS}
_LATIN_ERAS = {"be": _BE, "ce": _CE, "ad": _CE}
_LATIN_FILLERS = {"st", "nd", "rd", "th", "of"}

_TIME = re.compile(r"(?:(?<=[0-9])t|\s+(?:เวลา\s*)?)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:\s*น\.?)?$")
_SERIAL_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_TOKEN = re.compile(
    r"(?P<num>[0-9]+)|(?P<latin>[a-z]+)|(?P<thai>[\u0e01-\u0e4f.]+)|(?P<sep>[\s/,\-\u2013\u2014]+)|(?P<bad>.)"
)

_Token = tuple[str, Any]  # ("num", "20") or ("month", 12)


@functools.lru_cache(maxsize=4096)
def _segment_thai(run: str) -> tuple[int | str | None, ...] | None:
    """Split a dot-free Thai run into known words (months, fillers, eras); None if impossible."""
    back: dict[int, tuple[int, str]] = {0: (0, "")}
    for start in range(len(run)):
        if start in back:
            for word in _THAI_WORDS:
                if run.startswith(word, start):
                    back.setdefault(start + len(word), (start, word))
    if len(run) not in back:
        return None
    words: list[int | str | None] = []
    end = len(run)
    while end:
        end, word = back[end]
        words.append(_THAI_WORDS[word])
    return tuple(reversed(words))


def _latin_word(word: str) -> int | str | None:
    """A month number, an era, or None for a filler word; DateParseError for anything else."""
    if word in _LATIN_ERAS:
        return _LATIN_ERAS[word]
    if word in _LATIN_FILLERS:
        return None
    if len(word) >= 3:
        for number, name in enumerate(_ENGLISH_MONTHS.split(), 1):
            if name.startswith(word):
                return number
        if any(day.startswith(word) for day in _ENGLISH_WEEKDAYS.split()):
            return None
    raise DateParseError(f"unknown word {word!r}")


def _tokenise(text: str) -> tuple[list[_Token], str | None]:
    """Numbers and month numbers of `text`, and the era it names (BE/CE) if any."""
    tokens: list[_Token] = []
    eras: set[str] = set()
    for found in _TOKEN.finditer(text):
        kind, piece = found.lastgroup, found.group()
        if kind == "num":
            tokens.append(("num", piece))
            continue
        if kind == "sep":
            continue
        if kind == "bad":
            raise DateParseError(f"unexpected character {piece!r}")
        if kind == "latin":
            words: tuple[int | str | None, ...] = (_latin_word(piece),)
        else:
            run = piece.replace(".", "")
            segmented = _segment_thai(run) if run else ()
            if segmented is None:
                raise DateParseError(f"unknown word {run!r}")
            words = segmented
        for word in words:
            if isinstance(word, int):
                tokens.append(("month", word))
            elif word is not None:
                eras.add(word)
    if len(eras) > 1:
        raise DateParseError("both BE and CE named")
    return tokens, next(iter(eras), None)


def _prepare(value: str) -> str:
    text = to_arabic_digits(normalise_text(value)).lower()
    if not text:
        raise DateParseError("blank")
    if len(text) > _MAX_TEXT:
        raise DateParseError("text too long for a date")
    return _TIME.sub("", text).strip()


def _year_readings(token: str, era: str | None) -> list[int]:
    """Every CE year a typed year can mean."""
    if len(token) == 4:
        year = int(token)
        if year < 1000:
            raise DateParseError(f"bad year {token}")
        return [year - BE_OFFSET if year >= _BE_FROM else year]
    if len(token) == 2:
        yy = int(token)
        readings = {_BE: 2500 + yy - BE_OFFSET, _CE: 2000 + yy}
        return [year for name, year in readings.items() if era in (None, name)]
    raise DateParseError(f"year {token!r} must have 2 or 4 digits")


def _number(token: _Token, what: str) -> int:
    kind, piece = token
    if kind == "month" and what == "month":
        return piece
    if kind != "num" or len(piece) > 2:
        raise DateParseError(f"bad {what}")
    return int(piece)


def _split_date(tokens: list[_Token]) -> tuple[int, int, str]:
    """(day, month, year token) of a three-part date."""
    kinds = [kind for kind, _ in tokens]
    if len(tokens) != 3 or kinds.count("month") > 1:
        raise DateParseError("not a date")
    first, middle, last = tokens
    if kinds[0] == "month":  # December 20, 2024
        day, month, year = middle, first, last
    elif kinds[0] == "num" and len(first[1]) == 4:  # 2024-12-20, 2567-12-20
        day, month, year = last, middle, first
    else:  # 20/12/2567, 20 ธ.ค. 67
        day, month, year = first, middle, last
    if year[0] != "num":
        raise DateParseError("no year")
    return _number(day, "day"), _number(month, "month"), year[1]


def _split_month(tokens: list[_Token]) -> tuple[int, str]:
    """(month, year token) of a two-part month."""
    if len(tokens) != 2:
        raise DateParseError("not a month")
    first, last = tokens
    if first[0] == "num" and len(first[1]) == 4:  # 2024-12, 2567 ธ.ค.
        first, last = last, first
    if last[0] != "num":
        raise DateParseError("no year")
    return _number(first, "month"), last[1]


def _month_overlaps(first: date, window: DateWindow) -> bool:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first <= window.end and last >= window.start


def _choose(readings: list[date], window: DateWindow, whole_month: bool = False) -> date:
    """The single reading inside the window (for a month: the month overlaps it)."""
    if whole_month:
        chosen = {r for r in readings if _month_overlaps(r, window)}
    else:
        chosen = {r for r in readings if window.start <= r <= window.end}
    if len(chosen) > 1:
        raise DateParseError("ambiguous year: more than one reading inside the window")
    if not chosen:
        shown = ", ".join(r.strftime("%Y-%m" if whole_month else "%Y-%m-%d") for r in readings)
        raise DateParseError(f"{shown} outside {window.start}..{window.end}")
    return chosen.pop()


def _ce_date(year: int, month: int, day: int) -> date:
    """The date, with a BE year (>= 2400) converted to CE."""
    try:
        return date(year - BE_OFFSET if year >= _BE_FROM else year, month, day)
    except ValueError:
        raise DateParseError(f"invalid date {day}/{month}/{year}") from None


def _from_serial(serial: numbers.Real) -> date:
    """A spreadsheet serial number (days since 1899-12-30) as a CE date."""
    if not 1 <= serial <= _SERIAL_MAX:  # also rejects NaN and infinities
        raise DateParseError("number is not a date serial")
    day = _SERIAL_EPOCH + timedelta(days=math.floor(serial))
    return _ce_date(day.year, day.month, day.day)


def _date_cell(value: Any) -> date:
    """The CE date of a date/datetime/serial cell (not text); DateParseError for anything else."""
    if isinstance(value, date):  # includes datetime
        return _ce_date(value.year, value.month, value.day)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _from_serial(value)
    raise DateParseError("not a date")


def _text_date(tokens: list[_Token], era: str | None, window: DateWindow) -> date:
    day, month, year = _split_date(tokens)
    readings = []
    for ce_year in _year_readings(year, era):
        try:
            readings.append(date(ce_year, month, day))
        except ValueError:
            continue
    if not readings:
        raise DateParseError(f"invalid date {day}/{month}/{year}")
    return _choose(readings, window)


def _text_month(tokens: list[_Token], era: str | None, window: DateWindow) -> date:
    month, year = _split_month(tokens)
    if not 1 <= month <= 12:
        raise DateParseError(f"invalid month {month}")
    return _choose([date(ce_year, month, 1) for ce_year in _year_readings(year, era)], window, whole_month=True)


_READINGS: dict[tuple, tuple[Any, str | None]] = {}
_READINGS_LIMIT = 20_000
_REMEMBERED_LENGTH = 100  # longer texts are no date anyway (_MAX_TEXT) and are not worth keeping


def _remembered(reader: Callable[[str, DateWindow], Any], text: str, window: DateWindow) -> Any:
    """reader(text, window), remembered: the same few hundred date texts recur across districts."""
    if len(text) > _REMEMBERED_LENGTH:
        return reader(text, window)
    key = (reader, text, window)
    found = _READINGS.get(key)
    if found is None:
        try:
            found = (reader(text, window), None)
        except DateParseError as exc:
            found = (None, str(exc))
        if len(_READINGS) >= _READINGS_LIMIT:
            _READINGS.clear()
        _READINGS[key] = found
    if found[1] is not None:
        raise DateParseError(found[1])
    return found[0]


def _date_text(value: str, window: DateWindow) -> date:
    text = _prepare(value)
    if not _SERIAL_TEXT.fullmatch(text):
        return _text_date(*_tokenise(text), window)
    return _choose([_from_serial(float(text))], window)


def _month_text(value: str, window: DateWindow) -> tuple[int, int]:
    text = _prepare(value)
    if _SERIAL_TEXT.fullmatch(text):
        chosen = _date_text(value, window)
    else:
        tokens, era = _tokenise(text)
        chosen = (_text_date if len(tokens) == 3 else _text_month)(tokens, era, window)
    return chosen.year, chosen.month


def parse_date(value: Any, window: DateWindow) -> date:
    """The CE date a cell means: a date/datetime (BE years allowed), a serial number, or Thai/English text."""
    if isinstance(value, str):
        return _remembered(_date_text, value, window)
    return _choose([_date_cell(value)], window)


def parse_month(value: Any, window: DateWindow) -> tuple[int, int]:
    """(CE year, month) of a month cell: "ธ.ค. 2567", "12/67", "2024-12", "Dec 2024", or any date."""
    if isinstance(value, str):
        return _remembered(_month_text, value, window)
    if isinstance(value, date):  # day ignored: a BE 29 Feb still names a month
        chosen = _choose([_ce_date(value.year, value.month, 1)], window, whole_month=True)
    else:
        chosen = parse_date(value, window)
    return chosen.year, chosen.month


_ISO_PARTS = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\s*")


def _wrong_iso_part(text: str) -> str | None:
    """Which part of a YYYY-MM-DD date is impossible ("month 13", "day 30: February 2025 has 28 days")."""
    match = _ISO_PARTS.fullmatch(to_arabic_digits(text))
    if not match:
        return None
    year, month, day = map(int, match.groups())
    if not 1 <= month <= 12:
        return f"month {month} (months are 1–12)"
    ce_year = year - BE_OFFSET if year >= _BE_FROM else year
    days = calendar.monthrange(ce_year, month)[1] if ce_year >= 1 else 31
    if not 1 <= day <= days:
        return f"day {day} ({calendar.month_name[month]} {year} has {days} days)"
    return None


def parse_as_of(text: str) -> date:
    """An as-of date from the command line: ISO CE ("2025-01-21"), ISO BE ("2568-01-21") or any date text.

    The error says which part is wrong ("month 13"), for the operator to correct what they typed."""
    wrong = _wrong_iso_part(text)
    if wrong:
        raise DateParseError(wrong)
    this_year = date.today().year
    return parse_date(text, DateWindow(date(this_year - 50, 1, 1), date(this_year + 50, 12, 31)))


def _digits(text: str, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits else text


def thai_date(d: date, thai_digits: bool = True, short: bool = False) -> str:
    """Thai date with BE year: ๒๑ มกราคม ๒๕๖๘ (short: ๒๑ ม.ค. ๒๕๖๘)."""
    month = (thai_abbr_months if short else thai_full_months)[d.month - 1]
    return _digits(f"{d.day} {month} {d.year + BE_OFFSET}", thai_digits)


def thai_month(year: int, month: int, thai_digits: bool = True, short: bool = True) -> str:
    """Thai month with BE year for a CE year and month: ธ.ค. ๒๕๖๗ (full: ธันวาคม ๒๕๖๗)."""
    name = (thai_abbr_months if short else thai_full_months)[month - 1]
    return _digits(f"{name} {year + BE_OFFSET}", thai_digits)
