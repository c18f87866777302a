"""`line preview` and `line test`, and the secrets they must never show."""

from __future__ import annotations

import json
import logging
import re

from click.testing import CliRunner

from cli import cli
from sync import logs
from tests.conftest import compliant_tabs, save_workbook
from tests.line_support import (
    OPEN,
    PROVINCE_GROUP,
    group_of,
    line_config,
    line_fixture,  # noqa: F401  (the `line` fixture)
)


def _workbooks(tmp_path, config) -> None:
    for district in config.districts:
        save_workbook(tmp_path / "wb" / f"{district.code}.xlsx", OPEN.get(district.code, compliant_tabs()))


def run(tmp_path, *args: str):
    return CliRunner().invoke(cli, ["line", *args, "--config", str(tmp_path / "test.yaml")])


def test_preview_prints_the_message_and_its_alt_text_and_sends_nothing(tmp_path, line):
    config = line_config(tmp_path, line)
    _workbooks(tmp_path, config)
    result = run(tmp_path, "preview", "--district", "5702", "--as-of", "2568-01-21")
    assert result.exit_code == 0, result.output
    notes, message, alt = result.output.split("-" * 72 + "\n")
    assert "policy: 2025-01-21 is a reminder day (overdue, due 2025-01-20)" in notes
    assert f"to: {group_of('5702')}" in notes and "ledger: nothing recorded for this period yet" in notes
    flex = json.loads(message)
    assert flex["type"] == "flex" and flex["contents"]["type"] == "bubble"
    assert alt.startswith("altText (") and flex["altText"] in alt
    assert re.match("อำเภอเวียงชัย: เลยกำหนดส่ง ๒๐ ม.ค. ๒๕๖๘ แล้ว ต้องดำเนินการ [๑-๙] เรื่อง – ขาดผู้แทน ๑ ภาคี: ภาคประชาชน",
                    flex["altText"])
    assert line.requests == []


def test_preview_of_a_district_with_nothing_to_do_exits_1(tmp_path, line):
    config = line_config(tmp_path, line)
    _workbooks(tmp_path, config)
    result = run(tmp_path, "preview", "--district", "5701", "--as-of", "2025-01-21")
    assert result.exit_code == 1 and "district 5701 has nothing needing action on 2025-01-21" in result.output


def test_preview_of_the_province_and_usage_errors(tmp_path, line):
    config = line_config(tmp_path, line)
    _workbooks(tmp_path, config)
    result = run(tmp_path, "preview", "--province", "--as-of", "2025-01-21")
    assert result.exit_code == 0 and "policy: 2025-01-21 is a summary day" in result.output
    assert f"to: {PROVINCE_GROUP}" in result.output and "ต้องดำเนินการ ๓ จาก ๔ อำเภอ" in result.output
    assert run(tmp_path, "preview").exit_code == 2
    assert run(tmp_path, "preview", "--province", "--district", "5702").exit_code == 2
    assert run(tmp_path, "preview", "--district", "9999").exit_code == 2


def test_test_sends_one_text_message_to_a_districts_group(tmp_path, line):
    line_config(tmp_path, line)
    result = run(tmp_path, "test", "--to", "5702")
    assert result.exit_code == 0, result.output
    assert f"sent a test message to {group_of('5702')} (5 members)" in result.output
    [delivery] = line.received(group_of("5702"))
    [message] = delivery.messages
    assert message["type"] == "text" and message["text"].startswith("ข้อความทดสอบจากระบบติดตามงานโคก หนอง นา")
    assert delivery.retry_key


def test_test_keeps_within_the_budget(tmp_path, line):
    line_config(tmp_path, line, budget=10)
    line.platform.used = 5
    result = run(tmp_path, "test", "--to", "province")  # 8 members, 5 left
    assert result.exit_code == 1 and "not sent: it costs 8 messages" in result.output
    assert line.received(PROVINCE_GROUP) == []


def test_the_token_comes_from_the_environment_only_and_is_never_shown(tmp_path, line, monkeypatch):
    line_config(tmp_path, line)
    monkeypatch.delenv("KHOKNONGNA_LINE_TOKEN")
    missing = run(tmp_path, "test", "--to", "5702")
    assert missing.exit_code == 2
    assert "configuration error: line.token_env: the environment variable KHOKNONGNA_LINE_TOKEN" in missing.output

    token = "aBcD1234+eFgH/5678ijkl="
    monkeypatch.setenv("KHOKNONGNA_LINE_TOKEN", token)
    refused = run(tmp_path, "test", "--to", "5702")  # the local server knows another token
    assert refused.exit_code == 1 and "401" in refused.output and token not in refused.output
    shown = CliRunner().invoke(cli, ["config", "show", "--config", str(tmp_path / "test.yaml")])
    assert token not in shown.output and "token_env: KHOKNONGNA_LINE_TOKEN" in shown.output


def test_the_logs_mask_the_token_and_the_channel_secret(tmp_path, line, monkeypatch):
    import io

    config = line_config(tmp_path, line)
    monkeypatch.setenv("KHOKNONGNA_LINE_CHANNEL_SECRET", "c0ffee0123456789c0ffee0123456789")
    stream = io.StringIO()
    handler = logs.setup("human", logging.INFO, stream)
    try:
        logs.add_secrets(logs.secrets_from_config(config))
        logging.getLogger("khoknongna").warning("token %s, secret %s", line.token, "c0ffee0123456789c0ffee0123456789")
    finally:
        logging.getLogger().removeHandler(handler)
    assert line.token not in stream.getvalue() and "c0ffee" not in stream.getvalue()
    assert "token ********, secret ********" in stream.getvalue()
