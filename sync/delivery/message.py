"""A memo as an RFC 5322 message: plain text and HTML alternatives, the PDF (and .docx) attached.

Text from spreadsheets only ever reaches bodies (escaped in HTML); headers are built from
configuration and checked: a value with a line break or control character raises HeaderError
instead of being sent. Thai subjects and sender names are encoded so every reader shows them
intact (sync/delivery/headers.py).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from sync.config import ADDRESS, Config
from sync.delivery.headers import MEMO_POLICY
from sync.outputs.memos import Memo

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


class HeaderError(ValueError):
    """A header value that would break out of its header (line break or control character)."""


@dataclass(frozen=True)
class Attachment:
    data: bytes
    maintype: str
    subtype: str
    filename: str


def check_header(name: str, value: str) -> str:
    """`value`, or HeaderError when it holds a line break or another control character."""
    if _CONTROL.search(value):
        raise HeaderError(f"{name} header refused: it contains a line break or control character: {value[:80]!r}")
    return value


def check_address(name: str, value: str) -> Address:
    check_header(name, value)
    if not ADDRESS.fullmatch(value):
        raise HeaderError(f"{name} header refused: {value[:80]!r} is not a plain email address")
    return Address(addr_spec=value)


def check_headers(memo: Memo, config: Config) -> Address:
    """The sender's address, or HeaderError when a header (subject, sender, a recipient) would inject
    headers, or the memo has no recipient."""
    if not memo.recipients:
        raise HeaderError(f"{memo.file_name}: no recipients (emails of district {memo.key} in the configuration)")
    check_header("Subject", memo.subject)
    check_header("From", config.email.sender_name)
    for name, addresses in (("To", memo.recipients), ("Cc", memo.cc)):
        for address in addresses:
            check_address(name, address)
    return check_address("From", config.email.sender)


def to_email(memo: Memo, config: Config, now: dt.datetime, *, attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    """An RFC 5322 message: plain text and HTML alternatives, then the attachments.

    Raises HeaderError when a header value (subject, sender, a recipient) would inject headers.
    """
    sender = check_headers(memo, config)
    message = EmailMessage(policy=MEMO_POLICY)
    message["Subject"] = memo.subject
    message["From"] = Address(config.email.sender_name, addr_spec=sender.addr_spec)
    message["To"] = [Address(addr_spec=a) for a in memo.recipients]
    if memo.cc:
        message["Cc"] = [Address(addr_spec=a) for a in memo.cc]
    message["Date"] = format_datetime(now)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to the sender
    # short enough to stay on one header line (make_msgid's ids get folded)
    message["Message-ID"] = f"<{secrets.token_hex(12)}.{memo.key}-{memo.kind}@{sender.domain}>"
    message.set_content(memo.text)
    message.add_alternative(memo.html, subtype="html")
    for attachment in attachments:
        message.add_attachment(
            attachment.data, maintype=attachment.maintype, subtype=attachment.subtype, filename=attachment.filename
        )
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as SMTP wants it (CRLF line ends)."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
