"""Workbooks made the way officers make them: a photo, a chart, a comment, conditional formatting, a
defined name, an Excel sparkline group (a worksheet `extLst`), custom XML, printer settings, and an
.xlsm with its `vbaProject.bin`. Built with openpyxl, then given by hand (with lxml, at the zip level)
what openpyxl cannot write, exactly as Excel writes it."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from PIL import Image as PILImage

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
SPARKLINES_URI = "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
# A stand-in for a recorded macro project: what matters is that it comes back byte for byte.
VBA_PROJECT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 16
PRINTER_SETTINGS = b"DEVMODE of the office printer\x00" * 20


def _photo() -> io.BytesIO:
    data = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 120, 40)).save(data, format="PNG")
    data.seek(0)
    return data


def build(path: Path) -> Path:
    """An officer's workbook with every kind of thing openpyxl can make (a photo, a chart, a comment,
    conditional formatting, a defined name), then the parts only Excel makes (see `add_excel_parts`)."""
    book = openpyxl.Workbook()
    committee = book.active
    committee.title = "คณะทำงานขับเคลื่อน"
    committee.append(["ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "หน่วยงาน", "ภาคี", "งบ"])
    committee.append(["นายสมชาย ใจดี", "ประธาน", "อำเภอ", "ภาครัฐ", 100])
    committee.append(["นางสมศรี ดีใจ", "คณะทำงานและเลขานุการ", "บริษัท", "ภาคเอกชน", 250.5])
    committee["E4"] = "=SUM(E2:E3)"
    committee["A2"].comment = Comment("ประธานคนใหม่ ตั้งแต่ ธ.ค. ๖๗", "ปลัดอำเภอ")
    red = PatternFill("solid", start_color="FFC7CE")
    committee.conditional_formatting.add("E2:E3", CellIsRule(operator="lessThan", formula=["150"], fill=red))
    book.defined_names["งบรวม"] = DefinedName("งบรวม", attr_text="'คณะทำงานขับเคลื่อน'!$E$4")
    chart = BarChart()
    chart.title = "งบประมาณ"
    chart.add_data(Reference(committee, min_col=5, min_row=1, max_row=3), titles_from_data=True)
    committee.add_chart(chart, "G2")
    photo = Image(_photo())
    committee.add_image(photo, "G20")
    monthly = book.create_sheet("รายงานรายเดือน")
    monthly.append(["เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ"])
    monthly.append(["ธ.ค. 2567", dt.datetime(2024, 12, 20), "อบรม"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    add_excel_parts(path)
    return path


def _edit(path: Path, edit) -> None:
    """Rewrite the package at `path`, passing its members (name → bytes, in order) to `edit`."""
    with zipfile.ZipFile(path) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    edit(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)


def add_excel_parts(path: Path) -> None:
    """A sparkline group in the first sheet's extLst, custom XML, printer settings (as Excel writes them)."""

    def edit(members: dict[str, bytes]) -> None:
        sheet = etree.fromstring(members["xl/worksheets/sheet1.xml"])
        ext_list = etree.SubElement(sheet, f"{{{MAIN}}}extLst")
        ext = etree.SubElement(ext_list, f"{{{MAIN}}}ext", uri=SPARKLINES_URI, nsmap={"x14": X14})
        groups = etree.SubElement(ext, f"{{{X14}}}sparklineGroups", nsmap={"xm": XM})
        group = etree.SubElement(groups, f"{{{X14}}}sparklineGroup", displayEmptyCellsAs="gap")
        etree.SubElement(group, f"{{{X14}}}colorSeries", rgb="FF376092")
        line = etree.SubElement(etree.SubElement(group, f"{{{X14}}}sparklines"), f"{{{X14}}}sparkline")
        etree.SubElement(line, f"{{{XM}}}f").text = "'คณะทำงานขับเคลื่อน'!E2:E3"
        etree.SubElement(line, f"{{{XM}}}sqref").text = "F2"
        members["xl/worksheets/sheet1.xml"] = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8")
        members["customXml/item1.xml"] = b'<?xml version="1.0"?><b:Sources xmlns:b="urn:x-officer"/>'
        members["xl/printerSettings/printerSettings1.bin"] = PRINTER_SETTINGS
        types = etree.fromstring(members["[Content_Types].xml"])
        etree.SubElement(types, f"{{{CT}}}Default", Extension="bin",
                         ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings")
        members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")

    _edit(path, edit)


def make_macro_enabled(source: Path, target: Path) -> Path:
    """The workbook as an .xlsm: a VBA project part, its relationship and the macro-enabled type."""
    shutil.copyfile(source, target)

    def edit(members: dict[str, bytes]) -> None:
        members["xl/vbaProject.bin"] = VBA_PROJECT
        types = etree.fromstring(members["[Content_Types].xml"])
        for override in types.iter(f"{{{CT}}}Override"):
            if override.get("PartName") == "/xl/workbook.xml":
                override.set("ContentType", MACRO_MAIN)
        for default in types.iter(f"{{{CT}}}Default"):
            if default.get("Extension") == "bin":
                types.remove(default)
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/xl/vbaProject.bin",
                         ContentType="application/vnd.ms-office.vbaProject")
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/xl/printerSettings/printerSettings1.bin",
                         ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings")
        members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
        rels = etree.fromstring(members["xl/_rels/workbook.xml.rels"])
        etree.SubElement(rels, f"{{{RELS}}}Relationship", Id="rIdVba", Type=VBA_REL, Target="vbaProject.bin")
        members["xl/_rels/workbook.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")

    _edit(target, edit)
    return target


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(source: Path, folder: Path, to: str = "xlsx") -> Path:
    """`source` opened and saved by LibreOffice headless (as officers' offices do), into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / ".lo-profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to,
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return folder / f"{source.stem}.{to.split(':')[0]}"


def members(path_or_bytes: Path | bytes) -> dict[str, bytes]:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {info.filename: package.read(info) for info in package.infolist()}
