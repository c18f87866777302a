"""District spreadsheets on the local Sheets/Drive server (tests/sheets_server), as officers keep them.

Each district's spreadsheet holds the contract tabs and an officer tab with a formula; its officer
parts are the values of every tab (formulas as typed) but the status tab's.
"""

from __future__ import annotations

import json
from pathlib import Path

from sync.schema import STATUS
from tests.conftest import compliant_tabs
from tests.sheets_server import DEFAULT_CLIENT_EMAIL, SOMEONE_ELSE, SheetsServer

SUMMARY = "สรุปจังหวัดเชียงราย (ทดสอบ)"
OFFICER_TAB = "บันทึกของอำเภอ"


class GoogleWorld:
    def __init__(self, folder: Path):
        self.server = SheetsServer().start()
        self.credentials = folder / "sa.json"
        self.server.write_credentials(self.credentials)
        self.ids: dict[str, str] = {}
        self.summary_id = self.server.create_spreadsheet(SUMMARY, {"Sheet1": []})

    def stop(self) -> None:
        self.server.stop()

    def add_district(self, code: str, name: str, tabs: dict | None = None, *, read_only: bool = False) -> str:
        """The district's spreadsheet "CODE NAME"; `read_only`: an officer's file shared with the
        service account as a reader only."""
        tabs = dict(tabs or compliant_tabs())
        tabs["รายงานรายเดือน"] = tabs["รายงานรายเดือน"][:-1]  # January's report is missing: work to do
        owner = SOMEONE_ELSE if read_only else None
        sid = self.server.create_spreadsheet(f"{code} {name}", {**tabs, OFFICER_TAB: []}, owner=owner)
        if read_only:
            self.server.share(sid, DEFAULT_CLIENT_EMAIL, "reader")
        self.server.set_values(sid, OFFICER_TAB, [["งบรวม", "=SUM(1000,2500)"], ["หมายเหตุ", "ห้ามแก้"]])
        self.ids[code] = sid
        return sid

    def backend(self, **google) -> dict:
        """The `backend:` section for this server: fast retries (2), a short timeout."""
        settings = {
            "credentials": str(self.credentials), "endpoint": self.server.url, "summary_spreadsheet": SUMMARY,
            "rate_limit_per_minute": 10000, "drive_rate_limit_per_minute": 10000,
            "max_retries": 2, "timeout_seconds": 3,
        }
        return {"kind": "google", "google": {**settings, **google}}

    def tabs(self, code: str) -> list[str]:
        return [s["properties"]["title"] for s in self.server.spreadsheet(self.ids[code])["sheets"]]

    def status_rows(self, code: str) -> list[list]:
        return self.server.values(self.ids[code], STATUS, render="FORMULA") if STATUS in self.tabs(code) else []

    def snapshot(self) -> dict[str, dict[str, bytes]]:
        """Officer parts of every district spreadsheet: each tab's values but the status tab's."""
        shot = {}
        for code, sid in self.ids.items():
            shot[f"google:{code}"] = {
                title: json.dumps(self.server.values(sid, title, render="FORMULA"), ensure_ascii=False).encode()
                for title in self.tabs(code) if title != STATUS
            }
        return shot
