"""Where district spreadsheets live. Every backend reads and writes the same way for the rules."""

from __future__ import annotations

from typing import Protocol

from sync.config import Config, District
from sync.model import RawWorkbook
from sync.outputs.sheet import Sheet


class SourceUnreadable(Exception):
    """A district spreadsheet could not be read at all (missing, corrupt, not shared)."""


class WriteConflict(Exception):
    """The spreadsheet changed between our read and our write: nothing was written."""


class WriteFailed(Exception):
    """The status tab of one spreadsheet could not be written (refused, read-only, the service kept
    failing); the message says why and what to do. Nothing was written."""


class BackendUnavailable(Exception):
    """What the whole run needs cannot be done (the spreadsheets cannot be listed, the provincial
    summary cannot be written): the run fails, and the message says why in one line."""


class Backend(Protocol):
    def read(self, district: District) -> RawWorkbook: ...

    def write_status(self, district: District, raw: RawWorkbook, sheet: Sheet) -> None: ...

    def write_summary(self, sheets: list[Sheet]) -> str: ...


def open_backend(config: Config, *, cache: bool = False, dry_run: bool = False) -> Backend:
    """The configured backend. `cache`: keep parsed workbooks in the state folder (sync/cache.py;
    the xlsx backend), only looked up in a dry run."""
    if config.backend.kind == "google":
        from sync.backends.google import GoogleBackend

        return GoogleBackend(config)
    from sync.backends.xlsx import XlsxBackend

    if not cache:
        return XlsxBackend(config)
    from sync.cache import ParsedCache

    return XlsxBackend(config, ParsedCache(config.outputs.state, config.programme, write=not dry_run))
