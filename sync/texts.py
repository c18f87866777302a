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


def environment(autoescape: bool = False) -> jinja2.Environment:
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


def render(source: str, **values: Any) -> str:
    return _compiled(source).render(**values).strip()


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
