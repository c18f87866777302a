"""What the CLI shows an operator: progress, the summary table, findings."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sync.checker import Report
from sync.config import District
from sync.model import Status
from sync.pipeline import SyncOutcome
from sync.texts import explain, item_title, status_label

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


@contextmanager
def progress_bar(total: int) -> Iterator:
    """A progress bar on stderr; yields the callback the pipeline calls after each district."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("districts", total=total)

        def advance(district: District) -> None:
            progress.update(task, advance=1, description=f"{district.code} {district.name}")

        yield advance


def _status(status: Status) -> str:
    return f"[{STYLE[status]}]{status} ({status_label(status)})[/]"


def summary_table(report: Report) -> Table:
    table = Table(title=f"as of {report.as_of.isoformat()} (fiscal year {report.fiscal_year})")
    table.add_column("district")
    table.add_column("name")
    table.add_column("status")
    table.add_column("open findings", justify="right")
    for d in report.districts:
        table.add_row(d.code, d.name, _status(d.status), str(len(d.open_findings)))
    return table


def show_findings(report: Report) -> None:
    for d in report.districts:
        if not d.open_findings:
            continue
        out.print(f"\n[bold]{d.code} {d.name}[/]")
        for f in d.open_findings:
            cells = f"  [{', '.join(f.cells)}]" if f.cells else ""
            out.print(f"  {f.rule:<20} {_status(f.status)}  {f.message}{cells}")


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
            table.add_row(rule.id, str(rule.item), "yes" if enabled else "no", shown, rule.summary)
        out.print(table)
    else:
        for rule, enabled, params in rules:
            out.print(f"[bold]{rule.id}[/]  item {rule.item}, {'on' if enabled else 'off'}")
            out.print(textwrap.fill(rule.summary, width, initial_indent="  ", subsequent_indent="  "))
            for name, value in params.items():
                out.print(textwrap.fill(f"{name}={value}", width, initial_indent="  - ", subsequent_indent="    "))
    found = "Data findings (raised while reading): " + ", ".join(DATA_FINDINGS)
    out.print(textwrap.fill(found, width, subsequent_indent="  "))


def explain_rule(rule, enabled, params, config) -> None:
    out.print(f"[bold]{rule.id}[/] (item {rule.item}: {item_title(rule.item)}){'' if enabled else ' [switched off]'}")
    out.print(rule.summary)
    out.print(explain(rule.id, config.programme, params))
    if params:
        out.print("parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()))


def show_outcome(outcome: SyncOutcome) -> None:
    out.print(summary_table(outcome.report))
    verb = "would write" if outcome.dry_run else "wrote"
    if outcome.status_written:
        where = f" in {outcome.status_location}" if outcome.status_location else ""
        out.print(f"status tab: {verb} {len(outcome.status_written)} ({', '.join(outcome.status_written)}){where}")
    if outcome.status_unchanged:
        out.print(f"status tab: unchanged {len(outcome.status_unchanged)}")
    if outcome.status_failed:
        out.print(f"[red]status tab: not written {len(outcome.status_failed)} ({', '.join(outcome.status_failed)})[/]")
    if outcome.summary:
        out.print(f"provincial summary: {outcome.summary}")
    if outcome.dry_run and outcome.planned_memos:
        out.print(f"memos: would write {len(outcome.planned_memos)} ({', '.join(outcome.planned_memos)})")
    elif outcome.dry_run and outcome.delivery is not None:
        out.print(f"memos: no memos due on {outcome.report.as_of} (config reminders)")
    elif outcome.memos:
        out.print(f"memos: {len(outcome.memos)} in {outcome.memos[0].parent}")
    for d in outcome.unreadable:
        out.print(f"[magenta]could not read {d.code} {d.name}: {d.findings[0].details['reason']}[/]")
