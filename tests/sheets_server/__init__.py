"""A local, stateful, Google-Sheets-API-compatible HTTP server for tests (standard library only).

One server answers for every Google host: Sheets v4 (``/v4/spreadsheets...``), Drive v3
(``/drive/v3/files...``), the OAuth token endpoint (``/token``) and test controls (``/_emulator/...``).

    from tests.sheets_server import SheetsServer

    with SheetsServer() as server:
        server.write_credentials(tmp_path / "sa.json")   # token_uri -> server.url + "/token"
        sid = server.create_spreadsheet("อำเภอเมือง", {"ข้อมูล": [["ชื่อ", "ตำแหน่ง"]]})
        ...

Run stand-alone with ``python -m tests.sheets_server --port 0 [--credentials-out FILE] [--google-quotas]
[--quota-per-minute N] [--project-quota-per-minute N]`` (prints the URL first).

Test controls (Python; the same over HTTP under ``/_emulator/``):

* quotas, off by default (quotas.py): ``SheetsServer(google_quotas=True)`` or
  ``set_google_quotas(on=True)`` for Google's 60 read and 60 write requests a minute per user and 300
  of each per project; ``SheetsServer(quota_per_minute=N, project_quota_per_minute=M)``,
  ``set_quota(N, read_per_minute=, write_per_minute=)``, ``set_project_quota(...)``, ``quotas()``;
  ``advance_clock(61)`` ends a minute. HTTP: ``POST /_emulator/quota`` with ``{"google": true}``,
  ``per_minute``, ``read_per_minute``, ``write_per_minute``, ``project_per_minute``,
  ``project_read_per_minute``, ``project_write_per_minute``; ``GET /_emulator/quota``.
* faults (faults.py): ``add_fault(status, delay=, drop=, count=1, kind=, spreadsheet_id=, message=,
  after=)``, and ``fail_every_request(429)``, ``fail_method("values.batchUpdate", 503, count=None)``,
  ``time_out(spreadsheet_id, seconds=5)``, ``drop_connections("drive.files.list")``,
  ``clear_faults()``, ``faults()``. HTTP: ``POST``/``GET``/``DELETE /_emulator/faults`` (the JSON of
  ``Fault.as_dict``).
* files: ``create_spreadsheet(title, sheets, owner=, shared_with=, role=)`` (``role="reader"``: shared
  read-only, writes answer 403 PERMISSION_DENIED), ``share(id, email, role)``, ``set_values``,
  ``values``, ``spreadsheet``, ``modified_time``. HTTP: ``POST /_emulator/spreadsheets``,
  ``POST /_emulator/spreadsheets/{id}/permissions`` ``{"email", "role"}``,
  ``GET``/``POST /_emulator/spreadsheets/{id}/values/{title}``.
* ``stats()`` (``GET /_emulator/stats``): requests by kind, spreadsheet, user and status, 429s,
  injected faults, limits, what is stored; ``reset(data=False)`` (``POST /_emulator/reset``);
  ``token_for(email)`` (``POST /_emulator/token``).

Modules: ``a1`` (ranges), ``cells`` (values), ``ranges`` (formats, rules and notes stored by ranges),
``protojson`` (Google's stored forms), ``schema`` (Google's decoding checks), ``formulas``, ``store``
(files, sheets, clock), ``grid`` (value reads/writes), ``access`` (protection), ``render``
(spreadsheets.get JSON), ``sheets_api`` / ``values_api`` / ``metadata_api`` / ``drive_api``
(handlers), ``batch`` (batchUpdate requests), ``quotas``, ``faults``, ``controls`` (stats, faults,
quotas, tokens), ``httpd`` (HTTP, auth), ``server`` (:class:`SheetsServer`), ``clients`` (point
gspread/requests at the server).
"""

from .faults import Fault
from .server import DEFAULT_CLIENT_EMAIL, OFFICER_EMAIL, SOMEONE_ELSE, SheetsServer

__all__ = ["SheetsServer", "Fault", "DEFAULT_CLIENT_EMAIL", "OFFICER_EMAIL", "SOMEONE_ELSE"]
