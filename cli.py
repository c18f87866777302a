"""Command line: `python cli.py check`, `sync`, `serve` (the scheduled service), `history`, `status`.

Installed as the console script `khoknongna` too (pyproject.toml).
"""

from __future__ import annotations

import gc
import sys

try:
    import logging
    import os
    import sqlite3
    from pathlib import Path

    import click

    from sync import clock, console, logs
    from sync.backends import BackendUnavailable
    from sync.config import MAX_AGE_MINUTES, ConfigError, load_config
    from sync.dates import DateParseError, parse_as_of
    from sync.delivery.line.cli import line_group
    from sync.jsontext import pretty
    from sync.pipeline import check_all, run_sync, select_districts
    from sync.preflight import check_folders, programme_warning
    from sync.service.lock import LockBusy, run_lock
except ModuleNotFoundError as missing:  # run by a Python that is not the project's .venv
    sys.exit(
        f"cli.py: this Python ({sys.executable}) lacks the package {missing.name!r}: run `make install` once, "
        "then `. .venv/bin/activate` and `python cli.py …` (or `.venv/bin/python cli.py …`, or `khoknongna …`)"
    )

EXIT_BUSY = 3  # another run (or another serve) holds the lock
# A run keeps every district's tables to its end: hundreds of thousands of small objects, which the
# cyclic garbage collector walks again and again at its default thresholds (700, 10, 10): 12% of
# an unchanged sync at 878 districts. Nothing the service builds is cyclic garbage in bulk.
GC_THRESHOLDS = (50_000, 20, 100)

DEFAULT_CONFIG = os.environ.get("KHOKNONGNA_CONFIG", "config/config.yaml")


def _as_of(ctx, param, value: str | None):
    if value is None:
        return clock.today()
    try:
        return parse_as_of(value)
    except DateParseError as exc:
        raise click.BadParameter(f"{value!r}: {exc}; write YYYY-MM-DD, CE or BE: 2025-01-21 or 2568-01-21") from None


config_option = click.option(
    "--config",
    "config_path",
    default=DEFAULT_CONFIG,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Configuration file (env KHOKNONGNA_CONFIG).",
)
workbooks_option = click.option(
    "--workbooks", type=click.Path(file_okay=False), help="Folder of district workbooks, instead of the config's."
)
district_option = click.option(
    "--district", "codes", multiple=True, metavar="CODE", help="Only this district (repeatable)."
)
as_of_option = click.option(
    "--as-of", callback=_as_of, metavar="DATE", help="Check as of this day, CE or BE (default: today in Bangkok)."
)


def _setup(config_path, workbooks, codes, *, folders: bool = False, writes: bool = False, email: bool = True):
    """Load the configuration and select the districts. `folders`: the run reads the workbooks
    folder; `writes`: it writes the outputs (their folders must be writable). Problems exit 2."""
    try:
        config = load_config(config_path, workbooks)
        logs.add_secrets(logs.secrets_from_config(config))
        if folders:
            check_folders(config, config_path, workbooks_override=workbooks is not None, writes=writes, email=email)
    except ConfigError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    try:
        districts = select_districts(config, codes)
    except KeyError as exc:
        raise click.BadParameter(f"unknown district code(s): {exc.args[0]}", param_hint="--district") from None
    return config, districts


def _warn_outside_programme(config, as_of) -> str | None:
    """Say on stderr when the as-of date is outside the programme's fiscal year; returns the warning."""
    warning = programme_warning(config, as_of)
    if warning:
        click.echo(warning, err=True)
    return warning


class Cli(click.Group):
    """Configuration problems found while running a command (e.g. a missing credentials file)
    end it with exit status 2 and a message, like those found while loading the file."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"configuration error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=Cli)
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
@click.option(
    "--log-format",
    type=click.Choice(logs.FORMATS),
    default="human",
    show_default=True,
    envvar="KHOKNONGNA_LOG_FORMAT",
    help="Log lines on stderr: human-readable, or JSON lines (env KHOKNONGNA_LOG_FORMAT).",
)
def cli(verbose: bool, log_format: str) -> None:
    """Check district โคก หนอง นา spreadsheets against the provincial letter."""
    logs.setup(log_format, logging.INFO if verbose else logging.WARNING)
    gc.set_threshold(*GC_THRESHOLDS)


@cli.command()
@config_option
@workbooks_option
@district_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--explain",
    "explain_what",
    metavar="RULE|ITEM",
    help="Explain a rule (e.g. monthly.report), or every rule of an item of the letter (e.g. 8), and exit.",
)
def check(config_path, workbooks, codes, as_of, fmt, explain_what):
    """Check districts and print the findings; writes nothing.

    Exit status: 0 all districts read, 1 some could not be read, 2 configuration or usage error.
    """
    from sync.backends import open_backend

    if explain_what:
        config, _ = _setup(config_path, workbooks, codes)
        for i, chosen in enumerate(_explained(_rules(config), explain_what)):
            if i:
                console.out.print()
            console.explain_rule(*chosen, config)
        return
    config, districts = _setup(config_path, workbooks, codes, folders=True)
    _warn_outside_programme(config, as_of)
    try:
        report = check_all(config, as_of, districts, open_backend(config))
    except BackendUnavailable as exc:
        click.echo(f"check failed: {exc}", err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(pretty(report.as_json()))
    else:
        console.out.print(console.summary_table(report))
        console.show_findings(report)
    sys.exit(1 if any(not d.readable for d in report.districts) else 0)


@cli.command()
@config_option
@workbooks_option
@district_option
@as_of_option
@click.option("--dry-run", is_flag=True, help="Write and send nothing; print what would change.")
@click.option("--no-email", is_flag=True, help="Do not render or send memos.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0, max=3600),
    metavar="SECONDS",
    help="How long to wait for a run in progress (default: schedule.lock_wait_seconds).",
)
@click.option(
    "--resend",
    is_flag=True,
    help="Send this run's memos even if the ledger records them as sent, and even on a day the reminder "
    "policy sends none (districts with nothing open still get none).",
)
def sync(config_path, workbooks, codes, as_of, dry_run, no_email, wait, resend):
    """Check districts, write their status tabs and the provincial summary, send due memos.

    Memos follow the reminder policy (config `reminders`) and go out once each (ledger in the
    state folder): by SMTP when email.smtp.host is set, else as .eml files into the outbox.

    Exit status: 0 all districts processed, 1 some could not be read (the rest are still
    processed), a status tab or the summary could not be written, memos could not be sent (they
    stay queued for the next run), or LINE refused a message or could not be reached (line.enabled;
    README "LINE groups"), 2 configuration or usage error, 3 another run was in progress and did not
    end in time.
    """
    config, districts = _setup(config_path, workbooks, codes, folders=True, writes=not dry_run, email=not no_email)
    _warn_outside_programme(config, as_of)
    wait = config.schedule.lock_wait_seconds if wait is None else wait
    holder = None if dry_run else run_lock(Path(config.outputs.state)).holder()
    if holder and wait:
        click.echo(f"waiting up to {wait:g} s for the run in progress ({holder.describe()})", err=True)
    try:
        with console.progress_bar(len(districts)) as advance:
            outcome = run_sync(
                config,
                as_of,
                districts,
                dry_run=dry_run,
                email=not no_email,
                progress=advance,
                lock_wait=wait,
                resend=resend,
            )
    except LockBusy as exc:
        click.echo(f"not run: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    except BackendUnavailable as exc:  # recorded as failed in the history
        click.echo(f"sync failed: {exc}", err=True)
        sys.exit(1)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a folder made read-only during the run
        click.echo(f"sync failed: {_write_error(exc, config)}", err=True)
        sys.exit(1)
    console.show_outcome(outcome)
    delivery = outcome.delivery
    if delivery:
        from sync.delivery.email import describe

        for line in describe(delivery, config):
            click.echo(line)
    if outcome.line:
        from sync.delivery.line.outcome import describe as describe_line

        for line in describe_line(outcome.line):
            click.echo(line)
    failed = outcome.unreadable or outcome.status_failed or (delivery and not delivery.ok)
    sys.exit(1 if failed or (outcome.line and not outcome.line.ok) else 0)


def _write_error(exc: Exception, config) -> str:
    """One line naming what could not be written: the file of an OSError, else the state folder
    (SQLite errors name no file: the history and the ledger live there)."""
    if isinstance(exc, OSError):
        target = exc.filename2 or exc.filename  # os.replace(temporary, target): the target is what matters
        return f"{exc.strerror or exc}: {target}" if target else str(exc)
    return f"{exc} (in the state folder {config.outputs.state})"


@cli.command("init")
@config_option
@click.option(
    "--backend",
    "backend_kind",
    type=click.Choice(["google", "xlsx"]),
    default="google",
    show_default=True,
    help="Where to provision the district spreadsheets: Google Sheets, or .xlsx workbooks in the workbooks folder.",
)
@click.option(
    "--from-xlsx",
    "from_xlsx",
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="(google) Upload each district's workbook from DIR into the spreadsheet init creates.",
)
@workbooks_option
@district_option
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would be created or repaired.")
def init(config_path, backend_kind, from_xlsx, workbooks, codes, dry_run):
    """Create each district's spreadsheet (tabs, headers, drop-downs, formats, the protected status
    tab; on Google also sharing and the provincial summary spreadsheet, and repairs of what an existing
    one lacks). With --backend xlsx: a workbook 'CODE NAME.xlsx' in the workbooks folder for each
    district that has none, with a first tab คำแนะนำ.

    Never writes officer cells, never overwrites a workbook, and never uploads over an existing
    spreadsheet; running it again changes nothing. Exit status: 0 every spreadsheet done, 1 some could
    not be, 2 configuration or usage error.
    """
    if backend_kind == "xlsx":
        _init_xlsx(config_path, workbooks, from_xlsx, codes, dry_run)
    if workbooks:
        raise click.BadParameter("only with --backend xlsx (Google: --from-xlsx DIR)", param_hint="--workbooks")
    from gspread.exceptions import APIError

    from sync.provision import Provisioner, load_workbooks

    config, districts = _setup(config_path, None, codes)
    try:
        provisioner = Provisioner(config)
        workbooks = load_workbooks(config, Path(from_xlsx), districts) if from_xlsx else None
        report = provisioner.run(districts, workbooks, dry_run=dry_run)
    except ConfigError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    except APIError as exc:
        click.echo(f"init failed: Google API error {exc.code}: {exc.error.get('message', exc)}", err=True)
        sys.exit(1)
    except OSError as exc:  # requests' connection errors and timeouts, after the retries
        click.echo(f"init failed: {exc}", err=True)
        sys.exit(1)
    _show_init(report, dry_run)


def _init_xlsx(config_path, workbooks, from_xlsx, codes, dry_run):
    """`init --backend xlsx`: the missing district workbooks, in --workbooks DIR or backend.workbooks."""
    from sync.provision.xlsx import XlsxProvisioner

    if from_xlsx:
        raise click.BadParameter("only with --backend google", param_hint="--from-xlsx")
    config, districts = _setup(config_path, None, codes)
    folder = Path(workbooks) if workbooks else None
    _show_init(XlsxProvisioner(config, folder).run(districts, dry_run=dry_run), dry_run)


def _show_init(report, dry_run):
    for outcome in report.outcomes:
        click.echo("\n".join(outcome.lines(dry_run)))
    click.echo(report.totals())
    sys.exit(1 if report.failed else 0)


def _explained(rules: dict, wanted: str) -> list:
    """The rules `--explain` names: one rule id, or an item number of the letter (8, ๘, ข้อ 8)."""
    from sync.textnorm import to_arabic_digits

    if wanted in rules:
        return [rules[wanted]]
    number = to_arabic_digits(wanted).removeprefix("ข้อ").strip()
    if number.isdecimal():
        chosen = [entry for entry in rules.values() if str(entry[0].item) == str(int(number))]
        if chosen:
            return chosen
        items = sorted({entry[0].item for entry in rules.values()})
        raise click.BadParameter(
            f"no rule checks item {number}; items with rules: {', '.join(map(str, items))}", param_hint="--explain"
        )
    raise click.BadParameter(
        f"no rule {wanted!r}: give a rule id or an item number (`cli.py rules` lists them)", param_hint="--explain"
    )


def _rules(config):
    from sync.checker import all_rules

    try:
        return all_rules(config)
    except ConfigError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)


@cli.command("rules")
@config_option
def list_rules(config_path):
    """List the checks: rule id, item of the letter, on/off and parameters."""
    config, _ = _setup(config_path, None, ())
    console.rules_table(_rules(config).values())


@cli.group("config")
def config_group():
    """Inspect the configuration."""


@config_group.command("show")
@config_option
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
def config_show(config_path, fmt):
    """Print the effective configuration (includes merged, paths resolved, secrets masked)."""
    from sync.config import effective

    config, _ = _setup(config_path, None, ())
    data = effective(config)
    if fmt == "json":
        click.echo(pretty(data))
    else:
        import yaml

        click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), nl=False)


@cli.group("memo")
def memo_group():
    """Thai memos (บันทึกข้อความ): look at one without sending it."""


@memo_group.command("preview")
@config_option
@workbooks_option
@click.option("--district", "code", metavar="CODE", help="The district of the reminder (needed for a reminder).")
@click.option("--kind", type=click.Choice(["reminder", "summary"]), default="reminder", show_default=True)
@as_of_option
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False), help="Also write the memo as an A4 PDF file.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write the memo's HTML file.")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False), help="Also write the memo as a Word file.")
def memo_preview(config_path, workbooks, code, kind, as_of, pdf_path, html_path, docx_path):
    """Print a memo as a run would send it: headers, whether the reminder policy and the ledger would
    send it today, and its text. Sends and records nothing.

    Exit status: 0 shown, 1 no memo (nothing open, or the district could not be read), 2 usage or
    configuration error.
    """
    from sync.backends import open_backend
    from sync.delivery.preview import preview
    from sync.outputs.memos import keep_whole, print_html, render_html

    if kind == "reminder" and not code:
        raise click.BadParameter("a reminder needs --district CODE", param_hint="--district")
    config, districts = _setup(config_path, workbooks, [code] if kind == "reminder" else (), folders=True)
    warning = _warn_outside_programme(config, as_of)
    report = check_all(config, as_of, districts, open_backend(config))
    memo, notes = preview(config, report, as_of, kind, code)
    if warning:
        notes.append(warning)
    if memo is None:
        click.echo("\n".join(notes))
        sys.exit(1)
    click.echo(f"From: {config.email.sender_name} <{config.email.sender}>")
    click.echo(f"To: {', '.join(memo.recipients) or '(none configured)'}")
    if memo.cc:
        click.echo(f"Cc: {', '.join(memo.cc)}")
    click.echo(f"Subject: {memo.subject}")
    attachments = [memo.attachment_name] * config.email.attach_pdf + [memo.docx_name] * config.email.attach_docx
    if attachments:
        click.echo(f"Attachments: {', '.join(attachments)}")
    click.echo("\n".join(notes))
    click.echo("-" * 72)
    click.echo(memo.text, nl=False)
    if html_path:
        from sync.outputs.pdf import font_base

        html = render_html(memo.kind, memo.context, font_base(), config.memo.garuda)
        Path(html_path).write_text(html, encoding="utf-8")
        click.echo(f"HTML written to {html_path}", err=True)
    if pdf_path:
        from sync.outputs.pdf import render_pdf

        Path(pdf_path).write_bytes(render_pdf(print_html(memo, config.memo.garuda), keep_whole(config)))
        click.echo(f"PDF written to {pdf_path}", err=True)
    if docx_path:
        from sync.outputs.docx import render_docx

        Path(docx_path).write_bytes(render_docx(memo.html, config.memo.garuda))
        click.echo(f"Word file written to {docx_path}", err=True)


@cli.command()
@config_option
def serve(config_path):
    """Run the sync, the reminder pass and the monthly summary on the configured schedule.

    Runs until SIGTERM or SIGINT (the district in hand is finished first). Exit status: 0 stopped
    by a signal, 2 configuration error, 3 another `serve` holds the service lock.
    """
    from sync.service.scheduler import Service

    config, _ = _setup(config_path, None, (), folders=True, writes=True)
    warning = programme_warning(config, clock.today())
    if warning:  # in the service's log format
        logging.getLogger("khoknongna").warning(warning.removeprefix("warning: "))
    if logging.getLogger("khoknongna").getEffectiveLevel() > logging.INFO:
        logging.getLogger("khoknongna").setLevel(logging.INFO)  # a service logs each run
    try:
        code = Service(config).run()
    except LockBusy as exc:
        click.echo(f"not started: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(code)


def _runs(config, limit: int):
    from sync.service.history import History

    state = Path(config.outputs.state)
    if not (state / "history.sqlite").exists():
        return None
    return History(state).recent(limit)


@cli.command("history")
@config_option
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(min=1, max=10_000), help="How many runs."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def history_command(config_path, limit, fmt):
    """Print the latest runs, newest first: times, status, districts, findings by status, memos, errors.

    `memos` is the number of memos the run wrote or sent, as in the table and in `status`;
    `memo_kinds` the kinds it was asked for (reminder, summary)."""
    from sync.service.scheduler import format_runs

    config, _ = _setup(config_path, None, ())
    runs = _runs(config, limit) or []
    if fmt == "json":
        click.echo(pretty([_run_json(r) for r in runs]))
    elif not runs:
        click.echo(f"no run recorded yet in {config.outputs.state}")
    else:
        click.echo("\n".join(format_runs(runs)))


def _run_json(run) -> dict:
    """A history row for scripts, with the names the table and `status` use."""
    from dataclasses import asdict

    data = asdict(run)
    data["memo_kinds"] = [kind for kind in data.pop("memos").split(",") if kind]
    data["memos"] = data.pop("emails")
    return data


@cli.command()
@config_option
@click.option(
    "--max-age",
    type=click.IntRange(min=1, max=MAX_AGE_MINUTES),
    metavar="MINUTES",
    help="The last run must have finished this recently (default: schedule.status_max_age_minutes, "
    "else judged against the schedule).",
)
def status(config_path, max_age):
    """Is the service alive? Prints one line why, then any memo waiting for the operator; exit 0 when the last run
    finished and is recent enough and no memo waits for the operator, 1 if not."""
    from sync.service.scheduler import health

    config, _ = _setup(config_path, None, ())
    runs = _runs(config, 5)
    if runs is None:
        click.echo(f"no run recorded yet in {config.outputs.state}")
        sys.exit(1)
    in_progress = run_lock(Path(config.outputs.state)).busy()
    ok, line = health(runs, clock.now(), config.schedule, in_progress=in_progress, max_age_minutes=max_age)
    click.echo(line)
    from sync.delivery.email import attention

    operator, waiting = attention(Path(config.outputs.state), config.email.retry, clock.now())
    for memo_line in operator + waiting:
        click.echo(memo_line)
    sys.exit(0 if ok and not operator else 1)


cli.add_command(line_group)  # `line webhook | preview | test` (sync/delivery/line/cli.py)

if __name__ == "__main__":
    cli(prog_name="cli.py")
