"""District workbooks as `init --from-xlsx` uploads them: every worksheet's cells, formulas as formulas."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from sync.backends import SourceUnreadable
from sync.backends.xlsx_folder import WorkbookFolder
from sync.config import Config, District


class Formula(str):
    """A workbook cell's formula ("=SUM(E2:E28)"): uploaded as a formula, where text stays text."""


@dataclass
class Workbook:
    """A district workbook as it will be uploaded: tabs in workbook order, rows of cell values
    (str, int, float, bool, None, dates and datetimes, `Formula`)."""

    source: str
    tabs: dict[str, list[list[Any]]]


def _workbook_value(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        text = getattr(value, "text", value)
        return Formula(text if str(text).startswith("=") else f"={text}")
    if cell.data_type == "e":
        return str(value)
    return value


def read_workbook(path: Path) -> Workbook:
    """Every worksheet of an .xlsx workbook with openpyxl (formulas as formulas, dates as dates)."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several types for damaged files
        raise SourceUnreadable(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        tabs = {}
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows():
                values = [_workbook_value(c) for c in row]
                while values and values[-1] in (None, ""):
                    values.pop()
                rows.append(values)
            while rows and not rows[-1]:
                rows.pop()
            tabs[sheet.title] = rows
    finally:
        book.close()
    return Workbook(str(path), tabs)


def load_workbooks(_config: Config, folder: Path, districts: Iterable[District]) -> dict[str, Workbook | Exception]:
    """Each district's workbook in `folder`, found the way the xlsx backend finds it; or why not."""
    locator = WorkbookFolder(Path(folder))
    found: dict[str, Workbook | Exception] = {}
    for district in districts:
        try:
            found[district.code] = read_workbook(locator.locate(district))
        except SourceUnreadable as exc:
            found[district.code] = exc
    return found
