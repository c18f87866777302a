"""Shared by the rules: a finding a data problem keeps from being checked (DOMAIN.md §6 "One cause,
one finding"). It is `invalid`, names the data finding as its cause, and claims nothing missing or late."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from rules import Rule
from sync.model import DistrictData, Finding, Record, Status, Table


def blocked(rule: Rule, cause: Finding, **details) -> Finding:
    """The finding of `rule` that `cause` kept from being checked, with the rule's own `details`."""
    return Finding(rule.id, rule.item, Status.INVALID, {**details, "cause": cause.rule}, list(cause.cells), cause=cause)


def row_problem(district: DistrictData, table: Table, record: Record, headers: Iterable[str]) -> Finding | None:
    """The data finding on one of `headers` of `record` whose value could not be used (blank or unreadable)."""
    for header in headers:
        if header in table.columns and record.values.get(header) is None:
            problem = district.problem_at(table.cell(header, record))
            if problem is not None:
                return problem
    return None


def row_problems(
    district: DistrictData, table: Table, key: Callable[[Record], Hashable], headers: Iterable[str]
) -> dict[Hashable, Finding]:
    """For each `key` (what a row would count for: a month, a sector, ...), the data finding that keeps
    its first row from counting: a blank or unreadable value in one of `headers`. One pass over the rows."""
    headers = tuple(headers)
    found: dict[Hashable, Finding] = {}
    for record in table.records:
        value = key(record)
        if value is not None and value not in found and (problem := row_problem(district, table, record, headers)):
            found[value] = problem
    return found
