"""LINE group messages as the Messaging API takes them: a Flex bubble and its altText, built as dicts.

A district's message says what needs action, one line per cause (sync.outputs.actions), each with
its status and due date, and has a button to the district's spreadsheet when it has a web link (the
Google backend; an .xlsx file has none, so the message says where to look instead). The province's
message counts the districts needing action per item of the letter, names them, and has a button to
the provincial summary. Thai texts are in templates/line/texts.yaml.

Text from officers' cells only ever reaches `text` properties. LINE shows those as they are (no
markup, no formulas), so `<script>` or `=HYPERLINK(…)` reads as the characters typed; it is clipped
to LINE's limits like every other text, and control characters are dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import yaml

from sync.checker import DistrictResult, Report
from sync.config import Config
from sync.deadlines import effective_due
from sync.model import Finding, Status
from sync.outputs.actions import ActionLine, action_lines
from sync.outputs.memos import VOLATILE_DETAILS
from sync.schema import DOCUMENT_ITEMS, ITEMS, STATUS
from sync.texts import TEMPLATES, item_title, render, status_label

# LINE's limits (Messaging API reference), some stricter than today's to stay valid everywhere.
ALT_TEXT_MAX = 400  # altText; 1,500 since 2024, the notification preview shows far less anyway
TEXT_MESSAGE_MAX = 5000  # a text message
BUBBLE_MAX_BYTES = 30_000  # "the maximum size of JSON data that defines a bubble is 30 KB"
LABEL_MAX = 20  # an action's label (40 in a Flex button, 20 in templates)
URI_MAX = 1000  # a URI action's uri
LINE_MAX = 200  # one action line in a bubble: officer text can be 5,000 characters
MAX_LINES = 10  # action lines shown in a bubble; the rest are counted

COLORS = {
    Status.DUE_SOON: "#B26A00",
    Status.LATE: "#B26A00",
    Status.OVERDUE: "#C62828",
    Status.INCOMPLETE: "#C62828",
    Status.INVALID: "#C62828",
    Status.ERROR: "#6A1B9A",
}
GREY, DARK, ACCENT = "#777777", "#222222", "#2E7D32"
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class LineMessage:
    """One push: to a group, a Flex bubble with its altText."""

    kind: str  # "reminder" or "summary", as the memos
    key: str  # district code, or "province"
    to: str  # the LINE group id ("" when none is configured)
    alt_text: str
    contents: dict
    substance: str  # canonical JSON of what it says, for the ledger's content hash

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.substance.encode("utf-8")).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.key}-{self.kind}"

    def message(self) -> dict:
        return {"type": "flex", "altText": self.alt_text, "contents": self.contents}

    def body(self) -> dict:
        """The request body of POST /v2/bot/message/push."""
        return {"to": self.to, "messages": [self.message()]}


def utf16_length(text: str) -> int:
    """Length as LINE counts characters (UTF-16 code units: an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """One clean text of at most `limit` characters: control characters dropped, '…' where it was cut,
    never between a Thai consonant and its vowel or tone mark."""
    text = _CONTROL.sub(" ", text).strip()
    if utf16_length(text) <= limit:
        return text
    kept, used = [], 0
    for char in text:
        used += utf16_length(char)
        if used > limit - 1:
            break
        kept.append(char)
    while kept and unicodedata.category(kept[-1]) == "Mn":  # a vowel or tone mark whose consonant goes
        kept.pop()
    return "".join(kept).rstrip() + "…"


def web_link(link: str) -> str:
    """The link when a phone can open it (http or https, within LINE's length), else ''."""
    return link if re.match(r"https?://", link or "") and len(link) <= URI_MAX else ""


@cache
def _texts() -> dict:
    return yaml.safe_load((TEMPLATES / "line" / "texts.yaml").read_text(encoding="utf-8"))


def text_of(path: str, **values) -> str:
    """The Thai text at `path` ("district.title") of templates/line/texts.yaml, rendered."""
    node = _texts()
    for part in path.split("."):
        node = node[part]
    return render(node, **values)


# --- Flex building blocks -------------------------------------------------------------------------


def _text(text: str, limit: int = LINE_MAX, **style) -> dict:
    return {"type": "text", "text": clip(text, limit) or "-", "wrap": True, **style}


def _box(layout: str, contents: list[dict], **style) -> dict:
    return {"type": "box", "layout": layout, "contents": contents, **style}


def _footer(label: str, link: str, hint: str) -> dict:
    if link:
        action = {"type": "uri", "label": clip(label, LABEL_MAX), "uri": link}
        return _box("vertical", [{"type": "button", "style": "primary", "color": ACCENT, "action": action}])
    return _box("vertical", [_text(hint, size="xs", color=GREY)])


def _header(config: Config, title: str, as_of: dt.date, subtitle: str = "", color: str = DARK) -> dict:
    contents = [
        _text(text_of("brand", province=config.province.name), size="xxs", color=GREY),
        _text(title, size="xl", weight="bold", color=DARK),
        _text(text_of("as_of", as_of=as_of), size="xxs", color=GREY),
    ]
    if subtitle:
        contents.insert(2, _text(subtitle, size="sm", weight="bold", color=color))
    return _box("vertical", contents, spacing="xs")


def _bubble(header: dict, body: list[dict], footer: dict) -> dict:
    return {
        "type": "bubble",
        "header": header,
        "body": _box("vertical", body, spacing="md"),
        "footer": footer,
        "styles": {"body": {"separator": True}},
    }


def _fits(bubble: dict) -> bool:
    return len(json.dumps(bubble, ensure_ascii=False).encode("utf-8")) <= BUBBLE_MAX_BYTES


def _substance(kind: str, key: str, payload) -> str:
    return json.dumps({"kind": kind, "key": key, "content": payload}, ensure_ascii=False, sort_keys=True, default=str)


def _finding_substance(finding: Finding) -> list:
    details = {k: v for k, v in finding.details.items() if k not in VOLATILE_DETAILS}
    return [finding.rule, finding.item, str(finding.status), details]


# --- a district's message -------------------------------------------------------------------------


def needing_action(result: DistrictResult) -> list[ActionLine]:
    """The district's lines that need action (DOMAIN.md §6): 'late' is done, only late, and is left out.
    A closing "และอีก M รายการ" line of a rule stands for M causes (`ActionLine.more`)."""
    return [line for line in action_lines(result) if line.needs_action]


def _counted(lines: list[ActionLine]) -> int:
    return sum(line.more or 1 for line in lines)


def _due(line: ActionLine, config: Config) -> dt.date | None:
    """The line's due date; items 1–5 are due with their documents (item 7), as in the memos."""
    if line.due:
        return line.due
    if any(item in DOCUMENT_ITEMS for item in line.items):
        deadlines = config.programme.deadlines
        return effective_due(deadlines.documents_due, deadlines)
    return None


def _cells(cells: list[str]) -> list[str]:
    return cells[:2] + ([f"+{len(cells) - 2}"] if len(cells) > 2 else [])


def _action_row(line: ActionLine, config: Config) -> dict:
    label = text_of("district.item", n=line.items[0]) if line.items else text_of("district.data_item")
    cells = [] if line.is_data_problem else _cells(line.cells)  # a data problem's text names its cell
    status = text_of("district.status_due", status=status_label(line.status), due=_due(line, config), cells=cells)
    return _box(
        "vertical",
        [
            _box(
                "horizontal",
                [
                    _text(label, size="sm", weight="bold", color=GREY, flex=0),
                    _text(line.text, size="sm", color=DARK, flex=1),
                ],
                spacing="sm",
            ),
            _text(status, size="xs", color=COLORS.get(line.status, GREY), offsetStart="lg"),
        ],
    )


def district_message(
    config: Config,
    result: DistrictResult,
    as_of: dt.date,
    *,
    reason: str | None = None,
    due: dt.date | None = None,
    link: str = "",
) -> LineMessage | None:
    """The message to the district's group, or None when nothing needs action (or it could not be read).

    `reason` ("due_soon", "overdue") and `due` say why it goes out today; None: sent by hand.
    """
    if not result.readable or not result.needs_action:
        return None
    lines = needing_action(result)
    total = len(result.needs_action)
    district = config.district(result.code)
    reason_text = text_of(f"district.reasons.{reason or 'manual'}", due=due)
    color = COLORS[Status.DUE_SOON if reason == "due_soon" else Status.OVERDUE]
    header = _header(config, text_of("district.title", name=result.name), as_of, reason_text, color)
    footer = _footer(text_of("district.button"), web_link(link), text_of("district.no_link", tab=STATUS))
    shown = min(len(lines), MAX_LINES)
    while True:
        body = [_text(text_of("district.count", n=total), size="md", weight="bold", color=DARK)]
        body += [_action_row(line, config) for line in lines[:shown]]
        if shown < len(lines):
            rest = _counted(lines[shown:])
            body.append(_text(text_of("district.more", n=rest, tab=STATUS), size="xs", color=GREY))
        bubble = _bubble(header, body, footer)
        if _fits(bubble) or shown == 1:
            break
        shown -= 1
    alt = text_of(
        "district.alt", name=result.name, reason=reason_text, n=total, lines=[clip(x.text, 60) for x in lines[:3]]
    )
    findings = sorted((_finding_substance(f) for x in lines for f in x.findings), key=str)
    substance = _substance("reminder", result.code, findings)
    return LineMessage("reminder", result.code, district.line_group, clip(alt, ALT_TEXT_MAX), bubble, substance)


# --- the province's message -----------------------------------------------------------------------


def province_message(config: Config, report: Report, as_of: dt.date, *, link: str = "") -> LineMessage:
    """The monthly message to the provincial group: districts needing action, per item and by name."""
    readable = [d for d in report.districts if d.readable]
    acting = [d for d in readable if d.needs_action]
    unreadable = [d for d in report.districts if not d.readable]
    total = len(report.districts)
    needing = len(acting) + len(unreadable)
    per_item = {i: sum(1 for d in readable if any(i in c.items for c in d.needs_action)) for i in ITEMS}

    rows = [
        _box(
            "horizontal",
            [
                _text(text_of("province.item", n=i, title=item_title(i)), 80, size="xs", color=DARK, flex=5),
                _text(text_of("province.item_count", n=n), size="xs", align="end", flex=1,
                      color=COLORS[Status.OVERDUE] if n else GREY, weight="bold"),
            ],
        )
        for i, n in per_item.items()
    ]
    body = [
        _text(text_of("province.count", n=needing, total=total), size="md", weight="bold", color=DARK),
        _text(text_of("province.items_header"), size="xs", color=GREY),
        _box("vertical", rows, spacing="xs"),
        {"type": "separator"},
    ]
    if acting:
        names = ", ".join(text_of("province.district", name=d.name, n=len(d.needs_action)) for d in acting)
        body += [_text(text_of("province.districts_header"), size="xs", color=GREY), _text(names, 1000, size="sm")]
    if unreadable:
        body += [_text(text_of("province.unreadable_header"), size="xs", color=GREY),
                 _text(", ".join(d.name for d in unreadable), 1000, size="sm", color=COLORS[Status.ERROR])]
    if not needing:
        body.append(_text(text_of("province.none"), size="sm", color=ACCENT))
    header = _header(config, text_of("province.title", as_of=(as_of.year, as_of.month)), as_of)
    footer = _footer(text_of("province.button"), web_link(link), text_of("province.no_link"))
    bubble = _bubble(header, body, footer)
    alt = text_of(
        "province.alt", province=config.province.name, as_of=as_of, n=needing, total=total,
        names=[d.name for d in acting] + [d.name for d in unreadable],
    )
    substance = _substance(
        "summary", "province", [[d.code, [str(d.item_status(i)) for i in ITEMS], len(d.needs_action)]
                                for d in report.districts],
    )
    return LineMessage("summary", "province", config.line.province_group, clip(alt, ALT_TEXT_MAX), bubble, substance)


def test_message(config: Config, moment: str) -> dict:
    """`line test`: one plain text message."""
    return {"type": "text", "text": clip(text_of("test", province=config.province.name, moment=moment),
                                          TEXT_MESSAGE_MAX)}
