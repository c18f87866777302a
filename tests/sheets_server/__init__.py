"""A local, stateful, Google-Sheets-API-compatible HTTP server for tests (standard library only).

One server answers for every Google host: Sheets v4 (``/v4/spreadsheets...``), Drive v3
(``/drive/v3/files...``), the OAuth token endpoint (``/token``) and test controls (``/_emulator/...``).

    from tests.sheets_server import SheetsServer

    with SheetsServer() as server:
        server.write_credentials(tmp_path / "sa.json")   # token_uri -> server.url + "/token"
        sid = server.create_spreadsheet("อำเภอเมือง", {"ข้อมูล": [["ชื่อ", "ตำแหน่ง"]]})
        ...

Run stand-alone with ``python -m tests.sheets_server --port 0`` (prints the URL first).
Modules: ``a1`` (ranges), ``cells`` (values), ``ranges`` (formats, rules and notes stored by ranges),
``protojson`` (Google's stored forms), ``formulas``, ``store`` (files, sheets, clock), ``grid`` (value
reads/writes), ``sheets_api`` / ``drive_api`` (handlers), ``quotas`` (Google's per-minute limits),
``faults`` (injected failures), ``controls`` (stats, faults, quotas, tokens), ``httpd`` (HTTP, auth),
``server`` (:class:`SheetsServer`), ``clients`` (point gspread/requests at the server).
"""

from .faults import Fault
from .server import DEFAULT_CLIENT_EMAIL, OFFICER_EMAIL, SOMEONE_ELSE, SheetsServer

__all__ = ["SheetsServer", "Fault", "DEFAULT_CLIENT_EMAIL", "OFFICER_EMAIL", "SOMEONE_ELSE"]
