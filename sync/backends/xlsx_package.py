"""Write the service's tab into an .xlsx/.xlsm package at the zip level.

Every member of the package is copied as it is, except:
- the tab's own worksheet part and its relationships part (replaced, or added);
- the index parts that name it, and only when they must change: `[Content_Types].xml`,
  the workbook part, its relationships, `docProps/app.xml` (a new tab), the workbook's defined
  names (print titles);
- `xl/styles.xml`, when formats are appended (never changing the existing ones).
Officer sheets, drawings, media, charts, comments, macros, custom XML and printer settings come
out byte for byte as they went in. Text is written as inline strings, so `xl/sharedStrings.xml`
is never touched. All XML is built and edited with lxml.
"""

from __future__ import annotations

import copy
import io
import posixpath
import struct
import zipfile
from collections.abc import Iterable

from lxml import etree

from sync.backends.xlsx_sheet_xml import R, render
from sync.backends.xlsx_styles import MAIN, Styles
from sync.outputs.sheet import Sheet

CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
OFFICE_DOCUMENT = f"{R}/officeDocument"
WORKSHEET, STYLES, HYPERLINK = f"{R}/worksheet", f"{R}/styles", f"{R}/hyperlink"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
CONTENT_TYPES = "[Content_Types].xml"
APP = "docProps/app.xml"
PRINT_TITLES = "_xlnm.Print_Titles"
_DATA_DESCRIPTOR = 0x08  # general purpose flag: CRC and sizes in a record after the data
_DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
# The workbook part's children that come before definedNames (ECMA-376 Part 1, CT_Workbook).
BEFORE_DEFINED_NAMES = (
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
)


class PackageError(ValueError):
    """The package is not a workbook this writer can add a tab to (the message says why)."""


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(source: str, target: str) -> str:
    """The part name a relationship of `source` points at (zip member name, no leading slash)."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class Package:
    """A zip package in memory: members in their order, changed ones marked."""

    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise PackageError(f"not a zip package ({exc})") from exc
        self.infos = {info.filename: info for info in self.zip.infolist()}
        self.by_lower = {name.lower(): name for name in self.infos}
        self.changed: dict[str, bytes | None] = {}  # new content; None: removed

    def name(self, part: str) -> str | None:
        """The member holding `part` (part names are case-insensitive)."""
        return self.by_lower.get(part.lower())

    def read(self, part: str) -> bytes | None:
        if part in self.changed:
            return self.changed[part]
        name = self.name(part)
        return self.zip.read(name) if name else None

    def put(self, part: str, data: bytes | None) -> None:
        self.changed[self.name(part) or part] = data

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zout:
            for name, info in self.infos.items():
                if name not in self.changed:
                    self._copy_raw(info, zout)
                elif (data := self.changed[name]) is not None:
                    zout.writestr(_copy_info(info), data)
            for name, data in self.changed.items():
                if name not in self.infos and data is not None:
                    zout.writestr(_new_info(name), data)
        return out.getvalue()

    def _copy_raw(self, info: zipfile.ZipInfo, zout: zipfile.ZipFile) -> None:
        """Copy a member as it is stored, compressed bytes and local header included: nothing is
        inflated or deflated again (that was most of the writer's time), and the member comes out
        byte for byte as the officer's program wrote it."""
        source = self.zip.fp
        source.seek(info.header_offset)
        header = source.read(zipfile.sizeFileHeader)
        if len(header) != zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
            raise PackageError(f"member {info.filename}: bad local header")
        fields = struct.unpack(zipfile.structFileHeader, header)
        names = source.read(fields[zipfile._FH_FILENAME_LENGTH] + fields[zipfile._FH_EXTRA_FIELD_LENGTH])
        data = source.read(info.compress_size)
        descriptor = b""
        if info.flag_bits & _DATA_DESCRIPTOR:  # CRC and sizes follow the data
            signed = source.read(4) == _DESCRIPTOR_SIGNATURE
            zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
            source.seek(-4, io.SEEK_CUR)
            descriptor = source.read((4 if signed else 0) + (20 if zip64 else 12))
        if len(data) != info.compress_size:
            raise PackageError(f"member {info.filename}: cut short")
        copied = copy.copy(info)
        copied.header_offset = zout.fp.tell()
        zout.fp.write(header + names + data + descriptor)
        zout.filelist.append(copied)
        zout.NameToInfo[copied.filename] = copied
        zout.start_dir = zout.fp.tell()  # where the central directory goes, as zipfile's own writes keep it
        zout._didModify = True


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copied = zipfile.ZipInfo(info.filename, info.date_time)
    copied.compress_type = info.compress_type
    copied.external_attr = info.external_attr
    copied.comment = info.comment
    return copied


def _new_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


class Relationships:
    """A part's relationships part."""

    def __init__(self, package: Package, source: str):
        self.package, self.part = package, _rels_name(source)
        self.source = source
        data = package.read(self.part)
        self.root = _parse(data) if data else etree.Element(f"{{{RELS}}}Relationships", nsmap={None: RELS})
        self.dirty = False

    def items(self) -> Iterable[etree._Element]:
        return self.root.iter(f"{{{RELS}}}Relationship")

    def target(self, rel_id: str) -> tuple[str, str] | None:
        """(type, part) of a relationship."""
        for rel in self.items():
            if rel.get("Id") == rel_id:
                return rel.get("Type"), _resolve(self.source, rel.get("Target"))
        return None

    def of_type(self, rel_type: str) -> str | None:
        for rel in self.items():
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
                return _resolve(self.source, rel.get("Target"))
        return None

    def add(self, rel_type: str, part: str) -> str:
        taken = {rel.get("Id") for rel in self.items()}
        n = len(taken) + 1
        while f"rId{n}" in taken:
            n += 1
        target = posixpath.relpath(part, posixpath.dirname(self.source) or ".")
        etree.SubElement(self.root, f"{{{RELS}}}Relationship", Id=f"rId{n}", Type=rel_type, Target=target)
        self.dirty = True
        return f"rId{n}"

    def save(self) -> None:
        if self.dirty:
            self.package.put(self.part, _xml(self.root))


class ContentTypes:
    def __init__(self, package: Package):
        self.package = package
        self.root = _parse(package.read(CONTENT_TYPES))
        self.dirty = False

    def ensure(self, part: str, content_type: str) -> None:
        for override in self.root.iter(f"{{{CT}}}Override"):
            if override.get("PartName", "").lower() == f"/{part}".lower():
                if override.get("ContentType") != content_type:
                    override.set("ContentType", content_type)
                    self.dirty = True
                return
        ext = part.rsplit(".", 1)[-1].lower()
        for default in self.root.iter(f"{{{CT}}}Default"):
            if default.get("Extension", "").lower() == ext and default.get("ContentType") == content_type:
                return
        if ext == "rels":
            etree.SubElement(self.root, f"{{{CT}}}Default", Extension="rels", ContentType=content_type)
        else:
            etree.SubElement(self.root, f"{{{CT}}}Override", PartName=f"/{part}", ContentType=content_type)
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            self.package.put(CONTENT_TYPES, _xml(self.root))


def write_tab(data: bytes, sheet: Sheet) -> bytes:
    """The package `data` with the tab titled exactly `sheet.title` replaced (in its place) or added
    (last), protected; every other member unchanged."""
    package = Package(data)
    if package.read(CONTENT_TYPES) is None:
        raise PackageError("no [Content_Types].xml: not an Office Open XML package")
    types = ContentTypes(package)
    workbook_part = Relationships(package, "").of_type(OFFICE_DOCUMENT) or "xl/workbook.xml"
    workbook_xml = package.read(workbook_part)
    if workbook_xml is None:
        raise PackageError(f"no workbook part {workbook_part}")
    workbook = _parse(workbook_xml)
    if etree.QName(workbook).namespace != MAIN:
        raise PackageError("a Strict Open XML workbook: save it as a standard Excel workbook (.xlsx)")
    rels = Relationships(package, workbook_part)
    sheets = workbook.find(f"{{{MAIN}}}sheets")
    entries = list(sheets.iter(f"{{{MAIN}}}sheet"))
    index = next((i for i, s in enumerate(entries) if s.get("name") == sheet.title), None)
    workbook_dirty = False
    if index is None:
        part = _free_part(package, posixpath.join(posixpath.dirname(workbook_part), "worksheets"))
        rel_id = rels.add(WORKSHEET, part)
        sheet_id = max((int(s.get("sheetId", 0)) for s in entries), default=0) + 1
        entry = {"name": sheet.title, "sheetId": str(sheet_id), f"{{{R}}}id": rel_id}
        etree.SubElement(sheets, f"{{{MAIN}}}sheet", entry)
        types.ensure(part, WORKSHEET_TYPE)
        _add_title(package, [s.get("name") for s in entries], sheet.title)
        index, workbook_dirty = len(entries), True
    else:
        found = rels.target(entries[index].get(f"{{{R}}}id"))
        if found is None or found[0] != WORKSHEET:
            raise PackageError(f"the tab {sheet.title!r} is not a worksheet")
        part = found[1]

    styles_part = rels.of_type(STYLES)
    if styles_part is None:
        styles_part = posixpath.join(posixpath.dirname(workbook_part), "styles.xml")
        rels.add(STYLES, styles_part)
        types.ensure(styles_part, STYLES_TYPE)
    styles = Styles(package.read(styles_part), sheet.font)
    rendered = render(sheet, styles, protect=True)
    package.put(part, rendered.xml)
    sheet_rels = etree.Element(f"{{{RELS}}}Relationships", nsmap={None: RELS})
    for i, target in enumerate(rendered.links, start=1):
        attributes = {"Id": f"rId{i}", "Type": HYPERLINK, "Target": target, "TargetMode": "External"}
        etree.SubElement(sheet_rels, f"{{{RELS}}}Relationship", attributes)
    if rendered.links:
        package.put(_rels_name(part), _xml(sheet_rels))
        types.ensure(_rels_name(part), RELS_TYPE)
    elif package.read(_rels_name(part)) is not None:
        package.put(_rels_name(part), None)
    if styles.changed:
        package.put(styles_part, styles.to_bytes())
    workbook_dirty |= _set_print_titles(workbook, index, sheet.title, rendered.print_titles)
    if workbook_dirty:
        package.put(workbook_part, _xml(workbook))
    rels.save()
    types.save()
    return package.to_bytes()


def _free_part(package: Package, folder: str) -> str:
    n = 1
    while package.name(f"{folder}/sheet{n}.xml") or package.name(_rels_name(f"{folder}/sheet{n}.xml")):
        n += 1
    return f"{folder}/sheet{n}.xml"


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _set_print_titles(workbook: etree._Element, index: int, title: str, rows: tuple[int, int] | None) -> bool:
    """Make the tab's print titles defined name say `rows` (none: no such name); whether anything changed."""
    names = workbook.find(f"{{{MAIN}}}definedNames")
    wanted = f"{_quoted(title)}!${rows[0]}:${rows[1]}" if rows else None
    current = [
        n
        for n in (names if names is not None else [])
        if n.get("name") == PRINT_TITLES and n.get("localSheetId") == str(index)
    ]
    if wanted is None and not current:
        return False
    if wanted is not None and len(current) == 1 and current[0].text == wanted:
        return False
    for name in current:
        names.remove(name)
    if wanted is not None:
        if names is None:
            names = etree.Element(f"{{{MAIN}}}definedNames")
            before = [c for c in workbook if etree.QName(c).localname in BEFORE_DEFINED_NAMES]
            before[-1].addnext(names)
        etree.SubElement(names, f"{{{MAIN}}}definedName", name=PRINT_TITLES, localSheetId=str(index)).text = wanted
    elif not len(names):
        workbook.remove(names)
    return True


def _add_title(package: Package, titles: list[str], title: str) -> None:
    """Name a new tab in docProps/app.xml's list of worksheets, when that list is there and matches."""
    data = package.read(APP)
    if data is None:
        return
    root = _parse(data)
    pairs = root.find(f"{{{EXTENDED}}}HeadingPairs/{{{VT}}}vector")
    parts = root.find(f"{{{EXTENDED}}}TitlesOfParts/{{{VT}}}vector")
    if pairs is None or parts is None:
        return
    values = [v for v in pairs if etree.QName(v).localname == "variant"]
    names = [p for p in parts if etree.QName(p).localname == "lpstr"]
    start = 0
    for count in values[1::2]:
        number = count.find(f"{{{VT}}}i4")
        if number is None or not (number.text or "").strip().isdigit():
            return
        n = int(number.text)
        if [e.text for e in names[start : start + n]] == titles:
            new = etree.Element(f"{{{VT}}}lpstr")
            new.text = title
            if n:
                names[start + n - 1].addnext(new)
            else:
                parts.insert(start, new)
            number.text = str(n + 1)
            parts.set("size", str(len(names) + 1))
            package.put(APP, _xml(root))
            return
        start += n
