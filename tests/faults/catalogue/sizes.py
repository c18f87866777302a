"""Sizes officers can type: a huge text cell, tens of thousands of bad rows, a ข้อ of 4,301 digits.
The run stays quick and small, a message quotes at most ~200 characters of an officer's cell, findings
are capped per rule (the status tab and memos list the first ones, then "และอีก M รายการ"), every
written cell stays under Excel's limit, and a memo stays a few pages."""

from __future__ import annotations

from email import message_from_bytes, policy

from sync.schema import STATUS
from tests.conftest import compliant_tabs, save_workbook
from tests.faults import checks as c
from tests.faults.catalogue.workbooks import FIRST
from tests.faults.lab import Lab
from tests.faults.model import Fault

WORD = "ภาคีใหม่"  # an unknown sector, typed over and over into one cell
EXCEL_CELL = 32_767


def district_5701(tabs: dict, *, pdf: bool = False):
    """Setup: officers' workbooks for 5702 and 5703, 5701's made of `tabs`, memos by SMTP."""

    def setup(lab: Lab) -> None:
        lab.districts(skip=("5701",))
        save_workbook(lab.workbooks / FIRST, tabs)
        lab.with_smtp()
        lab.configure(email={"attach_pdf": pdf})

    return setup


def with_huge_cell(characters: int) -> dict:
    tabs = compliant_tabs()
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย ยาว", "คณะทำงาน", "x", WORD * (characters // len(WORD))])
    return tabs


def with_bad_rows(rows: int) -> dict:
    tabs = compliant_tabs()
    tabs["รายงานรายเดือน"] += [[f"เดือนที่ {n}", "32/13/2567", "อบรม"] for n in range(rows)]
    return tabs


def with_item_number(digits: int) -> dict:
    tabs = compliant_tabs()
    tabs["ส่งเอกสารจังหวัด"][1][0] = "1" * digits
    return tabs


def sync(lab: Lab) -> None:
    lab.sync()


def sync_within(seconds: float):
    """Run: a sync, killed (and failed) once it takes `seconds` more than the check allows."""

    def run(lab: Lab) -> None:
        lab.sync(timeout=seconds + 15)

    return run


def twice(lab: Lab) -> None:
    lab.sync()
    lab.context["after first"] = lab.path_of("5701").read_bytes()
    lab.sync()


def memo(lab: Lab, code: str):
    for raw in lab.smtp.mailbox.messages:
        message = message_from_bytes(raw, policy=policy.default)
        if f".{code}-reminder@" in str(message["Message-ID"]):
            return raw, message
    return None, None


def status_cells(lab: Lab) -> list[str]:
    return [str(v) for row in c.status_tab(lab.path_of("5701")) or [] for v in row]


def longest_quote(text: str) -> int:
    """The longest run of the repeated word in `text`, in characters."""
    best = run = 0
    for piece in text.split(WORD):
        run = run + len(WORD) if piece == "" else 0
        best = max(best, run)
    return best + len(WORD)


def quoted_briefly(limit: int = 260) -> c.Check:
    """The status tab and 5701's memo quote at most `limit` characters of the huge cell."""

    def check(lab: Lab) -> str | None:
        _, message = memo(lab, "5701")
        if message is None:
            return "no memo reached 5701"
        text = message.get_body(("plain",)).get_content()
        places = {"the status tab": "\n".join(status_cells(lab)), "the memo": text}
        long = {where: longest_quote(text) for where, text in places.items() if longest_quote(text) > limit}
        return f"officer text quoted at length: {long} characters" if long else None

    return check


def memo_bounded(max_bytes: int, max_pages: int) -> c.Check:
    def check(lab: Lab) -> str | None:
        raw, message = memo(lab, "5701")
        if raw is None:
            return "no memo reached 5701"
        if len(raw) > max_bytes:
            return f"5701's memo is {len(raw):,} bytes (at most {max_bytes:,})"
        pdfs = [p.get_content() for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
        if pdfs:
            import pypdfium2

            pages = len(pypdfium2.PdfDocument(pdfs[0]))
            if pages > max_pages:
                return f"5701's memo PDF has {pages} pages (at most {max_pages})"
        return None

    return check


def cells_fit(lab: Lab) -> str | None:
    longest = max(map(len, status_cells(lab)), default=0)
    return f"a status cell of {longest:,} characters (Excel keeps {EXCEL_CELL:,})" if longest > EXCEL_CELL else None


def capped(lab: Lab) -> str | None:
    rows = c.status_tab(lab.path_of("5701")) or []
    if len(rows) > 300:
        return f"the status tab has {len(rows):,} rows"
    return None if any("และอีก" in cell for cell in status_cells(lab)) else "the status tab does not say และอีก M รายการ"


def unchanged_by_the_second_run(lab: Lab) -> str | None:
    same = lab.path_of("5701").read_bytes() == lab.context["after first"]
    return None if same else f"the second run rewrote {STATUS} though nothing changed"


FAULTS = [
    Fault("data.item_number_4301_digits", "a ข้อ cell of 4,301 digits: data.bad_value naming the cell, not a crash "
          "of every check and sync (issue 11)", district_5701(with_item_number(4301)), sync,
          (c.exits(0), c.finding("5701", "data.bad_value", cell="ส่งเอกสารจังหวัด!A2"), c.written("5701"),
           c.no_traceback)),
    Fault("size.cell_1mb", "a 1 MB text cell: quoted at most ~200 characters in the status tab and the memo, "
          "the memo PDF a few pages (issue 11)", district_5701(with_huge_cell(1_000_000), pdf=True), sync,
          (c.within(60), quoted_briefly(), memo_bounded(1_000_000, 5), cells_fit, c.no_traceback)),
    Fault("size.cell_10mb", "a 10 MB text cell: the sync ends in bounded time, quoting ~200 characters (issue 11)",
          district_5701(with_huge_cell(10_000_000), pdf=True), sync_within(120),
          (c.within(120), c.memory_below(1500), quoted_briefly(), memo_bounded(1_000_000, 5), c.no_traceback),
          slow=True),
    Fault("size.bad_rows_50000", "a tab of 50,000 rows of bad values: bounded time and memory, findings capped, a "
          "memo of a few pages (issue 11)", district_5701(with_bad_rows(50_000), pdf=True), sync_within(120),
          (c.within(120), c.memory_below(1500), capped, memo_bounded(1_000_000, 10), cells_fit, c.no_traceback),
          slow=True),
    Fault("size.status_cells_under_limit", "2,000 bad rows: findings capped per rule, every status cell under "
          "32,767 characters, an unchanged second run leaves the workbook as it was (issue 11)",
          district_5701(with_bad_rows(2_000)), twice, (cells_fit, capped, unchanged_by_the_second_run, c.no_traceback)),
]
