"""Memos delivered over SMTP exactly once: a real SMTP server (aiosmtpd on 127.0.0.1) per test."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes, policy

import pytest
import yaml
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from cli import cli
from sync.checker import Checker
from sync.config import ConfigError, load_config
from sync.delivery.ledger import Ledger
from sync.delivery.mailer import Mailer
from sync.delivery.message import HeaderError, to_email
from sync.model import RawWorkbook
from sync.outputs.memos import Memo, numbered, reminder
from sync.pipeline import run_sync, select_districts
from sync.service.history import History
from tests.conftest import AS_OF, CONFIG_DIR, compliant_tabs, save_workbook, write_config
from tests.smtp_support import Server, free_port

NOW = dt.datetime(2025, 1, 21, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PASSWORD = "s3cret-pass-word"


@pytest.fixture
def server():
    server = Server(free_port())
    yield server
    server.stop()


class MemoryBackend:
    """District spreadsheets as in-memory tabs; status and summary writes are accepted and dropped."""

    def __init__(self, tabs: dict[str, dict]):
        self.tabs = tabs

    def read(self, district):
        return RawWorkbook(source=f"memory:{district.code}", tabs=self.tabs.get(district.code, compliant_tabs()))

    def write_status(self, district, raw, sheet):
        pass

    def write_summary(self, sheets):
        return "memory"


def with_open_items(*extra_sectors: str) -> dict:
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"].pop()  # the January report is missing: overdue on 2025-01-21
    for sector in extra_sectors:
        tabs["คณะทำงานขับเคลื่อน"].append(["นาย x", "คณะทำงาน", "หน่วย", sector])
    return tabs


def configure(tmp_path, port: int | None, *, pdf=False, smtp: dict | None = None, districts=None, extra=""):
    email = {
        "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "timeout_seconds": 5, **(smtp or {})},
        "reminder_cc": ["provincial-cd@example.go.th"],
        "summary_cc": ["archive@example.go.th"],
        "attach_pdf": pdf,
    }
    if port is None:
        del email["smtp"]
    text = yaml.safe_dump({"email": email}, allow_unicode=True)
    if districts is not None:
        text += yaml.safe_dump({"districts": districts}, allow_unicode=True)
    (tmp_path / "wb").mkdir(parents=True, exist_ok=True)
    return load_config(write_config(tmp_path, tmp_path / "wb", text + extra))


def sync(config, tabs, codes=("5702", "5703"), now=NOW, **options):
    return run_sync(config, AS_OF, select_districts(config, codes), backend=MemoryBackend(tabs), now=now, **options)


TWO = {"5702": with_open_items(), "5703": with_open_items()}


def expected_reminder(config, code, tabs):
    result = Checker(config, AS_OF).check(config.district(code), RawWorkbook(source="memory", tabs=tabs))
    return reminder(config, result, AS_OF, reason="overdue", due=dt.date(2025, 1, 20))


def test_memos_arrive_with_the_right_recipients_and_the_thai_text_as_rendered(tmp_path, server):
    server.start()
    districts = yaml.safe_load((CONFIG_DIR / "districts.yaml").read_text(encoding="utf-8"))["districts"]
    districts[1]["cc"] = ["nai-amphoe-5702@example.go.th"]
    config = configure(tmp_path, server.port, pdf=True, districts=districts)
    outcome = sync(config, TWO)
    assert outcome.delivery.sent == ["5702-reminder.eml", "5703-reminder.eml"] and outcome.delivery.ok
    envelope_from, rcpts, raw = server.sink.messages[0]
    assert envelope_from == "noreply-cd57@example.go.th"
    assert rcpts == ["cd5702@example.go.th", "nai-amphoe-5702@example.go.th", "provincial-cd@example.go.th"]
    assert server.sink.messages[1][1] == ["cd5703@example.go.th", "provincial-cd@example.go.th"]
    message = server.sink.parsed()[0]
    memo = numbered(expected_reminder(config, "5702", TWO["5702"]), "ชร ๐๐๑๙.๒/๑")  # the year's first number
    assert message["To"] == "cd5702@example.go.th"
    assert message["Cc"] == "nai-amphoe-5702@example.go.th, provincial-cd@example.go.th"
    assert message["Subject"] == memo.subject
    assert message["From"] == "สำนักงานพัฒนาชุมชนจังหวัดเชียงราย <noreply-cd57@example.go.th>"
    assert re.fullmatch(r"<[^<>@\s]+@example\.go\.th>", message["Message-ID"]) and message["Date"]
    assert message.get_body(("plain",)).get_content() == memo.text
    assert message.get_body(("html",)).get_content() == memo.html
    pdf, docx = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "memo-5702-reminder-2025-01-21.pdf"
    assert pdf.get_content().startswith(b"%PDF-")
    assert docx.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert docx.get_filename() == "memo-5702-reminder-2025-01-21.docx" and docx.get_content()[:2] == b"PK"
    assert "ที่ ชร ๐๐๑๙.๒/๒" in server.sink.parsed()[1].get_body(("plain",)).get_content()
    assert all(ord(c) < 128 for c in raw.decode("ascii")), "headers and bodies are transfer-encoded"
    assert [p.name for p in outcome.memos] == ["5702-reminder.eml", "5703-reminder.eml"]  # the copies kept


def test_a_second_run_sends_nothing_and_resend_forces(tmp_path, server):
    server.start()
    config = configure(tmp_path, server.port)
    sync(config, TWO)
    again = sync(config, TWO)
    assert len(server.sink.messages) == 2
    assert again.delivery.sent == [] and again.delivery.skipped == ["5702-reminder.eml", "5703-reminder.eml"]
    next_day = run_sync(config, dt.date(2025, 1, 22), select_districts(config, ["5702"]), backend=MemoryBackend(TWO))
    assert next_day.delivery.sent == [] and len(server.sink.messages) == 2  # a catch-up day: already sent
    forced = sync(config, TWO, codes=("5702",), resend=True)
    assert forced.delivery.sent == ["5702-reminder.eml"] and len(server.sink.messages) == 3
    first, resent = server.sink.parsed()[0], server.sink.parsed()[2]
    assert first["Message-ID"] != resent["Message-ID"]
    statuses = [(e.district, e.generation, e.status) for e in Ledger(config.outputs.state).entries()]
    assert statuses == [("5702", 0, "sent"), ("5703", 0, "sent"), ("5702", 1, "sent")]


def test_no_email_to_a_district_with_nothing_open(tmp_path, server):
    server.start()
    config = configure(tmp_path, server.port)
    outcome = sync(config, {"5702": compliant_tabs(), "5703": with_open_items()})
    assert [rcpts[0] for _, rcpts, _ in server.sink.messages] == ["cd5703@example.go.th"]
    assert outcome.delivery.sent == ["5703-reminder.eml"]


def test_smtp_down_keeps_the_memos_queued_and_the_next_run_sends_them_once(tmp_path, server):
    config = configure(tmp_path, server.port)  # nothing listens on the port yet
    down = sync(config, TWO)
    assert "cannot connect" in down.delivery.error and f"127.0.0.1:{server.port}" in down.delivery.error
    assert down.delivery.waiting == ["5702-reminder.eml", "5703-reminder.eml"] and not down.delivery.ok
    assert down.memos == []
    [last] = History(config.outputs.state).recent(1)
    assert any(e.startswith("memos not sent: ") for e in last.errors)
    server.start()
    up = run_sync(config, dt.date(2025, 1, 22), select_districts(config, ["5702", "5703"]), backend=MemoryBackend(TWO))
    assert up.delivery.sent == ["5702-reminder.eml", "5703-reminder.eml"] and up.delivery.ok
    later = sync(config, TWO)
    assert later.delivery.sent == [] and len(server.sink.messages) == 2
    # what was queued on the 21st went out as rendered then: dated the 21st
    assert server.sink.parsed()[0]["Subject"].endswith("ข้อมูล ณ ๒๑ ม.ค. ๒๕๖๘")


def test_a_server_refusing_for_now_gets_the_memos_again_after_a_growing_wait(tmp_path, server):
    server.start()
    server.sink.refuse = True
    config = configure(tmp_path, server.port)
    refused = sync(config, TWO)
    assert refused.delivery.waiting == ["5702-reminder.eml", "5703-reminder.eml"] and not refused.delivery.ok
    assert refused.delivery.backing_off[0].startswith("5702-reminder.eml (tried again from ๒๑ ม.ค. ๒๕๖๘ ๑๐:๐๐ น.)")
    server.sink.refuse = False
    tried = server.sink.tries
    soon = sync(config, TWO, now=NOW + dt.timedelta(minutes=30))
    assert soon.delivery.sent == [] and server.sink.tries == tried, "not tried again within the wait"
    later = sync(config, TWO, now=NOW + dt.timedelta(minutes=61))
    assert later.delivery.sent == ["5702-reminder.eml", "5703-reminder.eml"] and later.delivery.ok
    sync(config, TWO, now=NOW + dt.timedelta(minutes=90))
    assert len(server.sink.messages) == 2


def test_a_memo_refused_for_good_is_given_up_and_shown_by_status(tmp_path, server):
    server.start()
    server.sink.refuse = "550 5.1.1 mailbox unavailable"
    config = configure(tmp_path, server.port)
    first = sync(config, TWO, codes=("5702",))
    assert first.delivery.given_up and "550" in first.delivery.given_up[0] and not first.delivery.ok
    tried = server.sink.tries
    again = sync(config, TWO, codes=("5702",), now=NOW + dt.timedelta(days=1))
    assert server.sink.tries == tried and again.delivery.sent == []
    status = CliRunner().invoke(cli, ["status", "--config", str(tmp_path / "test.yaml"), "--max-age", "60"])
    assert status.exit_code == 1
    assert "memo 5702-reminder.eml of 2025-01-21 refused by the server, given up: SMTP 127.0.0.1" in status.stdout
    _, first_run = History(config.outputs.state).recent(2)
    assert any(e.startswith("memo refused by the server, given up: 5702-reminder.eml") for e in first_run.errors)


def test_a_temporary_refusal_is_given_up_after_the_configured_tries(tmp_path, server):
    server.start()
    server.sink.refuse = True
    config = configure(tmp_path, server.port, extra="")
    config = config.model_copy(
        update={"email": config.email.model_copy(update={"retry": config.email.retry.model_copy(
            update={"refused_max_attempts": 3, "refused_backoff_minutes": 10})})}
    )
    outcomes = [sync(config, TWO, codes=("5702",), now=NOW + dt.timedelta(minutes=m)) for m in (0, 11, 32, 80, 200)]
    assert [len(o.delivery.backing_off) for o in outcomes[:2]] == [1, 1]
    assert outcomes[2].delivery.given_up and server.sink.tries == 3  # after 10 and 20 minutes, then given up


def _two_runs_while_smtp_is_down(tmp_path):
    config_path = write_config(
        tmp_path, tmp_path / "wb", f"email: {{smtp: {{host: 127.0.0.1, port: {free_port()}, security: none}}}}\n"
    )
    save_workbook(tmp_path / "wb" / "5702.xlsx", with_open_items())
    args = ["sync", "--config", str(config_path), "--district", "5702", "--as-of", "2025-01-21"]
    return CliRunner().invoke(cli, args), CliRunner().invoke(cli, args)


def test_cli_says_memos_are_queued_not_sent_while_smtp_is_down_and_exits_1(tmp_path):
    for result in _two_runs_while_smtp_is_down(tmp_path):
        assert result.exit_code == 1, result.output
        out = result.stdout
        assert "memos: 1 queued, not sent (SMTP 127.0.0.1:" in out and "cannot connect" in out
        assert "the next run tries again: 5702-reminder.eml" in out
        assert "already sent" not in out


def test_officer_text_arrives_escaped_and_inert(tmp_path, server):
    server.start()
    config = configure(tmp_path, server.port)
    script, formula = "<script>alert(1)</script>", '=HYPERLINK("http://evil.example","คลิก")'
    sync(config, {"5702": with_open_items(script, formula)}, codes=("5702",))
    [message] = server.sink.parsed()
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<a " not in html and "href" not in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;คลิก&#34;)" in html
    assert script in text and formula in text  # plain text is inert as it is
    assert "script" not in message["Subject"] and "HYPERLINK" not in message["Subject"]
    assert not message.is_multipart() or all(p.get_content_type() != "text/javascript" for p in message.walk())


def test_a_subject_with_a_line_break_is_refused_and_the_others_still_go(tmp_path, server):
    server.start()
    districts = yaml.safe_load((CONFIG_DIR / "districts.yaml").read_text(encoding="utf-8"))["districts"]
    districts[1]["name"] = "เวียงชัย\r\nBcc: evil@example.com"
    config = configure(tmp_path, server.port, districts=districts)
    outcome = sync(config, TWO)
    assert outcome.delivery.sent == ["5703-reminder.eml"]
    assert outcome.delivery.rejected and "Subject header refused" in outcome.delivery.rejected[0]
    assert not outcome.delivery.ok
    assert [rcpts for _, rcpts, _ in server.sink.messages] == [["cd5703@example.go.th", "provincial-cd@example.go.th"]]
    assert all(b"evil" not in raw for _, _, raw in server.sink.messages)


def test_a_recipient_with_a_line_break_cannot_inject_headers(tmp_path, config):
    districts = yaml.safe_load((CONFIG_DIR / "districts.yaml").read_text(encoding="utf-8"))["districts"]
    districts[1]["emails"] = ["cd5702@example.go.th\nBcc: evil@example.com"]
    with pytest.raises(ConfigError, match=r"districts\.1\.emails\.0.*not a plain email address"):
        configure(tmp_path, 25, districts=districts)
    memo = Memo("reminder", "5702", "เรื่อง", ["cd5702@example.go.th\r\nBcc: evil@example.com"], "ข้อความ", "<p>x</p>")
    with pytest.raises(HeaderError, match="To header refused"):
        to_email(memo, config, NOW)
    memo = Memo("reminder", "5702", "เรื่อง\nBcc: evil@example.com", ["cd5702@example.go.th"], "ข้อความ", "<p>x</p>")
    with pytest.raises(HeaderError, match="Subject header refused"):
        to_email(memo, config, NOW)


def test_a_crash_in_flight_repeats_only_that_message(tmp_path, server, monkeypatch):
    server.start()
    config = configure(tmp_path, server.port)
    original = Mailer.send

    def send_then_crash(self, sender, recipients, message):
        original(self, sender, recipients, message)
        raise KeyboardInterrupt  # killed after the server took it, before the ledger says 'sent'

    monkeypatch.setattr(Mailer, "send", send_then_crash)
    with pytest.raises(KeyboardInterrupt):
        sync(config, TWO)
    assert [e.status for e in Ledger(config.outputs.state).entries()] == ["sending", "queued"]
    monkeypatch.setattr(Mailer, "send", original)
    sync(config, TWO)
    sync(config, TWO)
    ids = [m["Message-ID"] for m in server.sink.parsed()]
    assert len(ids) == 3 and ids[0] == ids[1] != ids[2], "only the one in flight went twice, with its Message-ID"
    assert [e.status for e in Ledger(config.outputs.state).entries()] == ["sent", "sent"]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"svc-memo" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_password_only_from_the_environment_and_never_in_errors(tmp_path, monkeypatch):
    server = Server(
        free_port(), authenticator=_authenticator, auth_require_tls=False, auth_required=True
    ).start()
    try:
        smtp = {"user": "svc-memo", "password_env": "TEST_SMTP_PASSWORD"}
        config = configure(tmp_path, server.port, smtp=smtp)
        monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
        missing = sync(config, TWO, codes=("5702",))
        assert "TEST_SMTP_PASSWORD" in missing.delivery.error and missing.delivery.waiting
        monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD + "-wrong")
        wrong = sync(config, TWO, codes=("5702",))
        assert "login as 'svc-memo' refused" in wrong.delivery.error and "535" in wrong.delivery.error
        assert PASSWORD not in wrong.delivery.error
        assert all(PASSWORD not in (e.last_error or "") for e in Ledger(config.outputs.state).entries())
        monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
        assert sync(config, TWO, codes=("5702",)).delivery.sent == ["5702-reminder.eml"]
        assert len(server.sink.messages) == 1
    finally:
        server.stop()


def test_starttls_is_required_when_configured(tmp_path, server):
    server.start()  # a plain server: it offers no STARTTLS
    config = configure(tmp_path, server.port, smtp={"security": "starttls"})
    outcome = sync(config, TWO, codes=("5702",))
    assert "does not offer STARTTLS; not sending in clear" in outcome.delivery.error
    assert outcome.delivery.waiting == ["5702-reminder.eml"] and server.sink.messages == []


def test_the_provincial_summary_goes_to_staff_on_day_21(tmp_path, server):
    server.start()
    config = configure(tmp_path, server.port)
    backend = MemoryBackend({"5702": with_open_items()})
    outcome = run_sync(config, AS_OF, list(config.districts), backend=backend, now=NOW)
    assert outcome.delivery.sent == ["5702-reminder.eml", "province-summary.eml"]
    _, rcpts, _ = server.sink.messages[1]
    summary = server.sink.parsed()[1]
    assert rcpts == ["provincial-cd@example.go.th", "archive@example.go.th"]
    assert summary["Subject"].startswith("สรุปผลการดำเนินงานศูนย์เรียนรู้")
    assert "อำเภอที่ดำเนินการครบถ้วน ๑๖ อำเภอ" in summary.get_body(("plain",)).get_content()


def test_outbox_mode_without_smtp_host_writes_each_memo_once(tmp_path):
    config = configure(tmp_path, None)
    assert config.email.smtp.host == ""
    first = sync(config, TWO)
    second = sync(config, TWO)
    assert first.delivery.mode == "outbox"
    assert [p.name for p in first.memos] == ["5702-reminder.eml", "5703-reminder.eml"]
    assert second.memos == [] and second.delivery.skipped
    written = sorted((tmp_path / "out" / "outbox" / "2025-01-21").iterdir())
    assert [p.name for p in written] == ["5702-reminder.eml", "5703-reminder.eml"]
    assert message_from_bytes(written[0].read_bytes(), policy=policy.default)["To"] == "cd5702@example.go.th"


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted by the client through SSL_CERT_FILE."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1"
    command += " -addext subjectAltName=IP:127.0.0.1"
    subprocess.run([*command.split(), "-keyout", key, "-out", cert], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_starttls_and_ssl_verify_the_server_and_deliver(tmp_path, certificate):
    starttls = Server(free_port(), tls_context=certificate, require_starttls=True).start()
    implicit = Server(free_port(), ssl_context=certificate).start()
    try:
        config = configure(tmp_path / "a", starttls.port, smtp={"security": "starttls"})
        assert sync(config, TWO, codes=("5702",)).delivery.sent == ["5702-reminder.eml"]
        config = configure(tmp_path / "b", implicit.port, smtp={"security": "ssl"})
        assert sync(config, TWO, codes=("5702",)).delivery.sent == ["5702-reminder.eml"]
        assert len(starttls.sink.messages) == len(implicit.sink.messages) == 1
    finally:
        starttls.stop()
        implicit.stop()


def test_an_untrusted_certificate_is_refused(tmp_path, certificate, monkeypatch):
    server = Server(free_port(), tls_context=certificate, require_starttls=True).start()
    try:
        monkeypatch.delenv("SSL_CERT_FILE")
        config = configure(tmp_path, server.port, smtp={"security": "starttls"})
        outcome = sync(config, TWO, codes=("5702",))
        assert "CERTIFICATE_VERIFY_FAILED" in outcome.delivery.error and outcome.delivery.waiting
        assert server.sink.messages == []
    finally:
        server.stop()
