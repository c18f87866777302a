"""Thai texts from templates/texts.yaml, rendered with jinja2 and Thai-digit/date filters."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from sync.dates import thai_date, thai_month
from sync.model import Finding, Status
from sync.textnorm import to_thai_digits

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

QUOTE_LIMIT = 200  # characters of an officer's text quoted in a message, then "…"
LIST_LIMIT = 10  # values of a list named in a message, then "และอีก N รายการ"
LIST_ITEM_LIMIT = 60  # characters of each of those values
MESSAGE_LIMIT = 2000  # a whole message, whatever it quotes


def clip(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """`value` as text, cut to `limit` characters with "…" when longer."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _few(values: Any, limit: int = LIST_LIMIT, separator: str = ", ") -> str:
    """The first `limit` values (each cut to LIST_ITEM_LIMIT characters) joined, then how many more."""
    values = list(values)
    shown = separator.join(clip(v, LIST_ITEM_LIMIT) for v in values[:limit])
    if len(values) > limit:
        shown += " " + render(texts()["more"], n=len(values) - limit)
    return shown


def _thdate(value: Any, short: bool = True) -> str:
    if not value:
        return "-"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return thai_date(value, short=short)


def _thmonth(value: Any, short: bool = True) -> str:
    if isinstance(value, str):
        year, month = map(int, value.split("-"))
    else:
        year, month = value
    return thai_month(year, month, short=short)


@cache
def environment(autoescape: bool = False) -> jinja2.Environment:
    """The one jinja2 environment of the templates folder (per escaping mode): templates are
    compiled once per process. Shared: add nothing to it."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        th=lambda v: to_thai_digits(str(v)),
        thnum=lambda v: to_thai_digits(f"{v:,}"),
        clip=clip,
        few=_few,
        thdate=_thdate,
        thdatefull=lambda v: _thdate(v, short=False),
        thmonth=_thmonth,
        thmonthfull=lambda v: _thmonth(v, short=False),
    )
    return env


@cache
def texts() -> dict:
    return yaml.safe_load((TEMPLATES / "texts.yaml").read_text(encoding="utf-8"))


@cache
def _compiled(source: str) -> jinja2.Template:
    return environment().from_string(source)


_RENDERED: dict[tuple, str] = {}
_RENDERED_LIMIT = 20_000


_IMMUTABLE = (str, int, float, type(None), dt.date, dt.time)  # bool is an int, datetime a date


def _frozen(value: Any) -> Any:
    """A key that tells apart every value a template could render differently (1, 1.0 and True
    too); TypeError for anything but plain data (an object could change after it was remembered)."""
    if isinstance(value, dict):
        return dict, tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return type(value), tuple(_frozen(v) for v in value)
    if not isinstance(value, _IMMUTABLE):
        raise TypeError(type(value).__name__)
    return type(value), value


_PLAIN = (str, int, type(None))  # exactly these types: equal values of them render alike


def _key(source: str, values: dict[str, Any]) -> tuple:
    """The memo key of a render. Most finding details hold only text, ints, None and lists of
    these, and need no tagging: equal values of exactly these types are equal and of one type."""
    parts = []
    for name, value in values.items():
        kind = type(value)
        if kind in _PLAIN:
            parts.append((name, value))
        elif kind is list and all(type(v) in _PLAIN for v in value):
            parts.append((name, list, tuple(value)))
        else:
            return source, _frozen(values), "tagged"
    return source, tuple(parts)


def render(source: str, **values: Any) -> str:
    """`source` rendered with `values`, stripped. The same text with the same values (a pending
    month, a missing sector) is rendered by jinja2 once and then remembered."""
    try:
        key = _key(source, values)
    except TypeError:
        return _compiled(source).render(**values).strip()
    text = _RENDERED.get(key)
    if text is None:
        if len(_RENDERED) >= _RENDERED_LIMIT:
            _RENDERED.clear()
        text = _RENDERED[key] = _compiled(source).render(**values).strip()
    return text


def moment(when: dt.datetime) -> str:
    """A check time as officers read it: ๒๑ ม.ค. ๒๕๖๘ ๐๙:๓๐ น."""
    return render(texts()["moment"], date=when.date(), time=when.strftime("%H:%M"))


def status_label(status: Status | str) -> str:
    return texts()["statuses"][str(status)]


def item_title(item: int) -> str:
    return texts()["items"][item]


def location(cells: list[str]) -> str:
    """Where a finding is, as officers read it: 'แท็บ รายงานรายเดือน เซลล์ B3' (the first tab's cells)."""
    if not cells:
        return ""
    tab = cells[0].rpartition("!")[0]
    refs = [c.rpartition("!")[2] for c in cells if c.rpartition("!")[0] == tab]
    return render(texts()["where"], tab=tab, refs=refs)


def message(finding: Finding) -> str:
    """The Thai message of a finding, from its rule id and status. Templates may use `where` (its
    cells in words) and, for a finding a data problem kept from being checked, `because` (that
    problem's message). Never longer than MESSAGE_LIMIT."""
    by_status = texts()["messages"].get(finding.rule, {})
    source = by_status.get(str(finding.status))
    if source is None and finding.cause is not None:
        source = texts()["blocked"]
    if source is None:
        return status_label(finding.status)
    because = (finding.cause.message or message(finding.cause)) if finding.cause else ""
    values = {**finding.details, "where": location(finding.cells), "because": because}
    return clip(render(source, **values), MESSAGE_LIMIT)


def explain(rule_id: str, programme, params: dict) -> str:
    """What a check looks at and what makes it pass, in Thai, with the configured facts."""
    return render(texts()["explain"][rule_id], p=programme, params=params)
