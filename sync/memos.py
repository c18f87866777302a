"""Thai memos (บันทึกข้อความ, DOMAIN.md §7) rendered from templates/memo and packed as emails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from itertools import groupby
from pathlib import Path

from sync.atomic import atomic_write
from sync.checker import DistrictResult, Report
from sync.config import Config
from sync.schema import STATUS
from sync.textnorm import to_thai_digits
from sync.texts import environment, item_title, render, status_label, texts

ITEMS = range(1, 9)


@dataclass
class Memo:
    kind: str  # "reminder" or "summary"
    key: str  # district code, or "province"
    subject: str
    recipients: list[str]
    text: str
    html: str

    @property
    def file_name(self) -> str:
        return f"{self.key}-{self.kind}.eml"


def _common(config: Config, as_of: dt.date) -> dict:
    p = config.province
    return {
        "office": p.office,
        "group": p.group,
        "phone": to_thai_digits(p.phone),
        "province": p.name,
        "number": f"{p.memo_prefix}/",
        "date": render("{{ d|thdatefull }}", d=as_of),
        "letter": {
            "number": p.letter.number,
            "date": render("{{ d|thdatefull }}", d=p.letter.date),
            "subject": p.letter.subject,
        },
    }


def _render(kind: str, context: dict) -> tuple[str, str]:
    text = environment().get_template(f"memo/{kind}.txt.j2").render(**context)
    html = environment(autoescape=True).get_template(f"memo/{kind}.html.j2").render(**context)
    return text, html


def _open_items(result: DistrictResult) -> list[dict]:
    """Open findings grouped by item of the letter; data problems as one last group."""
    ordered = sorted(result.open_findings, key=lambda f: (f.item is None, f.item or 0))
    items = []
    for item, group in groupby(ordered, key=lambda f: f.item):
        title = item_title(item) if item else texts()["memos"]["data_item"]
        number = f"ข้อ {to_thai_digits(str(item))} " if item else ""
        items.append({"title": number + title, "lines": [f.message for f in group]})
    return items


def reminder(config: Config, result: DistrictResult, as_of: dt.date) -> Memo | None:
    """The district reminder, or None when the district has nothing open."""
    items = _open_items(result)
    if not items:
        return None
    district = config.district(result.code)
    subject = render(texts()["memos"]["reminder_subject"], name=result.name, as_of=as_of)
    context = _common(config, as_of) | {
        "subject": subject,
        "addressee": config.province.district_addressee.format(name=result.name),
        "name": result.name,
        "items": items,
        "status_tab": STATUS,
        "signer": config.province.signer,
    }
    text, html = _render("reminder", context)
    return Memo("reminder", result.code, subject, list(district.emails), text, html)


def summary(config: Config, report: Report, as_of: dt.date) -> Memo:
    districts = [
        {
            "name": d.name,
            "statuses": [status_label(s) if (s := d.item_status(i)) else "-" for i in ITEMS],
            "open": len(d.open_findings),
        }
        for d in report.districts
    ]
    subject = render(texts()["memos"]["summary_subject"], province=config.province.name, as_of=as_of)
    context = _common(config, as_of) | {
        "subject": subject,
        "addressee": config.province.addressee,
        "districts": districts,
        "complete": sum(1 for d in districts if d["open"] == 0),
        "item_numbers": list(ITEMS),
        "signer": config.province.summary_signer,
    }
    text, html = _render("summary", context)
    return Memo("summary", "province", subject, list(config.province.staff_emails), text, html)


def to_email(memo: Memo, config: Config, now: dt.datetime) -> EmailMessage:
    """An RFC 5322 message with a plain-text and an HTML part."""
    sender = Address(config.email.sender_name, addr_spec=config.email.sender)
    message = EmailMessage()
    message["Subject"] = memo.subject
    message["From"] = sender
    message["To"] = ", ".join(memo.recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message.set_content(memo.text)
    message.add_alternative(memo.html, subtype="html")
    return message


def write_outbox(message: EmailMessage, folder: Path, name: str) -> Path:
    """Write the message as an .eml file into the outbox folder."""
    path = folder / name
    atomic_write(path, lambda handle: handle.write(message.as_bytes()))
    return path
