"""`line webhook`: signed join events teach the group ids; forged, unsigned and oversized requests are refused."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from sync.config import Line
from sync.delivery.line.client import LineApi
from sync.delivery.line.webhook import GroupBook, WebhookReceiver
from tests.conftest import REPO
from tests.line_server import join_event, message_event, sign, webhook_body
from tests.line_support import (
    PROVINCE_GROUP,
    group_of,
    line_config,
    line_fixture,  # noqa: F401  (the `line` fixture)
)

SECRET = "0123456789abcdef0123456789abcdef"


def post(url: str, body: bytes, signature: str | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["x-line-signature"] = signature
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def receiver(tmp_path, line):
    said: list[str] = []
    api = LineApi(Line(enabled=True, endpoint=line.url, timeout_seconds=5), line.token)
    with WebhookReceiver(SECRET, GroupBook(tmp_path), group_name=api.group_name, announce=said.append) as hook:
        hook.said = said
        yield hook
    api.close()


def test_a_signed_join_is_accepted_and_its_group_recorded_and_printed(tmp_path, receiver):
    body = webhook_body(join_event(group_of("5702")))
    assert post(receiver.url, body, sign(body, SECRET)) == 200
    assert receiver.book.groups()[group_of("5702")]["name"] == "พช.อ.เวียงชัย"
    assert receiver.book.groups()[group_of("5702")]["via"] == "join"
    [said] = receiver.said
    assert group_of("5702") in said and "พช.อ.เวียงชัย" in said and "line_group:" in said


def test_a_forged_signature_is_refused_with_401_and_logged(tmp_path, receiver, caplog):
    body = webhook_body(join_event(group_of("5702")))
    with caplog.at_level(logging.WARNING, logger="khoknongna"):
        assert post(receiver.url, body, sign(body, "not-the-channel-secret")) == 401
        assert post(receiver.url, body, "") == 401
        assert post(receiver.url, body) == 401
    assert receiver.book.groups() == {} and receiver.said == []
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3 and "with a wrong x-line-signature refused" in messages[0]
    assert all("unsigned request" in m and "refused (no x-line-signature)" in m for m in messages[1:])


def test_a_body_changed_after_signing_is_refused(receiver):
    body = webhook_body(join_event(group_of("5702")))
    tampered = body.replace(group_of("5702").encode(), group_of("5703").encode())
    assert post(receiver.url, tampered, sign(body, SECRET)) == 401
    assert receiver.book.groups() == {}


def test_a_body_over_1_mb_is_refused_unread(receiver):
    body = webhook_body(message_event(group_of("5702"), "ก" * 400_000))
    assert len(body) > 1024 * 1024
    assert post(receiver.url, body, sign(body, SECRET)) == 413
    assert receiver.book.groups() == {}


def test_a_message_in_a_group_also_reveals_its_id_once(receiver):
    body = webhook_body(message_event(PROVINCE_GROUP, "สวัสดีครับ"), message_event(PROVINCE_GROUP, "อีกข้อความ"))
    assert post(receiver.url, body, sign(body, SECRET)) == 200
    assert receiver.book.groups()[PROVINCE_GROUP]["via"] == "message"
    assert len(receiver.said) == 1
    verify = webhook_body()  # the console's "Verify" button sends no events
    assert post(receiver.url, verify, sign(verify, SECRET)) == 200


def test_the_command_prints_the_group_the_bot_joins(tmp_path, line, monkeypatch):
    config = line_config(tmp_path, line)
    env = dict(os.environ, KHOKNONGNA_LINE_CHANNEL_SECRET=SECRET)
    command = [sys.executable, "cli.py", "line", "webhook", "--config", str(tmp_path / "test.yaml"), "--port", "0"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"listening on (\S+)", process.stderr.readline())[1]
        body = webhook_body(join_event(group_of("5716")))
        assert post(url, body, sign(body, SECRET)) == 200
        said = process.stdout.readline()
        assert f"the bot joined group {group_of('5716')} 'พช.อ.แม่ลาว'" in said
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0
    assert group_of("5716") in GroupBook(config.outputs.state).groups()


def test_the_command_needs_the_channel_secret(tmp_path, line, monkeypatch):
    from click.testing import CliRunner

    from cli import cli

    line_config(tmp_path, line)
    monkeypatch.delenv("KHOKNONGNA_LINE_CHANNEL_SECRET", raising=False)
    result = CliRunner().invoke(cli, ["line", "webhook", "--config", str(tmp_path / "test.yaml"), "--port", "0"])
    assert result.exit_code == 2
    assert "line.channel_secret_env: the environment variable KHOKNONGNA_LINE_CHANNEL_SECRET" in result.output
