"""Thai memos (บันทึกข้อความ, DOMAIN.md §7) rendered from templates/memo.

One jinja2 template per kind gives the plain-text part, and one gives the HTML that is both the
email's HTML part and (through sync/outputs/pdf.py) the A4 PDF attached to it. Text from
spreadsheets is escaped in HTML. sync/delivery/message.py packs a memo as an e-mail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import jinja2

from sync.checker import DistrictResult, Report
from sync.config import Config
from sync.model import Finding
from sync.outputs.memo_items import findings_of, needing_action, open_items
from sync.schema import ITEMS, STATUS
from sync.textnorm import to_thai_digits
from sync.texts import environment, render, status_label, texts

# Details that change every day without the memo asking anything new; left out of the content hash.
VOLATILE_DETAILS = ("days_late",)


@dataclass
class Memo:
    kind: str  # "reminder" or "summary"
    key: str  # district code, or "province"
    subject: str
    recipients: list[str]
    text: str
    html: str
    cc: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    substance: str = ""  # canonical JSON of what the memo asks for: the ledger's content hash
    context: dict = field(default_factory=dict, repr=False)
    number: str = ""  # ที่, as printed (ชร ๐๐๑๙.๒/๑๒๓); empty until the register gives one
    draft: bool = False  # no number (the register is off): marked ร่าง

    @property
    def file_name(self) -> str:
        return f"{self.key}-{self.kind}.eml"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.substance.encode("utf-8")).hexdigest()

    @property
    def attachment_name(self) -> str:
        """The PDF's name. ASCII only, no spaces: every mail client (Outlook included) keeps it as it is."""
        day = self.as_of.isoformat() if self.as_of else "undated"
        return re.sub(r"[^A-Za-z0-9._-]", "_", f"memo-{self.key}-{self.kind}-{day}") + ".pdf"

    @property
    def docx_name(self) -> str:
        return self.attachment_name.removesuffix(".pdf") + ".docx"


def keep_whole(config: Config) -> frozenset[str]:
    """Thai names of the configuration a PDF line must not break inside (districts, sectors, signers...)."""
    p, g = config.province, config.programme
    names = [p.name, *(d.name for d in config.districts), *g.assessment_levels, p.signer.name, p.summary_signer.name]
    for label in (*g.sectors, *g.dimensions, *g.center_types):
        names += [label.name, *label.synonyms]
    words = {w.strip("()") for name in names for w in name.split()}
    return frozenset(w for w in words if re.search(r"[\u0E01-\u0E4E]", w) and len(w) <= 20)


def letter_number(config: Config) -> str:
    """The letter's number under the office's one prefix (the letter prints ขร; the office is ชร)."""
    p = config.province
    _, slash, rest = p.letter.number.partition("/")
    return f"{p.memo_prefix}/{rest}" if slash else p.letter.number


def _common(config: Config, as_of: dt.date) -> dict:
    p = config.province
    return {
        "office": p.office,
        "group": p.group,
        "phone": to_thai_digits(p.phone),
        "province": p.name,
        "prefix": p.memo_prefix,
        "number": f"{p.memo_prefix}/",
        "draft": False,
        "draft_label": texts()["memos"]["draft"],
        "date": render("{{ d|thdatefull }}", d=as_of),
        "letter": {
            "number": letter_number(config),
            "date": render("{{ d|thdatefull }}", d=p.letter.date),
            "subject": p.letter.subject,
        },
    }


@cache
def _templates(autoescape: bool) -> jinja2.Environment:
    """One environment per escaping mode for the whole process: jinja compiles each template once."""
    return environment(autoescape=autoescape)


def _render(kind: str, context: dict) -> tuple[str, str]:
    text = _templates(False).get_template(f"memo/{kind}.txt.j2").render(**context)
    return text, render_html(kind, context)


def render_html(kind: str, context: dict, font_base: str = "", garuda: Path | None = None) -> str:
    """The memo's HTML. `font_base` prefixes the Sarabun file names of @font-face: empty for the
    email and the PDF (sync/outputs/pdf.py resolves them against the font folder), a file: URI for an
    HTML file a browser should show in Sarabun. `garuda`: the ตราครุฑ image of the printed form
    (the email's HTML has none: mail programs would not show a file)."""
    template = _templates(True).get_template(f"memo/{kind}.html.j2")
    return template.render(**context, font_base=font_base, garuda=garuda.as_uri() if garuda else "")


def print_html(memo: Memo, garuda: Path | None = None) -> str:
    """The HTML of the printed form (the PDF): with the ตราครุฑ when configured."""
    return render_html(memo.kind, memo.context, garuda=garuda) if garuda else memo.html


def numbered(memo: Memo, number: str | None) -> Memo:
    """The memo with its ที่ number from the register; None (the register is off): marked ร่าง."""
    context = memo.context | {"number": number or f"{memo.context['prefix']}/", "draft": number is None}
    text, html = _render(memo.kind, context)
    return replace(memo, text=text, html=html, context=context, number=number or "", draft=number is None)


def _substance(kind: str, key: str, payload) -> str:
    return json.dumps({"kind": kind, "key": key, "content": payload}, ensure_ascii=False, sort_keys=True, default=str)


def _finding_substance(finding: Finding) -> list:
    details = {k: v for k, v in finding.details.items() if k not in VOLATILE_DETAILS}
    return [finding.rule, finding.item, str(finding.status), details]


def reminder(
    config: Config, result: DistrictResult, as_of: dt.date, *, reason: str | None = None, due: dt.date | None = None
) -> Memo | None:
    """The district reminder, or None when nothing needs the district's action (`late` needs none).

    `reason` ("due_soon" or "overdue") and `due` say why it goes out today (the reminder policy);
    the memo then ends with the matching sentence of texts.yaml memos.reasons.
    """
    lines = needing_action(result)
    if not lines:
        return None
    items = open_items(lines, config, as_of)
    district = config.district(result.code)
    subject = render(texts()["memos"]["reminder_subject"], name=result.name, as_of=as_of)
    reason_line = render(texts()["memos"]["reasons"][reason], due=due) if reason and due else ""
    context = _common(config, as_of) | {
        "subject": subject,
        "addressee": config.province.district_addressee.format(name=result.name),
        "name": result.name,
        "items": items,
        "reason_line": reason_line,
        "status_tab": STATUS,
        "signer": config.province.signer,
    }
    text, html = _render("reminder", context)
    substance = _substance("reminder", result.code, sorted(map(_finding_substance, findings_of(lines)), key=str))
    cc = _unique(list(district.cc) + list(config.email.reminder_cc), exclude=district.emails)
    return Memo("reminder", result.code, subject, list(district.emails), text, html, cc, as_of, substance, context)


def summary(config: Config, report: Report, as_of: dt.date) -> Memo:
    districts = []
    for d in report.districts:
        statuses = [d.item_status(i) for i in ITEMS]
        districts.append(
            {
                "code": d.code,
                "name": d.name,
                "statuses": [status_label(s) if s else "-" for s in statuses],
                "cells": [{"status": str(s or "none"), "label": status_label(s) if s else "-"} for s in statuses],
                "open": len(needing_action(d)),
            }
        )
    subject = render(texts()["memos"]["summary_subject"], province=config.province.name, as_of=as_of)
    context = _common(config, as_of) | {
        "subject": subject,
        "addressee": config.province.addressee,
        "districts": districts,
        "complete": sum(1 for d in districts if d["open"] == 0),
        "item_numbers": list(ITEMS),
        "summary_tab": texts()["summary"]["tabs"]["districts"],
        "months_tab": texts()["summary"]["tabs"]["months"],
        "signer": config.province.summary_signer,
    }
    text, html = _render("summary", context)
    substance = _substance("summary", "province", [[d["code"], d["cells"], d["open"]] for d in districts])
    to = list(config.province.staff_emails)
    cc = _unique(list(config.email.summary_cc), exclude=to)
    return Memo("summary", "province", subject, to, text, html, cc, as_of, substance, context)


def _unique(addresses: list[str], exclude=()) -> list[str]:
    seen = {a.lower() for a in exclude}
    unique = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique
