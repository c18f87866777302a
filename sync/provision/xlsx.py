"""`python cli.py init --backend xlsx`: a blank workbook `CODE NAME.xlsx` for each district that has none.

Laid out from the shared template (`sync.provision.template`), like a new Google spreadsheet: a first
tab คำแนะนำ that says in Thai what goes where and which values are accepted; the contract tabs with
their headers (bold, frozen), drop-downs of the configured values (warnings only: synonyms stay
accepted), date formats, column widths and the officers' font (`outputs.font`); last, the status tab.
The service's two tabs are written by the same zip-level writer as the sync's status tab.

A district that already has a file (any workbook the backend would find for it, even an .xls) is left
alone: init never overwrites, and running it again changes nothing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sync.atomic import atomic_write
from sync.backends import SourceUnreadable
from sync.backends.xlsx_folder import WorkbookFolder
from sync.backends.xlsx_package import write_tab
from sync.backends.xlsx_styles import MAIN
from sync.config import Config, ConfigError, District
from sync.model import column_letter
from sync.outputs.sheet import Font as SheetFont
from sync.outputs.sheet import PrintSetup, Sheet
from sync.provision.report import InitError, InitReport, Outcome
from sync.provision.template import DATE_PATTERN, HEADER_FILL, TemplateColumn, TemplateTab, contract_tabs
from sync.schema import STATUS
from sync.texts import render, texts

DATA_ROWS = 1000  # drop-downs reach this row
LIST_LIMIT = 255  # characters Excel allows in a drop-down's list written into the rule itself
STATUS_WIDTHS = [6, 34, 16, 70, 30, 14]  # as the sync's status tab


class XlsxProvisioner:
    """Creates the missing district workbooks in one folder."""

    def __init__(self, config: Config, folder: Path | None = None):
        folder = folder or config.backend.workbooks
        if folder is None:
            raise ConfigError("backend.workbooks: the workbooks folder is needed for `init --backend xlsx`")
        self.config = config
        self.folder = WorkbookFolder(Path(folder))
        self.font = SheetFont(config.outputs.font.name, config.outputs.font.size)
        self.tabs = contract_tabs(config.programme)

    def run(self, districts: Iterable[District], *, dry_run: bool = False) -> InitReport:
        if not dry_run:
            self.folder.folder.mkdir(parents=True, exist_ok=True)
        outcomes = []
        for district in districts:
            try:
                outcomes.append(self.district(district, dry_run=dry_run))
            except (InitError, SourceUnreadable, OSError) as exc:
                outcomes.append(Outcome(f"{district.code} {district.name}", "failed", error=str(exc)))
        return InitReport(outcomes, dry_run)

    def district(self, district: District, *, dry_run: bool = False) -> Outcome:
        outcome = Outcome(f"{district.code} {district.name}")
        existing = self._existing(district)
        if existing:
            outcome.path = str(existing[0])
            if existing[0].suffix.lower() != ".xlsx" or len(existing) > 1:
                outcome.notes.append(f"has {', '.join(p.name for p in existing)}: left as it is (the check reports it)")
            return outcome
        path = self.folder.folder / (district.spreadsheet or f"{district.code} {district.name}.xlsx")
        if path.suffix.lower() != ".xlsx":
            raise InitError(f"{path.name}: init makes .xlsx workbooks only (name one in districts: spreadsheet:)")
        outcome.action, outcome.path = "created", str(path)
        data = self.workbook(district)
        outcome.changes.append(f"{len(self.tabs)} tabs with drop-downs, date formats, the instructions and status tabs")
        if not dry_run:

            def still_absent() -> None:
                if path.exists() or path.is_symlink():
                    raise InitError(f"{path}: appeared while init ran; left as it is")

            atomic_write(path, lambda handle: handle.write(data), before_replace=still_absent)
        return outcome

    def _existing(self, district: District) -> list[Path]:
        """Every file the backend could take for the district's workbook."""
        if district.spreadsheet:
            try:
                return [self.folder.locate(district)]
            except SourceUnreadable as exc:
                if "not found" in str(exc):
                    return []
                raise
        if not self.folder.folder.is_dir():
            return []
        return sorted(self.folder.index().get(district.code.casefold(), []))

    # --- the workbook ---------------------------------------------------------------------------------
    def workbook(self, district: District) -> bytes:
        """The new workbook's bytes: officer tabs by openpyxl, the service's two tabs by the zip writer."""
        t = texts()["init"]
        book = openpyxl.Workbook()
        book.active.title = t["instructions_tab"]
        for tab in self.tabs:
            self._officer_tab(book.create_sheet(tab.name), tab)
        buffer = io.BytesIO()
        book.save(buffer)
        data = _default_font(buffer.getvalue(), self.font)
        data = write_tab(data, self.instructions(district))
        return write_tab(data, self.status_placeholder(district))

    def _officer_tab(self, ws, tab: TemplateTab) -> None:
        t = texts()["init"]
        header_font = Font(name=self.font.name, size=self.font.size, bold=True)
        fill = PatternFill("solid", start_color=HEADER_FILL)
        for c, column in enumerate(tab.columns, start=1):
            cell = ws.cell(1, c, column.header)
            cell.font, cell.fill = header_font, fill
            cell.alignment = Alignment(vertical="top")
            letter = column_letter(c - 1)
            ws.column_dimensions[letter].width = column.width
            if column.is_date:
                ws.column_dimensions[letter].number_format = DATE_PATTERN
            listed = _list_formula(column)
            if listed:
                rule = DataValidation(
                    type="list",
                    formula1=listed,
                    allow_blank=True,
                    errorStyle="warning",
                    showErrorMessage=True,
                    errorTitle=t["validation_title"],
                    error=t["validation_message"],
                )
                rule.add(f"{letter}2:{letter}{DATA_ROWS}")
                ws.add_data_validation(rule)
        ws.freeze_panes = ws.cell(tab.frozen_rows + 1, 1)

    def instructions(self, district: District) -> Sheet:
        """The คำแนะนำ tab: what goes where, with the accepted values of this configuration."""
        t = texts()["init"]
        programme = self.config.programme
        intro = [[line] for line in t["intro"]]
        rows: list[list] = [[render(t["title"], name=district.name)], *intro, [], t["headers"]]
        styles: dict = {(0, 0): "title"}
        header_row = len(rows) - 1
        styles.update({(header_row, c): "header" for c in range(len(t["headers"]))})
        values = {
            "synonyms": [syn for s in programme.sectors for syn in s.synonyms[:1]],
            "labels": {ct.name: (ct.synonyms[0] if ct.synonyms else "") for ct in programme.center_types},
        }
        for tab in self.tabs:
            for i, column in enumerate(tab.columns):
                accepted = render(t["accepted"][column.kind.value], values=list(column.choices), **values)
                required = (
                    t["required"]
                    if column.required
                    else render(t["required_for"], item=column.for_item)
                    if column.for_item
                    else t["optional"]
                )
                rows.append([tab.name if i == 0 else "", column.header, required, accepted])
                if i == 0:
                    styles[(len(rows) - 1, 0)] = "bold"
        line = self.font.size * 1.5  # points per line of wrapped text
        heights = {r: line * _lines(rows[r][0], 150) for r in range(1, header_row - 1)}
        heights |= {r: line * _lines(rows[r][3], 95) for r in range(header_row + 1, len(rows))}
        return Sheet(
            title=t["instructions_tab"],
            rows=rows,
            styles=styles,
            widths=[22, 24, 11, 90],
            merges=[(r, 0, r, 3) for r in range(0, header_row - 1)],
            row_heights={0: self.font.size * 2, **heights},
            font=self.font,
            print_setup=PrintSetup(landscape=True, fit_width=True, repeat_rows=(header_row, header_row)),
            protected=True,
        )

    def status_placeholder(self, district: District) -> Sheet:
        """The status tab until the first sync writes it."""
        title = render(texts()["status_tab"]["title"], name=district.name)
        return Sheet(
            title=STATUS,
            rows=[[title], [texts()["init"]["status_placeholder"]]],
            styles={(0, 0): "title"},
            widths=STATUS_WIDTHS,
            font=self.font,
            print_setup=PrintSetup(landscape=True, fit_width=True),
            protected=True,
        )


def _lines(text: str, per_line: int) -> int:
    """How many lines `text` takes in a wrapped cell about `per_line` characters wide."""
    return max(1, -(-len(text) // per_line))


def _list_formula(column: TemplateColumn) -> str | None:
    """A drop-down's list as the rule's formula ("a,b,c"), or None when Excel cannot hold it there."""
    if not column.choices or any("," in v or '"' in v for v in column.choices):
        return None
    listed = ",".join(column.choices)
    return f'"{listed}"' if len(listed) <= LIST_LIMIT else None


def _default_font(data: bytes, font: SheetFont) -> bytes:
    """The new workbook with `font` as its default (style sheet font 0): what officers type is in it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/styles.xml":
                root = etree.fromstring(content)
                first = root.find(f"{{{MAIN}}}fonts/{{{MAIN}}}font")
                first.find(f"{{{MAIN}}}sz").set("val", f"{font.size:g}")
                first.find(f"{{{MAIN}}}name").set("val", font.name)
                for extra in first.findall(f"{{{MAIN}}}scheme") + first.findall(f"{{{MAIN}}}family"):
                    first.remove(extra)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, content)
    return buffer.getvalue()
