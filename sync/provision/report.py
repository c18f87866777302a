"""What `init` did, spreadsheet by spreadsheet, whichever backend it provisioned."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


class InitError(Exception):
    """This district cannot be provisioned; the message says why and what to do."""


@dataclass
class Outcome:
    """What init did (or, in a dry run, would do) to one spreadsheet."""

    label: str  # "5701 เมืองเชียงราย" or "provincial summary"
    action: str = "unchanged"  # created | updated | unchanged | failed
    spreadsheet_id: str = ""
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    path: str = ""  # a workbook file (the xlsx backend)

    @property
    def url(self) -> str:
        if self.spreadsheet_id:
            return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}"
        return self.path

    def lines(self, dry_run: bool) -> list[str]:
        if self.action == "failed":
            head = f"{self.label}: FAILED: {self.error}"
        elif self.action == "unchanged":
            head = f"{self.label}: unchanged"
        else:
            verb = {
                "created": "would create" if dry_run else "created",
                "updated": "would update" if dry_run else "updated",
            }
            head = f"{self.label}: {verb[self.action]}" + (f" {self.url}" if self.url else "")
            head += (": " + "; ".join(self.changes)) if self.changes else ""
        return [head] + [f"    note: {note}" for note in self.notes]


@dataclass
class InitReport:
    outcomes: list[Outcome]
    dry_run: bool
    requests: Counter | None = None  # API requests by kind (Google); None: no API involved

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == "failed"]

    def totals(self) -> str:
        by_action = Counter(o.action for o in self.outcomes)
        parts = [f"{by_action[a]} {a}" for a in ("created", "updated", "unchanged", "failed")]
        prefix = "init (dry run, nothing written)" if self.dry_run else "init"
        if self.requests is None:
            return f"{prefix}: {', '.join(parts)}"
        sheets = {k: n for k, n in self.requests.items() if k.startswith("sheets.")}
        reads = sum(n for k, n in sheets.items() if k in ("sheets.get", "sheets.values.batchGet", "sheets.values.get"))
        drive = sum(n for k, n in self.requests.items() if k.startswith("drive."))
        return (
            f"{prefix}: {', '.join(parts)}; requests: {sum(sheets.values())} Sheets"
            f" ({reads} reads, {sum(sheets.values()) - reads} writes), {drive} Drive"
        )
