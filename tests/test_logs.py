"""Secret names are whole words of key names: `secretary_marker` and เลขานุการ are not secrets."""

import json
import logging

from click.testing import CliRunner

from cli import cli
from sync import logs
from sync.config import load_config
from sync.logs import MASK, Masker, is_secret_name, secrets_from_config, secrets_from_environ


def test_secret_names_are_whole_words_never_substrings():
    secret = ["password", "SMTP_PASSWORD", "smtpPassword", "api_key", "X-Api-Key", "client_secret", "accessToken",
              "GOOGLE_APPLICATION_CREDENTIALS", "credentials", "AUTH_TOKEN", "private-key", "db_passwd"]
    ordinary = ["secretary_marker", "secretary", "author", "tokenizer", "keyboard", "api", "monkey", "PWD", "OLDPWD"]
    assert [n for n in secret if not is_secret_name(n)] == []
    assert [n for n in ordinary if is_secret_name(n)] == []


def test_the_programme_secretary_marker_and_thai_text_survive_the_masker(config):
    environ = {"KHOKNONGNA_SMTP_PASSWORD": "s3cr3t-value", "PWD": "/work/khoknongna"}
    masker = Masker(secrets_from_config(config, environ) + secrets_from_environ(environ))
    assert config.programme.secretary_marker == "เลขานุการ"
    line = "5702: ยังไม่มีเลขานุการ (committee.roles), secretary_marker: เลขานุการ, cwd /work/khoknongna"
    assert masker(line) == line
    assert masker("login with s3cr3t-value") == f"login with {MASK}"  # the variable password_env names
    assert masker("client_secret=abc123 api-key: zzz9 X-Api-Key: q1w2e3") == (
        f"client_secret={MASK} api-key: {MASK} X-Api-Key: {MASK}"
    )


def test_config_show_prints_the_secretary_marker(config_path):
    result = CliRunner().invoke(cli, ["config", "show", "--config", str(config_path)])
    assert result.exit_code == 0, result.output
    assert "secretary_marker: เลขานุการ" in result.stdout and MASK not in result.stdout
    as_json = CliRunner().invoke(cli, ["config", "show", "--config", str(config_path), "--format", "json"])
    shown = json.loads(as_json.stdout)
    assert shown["programme"]["secretary_marker"] == "เลขานุการ"
    assert shown["email"]["smtp"]["password_env"] == "KHOKNONGNA_SMTP_PASSWORD"  # names a variable: shown


def test_the_log_keeps_thai_text_and_masks_the_smtp_password(config_path, monkeypatch, capsys):
    monkeypatch.setenv("KHOKNONGNA_SMTP_PASSWORD", "pw-9f8e7d")
    handler = logs.setup("human", logging.INFO)
    try:
        logs.add_secrets(secrets_from_config(load_config(config_path)))
        logging.getLogger("khoknongna.test").warning("5702 ยังไม่มีเลขานุการ; smtp login pw-9f8e7d failed")
    finally:
        logging.getLogger().removeHandler(handler)
    err = capsys.readouterr().err
    assert "5702 ยังไม่มีเลขานุการ; smtp login ******** failed" in err
