"""What the Google backend remembers between syncs, in the state folder (`google-cache/`).

For each spreadsheet, a file `<id>.json`: its tabs as last read (or as the service last wrote its
status tab), the sheet id and grid size of every tab, and the sheet id of the service's own
status tab. An index, `index.json`, says when each was read and the Drive `modifiedTime` it
belongs to: a spreadsheet whose `modifiedTime` is still that one (and that was read recently
enough) is not read again. After the service writes a status tab, the new `modifiedTime` is
learnt from one Drive listing at the end of the run (`settle`); until then the entry is not used.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

from sync.atomic import atomic_write

FLUSH_EVERY = 25  # index changes between writes of index.json (a killed run loses at most these)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class Cache:
    def __init__(self, state: Path):
        self.folder = state / "google-cache"
        self.lock = threading.Lock()
        self.index: dict[str, dict] = self._load_index()
        self.unsaved = 0

    def _load_index(self) -> dict[str, dict]:
        try:
            index = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return index if isinstance(index, dict) else {}

    def _path(self, spreadsheet_id: str) -> Path:
        return self.folder / f"{spreadsheet_id}.json"

    def fresh(self, spreadsheet_id: str, modified: str, max_age: dt.timedelta) -> dict | None:
        """The entry read at `modified`, unless older than `max_age`."""
        mark = self.index.get(spreadsheet_id)
        if not mark or not modified or mark.get("modifiedTime") != modified:
            return None
        try:
            if dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(mark["readAt"]) > max_age:
                return None
        except (KeyError, TypeError, ValueError):
            return None
        return self.entry(spreadsheet_id)

    def entry(self, spreadsheet_id: str) -> dict | None:
        """The last entry of a spreadsheet, however old (None if there is none or it is damaged)."""
        try:
            entry = json.loads(self._path(spreadsheet_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and isinstance(entry.get("tabs"), dict) else None

    def put(self, spreadsheet_id: str, entry: dict, modified: str) -> None:
        """Remember `entry` as of `modified` ("": not known yet, see `settle`)."""
        data = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        atomic_write(self._path(spreadsheet_id), lambda handle: handle.write(data))
        self._mark(spreadsheet_id, {"modifiedTime": modified, "readAt": now()})

    def settle(self, spreadsheet_id: str, modified: str) -> None:
        """The `modifiedTime` the service's own write gave the spreadsheet."""
        with self.lock:
            mark = self.index.get(spreadsheet_id)
        if mark is not None:
            self._mark(spreadsheet_id, {**mark, "modifiedTime": modified})

    def _mark(self, spreadsheet_id: str, mark: dict) -> None:
        with self.lock:
            self.index[spreadsheet_id] = mark
            self.unsaved += 1
            due = self.unsaved >= FLUSH_EVERY
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            if not self.unsaved:
                return
            data = json.dumps(self.index, ensure_ascii=False, sort_keys=True).encode("utf-8")
            self.unsaved = 0
        atomic_write(self.folder / "index.json", lambda handle: handle.write(data))
