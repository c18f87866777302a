"""Parse a raw district workbook into typed tables, raising `data.*` findings for what cannot be read.

Tabs and columns are found by header text (DOMAIN.md §4), never by position. Every cell that
cannot be read becomes a finding naming the cell; nothing is dropped silently.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

from sync import schema
from sync.config import Programme
from sync.dates import DateParseError, fiscal_window, is_blank, parse_date, parse_month
from sync.model import DistrictData, Finding, RawWorkbook, Record, Status, Table, a1
from sync.schema import Kind
from sync.textnorm import LabelMatcher, normalise_text, to_arabic_digits


def header_key(text: Any) -> str:
    """The form headers and tab names are compared in."""
    return normalise_text(str(text)) if text is not None else ""


def _loose(text: str) -> str:
    return header_key(text).replace(" ", "").casefold()


def find_tab(tabs: dict[str, list[list[Any]]], name: str) -> str | None:
    """The actual title of the tab that is `name` after normalisation, if any."""
    for loose in (False, True):
        wanted = _loose(name) if loose else header_key(name)
        for title in tabs:
            if (_loose(title) if loose else header_key(title)) == wanted:
                return title
    return None


def find_columns(header_row: list[Any], tab: schema.Tab) -> dict[str, int]:
    found: dict[str, int] = {}
    keys = [header_key(cell) for cell in header_row]
    loose = [k.replace(" ", "").casefold() for k in keys]
    for column in tab.columns:
        for candidates, wanted in ((keys, header_key(column.header)), (loose, _loose(column.header))):
            if wanted in candidates:
                found[column.header] = candidates.index(wanted)
                break
    return found


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DOC_ITEM = re.compile(r"^(?:ข้อ|ข\.)?\s*(\d+)\s*\.?$")
_BLANK = object()  # a cell with nothing in it: None, NaN, or only spaces and invisible characters


def _text(cell: Any) -> str:
    """A cell (as `_cell` gives it) as text: 3.0 reads "3"."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return normalise_text(str(cell))


def _fold(text: str) -> str:
    """The loose form (`_loose`) of text that is normalised already."""
    return text.replace(" ", "").casefold()


def _cell(value: Any) -> Any:
    """A cell as the parser works on it: text normalised (once), _BLANK for a blank cell, any
    other value as it is. `is_blank` in one step with the normalisation."""
    if isinstance(value, str):
        return normalise_text(value) or _BLANK
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _BLANK
    return value


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
        self.columns = {tab.name: {c.header: c for c in tab.columns} for tab in schema.TABS.values()}

    def parse(self, raw: RawWorkbook, code: str, name: str) -> DistrictData:
        district = DistrictData(code=code, name=name, tables={})
        for tab in schema.TABS.values():
            district.tables[tab.name] = self._parse_tab(raw, tab, district.findings)
        self._resolve_center_refs(district)
        return district

    def _parse_tab(self, raw: RawWorkbook, tab: schema.Tab, findings: list[Finding]) -> Table:
        title = find_tab(raw.tabs, tab.name)
        if title is None:
            findings.append(Finding("data.missing_tab", None, Status.INVALID, {"tab": tab.name}))
            return Table(tab.name, present=False)
        rows = raw.tabs[title]
        table = Table(tab.name, present=True, columns=find_columns(rows[0] if rows else [], tab))
        for column in tab.columns:
            if column.required and column.header not in table.columns:
                findings.append(
                    Finding(
                        "data.missing_column",
                        None,
                        Status.INVALID,
                        {"tab": tab.name, "column": column.header},
                        [f"{tab.name}!1:1"],
                    )
                )
        columns = self.columns[tab.name]
        wanted = [(header, index, columns[header]) for header, index in table.columns.items()]
        for offset, row in enumerate(itertools.islice(rows, 1, None), start=2):
            width = len(row)
            cells = [(h, i, column, _cell(row[i] if i < width else None)) for h, i, column in wanted]
            if all(cell is _BLANK for *_, cell in cells) or self._is_total_row(row):
                continue
            record = Record(row=offset, values={})
            for header, index, column, cell in cells:
                record.values[header] = self._parse_cell(tab, column, index, cell, offset, findings)
            table.records.append(record)
        self._flag_duplicates(tab, table, findings)
        return table

    def _is_total_row(self, row: list[Any]) -> bool:
        first = next((v for v in row if not is_blank(v)), None)
        return isinstance(first, str) and normalise_text(first).startswith(self.total_row_words or ("\0",))

    def _parse_cell(self, tab: schema.Tab, column: schema.Column, index: int, cell: Any, row: int, findings) -> Any:
        """The parsed value of one cell (as `_cell` gives it), or None with a finding naming it."""
        if cell is _BLANK:
            if column.required:
                findings.append(
                    Finding(
                        "data.blank_required",
                        None,
                        Status.INVALID,
                        {"tab": tab.name, "column": column.header},
                        [a1(tab.name, index, row)],
                    )
                )
            return None
        try:
            return self._convert(column.kind, cell)
        except DateParseError as exc:
            rule, details = "data.bad_date", {"value": _text(cell), "reason": str(exc)}
        except LookupError:
            rule = {
                Kind.SECTOR: "data.unknown_sector",
                Kind.DIMENSION: "data.unknown_dimension",
            }.get(column.kind, "data.bad_value")
            details = {"value": _text(cell), "column": column.header}
        findings.append(Finding(rule, None, Status.INVALID, details, [a1(tab.name, index, row)]))
        return None

    def _convert(self, kind: Kind, cell: Any) -> Any:
        if kind is Kind.DATE:
            return parse_date(cell, self.window)
        if kind is Kind.MONTH:
            return parse_month(cell, self.window)
        text = _text(cell)
        if kind in self.matchers:
            match = self.matchers[kind].match(text)
            if match is None:
                raise LookupError(cell)
            return match
        if kind is Kind.DOC_ITEM:
            found = _DOC_ITEM.match(to_arabic_digits(text))
            try:
                number = int(found.group(1)) if found else None
            except ValueError:  # more digits than int() reads (4,300)
                number = None
            if number not in schema.DOCUMENT_ITEMS:
                raise LookupError(cell)
            return number
        if kind is Kind.NUMBER:
            if isinstance(cell, int | float):
                return float(cell)
            digits = to_arabic_digits(text).replace(",", "").replace("บาท", "").strip()
            if not _NUMBER.match(digits):
                raise LookupError(cell)
            return float(digits)
        return text

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
