"""Put district workbooks on the local Sheets server the way an officer's upload would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from sync.config import Config

SERIAL_EPOCH = dt.date(1899, 12, 30)


def sheets_value(value: Any) -> Any:
    """A cell as the Sheets API returns it unformatted: dates as serial numbers."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value - SERIAL_EPOCH).days
    return value


def upload_workbooks(server, folder: Path, config: Config) -> dict[str, str]:
    """One spreadsheet per district workbook, titled "CODE NAME"; returns code → spreadsheet id."""
    ids = {}
    for path in sorted(folder.glob("*.xlsx")):
        code = path.stem.split()[0]
        book = CalamineWorkbook.from_path(str(path))
        tabs = {
            name: [[sheets_value(c) for c in row] for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
            for name in book.sheet_names
        }
        ids[code] = server.create_spreadsheet(f"{code} {config.district(code).name}", tabs)
    return ids
