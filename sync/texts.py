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
    """The memo key of a render; most finding details hold only text, ints and None, and need no
    tagging (equal values of exactly these types are equal and of one type)."""
    if all(type(v) in _PLAIN for v in values.values()):
        return source, tuple(values.items())
    return source, _frozen(values), "tagged"


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


def message(finding: Finding) -> str:
    """The Thai message of a finding, from its rule id and status."""
    by_status = texts()["messages"].get(finding.rule, {})
    source = by_status.get(str(finding.status))
    if source is None:
        return status_label(finding.status)
    return render(source, **finding.details)


def explain(rule_id: str, programme, params: dict) -> str:
    """What a check looks at and what makes it pass, in Thai, with the configured facts."""
    return render(texts()["explain"][rule_id], p=programme, params=params)
