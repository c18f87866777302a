"""Planned memos made into queued messages: the ที่ number, the PDF and the .docx, the e-mail.

For each memo the ledger has not recorded: its headers are checked (a refused one takes no
number), it gets its ที่ number from the register (or is marked ร่าง when `memo.numbering` is
`draft`), its PDF and .docx are made by worker processes (sync/outputs/workers.py), and the
message with both attached is queued in the ledger. A memo whose attachments cannot be made is
refused this run and planned again by the next; the others go on.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from sync.config import Config
from sync.delivery.ledger import Ledger
from sync.delivery.message import Attachment, HeaderError, check_headers, to_email, wire_bytes
from sync.delivery.policy import Planned
from sync.delivery.register import Register
from sync.outputs.memos import Memo, keep_whole, numbered, print_html
from sync.outputs.workers import Job, make_all

log = logging.getLogger("khoknongna")
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def _numbered(config: Config, planned: list[Planned], resend: bool, delivery) -> list[tuple[Planned, Memo]]:
    """The memos whose headers pass, each with its number (or marked ร่าง)."""
    register = Register(Path(config.outputs.state)) if config.memo.numbering == "register" else None
    ready = []
    for item in planned:
        memo = item.memo
        try:
            check_headers(memo, config)
        except HeaderError as exc:
            log.error("memo %s not sent: %s", memo.file_name, exc)
            delivery.rejected.append(f"{memo.file_name}: {exc}")
            continue
        number = None
        if register is not None:
            day = memo.as_of or dt.date.today()
            number = str(register.number(config.province.memo_prefix, day, item.key, memo.subject, resend=resend))
        ready.append((item, numbered(memo, number)))
    return ready


def _job(config: Config, memo: Memo) -> Job:
    garuda = config.memo.garuda
    return Job(
        print_html(memo, garuda) if config.email.attach_pdf else None,
        memo.html if config.email.attach_docx else None,
        garuda,
    )


def _attachments(memo: Memo, made: tuple | Exception) -> tuple[Attachment, ...]:
    if isinstance(made, Exception):
        raise made
    pdf, docx = made
    attachments = [Attachment(pdf, "application", "pdf", memo.attachment_name)] if pdf is not None else []
    if docx is not None:
        attachments.append(Attachment(docx, *DOCX_TYPE, memo.docx_name))
    return tuple(attachments)


def queue_memos(config: Config, ledger: Ledger, planned: list[Planned], now: dt.datetime, resend: bool, delivery):
    """Number, render and queue the memos; what could not be made goes to delivery.rejected."""
    ready = _numbered(config, planned, resend, delivery)
    if config.email.attach_pdf or config.email.attach_docx:
        made = make_all((_job(config, memo) for _, memo in ready), keep_whole(config), config.email.pdf_workers)
    else:
        made = iter([(None, None)] * len(ready))
    for (item, memo), attachments in zip(ready, made, strict=True):
        try:
            message = to_email(memo, config, now, attachments=_attachments(memo, attachments))
        except Exception as exc:  # a rendering bug must not stop the other memos; the next run tries again
            log.error("memo %s not sent: it could not be made: %s: %s", memo.file_name, type(exc).__name__, exc)
            delivery.rejected.append(f"{memo.file_name}: not made: {type(exc).__name__}: {exc}")
            continue
        ledger.queue(
            item.key,
            as_of=(memo.as_of or now.date()).isoformat(),
            file_name=memo.file_name,
            subject=memo.subject,
            sender=config.email.sender,
            recipients=list(dict.fromkeys(memo.recipients + memo.cc)),
            message=wire_bytes(message),
            resend=resend,
        )
        delivery.planned.append(memo.file_name)
