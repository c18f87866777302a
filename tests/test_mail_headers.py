"""Thai sender names and subjects arrive intact in every standard parser (issue 12)."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest

from sync.delivery.headers import MAX_WORD
from sync.delivery.message import to_email, wire_bytes
from sync.outputs.memos import Memo

NOW = dt.datetime(2025, 1, 21, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SENDER = "สำนักงานพัฒนาชุมชนจังหวัดเชียงราย"
SUBJECTS = [
    "ติดตามการดำเนินงานศูนย์เรียนรู้ “โคก หนอง นา” อำเภอเวียงชัย ข้อมูล ณ ๒๑ ม.ค. ๒๕๖๘",
    "สรุปผลการดำเนินงานศูนย์เรียนรู้การพัฒนาคุณภาพชีวิตตามหลักทฤษฎีใหม่ประยุกต์สู่โคกหนองนาพัฒนาชุมชนจังหวัดเชียงราย",
    "memo 5P (๕P) สำหรับ อำเภอ  เวียงชัย ",
    "ASCII only subject",
]


def _raw(config, subject: str, sender_name: str = SENDER) -> bytes:
    config = config.model_copy(update={"email": config.email.model_copy(update={"sender_name": sender_name})})
    memo = Memo("reminder", "5702", subject, ["cd5702@example.go.th"], "ข้อความ", "<p>ข้อความ</p>")
    return wire_bytes(to_email(memo, config, NOW))


def _header_lines(raw: bytes, name: str) -> list[str]:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = head.replace("\r\n ", "\n ").split("\r\n")
    [field] = [f for f in unfolded if f.lower().startswith(name.lower() + ":")]
    return field.split("\n")


@pytest.mark.parametrize("subject", SUBJECTS)
def test_subject_and_sender_read_intact_with_the_default_policy(config, subject):
    parsed = message_from_bytes(_raw(config, subject), policy=policy.default)
    assert parsed["Subject"] == subject
    [sender] = parsed["From"].addresses
    assert sender.display_name == SENDER and sender.addr_spec == "noreply-cd57@example.go.th"


@pytest.mark.parametrize("subject", SUBJECTS)
def test_subject_and_sender_read_intact_with_compat32_and_decode_header(config, subject):
    parsed = message_from_bytes(_raw(config, subject), policy=policy.compat32)
    assert str(make_header(decode_header(parsed["Subject"]))) == subject
    assert str(make_header(decode_header(parsed["From"]))) == f"{SENDER} <noreply-cd57@example.go.th>"


def test_encoded_words_are_cut_only_after_spaces(config):
    subject = SUBJECTS[0]
    lines = _header_lines(_raw(config, subject), "Subject")
    words = [line.split(": ", 1)[-1].strip() for line in lines]
    decoded = [str(make_header(decode_header(w))) for w in words]
    assert "".join(decoded) == subject
    assert all(text.endswith(" ") for text in decoded[:-1]), "every cut falls after a space"
    # words that fit are packed up to RFC 2047's 75 characters; a longer Thai run stays whole
    assert any(len(w) <= MAX_WORD for w in words) and len(words) < len(subject.split())
    assert all(len(line) < 998 for line in lines)


def test_a_sender_name_is_one_encoded_word_and_ascii_names_stay_readable(config):
    [line] = _header_lines(_raw(config, "x"), "From")
    assert line.count("=?utf-8?b?") == 1
    [line] = _header_lines(_raw(config, "x", sender_name="CD Chiang Rai"), "From")
    assert line == "From: CD Chiang Rai <noreply-cd57@example.go.th>"


def test_headers_are_still_seven_bit(config):
    head = _raw(config, SUBJECTS[1]).split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
