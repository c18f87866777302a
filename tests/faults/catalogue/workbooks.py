"""Hostile files in the workbooks folder. District 5701's file is the hostile one; 5702 and 5703 are
officers' workbooks (a photo, a chart, a comment, sparklines, custom XML) that must be processed."""

from __future__ import annotations

import os
import shutil
import warnings
import zipfile

import openpyxl

from tests import officer_workbooks as officer
from tests.conftest import compliant_tabs, save_workbook
from tests.faults import checks as c
from tests.faults import parts
from tests.faults.lab import Lab
from tests.faults.model import Fault
from tests.faults.processes import NOBODY

FIRST = "5701 เมืองเชียงราย.xlsx"
OTHERS_PROCESSED = (c.written("5702", "5703"), c.no_traceback)


def others_and(spoil):
    """Setup: officers' workbooks for 5702 and 5703, and whatever `spoil` makes of 5701."""

    def setup(lab: Lab) -> None:
        lab.districts(skip=("5701",))
        spoil(lab)

    return setup


def sync(lab: Lab) -> None:
    lab.sync()


def dangling_link(lab: Lab) -> None:
    (lab.workbooks / FIRST).symlink_to(lab.workbooks / "ย้ายไปแล้ว.xlsx")


def folder_named_like_a_workbook(lab: Lab) -> None:
    (lab.workbooks / "5701.xlsx").mkdir()


def unreadable_file(lab: Lab) -> None:
    lab.workbook("5701").chmod(0)
    serve_as_nobody(lab)


def serve_as_nobody(lab: Lab, *keep_root: str) -> None:
    """The lab belongs to the service user (nobody), but for the folders named (relative to the lab)."""
    for path in [lab.folder, *lab.folder.rglob("*")]:
        if not any(path == lab.folder / k or (lab.folder / k) in path.parents for k in keep_root):
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    lab.user = NOBODY


def truncated(lab: Lab) -> None:
    data = lab.workbook("5701").read_bytes()
    (lab.workbooks / FIRST).write_bytes(data[: len(data) // 2])


def text_file(lab: Lab) -> None:
    (lab.workbooks / FIRST).write_text("ไม่ใช่สมุดงาน: a text file named like a workbook\n", encoding="utf-8")


def empty_file(lab: Lab) -> None:
    (lab.workbooks / FIRST).write_bytes(b"")


def encrypted(lab: Lab) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = lab.workbook("5701", file_name="plain.xlsx")
    with open(plain, "rb") as source, open(lab.workbooks / FIRST, "wb") as target:
        OOXMLFile(source).encrypt("รหัสลับ", target)
    plain.unlink()


def xls(lab: Lab) -> None:
    (lab.workbooks / "5701 เมืองเชียงราย.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


def link_inside(lab: Lab) -> None:
    target = lab.workbook("5701", file_name="ฉบับจริง/เมืองเชียงราย 2568.xlsx")
    (lab.workbooks / FIRST).symlink_to(target)


def link_outside(lab: Lab) -> None:
    outside = lab.folder / "elsewhere" / "เมืองเชียงราย.xlsx"
    outside.parent.mkdir()
    shutil.move(lab.workbook("5701"), outside)
    (lab.workbooks / FIRST).symlink_to(outside)
    lab.watched.append(outside)


def path_escape(lab: Lab) -> None:
    link_outside(lab)
    (lab.workbooks / FIRST).unlink()
    districts = lab.settings["districts"]
    districts[0] = {**districts[0], "spreadsheet": "../elsewhere/เมืองเชียงราย.xlsx"}
    lab.configure(districts=districts)


def lookalike_tab(lab: Lab) -> None:
    tabs = compliant_tabs()
    tabs["สถานะ(อัตโนมัติ)"] = [["บันทึกของเจ้าหน้าที่", "ห้ามลบ"], ["ประชุม ๒๐ ม.ค.", "นายอำเภอมา"]]
    save_workbook(lab.workbooks / FIRST, tabs)


def macro_workbook(lab: Lab) -> None:
    officer.make_macro_enabled(lab.workbook("5701", file_name="plain.xlsx"), lab.workbooks / "เมือง 2568.xlsm")
    (lab.workbooks / "plain.xlsx").unlink()
    districts = lab.settings["districts"]
    districts[0] = {**districts[0], "spreadsheet": "เมือง 2568.xlsm"}
    lab.configure(districts=districts)


def macros_kept(lab: Lab) -> str | None:
    with zipfile.ZipFile(lab.workbooks / "เมือง 2568.xlsm") as package:
        types = package.read("[Content_Types].xml")
        project = package.read("xl/vbaProject.bin")
    if b"macroEnabled.main+xml" not in types or project != officer.VBA_PROJECT:
        return "the .xlsm lost its macro project or its macro-enabled content type"
    return None


def lock_and_temp_files(lab: Lab) -> None:
    lab.districts()
    (lab.workbooks / "~$5701 เมืองเชียงราย.xlsx").write_bytes(b"\x0bofficer-pc" + bytes(150))
    (lab.workbooks / ".~lock.5702 เวียงชัย.xlsx#").write_text("ผู้ใช้,officer-pc,2025-01-21T09:00", encoding="utf-8")
    (lab.workbooks / "5703 เชียงของ.xlsx~").write_bytes(b"an editor's backup")


def formula_text(lab: Lab) -> None:
    """A ภาคี cell holding text that reads like a formula (typed as '=HYPERLINK… in Excel)."""
    lab.districts(skip=("5701",))
    tabs = compliant_tabs()
    tabs["คณะทำงานขับเคลื่อน"].append(["นาย สูตร", "คณะทำงาน", "x", "ภาคกีฬา"])
    path = save_workbook(lab.workbooks / FIRST, tabs)
    book = openpyxl.load_workbook(path)
    cell = book["คณะทำงานขับเคลื่อน"]["D9"]
    cell.value, cell.data_type = '=HYPERLINK("http://evil.example","คลิก")', "s"
    book.save(path)


def status_is_plain_text(lab: Lab) -> str | None:
    members = officer.members(lab.path_of("5701"))
    sheets = [members[n] for n in parts.status_parts(members) if n in members and n.endswith(".xml")]
    if not sheets:
        return "no status tab"
    if any(b"<f>" in xml or b"<f " in xml for xml in sheets):
        return "the status tab holds a formula"
    if b"HYPERLINK" not in b"".join(sheets):
        return "the status tab does not show the officer's text"
    return None


def officer_save_mid_run(lab: Lab) -> None:
    """The officer saves 5701's workbook between the service's read and its write."""
    lab.districts()
    edited = lab.folder / "officer-save.xlsx"
    with warnings.catch_warnings():  # openpyxl drops the sparklines: this save is the officer's, not ours
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(lab.path_of("5701"))
    book["คณะทำงานขับเคลื่อน"]["A5"] = "นางใหม่ เพิ่งพิมพ์"
    book.save(edited)
    lab.officer_saves[lab.path_of("5701")] = edited


def save_during_write(lab: Lab) -> None:
    target, edited = next(iter(lab.officer_saves.items()))
    lab.sync(hooks=(f"sync.backends.xlsx:write_tab@1=copy:{edited}:{target}",))
    lab.expect(c.not_written("5701"))
    lab.sync()  # the next run writes the status into the officer's saved file


def libreoffice_saved(lab: Lab) -> None:
    lab.districts()
    converted = officer.libreoffice_convert(lab.path_of("5701"), lab.folder / "lo")
    shutil.move(converted, lab.path_of("5701"))


def sync_as_service_user(lab: Lab) -> None:
    lab.sync(user=lab.user)


FAULTS = [
    Fault("xlsx.officer_workbook", "an officer's workbook (photo, chart, comment, sparklines, custom XML, "
          "printer settings): the status tab is written and nothing else changes",
          lambda lab: lab.districts(), sync, (c.exits(0), c.written("5701", "5702", "5703"), c.no_traceback)),
    Fault("xlsx.dangling_symlink", "a dangling symlink in the workbooks folder (issue 11)",
          others_and(dangling_link), sync, (c.exits(1), c.unreadable("5701"), *OTHERS_PROCESSED)),
    Fault("xlsx.directory_named_workbook", "a directory named 5701.xlsx (issue 11)",
          others_and(folder_named_like_a_workbook), sync, (c.exits(1), c.unreadable("5701"), *OTHERS_PROCESSED)),
    Fault("xlsx.permission_denied", "a workbook the service user cannot read (issue 11)",
          others_and(unreadable_file), sync_as_service_user,
          (c.exits(1), c.unreadable("5701", "permission"), *OTHERS_PROCESSED), needs=("nobody",)),
    Fault("xlsx.truncated_zip", "a workbook cut off half-way (a copy interrupted)",
          others_and(truncated), sync, (c.exits(1), c.unreadable("5701"), *OTHERS_PROCESSED)),
    Fault("xlsx.not_a_workbook", "a text file named like a workbook",
          others_and(text_file), sync, (c.exits(1), c.unreadable("5701"), *OTHERS_PROCESSED)),
    Fault("xlsx.empty_file", "a workbook of 0 bytes", others_and(empty_file), sync,
          (c.exits(1), c.unreadable("5701"), *OTHERS_PROCESSED)),
    Fault("xlsx.encrypted", "a workbook with a password to open (issue 11)",
          others_and(encrypted), sync, (c.exits(1), c.unreadable("5701", "รหัสผ่าน"), *OTHERS_PROCESSED)),
    Fault("xlsx.xls", "an Excel 97-2003 .xls workbook (issue 11)", others_and(xls), sync,
          (c.exits(1), c.unreadable("5701", ".xlsx"), *OTHERS_PROCESSED)),
    Fault("xlsx.symlink_inside", "a workbook that is a symlink into the folder: the target is written, the link "
          "stays (issue 11)", others_and(link_inside), sync,
          (c.exits(0), c.written("5701"), c.is_link(FIRST), *OTHERS_PROCESSED)),
    Fault("xlsx.symlink_outside", "a workbook that is a symlink out of the workbooks folder: refused, the file "
          "out there untouched (issue 11)", others_and(link_outside), sync,
          (c.exits(1), c.unreadable("5701"), c.is_link(FIRST), *OTHERS_PROCESSED)),
    Fault("xlsx.spreadsheet_path_escape", "`spreadsheet: ../elsewhere/…` in the configuration: refused (issue 11)",
          others_and(path_escape), sync,
          (c.exits(1), c.unreadable("5701", "leaves the workbooks folder"), *OTHERS_PROCESSED)),
    Fault("xlsx.lookalike_status_tab", "an officer tab named สถานะ(อัตโนมัติ) (no space): left alone and reported "
          "(issue 11)", others_and(lookalike_tab), sync,
          (c.written("5701"), c.finding("5701", "data.lookalike_status_tab"), *OTHERS_PROCESSED)),
    Fault("xlsx.xlsm_macros", "an .xlsm named through `spreadsheet:`: macros and their content type kept (issue 11)",
          others_and(macro_workbook), sync, (c.exits(0), macros_kept, *OTHERS_PROCESSED)),
    Fault("xlsx.lock_and_backup_files", "Excel's ~$ lock file, LibreOffice's .~lock# file and an editor backup "
          "beside the workbooks: ignored, untouched", lock_and_temp_files, sync,
          (c.exits(0), c.written("5701", "5702", "5703"), c.no_traceback)),
    Fault("xlsx.formula_in_officer_text", "officer text that is a formula (=HYPERLINK…) reaches the status tab "
          "as plain text", formula_text, sync, (status_is_plain_text, *OTHERS_PROCESSED)),
    Fault("xlsx.officer_saves_mid_run", "the officer saves the workbook between the service's read and write: "
          "the save is kept, the status waits for the next run", officer_save_mid_run, save_during_write,
          (c.written("5701", "5702", "5703"), c.no_traceback)),
    Fault("xlsx.libreoffice_saved", "a workbook saved by LibreOffice: every part kept",
          libreoffice_saved, sync, (c.exits(0), c.written("5701", "5702", "5703")), slow=True, needs=("soffice",)),
]
