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
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby

import jinja2

from sync.checker import DistrictResult, Report
from sync.config import Config
from sync.deadlines import effective_due
from sync.model import Finding, Status
from sync.schema import DOCUMENT_ITEMS, ITEMS, STATUS
from sync.textnorm import to_thai_digits
from sync.texts import environment, item_title, render, status_label, texts

# Items 1–5 have no due date of their own: the letter wants copies of their documents by the
# documents' due date (item 7, schema.DOCUMENT_ITEMS), so that is when they are due.
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

    @property
    def file_name(self) -> str:
        return f"{self.key}-{self.kind}.eml"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.substance.encode("utf-8")).hexdigest()

    @property
    def attachment_name(self) -> str:
        """ASCII only, no spaces: every mail client (Outlook included) keeps it as it is."""
        day = self.as_of.isoformat() if self.as_of else "undated"
        return re.sub(r"[^A-Za-z0-9._-]", "_", f"memo-{self.key}-{self.kind}-{day}") + ".pdf"


def keep_whole(config: Config) -> frozenset[str]:
    """Thai names of the configuration a PDF line must not break inside (districts, sectors, signers...)."""
    p, g = config.province, config.programme
    names = [p.name, *(d.name for d in config.districts), *g.assessment_levels, p.signer.name, p.summary_signer.name]
    for label in (*g.sectors, *g.dimensions, *g.center_types):
        names += [label.name, *label.synonyms]
    words = {w.strip("()") for name in names for w in name.split()}
    return frozenset(w for w in words if re.search(r"[\u0E01-\u0E4E]", w) and len(w) <= 20)


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


@cache
def _templates(autoescape: bool) -> jinja2.Environment:
    """One environment per escaping mode for the whole process: jinja compiles each template once."""
    return environment(autoescape=autoescape)


def _render(kind: str, context: dict) -> tuple[str, str]:
    text = _templates(False).get_template(f"memo/{kind}.txt.j2").render(**context)
    return text, render_html(kind, context)


def render_html(kind: str, context: dict, font_base: str = "") -> str:
    """The memo's HTML. `font_base` prefixes the Sarabun file names of @font-face: empty for the
    email and the PDF (sync/outputs/pdf.py resolves them against the font folder), a file: URI for an
    HTML file a browser should show in Sarabun."""
    template = _templates(True).get_template(f"memo/{kind}.html.j2")
    return template.render(**context, font_base=font_base)


def _substance(kind: str, key: str, payload) -> str:
    return json.dumps({"kind": kind, "key": key, "content": payload}, ensure_ascii=False, sort_keys=True, default=str)


def _finding_substance(finding: Finding) -> list:
    details = {k: v for k, v in finding.details.items() if k not in VOLATILE_DETAILS}
    return [finding.rule, finding.item, str(finding.status), details]


def _deadline(item: int | None, findings: list[Finding], config: Config, as_of: dt.date) -> str:
    """'กำหนด ๒๐ ม.ค. ๒๕๖๘ เกินกำหนด ๑ วัน' for an item still to be done, '' when nothing is due."""
    dues = [
        dt.date.fromisoformat(f.details["due"])
        for f in findings
        if f.details.get("due") and f.status in (Status.OVERDUE, Status.DUE_SOON)
    ]
    if dues:
        due = min(dues)
    elif item in DOCUMENT_ITEMS:
        deadlines = config.programme.deadlines
        due = effective_due(deadlines.documents_due, deadlines)
    else:
        return ""
    return render(texts()["memos"]["item_deadline"], due=due, days_late=max((as_of - due).days, 0))


def _open_items(result: DistrictResult, config: Config, as_of: dt.date) -> list[dict]:
    """Open findings grouped by item of the letter; data problems as one last group."""
    ordered = sorted(result.open_findings, key=lambda f: (f.item is None, f.item or 0))
    items = []
    for item, group in groupby(ordered, key=lambda f: f.item):
        group = list(group)
        title = render(texts()["memos"]["item_title"], n=item, title=item_title(item)) if item else None
        items.append(
            {
                "title": title or texts()["memos"]["data_item"],
                "deadline": _deadline(item, group, config, as_of),
                "lines": [f.message for f in group],
            }
        )
    return items


def reminder(
    config: Config, result: DistrictResult, as_of: dt.date, *, reason: str | None = None, due: dt.date | None = None
) -> Memo | None:
    """The district reminder, or None when the district has nothing open.

    `reason` ("due_soon" or "overdue") and `due` say why it goes out today (the reminder policy);
    the memo then ends with the matching sentence of texts.yaml memos.reasons.
    """
    items = _open_items(result, config, as_of)
    if not items:
        return None
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
    substance = _substance("reminder", result.code, sorted(map(_finding_substance, result.open_findings), key=str))
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
                "open": len(d.open_findings),
            }
        )
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
