"""What a district reads: one line per cause, shared by the status tab, the memos and the messages.

A finding that a data problem kept from being checked (`details.cause`) is not a line of its own:
it joins the line of the data finding that caused it, so one missing column reads once, not once
per month or document it blocked ("ตรวจข้อ ๗ ไม่ได้: แท็บ ส่งเอกสารจังหวัด ไม่มีคอลัมน์ วันที่ส่ง
(กำหนดส่ง ๓๑ ธ.ค. ๒๕๖๗)").

Human outputs list at most `limit` lines of one kind (rule) per district, in the order the sheet has
them (tab by tab, row by row, the blocking ones first), then one line "และอีก M รายการ (…)" that
stands for the rest: a tab of 50,000 unreadable dates gives 11 lines, not 50,000. The JSON report
keeps every finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sync.checker import DistrictResult
from sync.model import Cause, Finding, Status, causes, worst
from sync.textnorm import to_thai_digits
from sync.texts import item_title, render, texts

LINES_PER_RULE = 10


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
    rule: str = ""  # the rule id of its cause (a data rule when it is a data problem)
    more: int = 0  # on the closing "และอีก M รายการ" line of a rule: how many lines it stands for

    @property
    def needs_action(self) -> bool:
        return self.status.needs_action

    @property
    def is_data_problem(self) -> bool:
        """A problem with the data itself (it names a tab and cell), whether or not it blocked a check."""
        return self.rule.startswith("data.")


def thai_items(items: tuple[int, ...]) -> str:
    """(2, 4, 5) → '๒, ๔ และ ๕'."""
    numbers = [to_thai_digits(str(i)) for i in items]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " และ " + numbers[-1]


def _due(findings: list[Finding]) -> dt.date | None:
    dues = [dt.date.fromisoformat(f.details["due"]) for f in findings if isinstance(f.details.get("due"), str)]
    return min(dues, default=None)


def _line(cause: Cause) -> ActionLine:
    finding = cause.finding
    if cause.blocked:
        due = _due(cause.blocked)
        text = render(texts()["actions"]["blocked"], items=thai_items(cause.items), because=finding.message, due=due)
        days_late = None
    else:
        text, due, days_late = finding.message, _due([finding]), finding.details.get("days_late")
    return ActionLine(
        cause.items, cause.status, text, list(finding.cells), due, days_late, cause.findings, finding.rule
    )


def problem_name(rule: str, items: tuple[int, ...] = ()) -> str:
    """The Thai name of a kind of problem (a data rule), or of the item a check is about."""
    names = texts()["problems"]
    if rule in names:
        return names[rule]
    return item_title(items[0]) if items else rule


def _capped(lines: list[ActionLine], limit: int) -> list[ActionLine]:
    out: list[ActionLine] = []
    kept: dict[str, int] = {}
    rest: dict[str, list[ActionLine]] = {}
    for line in lines:
        if kept.get(line.rule, 0) < limit:
            kept[line.rule] = kept.get(line.rule, 0) + 1
            out.append(line)
        else:
            rest.setdefault(line.rule, []).append(line)
    for rule, extra in rest.items():
        what = problem_name(rule, extra[0].items)
        text = render(texts()["actions"]["more"], n=len(extra), what=what)
        status = worst(line.status for line in extra)
        findings = [f for line in extra for f in line.findings]
        at = max(i for i, line in enumerate(out) if line.rule == rule) + 1
        items = () if rule.startswith("data.") else extra[0].items
        out.insert(at, ActionLine(items, status, text, [], None, None, findings, rule, more=len(extra)))
    return out


def action_lines(
    result: DistrictResult, *, only_open: bool = True, limit: int | None = LINES_PER_RULE
) -> list[ActionLine]:
    """The district's lines in the letter's order, data problems last; `only_open` keeps those an
    officer reads as open (needing action, or late). At most `limit` lines per rule, then one line
    for the rest (None: every line)."""
    findings = [f for f in result.findings if f.status.is_open or not only_open]
    lines = sorted((_line(c) for c in causes(findings)), key=lambda line: (not line.items, line.items))
    if limit is not None:
        lines = _capped(lines, limit)
    return lines
