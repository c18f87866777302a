"""What the CLI shows an operator: progress, the summary table, findings."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from sync.model import Status
from sync.texts import explain, item_title, status_label

if TYPE_CHECKING:
    from sync.checker import Report
    from sync.config import District
    from sync.pipeline import SyncOutcome

STYLE = {
    Status.OK: "green",
    Status.PENDING: "bright_black",
    Status.DUE_SOON: "yellow",
    Status.LATE: "yellow",
    Status.OVERDUE: "red",
    Status.INCOMPLETE: "red",
    Status.INVALID: "red",
    Status.ERROR: "magenta",
}

DATA_FINDINGS = (
    "data.missing_tab",
    "data.missing_column",
    "data.blank_required",
    "data.bad_date",
    "data.bad_value",
    "data.unknown_sector",
    "data.unknown_center",
    "data.unknown_dimension",
    "data.duplicate_row",
    "data.lookalike_status_tab",
    "source.unreadable",
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def say(text: str, style: str | None = None) -> None:
    """Print a line as it is: text from files, configs and errors is never read as markup."""
    out.print(text, markup=False, style=style)


@contextmanager
def progress_bar(total: int) -> Iterator:
    """A progress bar on stderr; yields the callback the pipeline calls after each district."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("districts", total=total)

        def advance(district: District) -> None:
            progress.update(task, advance=1, description=f"{district.code} {district.name}")

        yield advance


def _status(status: Status) -> Text:
    return Text(f"{status} ({status_label(status)})", style=STYLE[status])


def columns(headers: list[str], rows: list[list[str | Text]], right: frozenset[int] = frozenset()) -> Text:
    """Rows as aligned columns under a ruled header, as one Text: quick to print at 878 rows (a
    rich Table lays out every cell on its own), and no text in a cell is read as markup."""
    cells = [[Text(c) if isinstance(c, str) else c for c in row] for row in [headers, *rows]]
    widths = [max(c.cell_len for c in column) for column in zip(*cells, strict=True)]
    text = Text()
    last = len(widths) - 1
    for number, row in enumerate(cells):
        for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
            padding = " " * (width - cell.cell_len)
            if i in right:
                text.append_text(Text(padding) + cell)
            else:
                text.append_text(cell if i == last else cell + Text(padding))
            text.append("  " if i < last else "\n")
        if number == 0:
            text.append("  ".join("─" * w for w in widths) + "\n", style="dim")
    text.rstrip()
    return text


def summary_table(report: Report) -> Text:
    title = Text.assemble((f"as of {report.as_of.isoformat()} (fiscal year {report.fiscal_year})", "italic"), "\n")
    rows = [[d.code, d.name, _status(d.status), str(len(d.needs_action)), str(len(d.late))] for d in report.districts]
    return title + columns(["district", "name", "status", "needs action", "late"], rows, right=frozenset({3, 4}))


def show_findings(report: Report) -> None:
    """Each district's open findings: rule, status, message and cells (officer text, never markup)."""
    for d in report.districts:
        if not d.open_findings:
            continue
        text = Text.assemble("\n", (f"{d.code} {d.name}", "bold"), "\n")
        for f in d.open_findings:
            cells = f"  [{', '.join(f.cells)}]" if f.cells else ""
            text.append(f"  {f.rule:<20} ")
            text.append_text(_status(f.status))
            text.append(f"  {f.message}{cells}\n")
        text.rstrip()
        out.print(text)


TABLE_WIDTH = 100  # narrower terminals get one block per rule: the parameters never get cut


def rules_table(rules) -> None:
    """The rules as a table (one parameter a line), or one block per rule on a narrow terminal."""
    width = out.width
    if width >= TABLE_WIDTH:
        table = Table(title="rules")
        for column in ("rule", "item", "on", "parameters"):
            table.add_column(column, no_wrap=True)
        table.add_column("checks")
        for rule, enabled, params in rules:
            shown = "\n".join(f"{k}={v}" for k, v in params.items()) or "-"
            table.add_row(rule.id, str(rule.item), "yes" if enabled else "no", Text(shown), Text(rule.summary))
        out.print(table)
    else:
        for rule, enabled, params in rules:
            out.print(Text.assemble((rule.id, "bold"), f"  item {rule.item}, {'on' if enabled else 'off'}"))
            say(textwrap.fill(rule.summary, width, initial_indent="  ", subsequent_indent="  "))
            for name, value in params.items():
                say(textwrap.fill(f"{name}={value}", width, initial_indent="  - ", subsequent_indent="    "))
    found = "Data findings (raised while reading): " + ", ".join(DATA_FINDINGS)
    say(textwrap.fill(found, width, subsequent_indent="  "))


def explain_rule(rule, enabled, params, config) -> None:
    switched = "" if enabled else " [switched off]"
    out.print(Text.assemble((rule.id, "bold"), f" (item {rule.item}: {item_title(rule.item)}){switched}"))
    out.print(rule.summary, markup=False)
    out.print(explain(rule.id, config.programme, params), markup=False)
    if params:
        out.print("parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()), markup=False)


def show_outcome(outcome: SyncOutcome) -> None:
    out.print(summary_table(outcome.report))
    verb = "would write" if outcome.dry_run else "wrote"
    if outcome.status_written:
        where = f" in {outcome.status_location}" if outcome.status_location else ""
        say(f"status tab: {verb} {len(outcome.status_written)} ({', '.join(outcome.status_written)}){where}")
    if outcome.status_unchanged:
        say(f"status tab: unchanged {len(outcome.status_unchanged)}")
    if outcome.status_failed:
        say(f"status tab: not written {len(outcome.status_failed)} ({', '.join(outcome.status_failed)})", style="red")
    if outcome.summary:
        say(f"provincial summary: {outcome.summary}")
    if outcome.dry_run and outcome.planned_memos:
        say(f"memos: would write {len(outcome.planned_memos)} ({', '.join(outcome.planned_memos)})")
    elif outcome.dry_run and outcome.delivery is not None:
        say(f"memos: no memos due on {outcome.report.as_of} (config reminders)")
    elif outcome.memos:
        say(f"memos: {len(outcome.memos)} in {outcome.memos[0].parent}")
    for d in outcome.unreadable:
        say(f"could not read {d.code} {d.name}: {d.findings[0].details['reason']}", style="magenta")
