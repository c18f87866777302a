"""The data that flows through a run: raw workbooks, parsed tables, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """A finding's status (DOMAIN.md §6); Thai labels live in templates/texts.yaml."""

    OK = "ok"
    PENDING = "pending"
    DUE_SOON = "due_soon"
    LATE = "late"
    OVERDUE = "overdue"
    INCOMPLETE = "incomplete"
    INVALID = "invalid"
    ERROR = "error"

    @property
    def severity(self) -> int:
        """Higher is worse; a district or an item takes the worst status of its findings."""
        return _SEVERITY[self]

    @property
    def is_open(self) -> bool:
        """Something an officer has to act on."""
        return self not in (Status.OK, Status.PENDING)

    @property
    def needs_action(self) -> bool:
        """The district must act (DOMAIN.md §6 "Needs action"); `late` was done, only late, and needs none."""
        return self in (Status.INCOMPLETE, Status.OVERDUE, Status.DUE_SOON, Status.INVALID, Status.ERROR)


_SEVERITY = {
    Status.PENDING: 0,
    Status.OK: 1,
    Status.DUE_SOON: 2,
    Status.LATE: 3,
    Status.INVALID: 4,
    Status.OVERDUE: 5,
    Status.INCOMPLETE: 6,
    Status.ERROR: 7,
}


def worst(statuses, default: Status = Status.OK) -> Status:
    return max(statuses, key=lambda s: s.severity, default=default)


MISSING_TAB = "data.missing_tab"
MISSING_COLUMN = "data.missing_column"


@dataclass
class Finding:
    """One result of a check. A finding a data problem kept from being checked is `invalid` and has
    that data finding as its `cause` (in JSON: `details.cause` = its rule id, and its `cells`)."""

    rule: str
    item: int | None
    status: Status
    details: dict[str, Any] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)
    message: str = ""
    cause: Finding | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "item": self.item,
            "status": str(self.status),
            "message": self.message,
            "details": self.details,
            "cells": self.cells,
        }


@dataclass
class Cause:
    """One thing a district reads and acts on once (DOMAIN.md §6 "One cause, one finding"): a finding,
    or a data problem together with every finding it kept from being checked (`blocked`)."""

    finding: Finding
    blocked: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [self.finding, *self.blocked]

    @property
    def status(self) -> Status:
        return worst(f.status for f in self.findings)

    @property
    def items(self) -> tuple[int, ...]:
        """The letter's items it concerns: those of the checks it blocked, else its own; () for a data
        problem that blocked no check."""
        return tuple(sorted({f.item for f in self.findings if f.item}))

    @property
    def needs_action(self) -> bool:
        return self.status.needs_action


def causes(findings: list[Finding]) -> list[Cause]:
    """`findings` grouped by cause, in the order of each cause's first finding: a finding with a `cause`
    joins that data finding's group."""
    groups: dict[int, Cause] = {}
    for finding in findings:
        anchor = finding.cause if finding.cause is not None else finding
        group = groups.setdefault(id(anchor), Cause(anchor))
        if anchor is not finding:
            group.blocked.append(finding)
    return list(groups.values())


@dataclass
class RawWorkbook:
    """Every tab of a district spreadsheet as rows of cell values, as the backend read them."""

    source: str
    tabs: dict[str, list[list[Any]]]
    fingerprint: str = ""
    link: str = ""
    parsed: DistrictData | None = None  # these tabs parsed, when the backend has that (sync/cache.py)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1(tab: str, column: int, row: int) -> str:
    return f"{tab}!{column_letter(column)}{row}"


@dataclass
class Record:
    """One data row: parsed values by header (None when blank or unreadable) and its sheet row."""

    row: int
    values: dict[str, Any]


@dataclass
class Table:
    """A parsed tab. `present` is False when the tab is missing; `columns` maps header → index."""

    tab: str
    present: bool
    columns: dict[str, int] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)

    def has(self, *headers: str) -> bool:
        return self.present and all(h in self.columns for h in headers)

    def cell(self, header: str, record: Record) -> str:
        return a1(self.tab, self.columns[header], record.row)

    def column_range(self, header: str) -> str:
        """The column's data cells in A1 form, e.g. `คณะทำงานขับเคลื่อน!D2:D14` (one cell: `…!D2`)."""
        letter = column_letter(self.columns[header])
        last = max((r.row for r in self.records), default=2)
        return f"{self.tab}!{letter}2" if last <= 2 else f"{self.tab}!{letter}2:{letter}{last}"


@dataclass
class DistrictData:
    """A district's spreadsheet after parsing, with the data findings parsing raised."""

    code: str
    name: str
    tables: dict[str, Table]
    findings: list[Finding] = field(default_factory=list)
    _by_cell: dict[str, Finding] | None = field(default=None, repr=False, compare=False)

    def table(self, tab: str) -> Table:
        return self.tables[tab]

    def blocker(self, tab: str, *headers: str) -> Finding | None:
        """The data finding that keeps `headers` of `tab` from being read: the tab or a column is missing."""
        for finding in self.findings:
            if finding.details.get("tab") != tab:
                continue
            if finding.rule == MISSING_TAB or (finding.rule == MISSING_COLUMN and finding.details["column"] in headers):
                return finding
        return None

    def problem_at(self, cell: str) -> Finding | None:
        """The data finding about one cell (A1 form, `tab!B5`): its value is blank or unreadable."""
        if self._by_cell is None:
            self._by_cell = {}
            for finding in self.findings:
                if finding.rule.startswith("data.") and len(finding.cells) == 1:
                    self._by_cell.setdefault(finding.cells[0], finding)
        return self._by_cell.get(cell)
