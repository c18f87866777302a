"""Drive for `init --backend google`: find spreadsheets by title, create them, share them."""

from __future__ import annotations

from typing import Any

from sync.backends.google import DRIVE_FILES, SPREADSHEET_ID, SPREADSHEET_MIME, list_spreadsheets
from sync.config import Google
from sync.provision.report import InitError, Outcome

WRITER_ROLES = {"writer", "owner", "organizer", "fileOrganizer"}


class Drive:
    """The spreadsheets the service account sees (one listing, with their sharing), creating and sharing them."""

    def __init__(self, http, settings: Google, client_email: str):
        self.http = http
        self.settings = settings
        self.client_email = client_email
        self.files: dict[str, dict] | None = None

    def list_files(self) -> dict[str, dict]:
        """Every spreadsheet the service account can see, with its sharing: one request per 1,000."""
        self.files = list_spreadsheets(self.http, "id,name,permissions(type,emailAddress,role)")
        return self.files

    def find(self, name: str) -> str | None:
        """The id of the spreadsheet that is `name` (an id or an exact, unique title), None if none is."""
        files = self.files if self.files is not None else self.list_files()
        if SPREADSHEET_ID.match(name) and name in files:
            return name
        matches = [f["id"] for f in files.values() if f["name"] == name]
        if len(matches) > 1:
            raise InitError(
                f"{len(matches)} spreadsheets are titled {name!r}: keep one, or name it by id in the configuration"
            )
        if not matches and SPREADSHEET_ID.match(name):
            raise InitError(
                f"spreadsheet {name} is not shared with {self.client_email or 'the service account'}"
                " (init creates spreadsheets by title, not by id)"
            )
        return matches[0] if matches else None

    def create(self, title: str) -> str:
        body: dict[str, Any] = {"name": title, "mimeType": SPREADSHEET_MIME}
        if self.settings.folder:
            body["parents"] = [self.settings.folder]
        params = {"supportsAllDrives": True, "fields": "id,name"}
        created = self.http.request("post", DRIVE_FILES, params=params, json=body).json()
        self.files[created["id"]] = {"id": created["id"], "name": title, "permissions": []}
        return created["id"]

    def share(
        self, spreadsheet_id: str | None, emails: list[str], role: str, file: dict, outcome: Outcome, dry_run: bool
    ) -> int:
        """Give each address `role` unless it already has it or more; returns how many were added."""
        wanted = WRITER_ROLES if role == "writer" else WRITER_ROLES | {"reader", "commenter"}
        if spreadsheet_id and file and "permissions" not in file:
            url = f"{DRIVE_FILES}/{spreadsheet_id}/permissions"
            params = {"supportsAllDrives": True, "fields": "permissions(type,emailAddress,role)"}
            file["permissions"] = self.http.request("get", url, params=params).json().get("permissions", [])
        have = {
            p.get("emailAddress", "").lower()
            for p in file.get("permissions", [])
            if p.get("type") in ("user", "group") and p.get("role") in wanted
        }
        missing = [e for e in emails if e.lower() not in have]
        for email in missing:
            if not dry_run:
                url = f"{DRIVE_FILES}/{spreadsheet_id}/permissions"
                params = {"sendNotificationEmail": False, "supportsAllDrives": True, "fields": "id"}
                body = {"type": "user", "role": role, "emailAddress": email}
                self.http.request("post", url, params=params, json=body)
                file.setdefault("permissions", []).append(body)
        if missing and outcome.action != "created":
            outcome.changes.append(f"shared with {', '.join(missing)} ({role})")
        return len(missing)

    # --- reading an existing spreadsheet --------------------------------------------------------------
