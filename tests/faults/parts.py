"""Officer parts, before and after a fault: what the service must never change.

A workbook's parts are its zip members, byte for byte, less those the status writer may change: the
status tab's own worksheet and its relationships (found through xl/workbook.xml by the exact title),
the index parts that must name it and xl/styles.xml, to which its formats are appended (as
tests/test_xlsx_package.py allows). A file that is no zip (a damaged or encrypted workbook, a lock
file) is one part: its bytes. A spreadsheet's parts are its tabs' values (formulas as typed), all
but the status tab.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from sync.schema import STATUS

INDEX_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/app.xml"}
ALLOWED = INDEX_PARTS | {"xl/styles.xml"}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WHOLE = "(whole file)"

Parts = dict[str, bytes]


def status_parts(members: Parts) -> set[str]:
    """The status tab's worksheet part and its relationships part, if the workbook has the tab."""
    try:
        workbook = etree.fromstring(members["xl/workbook.xml"])
        rels = etree.fromstring(members["xl/_rels/workbook.xml.rels"])
    except (KeyError, etree.XMLSyntaxError):
        return set()
    ids = [s.get(REL_ID) for s in workbook.iterfind(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet") if s.get("name") == STATUS]
    parts = set()
    for rel in rels:
        if rel.get("Id") in ids:
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            folder, _, name = part.rpartition("/")
            parts |= {part, f"{folder}/_rels/{name}.rels"}
    return parts


def file_parts(path: Path) -> Parts:
    """The officer parts of one file (see the module docstring)."""
    data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return {WHOLE: data}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = {info.filename: package.read(info) for info in package.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError):
        return {WHOLE: data}
    ours = status_parts(members) | ALLOWED
    return {name: data for name, data in members.items() if name not in ours}


def officer_files(folder: Path) -> list[Path]:
    """Every regular file under the workbooks folder, links followed, each once (by its real path),
    less the service's own temporary files (`.NAME.….tmp`, removed by the next run)."""
    seen: dict[Path, None] = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.name.startswith(".") and path.name.endswith(".tmp"):
                continue
            if path.is_file():
                seen.setdefault(path.resolve())
    return list(seen)


def snapshot(paths: list[Path]) -> dict[str, Parts]:
    return {str(p): file_parts(p) for p in paths if p.is_file()}


def changed(before: dict[str, Parts], after: dict[str, Parts]) -> list[str]:
    """`file: part` for each officer part changed, added or removed (a file gone: each of its parts)."""
    found = []
    for name, parts in before.items():
        now = after.get(name, {})
        found += [f"{Path(name).name}: {part}" for part in sorted(parts.keys() | now.keys())
                  if parts.get(part) != now.get(part)]
    return found
