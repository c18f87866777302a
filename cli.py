"""Command line: `python cli.py check` and `python cli.py sync`."""

from __future__ import annotations

import json
import logging
import os
import sys

import click

from sync import clock, console
from sync.config import ConfigError, load_config
from sync.dates import DateParseError, parse_as_of
from sync.pipeline import check_all, run_sync, select_districts

DEFAULT_CONFIG = os.environ.get("KHOKNONGNA_CONFIG", "config/config.yaml")


def _as_of(ctx, param, value: str | None):
    if value is None:
        return clock.today()
    try:
        return parse_as_of(value)
    except DateParseError as exc:
        raise click.BadParameter(f"{value!r}: {exc} (use 2025-01-21 or 2568-01-21)") from None


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


def _setup(config_path, workbooks, codes):
    try:
        config = load_config(config_path, workbooks)
    except ConfigError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    try:
        districts = select_districts(config, codes)
    except KeyError as exc:
        raise click.BadParameter(f"unknown district code(s): {exc.args[0]}", param_hint="--district") from None
    return config, districts


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
def cli(verbose: bool) -> None:
    """Check district โคก หนอง นา spreadsheets against the provincial letter."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


@cli.command()
@config_option
@workbooks_option
@district_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--explain", "explain_rule", metavar="RULE", help="Explain one rule (e.g. committee.sectors) and exit.")
def check(config_path, workbooks, codes, as_of, fmt, explain_rule):
    """Check districts and print the findings; writes nothing.

    Exit status: 0 all districts read, 1 some could not be read, 2 configuration or usage error.
    """
    from sync.backends import open_backend

    config, districts = _setup(config_path, workbooks, codes)
    if explain_rule:
        rules = _rules(config)
        if explain_rule not in rules:
            raise click.BadParameter(f"no rule {explain_rule!r}; `cli.py rules` lists them", param_hint="--explain")
        console.explain_rule(*rules[explain_rule], config)
        return
    report = check_all(config, as_of, districts, open_backend(config))
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
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
def sync(config_path, workbooks, codes, as_of, dry_run, no_email):
    """Check districts, write their status tabs and the provincial summary, write memos.

    Exit status: 0 all districts processed, 1 some could not be read (the rest are still
    processed), 2 configuration or usage error.
    """
    config, districts = _setup(config_path, workbooks, codes)
    with console.progress_bar(len(districts)) as advance:
        outcome = run_sync(config, as_of, districts, dry_run=dry_run, email=not no_email, progress=advance)
    console.show_outcome(outcome)
    sys.exit(1 if outcome.unreadable else 0)


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
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        import yaml

        click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), nl=False)


if __name__ == "__main__":
    cli()
