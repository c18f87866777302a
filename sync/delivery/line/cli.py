"""`python cli.py line …`: learn group ids (webhook), look at a message (preview), send a test message."""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
from pathlib import Path

import click

from sync import clock, logs
from sync.config import Config, ConfigError, load_config
from sync.dates import DateParseError, parse_as_of

DEFAULT_CONFIG = os.environ.get("KHOKNONGNA_CONFIG", "config/config.yaml")

config_option = click.option(
    "--config", "config_path", default=DEFAULT_CONFIG, show_default=True, type=click.Path(dir_okay=False),
    help="Configuration file (env KHOKNONGNA_CONFIG).",
)


def _load(config_path: str, workbooks: str | None = None) -> Config:
    try:
        config = load_config(config_path, workbooks)
    except ConfigError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    logs.add_secrets(logs.secrets_from_config(config))
    return config


def _as_of(ctx, param, value):
    if value is None:
        return clock.today()
    try:
        return parse_as_of(value)
    except DateParseError as exc:
        raise click.BadParameter(f"{value!r}: {exc} (use 2025-01-21 or 2568-01-21)") from None


@click.group("line")
def line_group():
    """LINE groups: learn their ids, preview a message, send a test message."""


@line_group.command("webhook")
@config_option
@click.option("--port", type=click.IntRange(0, 65535), required=True, help="Port to listen on (0: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (behind an HTTPS proxy).")
def webhook(config_path, port, host):
    """Receive LINE's webhook and print the id and name of every group the bot joins (also recorded in
    <state>/line-groups.json). Requests must be signed with the channel secret (line.channel_secret_env);
    others get 401. Runs until Ctrl-C. LINE only calls HTTPS URLs: put a reverse proxy in front."""
    from sync.delivery.line.client import LineApi, token_from_env
    from sync.delivery.line.webhook import GroupBook, WebhookReceiver

    config = _load(config_path)
    secret = os.environ.get(config.line.channel_secret_env, "")
    if not secret:
        raise ConfigError(f"line.channel_secret_env: the environment variable {config.line.channel_secret_env} "
                          "(the channel secret) is not set")
    logs.add_secrets([secret])
    try:
        api = LineApi(config.line, token_from_env(config.line))
        group_name = api.group_name
    except ConfigError as exc:
        click.echo(f"group names will not be shown: {exc}", err=True)
        group_name = lambda group_id: ""  # noqa: E731
    receiver = WebhookReceiver(secret, GroupBook(Path(config.outputs.state)), group_name=group_name,
                               announce=lambda line: click.echo(line), host=host, port=port)
    signal.signal(signal.SIGTERM, _interrupt)
    click.echo(f"listening on {receiver.url} for LINE webhook events (Ctrl-C stops)", err=True)
    try:
        receiver.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@line_group.command("preview")
@config_option
@click.option("--workbooks", type=click.Path(file_okay=False), help="Folder of district workbooks (else the config's).")
@click.option("--district", "code", metavar="CODE", help="The district's message.")
@click.option("--province", is_flag=True, help="The provincial group's monthly message.")
@click.option("--as-of", callback=_as_of, metavar="DATE", help="As of this day, CE or BE (default: today in Bangkok).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Also write an approximate picture of the message as an HTML file.")
def preview_command(config_path, workbooks, code, province, as_of, html_path):
    """Print a LINE message as a run would send it (its JSON and altText), whether the policy and the
    ledger would send it, and to which group. Sends and records nothing.

    Exit status: 0 shown, 1 no message (nothing needs action), 2 usage or configuration error."""
    from sync.backends import open_backend
    from sync.delivery.line.preview import preview
    from sync.pipeline import check_all, select_districts

    if bool(code) == province:
        raise click.UsageError("give either --district CODE or --province")
    config = _load(config_path, workbooks)
    try:
        districts = select_districts(config, [code] if code else ())
    except KeyError as exc:
        raise click.BadParameter(f"unknown district code: {exc.args[0]}", param_hint="--district") from None
    backend = open_backend(config)
    report = check_all(config, as_of, districts, backend)
    message, notes = preview(config, report, as_of, code, backend)
    click.echo("\n".join(notes))
    if message is None:
        sys.exit(1)
    click.echo("-" * 72)
    click.echo(json.dumps(message.message(), ensure_ascii=False, indent=2))
    click.echo("-" * 72)
    click.echo(f"altText ({len(message.alt_text)} characters): {message.alt_text}")
    if html_path:
        from sync.delivery.line.render import page

        heading = "province" if province else f"{code} {config.district(code).name}"
        Path(html_path).write_text(page([(heading, message.message())], "LINE preview"), encoding="utf-8")
        click.echo(f"HTML written to {html_path}", err=True)


@line_group.command("test")
@config_option
@click.option("--to", "target", required=True, metavar="GROUP",
              help="A LINE group id, a district code (its line_group) or 'province' (line.province_group).")
def test_command(config_path, target):
    """Send one test message to a group, within the monthly budget. Not recorded in the ledger.

    Exit status: 0 sent, 1 not sent (LINE refused, unavailable, or over the budget), 2 configuration error."""
    from sync.delivery.line.budget import read_budget
    from sync.delivery.line.client import LineApi, LineError
    from sync.delivery.line.messages import test_message
    from sync.texts import moment

    config = _load(config_path)
    group = _group(config, target)
    with LineApi.from_config(config) as api:
        try:
            budget = read_budget(api, config.line)
            cost = api.member_count(group)
            if not budget.fits(cost):
                click.echo(f"not sent: it costs {cost} messages and the {budget.describe()}", err=True)
                sys.exit(1)
            pushed = api.push({"to": group, "messages": [test_message(config, moment(clock.now()))]},
                              str(uuid.uuid4()))
        except LineError as exc:
            click.echo(f"not sent: {exc}", err=True)
            sys.exit(1)
    click.echo(f"sent a test message to {group} ({cost} members), LINE request {pushed.request_id}")


def _group(config: Config, target: str) -> str:
    if target == "province":
        group = config.line.province_group
    elif target.isdigit():
        try:
            group = config.district(target).line_group
        except KeyError:
            raise click.BadParameter(f"no district {target}", param_hint="--to") from None
    else:
        group = target
    if not group:
        raise click.BadParameter(f"no LINE group is configured for {target}", param_hint="--to")
    return group
