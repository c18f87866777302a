"""The workbooks folder: which file is each district's, found from one listing of the folder per run.

A district's workbook is the file whose name starts with its code (followed by anything that is not
an ASCII letter or digit: `5702 เวียงชัย.xlsx`, `5702.xlsx`), or the one `spreadsheet:` names.
Lock files (`~$…`, `.~lock…#`), hidden and temporary files and other file types are ignored.

Nothing outside the folder is used unless the configuration says so with an absolute path: a
relative `spreadsheet:` that climbs out (`../elsewhere/…`) is refused, and so is a symbolic link
whose target lies outside the folder. A link to a file inside the folder is followed (the status
is written into the file it points at, which stays where it is).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sync.backends import SourceUnreadable
from sync.config import District
from sync.texts import texts

WRITABLE = (".xlsx", ".xlsm")  # read, and the status tab written into them
READ_ONLY = (".ods",)  # read through calamine; the status goes to the summary only
REFUSED = (".xls",)  # Excel 97-2003: a finding asks the officer to save as .xlsx
SUFFIXES = WRITABLE + READ_ONLY + REFUSED
_LEADING_CODE = re.compile(r"^[A-Za-z0-9]+")


def is_workbook_name(name: str) -> bool:
    """Whether a file name can be a district workbook (not a lock, hidden or temporary file)."""
    if name.startswith(("~$", ".", "~")) or name.endswith(("#", "~", ".tmp")):
        return False
    return name.lower().endswith(SUFFIXES)


def _code_of(name: str) -> str | None:
    stem = name.rsplit(".", 1)[0]
    found = _LEADING_CODE.match(stem)
    return found.group(0).casefold() if found else None


def _rank(path: Path) -> int:
    """Which of several files of one district is its workbook: writable ones first."""
    suffix = path.suffix.lower()
    return 0 if suffix in WRITABLE else 1 if suffix in READ_ONLY else 2


def _reason(key: str) -> str:
    return texts()["workbook"][key]


class WorkbookFolder:
    """Finds district workbooks in one folder, listing it once (the first time it is asked)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._index: dict[str, list[Path]] | None = None

    def index(self) -> dict[str, list[Path]]:
        """Workbook files by the code their name starts with (casefolded)."""
        if self._index is None:
            if not self.folder.is_dir():
                raise SourceUnreadable(f"{self.folder}: workbooks folder not found")
            index: dict[str, list[Path]] = {}
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    code = _code_of(entry.name)
                    if code and is_workbook_name(entry.name):
                        index.setdefault(code, []).append(Path(entry.path))
            self._index = index
        return self._index

    def locate(self, district: District) -> Path:
        """The district's workbook, checked to be a readable file inside the folder."""
        if district.spreadsheet:
            path = self._configured(district)
        else:
            found = sorted(self.index().get(district.code.casefold(), []), key=lambda p: (_rank(p), p.name))
            if not found:
                raise SourceUnreadable(
                    f"{self.folder}: no workbook for district {district.code} {district.name} "
                    f"(expected '{district.code} {district.name}.xlsx' or '{district.code}.xlsx')"
                )
            best = [p for p in found if _rank(p) == _rank(found[0])]
            if len(best) > 1:
                names = ", ".join(p.name for p in best)
                raise SourceUnreadable(f"{self.folder}: several workbooks for district {district.code}: {names}")
            path = best[0]
            self._inside(path)
        return self._usable(path)

    def _configured(self, district: District) -> Path:
        configured = Path(district.spreadsheet)
        if configured.is_absolute():  # the operator's explicit choice: used wherever it is
            return configured
        path = self.folder / configured
        if not _within(Path(os.path.abspath(path)), Path(os.path.abspath(self.folder))):
            raise SourceUnreadable(
                f"districts: spreadsheet {district.spreadsheet!r} of district {district.code} leaves the workbooks "
                f"folder {self.folder}: refused (give an absolute path to use a file elsewhere)"
            )
        if not path.exists() and not path.is_symlink():
            raise SourceUnreadable(f"{path}: workbook of district {district.code} {district.name} not found")
        self._inside(path)
        return path

    def _inside(self, path: Path) -> None:
        """Refuse a link that leads out of the folder."""
        if path.is_symlink() and path.exists() and not _within(path.resolve(), self.folder.resolve()):
            raise SourceUnreadable(f"{path.name}: {_reason('link_outside')}")

    @staticmethod
    def _usable(path: Path) -> Path:
        if path.is_symlink() and not path.exists():
            raise SourceUnreadable(f"{path}: a symbolic link to {os.readlink(path)}, which does not exist")
        if path.is_dir():
            raise SourceUnreadable(f"{path}: a folder, not a workbook file")
        if not path.exists():
            raise SourceUnreadable(f"{path}: workbook not found")
        return path


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
