"""What a district reads: one line per cause, shared by the status tab, the memos and the messages.

A finding that a data problem kept from being checked (`details.cause`) is not a line of its own:
it joins the line of the data finding that caused it, so one missing column reads once, not once
per month or document it blocked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sync.checker import DistrictResult
from sync.model import Finding, Status


@dataclass
class ActionLine:
    """One cause: a finding, or a data problem together with every check it blocked."""

    items: tuple[int, ...]  # the letter's items it concerns; () for a data problem that blocks no check
    status: Status
    text: str  # Thai, one line, naming the tab and cell where it is a data problem
    cells: list[str] = field(default_factory=list)
    due: dt.date | None = None  # the earliest due date it is about, if any
    days_late: int | None = None
    findings: list[Finding] = field(default_factory=list)  # what it stands for, in the JSON's shape

    @property
    def needs_action(self) -> bool:
        return self.status.needs_action


def _due(finding: Finding) -> dt.date | None:
    due = finding.details.get("due")
    return dt.date.fromisoformat(due) if isinstance(due, str) else None


def action_lines(result: DistrictResult, *, only_open: bool = True) -> list[ActionLine]:
    """The district's lines in the letter's order, data problems last; `only_open` keeps those an
    officer reads as open (needing action, or late)."""
    lines = []
    for finding in result.findings:
        if only_open and not finding.status.is_open:
            continue
        items = (finding.item,) if finding.item else ()
        lines.append(
            ActionLine(
                items,
                finding.status,
                finding.message,
                list(finding.cells),
                _due(finding),
                finding.details.get("days_late"),
                [finding],
            )
        )
    return sorted(lines, key=lambda line: (not line.items, line.items, -line.status.severity))
