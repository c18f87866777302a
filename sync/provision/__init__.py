"""`python cli.py init`: give every district a spreadsheet laid out as the contract says.

- `template`: what a new district spreadsheet holds (tabs, headers, drop-downs, formats), for both backends;
- `google` (with `google_drive`, `google_layout`, `google_repair`): Google Sheets, created or repaired;
- `xlsx`: .xlsx workbooks in the workbooks folder, created when missing;
- `workbooks`: district workbooks read for `--from-xlsx` uploads; `report`: what init did.
"""

from sync.provision.google import Provisioner
from sync.provision.report import InitError, InitReport, Outcome
from sync.provision.workbooks import Formula, Workbook, load_workbooks, read_workbook

__all__ = [
    "Formula",
    "InitError",
    "InitReport",
    "Outcome",
    "Provisioner",
    "Workbook",
    "load_workbooks",
    "read_workbook",
]
