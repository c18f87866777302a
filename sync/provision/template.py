"""What a new district spreadsheet holds, whichever backend makes it (DOMAIN.md §4).

The one description `init` uses for Google Sheets and for .xlsx workbooks: the contract tabs in order
with their row-1 headers (from `sync.schema`), one frozen header row, a drop-down of the configured
values on the columns that take one (warning only: officers' synonyms stay accepted), a date format on
date columns, a width per column, and the service's own status tab.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.config import Programme
from sync.normalise import find_tab
from sync.schema import DOCUMENT_ITEMS, STATUS, TABS, Kind, Tab

DATE_PATTERN = "dd/mm/yyyy"
DATE_TIME_PATTERN = "dd/mm/yyyy hh:mm"
MONTH_PATTERN = "mmm yyyy"
HEADER_FILL = "D9E1F2"  # the header rows' light blue, as the service's own tabs have it
# Columns whose cells get a drop-down of accepted values.
LIST_KINDS = (Kind.SECTOR, Kind.ROLE, Kind.CENTER_TYPE, Kind.DIMENSION, Kind.LEVEL, Kind.DOC_ITEM)
# Column widths (characters) by what a column holds; a header longer than its width widens it.
WIDTHS = {
    Kind.TEXT: 28,
    Kind.ROLE: 26,
    Kind.SECTOR: 18,
    Kind.CENTER_REF: 22,
    Kind.CENTER_TYPE: 10,
    Kind.DIMENSION: 24,
    Kind.LEVEL: 14,
    Kind.DATE: 14,
    Kind.MONTH: 16,
    Kind.DOC_ITEM: 8,
    Kind.NUMBER: 14,
}


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    kind: Kind
    required: bool
    for_item: int | None  # required only for this item's check
    choices: tuple[str, ...]  # the drop-down's values; empty: no drop-down
    width: float

    @property
    def is_date(self) -> bool:
        return self.kind is Kind.DATE


@dataclass(frozen=True)
class TemplateTab:
    name: str
    columns: tuple[TemplateColumn, ...]
    frozen_rows: int = 1

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def choices(programme: Programme) -> dict[Kind, list[str]]:
    """The accepted values of each drop-down column, from the programme configuration."""
    return {
        Kind.SECTOR: [s.name for s in programme.sectors],
        Kind.ROLE: list(programme.roles),
        Kind.CENTER_TYPE: [t.name for t in programme.center_types],
        Kind.DIMENSION: [d.name for d in programme.dimensions],
        Kind.LEVEL: list(programme.assessment_levels),
        Kind.DOC_ITEM: [str(n) for n in DOCUMENT_ITEMS],
    }


def contract_tabs(programme: Programme) -> list[TemplateTab]:
    """Every contract tab in order, as a new spreadsheet lays it out."""
    lists = choices(programme)
    return [
        TemplateTab(
            tab.name,
            tuple(
                TemplateColumn(
                    c.header,
                    c.kind,
                    c.required,
                    c.for_item,
                    tuple(lists.get(c.kind, ())) if c.kind in LIST_KINDS else (),
                    max(WIDTHS[c.kind], len(c.header) + 4),
                )
                for c in tab.columns
            ),
        )
        for tab in TABS.values()
    ]


def contract_tab(title: str) -> Tab | None:
    """The contract tab a spreadsheet's tab titled `title` is (matched loosely, as the check does)."""
    for tab in TABS.values():
        if find_tab({title: []}, tab.name) is not None:
            return tab
    return None


def is_status_tab(title: str) -> bool:
    """The service's own tab: its exact title only (a look-alike is an officer's tab)."""
    return title == STATUS
