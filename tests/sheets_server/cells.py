"""Cell values: what RAW and USER_ENTERED input store, and how the three value render options show it.

Simplifications (locale is always en_US, as in the recorded cassettes):

* USER_ENTERED recognises formulas (``=...``), a leading apostrophe (forced text), TRUE/FALSE, numbers
  (``-1,234.5``, ``1e3``), percentages (``12.5%``), dollar amounts (``$1,234.50``), dates (``2024-12-20``,
  ``2024/12/20``, ``12/20/2024``, each optionally followed by ``10:30`` or ``10:30:15``) and times
  (``10:30``). A detected format belongs to the cell's value here; in Google it becomes the cell's
  ``userEnteredFormat`` and outlives a values clear.
* FORMATTED_VALUE shows numbers in Google's "General" style (integers without ``.0``, otherwise up to
  10 significant digits), or by a small set of patterns: ``0``, ``0.00``, ``#,##0``, ``#,##0.00``,
  ``$#,##0.00``, ``0%``, ``0.00%`` and date/time patterns made of ``yyyy yy mmmm mmm mm m dd d hh h ss``.
  A numberFormat set on the cell (repeatCell) takes precedence over the detected one; USER_ENTERED text
  typed into a cell whose numberFormat type is TEXT is kept as text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from .ranges import shared

EPOCH = dt.datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")


class _Skip:
    """A ``null`` in written values: the cell is left as it is."""

    def __repr__(self) -> str:
        return "SKIP"


SKIP = _Skip()


@dataclass
class ErrorValue:
    """A formula error such as ``#DIV/0!``; rendered as its code in every render option."""

    code: str
    message: str = ""

    @property
    def type(self) -> str:
        return {
            "#DIV/0!": "DIVIDE_BY_ZERO",
            "#VALUE!": "VALUE",
            "#REF!": "REF",
            "#NAME?": "NAME",
            "#N/A": "N_A",
            "#NUM!": "NUM",
        }.get(self.code, "ERROR")


@dataclass(frozen=True, slots=True)
class Cell:
    """A non-empty cell. ``value`` is str, int, float or bool; formula cells keep ``value`` None and are
    evaluated when read. ``fmt`` is a Sheets NumberFormat dict ({"type": ..., "pattern": ...}), shared
    by the cells that have the same one. Cells are never changed, so they may be shared too."""

    value: Any = None
    formula: str | None = None
    fmt: dict | None = None

    def __post_init__(self) -> None:
        if self.fmt is not None:
            object.__setattr__(self, "fmt", shared(self.fmt))

    def __deepcopy__(self, memo: dict) -> Cell:
        return self  # never changed: a snapshot of a sheet may share it

    def user_entered_value(self) -> dict:
        if self.formula is not None:
            return {"formulaValue": self.formula}
        return typed_value(self.value)


def typed_value(value: Any) -> dict:
    """An ExtendedValue: {"stringValue"}, {"numberValue"}, {"boolValue"} or {"errorValue"}."""
    if isinstance(value, ErrorValue):
        return {"errorValue": {"type": value.type, "message": value.message or value.code}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": json_number(value)}
    return {"stringValue": "" if value is None else str(value)}


def cell_from_extended_value(ev: dict) -> Cell | None:
    """The inverse of :func:`typed_value`, for ``repeatCell``/``updateCells`` userEnteredValue."""
    if not ev:
        return None
    if "formulaValue" in ev:
        return Cell(formula=str(ev["formulaValue"]))
    if "numberValue" in ev:
        return Cell(value=ev["numberValue"])
    if "boolValue" in ev:
        return Cell(value=bool(ev["boolValue"]))
    if "stringValue" in ev:
        return Cell(value=str(ev["stringValue"])) if ev["stringValue"] != "" else None
    raise ValueError("unsupported ExtendedValue")


def json_number(value: float | int) -> float | int:
    """Google's JSON has no "2.0": integral doubles are written as integers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# --------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(rf"([+-]?)({_NUM})\Z")
_PERCENT_RE = re.compile(rf"([+-]?)({_NUM})\s*%\Z")
_CURRENCY_RE = re.compile(rf"([+-]?)\$\s*({_NUM})\Z")
_TIME = r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_ISO_DATE_RE = re.compile(rf"(\d{{4}})([-/])(\d{{1,2}})\2(\d{{1,2}}){_TIME}\Z")
_US_DATE_RE = re.compile(rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}){_TIME}\Z")
_TIME_ONLY_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\Z")


def _to_number(text: str) -> float | int | None:
    if not any(ch.isdigit() for ch in text):
        return None
    plain = text.replace(",", "")
    try:
        if re.fullmatch(r"\d+", plain):
            return int(plain)
        return float(plain)
    except ValueError:
        return None


def _decimals(text: str) -> int:
    mantissa = re.split(r"[eE]", text)[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def _serial(d: dt.datetime) -> float | int:
    delta = d - EPOCH
    serial = delta.days + delta.seconds / 86400
    return json_number(float(serial))


def _date_cell(year: int, month: int, day: int, date_pattern: str, hh, mi, ss) -> Cell | None:
    try:
        when = dt.datetime(year, month, day)
        if hh is not None:
            when = when.replace(hour=int(hh), minute=int(mi), second=int(ss or 0))
    except ValueError:
        return None
    if hh is None:
        return Cell(value=_serial(when), fmt={"type": "DATE", "pattern": date_pattern})
    time_pattern = "hh:mm:ss" if ss is not None else "hh:mm"
    return Cell(value=_serial(when), fmt={"type": "DATE_TIME", "pattern": f"{date_pattern} {time_pattern}"})


def parse_user_entered(text: str) -> Cell | None:
    """What typing ``text`` into a cell stores (None: the cell becomes empty)."""
    if text == "":
        return None
    if text.startswith("'"):
        return Cell(value=text[1:]) if len(text) > 1 else None
    if text.startswith("=") and len(text) > 1:
        return Cell(formula=text)
    s = text.strip()
    if s.upper() in ("TRUE", "FALSE"):
        return Cell(value=s.upper() == "TRUE")
    m = _NUMBER_RE.match(s)
    if m and (n := _to_number(m.group(2))) is not None:
        value = -n if m.group(1) == "-" else n
        if "," in m.group(2):
            decimals = _decimals(m.group(2))
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return Cell(value=value, fmt={"type": "NUMBER", "pattern": pattern})
        if re.search(r"[eE]", m.group(2)):
            return Cell(value=json_number(float(value)), fmt={"type": "SCIENTIFIC", "pattern": "0.00E+00"})
        return Cell(value=value)
    m = _PERCENT_RE.match(s)
    if m and (n := _to_number(m.group(2))) is not None:
        value = (-n if m.group(1) == "-" else n) / 100
        decimals = _decimals(m.group(2))
        pattern = "0" + ("." + "0" * decimals if decimals else "") + "%"
        return Cell(value=json_number(round(value, 15)), fmt={"type": "PERCENT", "pattern": pattern})
    m = _CURRENCY_RE.match(s)
    if m and (n := _to_number(m.group(2))) is not None:
        value = -n if m.group(1) == "-" else n
        return Cell(value=value, fmt={"type": "CURRENCY", "pattern": '"$"#,##0.00'})
    m = _ISO_DATE_RE.match(s)
    if m:
        sep = m.group(2)
        cell = _date_cell(int(m.group(1)), int(m.group(3)), int(m.group(4)), f"yyyy{sep}mm{sep}dd",
                          m.group(5), m.group(6), m.group(7))
        if cell:
            return cell
    m = _US_DATE_RE.match(s)
    if m:
        cell = _date_cell(int(m.group(3)), int(m.group(1)), int(m.group(2)), "m/d/yyyy",
                          m.group(4), m.group(5), m.group(6))
        if cell:
            return cell
    m = _TIME_ONLY_RE.match(s)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60 and int(m.group(3) or 0) < 60:
        seconds = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3) or 0)
        pattern = "h:mm:ss" if m.group(3) else "h:mm"
        return Cell(value=json_number(seconds / 86400), fmt={"type": "TIME", "pattern": pattern})
    return Cell(value=text)


def cell_from_input(value: Any, input_option: str) -> Cell | None | _Skip:
    """One written value: SKIP for null, None for "" (clears), else the Cell to store. Python dates and
    datetimes (from the seeding helpers) become date serial numbers shown as ``yyyy-mm-dd``."""
    if value is None:
        return SKIP
    if isinstance(value, bool):
        return Cell(value=value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("non-finite number")
        return Cell(value=value)
    if isinstance(value, dt.datetime):  # only the Python seeding helpers can pass these
        return Cell(value=_serial(value.replace(tzinfo=None)),
                    fmt={"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"})
    if isinstance(value, dt.date):
        return Cell(value=_serial(dt.datetime(value.year, value.month, value.day)),
                    fmt={"type": "DATE", "pattern": "yyyy-mm-dd"})
    if isinstance(value, str):
        if input_option == "RAW":
            return Cell(value=value) if value != "" else None
        return parse_user_entered(value)
    raise ValueError(f"unsupported value {value!r}")


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


def general(value: float | int) -> str:
    """Sheets' "General"/automatic number display."""
    if isinstance(value, int) and abs(value) < 10**15:
        return str(value)
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return text


_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dd|d|hh|h|ss|s|am/pm|\"[^\"]*\"|.", re.IGNORECASE)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def serial_to_datetime(serial: float) -> dt.datetime:
    seconds = round(serial * 86400)
    return EPOCH + dt.timedelta(seconds=seconds)


def format_date(serial: float, pattern: str) -> str:
    when = serial_to_datetime(serial)
    tokens = [t for t in _DATE_TOKEN.findall(pattern)]
    twelve_hour = any(t.lower() == "am/pm" for t in tokens)
    out: list[str] = []
    last_was_hour = False
    for i, tok in enumerate(tokens):
        low = tok.lower()
        next_letters = next((t.lower() for t in tokens[i + 1:] if t.strip(" :-/.,") != ""), "")
        if low == "yyyy":
            out.append(f"{when.year:04d}")
        elif low == "yy":
            out.append(f"{when.year % 100:02d}")
        elif low in ("mm", "m") and (last_was_hour or next_letters in ("ss", "s")):
            out.append(f"{when.minute:02d}" if low == "mm" else str(when.minute))
        elif low == "mmmm":
            out.append(_MONTHS[when.month - 1])
        elif low == "mmm":
            out.append(_MONTHS[when.month - 1][:3])
        elif low == "mm":
            out.append(f"{when.month:02d}")
        elif low == "m":
            out.append(str(when.month))
        elif low == "dd":
            out.append(f"{when.day:02d}")
        elif low == "d":
            out.append(str(when.day))
        elif low in ("hh", "h"):
            hour = when.hour
            if twelve_hour:
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{when.second:02d}" if low == "ss" else str(when.second))
        elif low == "am/pm":
            out.append("AM" if when.hour < 12 else "PM")
        elif tok.startswith('"'):
            out.append(tok[1:-1])
        else:
            out.append(tok)
        if low in ("hh", "h"):
            last_was_hour = True
        elif low.strip(" :") != "":
            last_was_hour = False
    return "".join(out)


_NUMBER_PATTERN = re.compile(r'(?P<prefix>"[^"]*"|\$)?(?P<int>[#,0]*0)(?:\.(?P<dec>0+))?(?P<pct>%)?\Z')


def format_number(value: float | int, fmt: dict | None) -> str:
    if not fmt or not fmt.get("pattern"):
        if fmt and fmt.get("type") in DATE_TYPES:
            default = {"DATE": "m/d/yyyy", "TIME": "h:mm:ss", "DATE_TIME": "m/d/yyyy h:mm:ss"}[fmt["type"]]
            return format_date(value, default)
        if fmt and fmt.get("type") == "PERCENT":
            return general(json_number(round(value * 100, 10))) + "%"
        return general(value)
    pattern = fmt["pattern"]
    if fmt.get("type") == "TEXT":
        return general(value)
    if fmt.get("type") in DATE_TYPES:
        return format_date(value, pattern)
    m = _NUMBER_PATTERN.match(pattern)
    if not m:
        if pattern == "0.00E+00":
            mantissa, exp = f"{value:.2e}".split("e")
            return f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
        return general(value)
    number = value * 100 if m.group("pct") else value
    decimals = len(m.group("dec") or "")
    grouping = "," if "," in m.group("int") else ""
    text = f"{abs(number):{grouping}.{decimals}f}"
    prefix = (m.group("prefix") or "").strip('"')
    sign = "-" if number < 0 and float(text.replace(",", "")) != 0 else ""
    return f"{sign}{prefix}{text}{'%' if m.group('pct') else ''}"


def render_plain(value: Any, fmt: dict | None, render_option: str, datetime_option: str) -> Any:
    """Render a stored or computed value (not a formula's text)."""
    if isinstance(value, ErrorValue):
        return value.code
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if render_option == "FORMATTED_VALUE" else value
    if isinstance(value, (int, float)):
        if render_option == "FORMATTED_VALUE":
            return format_number(value, fmt)
        if fmt and fmt.get("type") in DATE_TYPES and datetime_option == "FORMATTED_STRING":
            return format_number(value, fmt)
        return json_number(value)
    return "" if value is None else value
