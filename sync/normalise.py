"""Parse a raw district workbook into typed tables, raising `data.*` findings for what cannot be read.

Tabs and columns are found by header text (DOMAIN.md §4), never by position. Every cell that
cannot be read becomes a finding naming the cell; nothing is dropped silently.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from sync import schema
from sync.config import Programme
from sync.dates import DateParseError, fiscal_window, parse_date, parse_month
from sync.model import DistrictData, Finding, RawWorkbook, Record, Status, Table, a1
from sync.schema import Kind
from sync.textnorm import LabelMatcher, normalise_text, to_arabic_digits


def header_key(text: Any) -> str:
    """The form headers and tab names are compared in."""
    return normalise_text(str(text)) if text is not None else ""


def _loose(text: str) -> str:
    return _fold(header_key(text))


def _fold(text: str) -> str:
    """The loose form (`_loose`) of text that is normalised already."""
    return text.replace(" ", "").casefold()


class TabTitles:
    """The tab titles of one workbook by their compared forms, to find several tabs in it."""

    def __init__(self, titles):
        self.exact: dict[str, str] = {}
        self.loose: dict[str, str] = {}
        for title in titles:
            key = header_key(title)
            self.exact.setdefault(key, title)  # the first of equal titles, as in the workbook
            self.loose.setdefault(_fold(key), title)

    def find(self, name: str) -> str | None:
        """The actual title of the tab that is `name` after normalisation; else loosely (spaces
        and case aside); else None."""
        key = header_key(name)
        found = self.exact.get(key)
        return found if found is not None else self.loose.get(_fold(key))


def find_tab(tabs: dict[str, list[list[Any]]], name: str) -> str | None:
    """The actual title of the tab that is `name` after normalisation, if any."""
    return TabTitles(tabs).find(name)


def lookalike_status_tabs(titles) -> list[str]:
    """Tabs the loose matching would take for the service's status tab, though not titled exactly so:
    officers' tabs, which the service leaves alone and reports."""
    status = header_key(schema.STATUS)
    found = []
    for title in titles:
        key = header_key(title)
        if title != schema.STATUS and (key == status or _fold(key) == _fold(status)):
            found.append(title)
    return found


def find_columns(header_row: list[Any], tab: schema.Tab) -> dict[str, int]:
    """Index of each column of `tab` in `header_row` (the first header that matches, else the
    first that matches loosely); columns not there are left out."""
    return _find_columns(header_row, _header_keys(tab), _Texts())


class _Texts(dict):
    """The texts of one workbook as the parser works on them (`_cell`), each normalised once:
    about half of them repeat (sectors, roles, months, blanks)."""

    def __missing__(self, text: str) -> Any:
        self[text] = cell = normalise_text(text) or _BLANK
        return cell


def _find_columns(header_row: list[Any], wanted: tuple[tuple[str, str, str], ...], seen: _Texts) -> dict[str, int]:
    exact: dict[str, int] = {}
    loose: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        if isinstance(cell, str):
            key = _cell(cell, seen)
            key = "" if key is _BLANK else key
        else:
            key = header_key(cell)
        exact.setdefault(key, index)
        loose.setdefault(_fold(key), index)
    found: dict[str, int] = {}
    for header, key, folded in wanted:
        index = exact.get(key, loose.get(folded))
        if index is not None:
            found[header] = index
    return found


@functools.cache
def _header_keys(tab: schema.Tab) -> tuple[tuple[str, str, str], ...]:
    """(header, compared form, loose form) of each column of `tab`."""
    return tuple((c.header, header_key(c.header), _loose(c.header)) for c in tab.columns)


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DOC_ITEM = re.compile(r"^(?:ข้อ|ข\.)?\s*(\d+)\s*\.?$")
_BEYOND_FLOAT = 2**1024  # float() of an int this large overflows
_BLANK = object()  # a cell with nothing in it: None, NaN, or only spaces and invisible characters


def _text(cell: Any) -> str:
    """A cell (as `_cell` gives it) as text: 3.0 reads "3"."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return normalise_text(str(cell))


def _cell(value: Any, seen: _Texts) -> Any:
    """A cell as the parser works on it: text normalised, _BLANK for a blank cell (None, NaN, or
    nothing but spaces and invisible characters), any other value as it is."""
    if isinstance(value, str):
        return seen[value]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _BLANK
    return value


def _doc_item(cell: Any) -> int:
    found = _DOC_ITEM.match(to_arabic_digits(_text(cell)))
    try:
        number = int(found.group(1)) if found else None
    except ValueError:  # more digits than int() reads (4,300)
        number = None
    if number not in schema.DOCUMENT_ITEMS:
        raise LookupError(cell)
    return number


def _number(cell: Any) -> float:
    """An amount (งบประมาณ): a number cell, or text like "๑๒,๕๐๐ บาท"; no finite float is none."""
    if isinstance(cell, int | float):
        number = float(cell) if abs(cell) < _BEYOND_FLOAT else math.inf
    else:
        digits = to_arabic_digits(_text(cell)).replace(",", "").replace("บาท", "").strip()
        if not _NUMBER.match(digits):
            raise LookupError(cell)
        number = float(digits)
    if not math.isfinite(number):
        raise LookupError(cell)
    return number


def _label(matcher: LabelMatcher, cell: Any) -> str:
    match = matcher.match(_text(cell))
    if match is None:
        raise LookupError(cell)
    return match


class _Field(NamedTuple):
    """A column found in a tab: its header, index, contract and how its cells are converted."""

    header: str
    index: int
    column: schema.Column
    convert: Callable[[Any], Any]
    plain: bool  # text taken as it is (a text column)


class Parser:
    """Parses district workbooks for one programme configuration (matchers are built once)."""

    def __init__(self, programme: Programme):
        self.window = fiscal_window(programme.fiscal_year)
        self.total_row_words = tuple(normalise_text(w) for w in programme.total_row_words)
        self.matchers = {
            Kind.SECTOR: LabelMatcher([(s.name, s.synonyms) for s in programme.sectors]),
            Kind.ROLE: LabelMatcher([(r, []) for r in programme.roles], max_edits=1),
            Kind.DIMENSION: LabelMatcher([(d.name, d.synonyms) for d in programme.dimensions]),
            Kind.LEVEL: LabelMatcher([(lv, []) for lv in programme.assessment_levels], max_edits=1),
            Kind.CENTER_TYPE: LabelMatcher([(t.name, t.synonyms) for t in programme.center_types]),
        }
        window = self.window
        self.converters: dict[Kind, Callable[[Any], Any]] = {
            **{kind: functools.partial(_label, matcher) for kind, matcher in self.matchers.items()},
            Kind.DATE: lambda cell: parse_date(cell, window),
            Kind.MONTH: lambda cell: parse_month(cell, window),
            Kind.DOC_ITEM: _doc_item,
            Kind.NUMBER: _number,
        }
        self.columns = {tab.name: {c.header: c for c in tab.columns} for tab in schema.TABS.values()}
        self.header_keys = {tab.name: _header_keys(tab) for tab in schema.TABS.values()}

    def parse(self, raw: RawWorkbook, code: str, name: str) -> DistrictData:
        district = DistrictData(code=code, name=name, tables={})
        titles = TabTitles(raw.tabs)
        seen = _Texts()
        for tab in schema.TABS.values():
            district.tables[tab.name] = self._parse_tab(raw, titles.find(tab.name), tab, district.findings, seen)
        self._resolve_center_refs(district)
        for title in lookalike_status_tabs(raw.tabs):
            district.findings.append(
                Finding("data.lookalike_status_tab", None, Status.INVALID, {"tab": title}, [f"{title}!A1"])
            )
        return district

    def _parse_tab(
        self, raw: RawWorkbook, title: str | None, tab: schema.Tab, findings: list[Finding], seen: _Texts
    ) -> Table:
        if title is None:
            findings.append(Finding("data.missing_tab", None, Status.INVALID, {"tab": tab.name}))
            return Table(tab.name, present=False)
        rows = raw.tabs[title]
        header_keys = self.header_keys[tab.name]
        table = Table(tab.name, present=True, columns=_find_columns(rows[0] if rows else [], header_keys, seen))
        for column in tab.columns:
            if column.needed and column.header not in table.columns:
                findings.append(
                    Finding(
                        "data.missing_column",
                        None,
                        Status.INVALID,
                        {"tab": tab.name, "column": column.header},
                        [f"{tab.name}!1:1"],
                    )
                )
        fields = [self._field(tab, header, index) for header, index in table.columns.items()]
        if fields:
            table.records = self._records(tab, fields, rows, findings, seen)
        self._flag_duplicates(tab, table, findings)
        return table

    def _records(
        self, tab: schema.Tab, fields: list[_Field], rows: list[list[Any]], findings: list[Finding], seen: _Texts
    ) -> list[Record]:
        """The data rows of a tab (not blank, not a total row) as records of the found columns.

        The hot loop of a check: the cells of the found columns are picked in C, text is looked up
        in `seen` without a call, and a text column's normalised text is taken as it is."""
        indices = [f.index for f in fields]
        pick = operator.itemgetter(*indices)
        single, need = len(fields) == 1, max(indices) + 1
        records = []
        for offset, row in enumerate(itertools.islice(rows, 1, None), start=2):
            if len(row) < need:
                row = [*row, *itertools.repeat(None, need - len(row))]
            picked = (pick(row),) if single else pick(row)
            cells = [seen[v] if v.__class__ is str else _cell(v, seen) for v in picked]
            if cells.count(_BLANK) == len(cells) or self._is_total_row(row, seen):
                continue
            values = {}
            for field, cell in zip(fields, cells, strict=True):
                if field.plain and cell.__class__ is str:
                    values[field.header] = cell
                else:
                    values[field.header] = self._parse_cell(tab, field, cell, offset, findings)
            records.append(Record(row=offset, values=values))
        return records

    def _field(self, tab: schema.Tab, header: str, index: int) -> _Field:
        column = self.columns[tab.name][header]
        convert = self.converters.get(column.kind, _text)
        return _Field(header, index, column, convert, convert is _text)

    def _is_total_row(self, row: list[Any], seen: _Texts) -> bool:
        """Whether the first filled cell of `row` starts with a total word (รวม)."""
        for value in row:
            first = _cell(value, seen)
            if first is not _BLANK:
                return isinstance(first, str) and first.startswith(self.total_row_words or ("\0",))
        return False

    def _parse_cell(self, tab: schema.Tab, field: _Field, cell: Any, row: int, findings: list[Finding]) -> Any:
        """The parsed value of one cell (as `_cell` gives it), or None with a finding naming it."""
        if cell is _BLANK:
            if field.column.required:
                findings.append(
                    Finding(
                        "data.blank_required",
                        None,
                        Status.INVALID,
                        {"tab": tab.name, "column": field.header},
                        [a1(tab.name, field.index, row)],
                    )
                )
            return None
        try:
            return field.convert(cell)
        except DateParseError as exc:
            rule, details = "data.bad_date", {"value": _text(cell), "reason": str(exc)}
        except LookupError:
            rule = {
                Kind.SECTOR: "data.unknown_sector",
                Kind.DIMENSION: "data.unknown_dimension",
            }.get(field.column.kind, "data.bad_value")
            details = {"value": _text(cell), "column": field.header}
        findings.append(Finding(rule, None, Status.INVALID, details, [a1(tab.name, field.index, row)]))
        return None

    @staticmethod
    def _flag_duplicates(tab: schema.Tab, table: Table, findings: list[Finding]) -> None:
        if not tab.key or not table.has(*tab.key):
            return
        first_seen: dict[tuple, int] = {}
        for record in table.records:
            key = tuple(_fold(record.values.get(h) or "") for h in tab.key)
            if not all(key):
                continue
            if key in first_seen:
                cells = [a1(tab.name, table.columns[tab.key[0]], r) for r in (first_seen[key], record.row)]
                value = record.values[tab.key[0]]
                findings.append(
                    Finding("data.duplicate_row", None, Status.INVALID, {"tab": tab.name, "value": value}, cells)
                )
            else:
                first_seen[key] = record.row

    @staticmethod
    def _resolve_center_refs(district: DistrictData) -> None:
        """Turn centre references (code or name) into centre codes; unknown ones are findings."""
        centers = district.tables[schema.CENTERS]
        if not centers.has(schema.CENTER_CODE):
            return
        known: dict[str, str] = {}
        for record in centers.records:
            code = record.values.get(schema.CENTER_CODE)
            if code:
                known[_fold(code)] = code
                if record.values.get(schema.CENTER_NAME):
                    known.setdefault(_fold(record.values[schema.CENTER_NAME]), code)
        for tab, header in ((schema.NETWORK, schema.CENTER), (schema.PLAN, schema.CENTER_CODE)):
            table = district.tables[tab]
            if not table.has(header):
                continue
            for record in table.records:
                ref = record.values.get(header)
                if ref is None:
                    continue
                record.values[header] = known.get(_fold(ref))
                if record.values[header] is None:
                    district.findings.append(
                        Finding(
                            "data.unknown_center",
                            None,
                            Status.INVALID,
                            {"tab": tab, "value": ref},
                            [table.cell(header, record)],
                        )
                    )
