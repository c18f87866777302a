"""Bundled demo data: one district workbook (.xlsx) for each of the 17 Chiang Rai districts.

    python demo/make_demo.py --out DIR [--seed N]

or, from Python, ``build_demo(out_dir, seed=DEFAULT_SEED) -> list[Path]``.

The workbooks look like what district Community Development officers keep: the seven tabs of
DOMAIN.md §4 with the contract headers in row 1 (bold, coloured, frozen), column widths, drop-down
validation on ภาคี / ตำแหน่งในคณะทำงาน / ประเภท / ผลการประเมิน, a ``=SUM`` of the plan budget,
cell comments and number formats. There is no ``สถานะ (อัตโนมัติ)`` tab: the service writes that.
Everything is made here (names, ตำบล, villages are small lists in this module); output is
deterministic for a seed: same cell values, and byte-identical files (fixed workbook
created/modified time, fixed zip timestamps). The seed changes names, phone numbers, budgets and
incidental days; the scenarios below (and every date that decides a status) do not change.

The data is designed for ``--as-of 2025-01-21`` (fiscal year 2568): monthly reports of ธ.ค. 2567
(due 2024-12-20) and ม.ค. 2568 (due 2025-01-20) are due, ก.พ.–ก.ย. 2568 are pending; the documents
of items 1–5 were due 2024-12-31.

Scenarios (machine-readable in ``SCENARIOS``; "only X" = the sector has no other representative,
so an unresolved variant makes committee.sectors incomplete):

==== ============== ========================================================================
code district       what is in the workbook
==== ============== ========================================================================
5701 เมืองเชียงราย   COMPLIANT. 8 centres. Boundary dates: ธ.ค. report sent 2024-12-20, ม.ค. report
                    2025-01-20, all documents 2024-12-31 (on the due day = on time).
                    Dates: datetime cells (CE). Months: "ธ.ค. 2567".
5702 เวียงชัย        committee lacks ภาคศาสนา and ภาคสื่อมวลชน (13 members, ภาคี in D2:D14);
                    ธ.ค. report sent 2024-12-23 (3 days late); ม.ค. report missing (overdue);
                    document ข้อ 3 never sent (overdue). Plan has a total row (=SUM) under the data.
                    Network names centres by ชื่อศูนย์. Dates "23/12/67". Months "ธันวาคม 67".
5703 เชียงของ        a network member names centre "CLM-5703-09" (unknown); ธ.ค. reported twice
                    (2024-12-18 on time, and a corrected copy 2024-12-26); plan of HLM-5703-03 lacks
                    พัฒนาพื้นที่ (Place) and การตลาดและประชาสัมพันธ์ (Promotion); headers with
                    leading/trailing/doubled spaces. Dates "18 ธ.ค. 67". Months "2024-12".
5704 เทิง            sector cells with stray whitespace / zero-width characters (" ภาครัฐ",
                    "ภาค<U+200B>ศาสนา", "ภาคประชาชน<U+200B>", "ภาค ประชาชน", NBSP before ภาควิชาการ,
                    "ภาคเอกชน  "), all meant to resolve; centre #4 never assessed (no date, no level);
                    documents ข้อ 4 and 5 sent 2025-01-05 (late 5 days); blank rows inside
                    คณะทำงานขับเคลื่อน and ศูนย์เรียนรู้. Dates "2024-12-18". Months "12/2567".
5705 พาน             COMPLIANT. "ลำดับ" first column and "หมายเหตุ" last column in every tab, an extra
                    "คำชี้แจง" tab first. Network names centres by code or by name. Dates: date cells
                    whose year is BE (datetime(2567, 12, 18)). Months: date cells (1st of the month).
5706 ป่าแดด          sector abbreviations "ภ.รัฐ" and "ภ.ประชาชน" (only ภาครัฐ / ภาคประชาชน rows);
                    centre #2 has a level but no assessment date; ส่งเอกสารจังหวัด has no วันที่ส่ง
                    column (data.missing_column: items 7's five documents cannot be checked); the
                    ม.ค. report row has blank กิจกรรมที่ดำเนินการ (data.blank_required: ม.ค. cannot be
                    checked for items 6 and 8, not claimed overdue); a blank row in รายงานรายเดือน.
                    Dates "20/12/2567". Months "ธ.ค. 2567".
5707 แม่จัน          committee has no ประธาน; MOU lacks ภาควิชาการ and ภาคสื่อมวลชน; an extra report
                    for พ.ย. 2567 (before the reporting period). Network by ชื่อศูนย์.
                    Dates "๑๘ ธันวาคม ๒๕๖๗" (Thai digits). Months "ธันวาคม 2567".
5708 เชียงแสน        one committee member listed twice (identical row, data.duplicate_row); centre
                    HLM-5708-05 has no network member; ธ.ค. report sent 2024-12-25 (5 days late);
                    "หมายเหตุ" extra column. Dates: datetime cells (CE) shown with a Thai Buddhist
                    number format "[$-107041E]d mmm yy". Months "ธ.ค. 2567".
5709 แม่สาย          file "5709.xlsx"; the only ภาคเอกชน members typed "ภาคเอกซน" (typo); a committee
                    row with a name but no ตำแหน่งในคณะทำงาน (data.blank_required); the MOU row of
                    ภาคศาสนา has no signing date; the ม.ค. report's วันที่ส่ง is "32/13/2567"
                    (data.bad_date); tabs in a different order, extra "คำชี้แจง" tab.
                    Dates and months: every form, mixed cell by cell.
5710 แม่สรวย         COMPLIANT with synonyms: ภาคี typed as หน่วยงานราชการ, ราชการ, อปท., บริษัท,
                    มหาวิทยาลัย, วัด, สื่อ, ชุมชน, มูลนิธิ (committee) and NGO, ห้างร้าน,
                    สถาบันการศึกษา, พระสงฆ์, สื่อสารมวลชน, ประชาชน (MOU); มิติ 5P typed P1..P5;
                    network by ชื่อศูนย์. Dates "20/12/2567". Months "ธันวาคม 67".
5711 เวียงป่าเป้า    two ประธาน; centre #3 assessed "ดีมาก" (not a configured level); ม.ค. report
                    sent 2025-01-21 (1 day late); ข้อ written "ข้อ 1" .. "ข้อ ๕"; columns in a
                    different order (คณะทำงานขับเคลื่อน, ศูนย์เรียนรู้, รายงานรายเดือน).
                    Dates "18 ธ.ค. 67". Months "2024-12".
5712 พญาเม็งราย      the only ภาคเอกชน members typed in the wrong keyboard layout ("4k8gvd=o" =
                    thai_to_eng("ภาคเอกชน")); a plan row with มิติ "นวัตกรรม (Innovation)"
                    (data.unknown_dimension); all documents sent 2025-01-08 (late 8 days); "ลำดับ"
                    first column; plan total row. Dates "18/12/67". Months "12/2567".
5713 เวียงแก่น       committee lacks ภาคสื่อมวลชน; คณะทำงานเครือข่าย has headers but no members;
                    MOU lacks ภาคสื่อมวลชน; ม.ค. report missing. Dates "2024-12-18". Months "ธ.ค. 2567".
5714 ขุนตาล          file "5714.xlsx"; no เลขานุการ (nor ผู้ช่วยเลขานุการ) in the committee; a plan
                    row for centre "CLM-5714-09" (unknown); ก.พ. 2568 reported early (sent
                    2025-01-20, due 2025-02-20); zero-width spaces inside some headers.
                    Dates: BE-year date cells. Months: BE-year date cells (datetime(2567, 12, 1)).
5716 แม่ลาว          COMPLIANT despite layout: columns reordered in every tab, tabs in a different
                    order, headers with extra spaces and zero-width spaces, ข้อ as Thai digits ๑..๕,
                    มิติ 5P typed People/Product/Place/Partnership/Promotion, network by code or name.
                    Dates "๑๘ ธันวาคม ๒๕๖๗". Months "ธ.ค. ๒๕๖๗" (Thai digits).
5717 เวียงเชียงรุ้ง  an extra committee member with ภาคี "ภาคกีฬา" (data.unknown_sector; all seven
                    sectors are otherwise present); รหัสศูนย์ HLM-5717-03 used by two different centres
                    (data.duplicate_row); no document sent at all (ส่งเอกสารจังหวัด has only headers);
                    plan total row; blank rows in คณะทำงานเครือข่าย and แผนพัฒนา 5P; network by
                    ชื่อศูนย์. Dates and months: every form mixed, including a bare serial number.
5718 ดอยหลวง         no แผนพัฒนา 5P tab at all (data.missing_tab); ม.ค. report missing; documents
                    ข้อ 4 and 5 never sent; a blank row in คณะทำงานขับเคลื่อน. Dates: datetime
                    cells. Months "2024-12".
==== ============== ========================================================================

Every workbook with a แผนพัฒนา 5P tab has a ``=SUM`` of งบประมาณ: compliant and most districts
in an extra column "รวมงบประมาณ (บาท)" (row 2), the ``plan_total_row`` districts in a total row
under the data (กิจกรรม "รวมงบประมาณทั้งสิ้น", รหัสศูนย์ and มิติ 5P blank). The "mixed" date
cycle is: datetime, BE datetime, "18/12/2567", "18/12/67", "18 ธ.ค. 67", "๑๘ ธันวาคม ๒๕๖๗",
"2024-12-18", a datetime with a Thai number format, and a bare serial number (days since
1899-12-30, number format General).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import string
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_SEED = 2568
#: workbook properties created/modified and zip entry times (so files are byte-identical per seed)
FIXED_TIMESTAMP = datetime(2025, 1, 20, 16, 30, 0)
#: the date the scenarios are designed for
AS_OF = date(2025, 1, 21)

DISTRICTS: dict[str, str] = {
    "5701": "เมืองเชียงราย",
    "5702": "เวียงชัย",
    "5703": "เชียงของ",
    "5704": "เทิง",
    "5705": "พาน",
    "5706": "ป่าแดด",
    "5707": "แม่จัน",
    "5708": "เชียงแสน",
    "5709": "แม่สาย",
    "5710": "แม่สรวย",
    "5711": "เวียงป่าเป้า",
    "5712": "พญาเม็งราย",
    "5713": "เวียงแก่น",
    "5714": "ขุนตาล",
    "5716": "แม่ลาว",
    "5717": "เวียงเชียงรุ้ง",
    "5718": "ดอยหลวง",
}
#: districts whose workbook is named just "{code}.xlsx"
SHORT_FILE_NAMES = frozenset({"5709", "5714"})

TAB_COMMITTEE = "คณะทำงานขับเคลื่อน"
TAB_NETWORK = "คณะทำงานเครือข่าย"
TAB_MOU = "บันทึกข้อตกลง"
TAB_CENTERS = "ศูนย์เรียนรู้"
TAB_PLAN = "แผนพัฒนา 5P"
TAB_MONTHLY = "รายงานรายเดือน"
TAB_DOCS = "ส่งเอกสารจังหวัด"
STATUS_TAB = "สถานะ (อัตโนมัติ)"  # never written here

#: the contract headers of DOMAIN.md §4, in their usual order
HEADERS: dict[str, tuple[str, ...]] = {
    TAB_COMMITTEE: ("ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "หน่วยงาน", "ภาคี", "โทรศัพท์", "อีเมล"),
    TAB_NETWORK: ("ชื่อ-สกุล", "ตำแหน่งในคณะทำงาน", "ศูนย์เรียนรู้", "โทรศัพท์"),
    TAB_MOU: ("ภาคี", "หน่วยงานที่ลงนาม", "ผู้ลงนาม", "วันที่ลงนาม"),
    TAB_CENTERS: ("รหัสศูนย์", "ชื่อศูนย์", "ประเภท", "ตำบล", "วันที่ประเมิน", "ผลการประเมิน"),
    TAB_PLAN: ("รหัสศูนย์", "มิติ 5P", "กิจกรรม", "ช่วงเวลา", "งบประมาณ"),
    TAB_MONTHLY: ("เดือนที่รายงาน", "วันที่ส่ง", "กิจกรรมที่ดำเนินการ", "ผลการดำเนินงาน", "ปัญหาอุปสรรค"),
    TAB_DOCS: ("ข้อ", "วันที่ส่ง", "เลขที่หนังสือ", "ลิงก์เอกสาร"),
}
TABS: tuple[str, ...] = tuple(HEADERS)
INDEX_HEADER = "ลำดับ"
NOTES_HEADER = "หมายเหตุ"
PLAN_TOTAL_HEADER = "รวมงบประมาณ (บาท)"
PLAN_TOTAL_LABEL = "รวมงบประมาณทั้งสิ้น"
INSTRUCTIONS_TAB = "คำชี้แจง"

# --- programme facts (a copy of config/programme.yaml; tests keep them in step) ----------------
SECTORS: dict[str, tuple[str, ...]] = {
    "ภาครัฐ": ("หน่วยงานราชการ", "ราชการ", "รัฐ", "หน่วยงานภาครัฐ", "ภาคราชการ", "อปท.",
               "องค์กรปกครองส่วนท้องถิ่น"),
    "ภาคเอกชน": ("เอกชน", "บริษัท", "ห้างร้าน", "ห้างหุ้นส่วน", "ร้านค้า", "ธุรกิจ"),
    "ภาคประชาสังคม": ("ประชาสังคม", "มูลนิธิ", "NGO", "NGOs", "องค์กรพัฒนาเอกชน", "สมาคม",
                      "องค์กรสาธารณประโยชน์"),
    "ภาควิชาการ": ("วิชาการ", "มหาวิทยาลัย", "สถาบันการศึกษา", "โรงเรียน", "วิทยาลัย", "ม.ราชภัฏ",
                   "มรภ."),
    "ภาคศาสนา": ("ศาสนา", "วัด", "พระสงฆ์", "ศาสนสถาน", "มัสยิด", "โบสถ์"),
    "ภาคสื่อมวลชน": ("สื่อมวลชน", "สื่อ", "สื่อสารมวลชน", "วิทยุชุมชน", "หนังสือพิมพ์"),
    "ภาคประชาชน": ("ประชาชน", "ชุมชน", "ผู้นำชุมชน", "ปราชญ์ชาวบ้าน", "ครัวเรือน"),
}
SECTOR_NAMES: tuple[str, ...] = tuple(SECTORS)
ROLES: tuple[str, ...] = ("ประธาน", "รองประธาน", "คณะทำงาน", "คณะทำงานและเลขานุการ",
                          "คณะทำงานและผู้ช่วยเลขานุการ")
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "พัฒนาคน (People)": ("P1", "People", "คน", "พัฒนาคน"),
    "พัฒนาผลผลิต (Product)": ("P2", "Product", "ผลผลิต", "ผลิตภัณฑ์", "พัฒนาผลผลิต"),
    "พัฒนาพื้นที่ (Place)": ("P3", "Place", "พื้นที่", "พัฒนาพื้นที่"),
    "ภาคีเครือข่าย (Partnership)": ("P4", "Partnership", "ภาคี", "เครือข่าย", "ภาคีเครือข่าย"),
    "การตลาดและประชาสัมพันธ์ (Promotion)": ("P5", "Promotion", "การตลาด", "ประชาสัมพันธ์",
                                             "การตลาดและประชาสัมพันธ์"),
}
DIMENSION_NAMES: tuple[str, ...] = tuple(DIMENSIONS)
LEVELS: tuple[str, ...] = ("ดีเยี่ยม", "ดี", "พอใช้", "ต้องพัฒนา")
CENTER_TYPES: tuple[str, ...] = ("CLM", "HLM")
DOCS_DUE = date(2024, 12, 31)
REPORT_DUE_DAY = 20

#: pythainlp.util.thai_to_eng("ภาคเอกชน"): the same word typed with the keyboard left in English
WRONG_LAYOUT_FALLBACK = {"ภาคเอกชน": "4k8gvd=o"}
UNKNOWN_SECTOR = "ภาคกีฬา"
TYPO_SECTOR = "ภาคเอกซน"
BAD_DATE = "32/13/2567"
UNKNOWN_LEVEL = "ดีมาก"
UNKNOWN_DIMENSION = "นวัตกรรม (Innovation)"

# --- scenario tags (see the table above) ---------------------------------------------------------
SCENARIOS: dict[str, list[str]] = {
    "5701": ["compliant", "boundary_due_dates", "dates_datetime", "months_abbrev_be"],
    "5702": ["committee_missing_sectors", "monthly_late", "monthly_jan_missing", "documents_overdue",
             "plan_total_row", "network_by_name", "dates_dmy_be2", "months_full_be2"],
    "5703": ["network_unknown_center", "monthly_duplicate_month", "plan_missing_dimensions",
             "header_spaces", "dates_thai_abbrev", "months_iso"],
    "5704": ["sector_whitespace", "center_not_assessed", "documents_late", "blank_rows", "dates_iso",
             "months_numeric"],
    "5705": ["compliant", "index_column", "extra_columns", "extra_tab", "network_by_mixed",
             "dates_be_datetime", "months_date_cell"],
    "5706": ["sector_abbreviation", "center_assessed_no_date", "missing_column_doc_date",
             "monthly_blank_activity", "blank_rows", "dates_dmy_be", "months_abbrev_be"],
    "5707": ["committee_no_chair", "mou_missing_sectors", "monthly_out_of_period", "network_by_name",
             "dates_thai_digits", "months_full_be"],
    "5708": ["committee_duplicate_person", "network_center_uncovered", "monthly_late", "extra_columns",
             "dates_datetime_th_format", "months_abbrev_be"],
    "5709": ["sector_typo", "committee_blank_role", "mou_unsigned_row", "bad_date", "tabs_reordered",
             "extra_tab", "short_filename", "network_by_mixed", "dates_mixed", "dates_serial", "months_mixed"],
    "5710": ["compliant", "sector_synonyms", "dimension_synonyms", "network_by_name", "dates_dmy_be",
             "months_full_be2"],
    "5711": ["committee_two_chairs", "center_bad_level", "monthly_late", "doc_item_prefixed",
             "columns_reordered", "dates_thai_abbrev", "months_iso"],
    "5712": ["sector_wrong_layout", "plan_unknown_dimension", "documents_late", "index_column",
             "plan_total_row", "dates_dmy_be2", "months_numeric"],
    "5713": ["committee_missing_sectors", "network_empty", "mou_missing_sectors", "monthly_jan_missing",
             "dates_iso", "months_abbrev_be"],
    "5714": ["committee_no_secretary", "plan_unknown_center", "monthly_future_early",
             "header_zero_width", "short_filename", "dates_be_datetime", "months_date_cell"],
    "5716": ["compliant", "columns_reordered", "tabs_reordered", "header_spaces", "header_zero_width",
             "doc_item_thai_digit", "dimension_synonyms", "network_by_mixed", "dates_thai_digits",
             "months_thai_digits"],
    "5717": ["sector_unknown", "center_duplicate_code", "documents_none", "plan_total_row",
             "blank_rows", "network_by_name", "dates_mixed", "dates_serial", "months_mixed"],
    "5718": ["missing_tab_plan", "monthly_jan_missing", "documents_overdue", "blank_rows",
             "dates_datetime", "months_iso"],
}

# --- small word lists -----------------------------------------------------------------------------
TAMBONS: dict[str, tuple[str, ...]] = {
    "5701": ("เวียง", "รอบเวียง", "บ้านดู่", "นางแล", "แม่ข้าวต้ม", "แม่ยาว", "สันทราย", "แม่กรณ์",
             "ห้วยชมภู", "ห้วยสัก", "ริมกก", "ดอยลาน", "ป่าอ้อดอนชัย", "ท่าสาย", "ดอยฮาง", "ท่าสุด"),
    "5702": ("เวียงชัย", "ผางาม", "เวียงเหนือ", "ดอนศิลา", "เมืองชุม"),
    "5703": ("เวียง", "สถาน", "ครึ่ง", "บุญเรือง", "ห้วยซ้อ", "ศรีดอนชัย", "ริมโขง"),
    "5704": ("เวียง", "งิ้ว", "ปล้อง", "แม่ลอย", "เชียงเคี่ยน", "ตับเต่า", "หงาว", "สันทรายงาม",
             "ศรีดอนไชย", "หนองแรด"),
    "5705": ("สันมะเค็ด", "แม่อ้อ", "ธารทอง", "สันติสุข", "ดอยงาม", "หัวง้ม", "เจริญเมือง", "ป่าหุ่ง",
             "ม่วงคำ", "ทรายขาว", "สันกลาง", "แม่เย็น", "เมืองพาน", "ทานตะวัน", "เวียงห้าว"),
    "5706": ("ป่าแดด", "ป่าแงะ", "สันมะค่า", "โรงช้าง", "ศรีโพธิ์เงิน"),
    "5707": ("แม่จัน", "จันจว้า", "แม่คำ", "ป่าซาง", "สันทราย", "ท่าข้าวเปลือก", "ป่าตึง", "แม่ไร่",
             "ศรีค้ำ", "จันจว้าใต้", "จอมสวรรค์"),
    "5708": ("เวียง", "ป่าสัก", "บ้านแซว", "ศรีดอนมูล", "แม่เงิน", "โยนก"),
    "5709": ("แม่สาย", "ห้วยไคร้", "เกาะช้าง", "โป่งผา", "ศรีเมืองชุม", "เวียงพางคำ", "บ้านด้าย",
             "โป่งงาม"),
    "5710": ("แม่สรวย", "ป่าแดด", "แม่พริก", "ศรีถ้อย", "ท่าก๊อ", "วาวี", "เจดีย์หลวง"),
    "5711": ("สันสลี", "เวียง", "บ้านโป่ง", "ป่างิ้ว", "เวียงกาหลง", "แม่เจดีย์", "แม่เจดีย์ใหม่"),
    "5712": ("แม่เปา", "แม่ต๋ำ", "ไม้ยา", "เม็งราย", "ตาดควัน"),
    "5713": ("ม่วงยาย", "ปอ", "หล่ายงาว", "ท่าข้าม"),
    "5714": ("ต้า", "ป่าตาล", "ยางฮอม"),
    "5716": ("ดงมะดะ", "จอมหมอกแก้ว", "บัวสลี", "ป่าก่อดำ", "โป่งแพร่"),
    "5717": ("ทุ่งก่อ", "ดงมหาวัน", "ป่าซาง"),
    "5718": ("ปงน้อย", "โชคชัย", "หนองป่าก่อ"),
}
VILLAGES = ("ป่าซาง", "ห้วยทราย", "ดอนแก้ว", "หนองบัว", "ทุ่งโห้ง", "สันป่าเหียง", "ป่าเหมือด",
            "ร่องปลาค้าว", "แม่ห่าง", "ห้วยหยวก", "ปางห้า", "ทุ่งยาว", "สันกอง", "ป่าบง", "หัวฝาย",
            "ต้นผึ้ง", "โป่งน้ำร้อน", "หนองหล่ม", "ศรีบุญยืน", "สันต้นเปา", "ดงเจริญ", "ใหม่พัฒนา",
            "ห้วยเคียน", "ปางลาว", "สบคำ")
MALE_FIRST = (("สมศักดิ์", "somsak"), ("บุญมา", "boonma"), ("คำปัน", "kampan"), ("ประสิทธิ์", "prasit"),
              ("วิชัย", "wichai"), ("สุริยา", "suriya"), ("อินถา", "intha"), ("ณัฐพล", "nattapon"),
              ("กิตติพงษ์", "kittipong"), ("ธีรวัฒน์", "teerawat"), ("อนุชา", "anucha"), ("เกษม", "kasem"),
              ("ยุทธนา", "yuttana"), ("นิคม", "nikom"), ("สมบูรณ์", "somboon"), ("ปัญญา", "panya"),
              ("คำแสน", "kamsaen"), ("ทองสุข", "thongsuk"), ("สมชาย", "somchai"), ("จักรพันธ์", "jakkapan"),
              ("ศรีทน", "sriton"), ("อุดม", "udom"), ("เสาร์แก้ว", "saokaew"), ("ประพันธ์", "prapan"))
FEMALE_FIRST = (("ศรีนวล", "srinuan"), ("จันทร์ทิพย์", "jantip"), ("อำพร", "amporn"), ("สุนันทา", "sunanta"),
                ("แสงเดือน", "saengduean"), ("บัวคำ", "buakham"), ("ศรีพรรณ", "sripan"), ("มาลัย", "malai"),
                ("พิมพ์ใจ", "pimjai"), ("วราภรณ์", "waraporn"), ("อรุณี", "arunee"), ("จันทร์เพ็ญ", "janpen"),
                ("สุดารัตน์", "sudarat"), ("ปวีณา", "paweena"), ("เพ็ญศรี", "pensri"), ("ดวงใจ", "duangjai"),
                ("กาญจนา", "kanjana"), ("ศรีไพร", "sriprai"), ("บัวผัน", "buapan"), ("ลำดวน", "lamduan"),
                ("ประภาพร", "prapaporn"))
SURNAMES = ("ใจมา", "ใจดี", "อินต๊ะ", "ปัญญาวงค์", "ไชยวงค์", "คำมูล", "ศรีวิชัย", "กันทะวงค์", "อุ่นเรือน",
            "ธรรมสุข", "ปินตา", "จันทร์แก้ว", "ยะวงค์", "สุวรรณรัตน์", "แก้วประเสริฐ", "อินทร์แก้ว", "ทาคำ",
            "มูลเมือง", "ตาคำ", "วงค์ษา", "ขัติยะ", "ธิวงค์", "สิทธิกัน", "กาบแก้ว", "พรหมมินทร์", "ปัญโญ",
            "เทพวงค์", "ชัยมงคล", "ศรีบุญเรือง", "คำปวน", "อุปละ", "จิณะ", "ต๊ะวิชัย", "สมฤทธิ์", "กองแก้ว")
MONKS = ("พระครูสิริปัญญาวุธ", "พระครูสุนทรธรรมวิมล", "พระครูโสภณปัญญาวัฒน์", "พระครูวิจิตรธรรมคุณ",
         "พระอธิการสมบัติ ธมฺมวโร", "พระครูปลัดอินสม ปญฺญาวโร", "พระมหาสมศักดิ์ สิริปญฺโญ",
         "พระครูอุดมธรรมานุวัตร")
#: committee member positions per sector; {a} district, {t} ตำบล, {v} village, {m} หมู่ที่
MEMBER_POSITIONS: dict[str, tuple[str, ...]] = {
    "ภาครัฐ": ("เกษตรอำเภอ{a}", "ผู้จัดการ ธ.ก.ส. สาขา{a}", "สาธารณสุขอำเภอ{a}",
               "นายกองค์การบริหารส่วนตำบล{t}", "นายกเทศมนตรีตำบล{t}", "ผู้อำนวยการสถานีพัฒนาที่ดินเชียงราย",
               "ท้องถิ่นอำเภอ{a}"),
    "ภาคเอกชน": ("ประธานหอการค้าจังหวัดเชียงราย", "กรรมการผู้จัดการ บริษัท เชียงรายเกษตรรุ่งเรือง จำกัด",
                 "หุ้นส่วนผู้จัดการ หจก. {a}ค้าวัสดุการเกษตร", "เจ้าของร้าน{v}พันธุ์ไม้",
                 "ผู้จัดการธนาคารกสิกรไทย สาขา{a}"),
    "ภาคประชาสังคม": ("ผู้แทนมูลนิธิกสิกรรมธรรมชาติ", "ประธานสภาองค์กรชุมชนตำบล{t}",
                      "ประธานชมรมผู้สูงอายุอำเภอ{a}", "ประธานอาสาพัฒนาชุมชน (อช.) อำเภอ{a}",
                      "ผู้ประสานงานมูลนิธิรักษ์ไทย เชียงราย"),
    "ภาควิชาการ": ("อาจารย์ มหาวิทยาลัยราชภัฏเชียงราย", "อาจารย์ มหาวิทยาลัยแม่ฟ้าหลวง",
                   "อาจารย์ มหาวิทยาลัยเทคโนโลยีราชมงคลล้านนา เชียงราย", "ผู้อำนวยการโรงเรียน{a}วิทยาคม",
                   "ครู วิทยาลัยเกษตรและเทคโนโลยีเชียงราย"),
    "ภาคศาสนา": ("เจ้าอาวาสวัด{t}", "เจ้าคณะอำเภอ{a}", "เจ้าอาวาสวัดบ้าน{v}"),
    "ภาคสื่อมวลชน": ("ผู้ดำเนินรายการ สถานีวิทยุชุมชนคน{a}", "ผู้สื่อข่าว สวท.เชียงราย",
                     "ผู้สื่อข่าวหนังสือพิมพ์เชียงรายนิวส์", "ผู้ดูแลเพจข่าวสาร{a}"),
    "ภาคประชาชน": ("กำนันตำบล{t}", "ผู้ใหญ่บ้าน หมู่ {m} บ้าน{v} ต.{t}", "ปราชญ์ชาวบ้านตำบล{t}",
                   "ประธานวิสาหกิจชุมชนบ้าน{v}", "เจ้าของครัวเรือนต้นแบบ บ้าน{v}"),
}
MOU_ORGS: dict[str, tuple[str, ...]] = {
    "ภาครัฐ": ("องค์การบริหารส่วนตำบล{t}", "สำนักงานเกษตรอำเภอ{a}"),
    "ภาคเอกชน": ("หอการค้าจังหวัดเชียงราย", "บริษัท เชียงรายเกษตรรุ่งเรือง จำกัด"),
    "ภาคประชาสังคม": ("มูลนิธิกสิกรรมธรรมชาติ", "สภาองค์กรชุมชนตำบล{t}"),
    "ภาควิชาการ": ("มหาวิทยาลัยราชภัฏเชียงราย", "มหาวิทยาลัยแม่ฟ้าหลวง"),
    "ภาคศาสนา": ("วัด{t}", "คณะสงฆ์อำเภอ{a}"),
    "ภาคสื่อมวลชน": ("สถานีวิทยุชุมชนคน{a}", "หนังสือพิมพ์เชียงรายนิวส์"),
    "ภาคประชาชน": ("เครือข่ายศูนย์เรียนรู้ โคก หนอง นา อำเภอ{a}", "วิสาหกิจชุมชนบ้าน{v}"),
}
PLAN_ACTIVITIES: dict[str, tuple[str, ...]] = {
    DIMENSION_NAMES[0]: ("อบรมเพิ่มทักษะการทำเกษตรผสมผสานแก่ครัวเรือนเครือข่าย", "ศึกษาดูงานศูนย์เรียนรู้ต้นแบบ",
                         "พัฒนาวิทยากรประจำศูนย์เรียนรู้", "ถ่ายทอดองค์ความรู้ปรัชญาของเศรษฐกิจพอเพียงแก่เยาวชน"),
    DIMENSION_NAMES[1]: ("แปรรูปผลผลิตจากแปลง (กล้วยตาก น้ำพริก)", "ผลิตปุ๋ยหมักและน้ำหมักชีวภาพ",
                         "พัฒนาบรรจุภัณฑ์ผลิตภัณฑ์ของศูนย์", "เพาะพันธุ์กล้าไม้จำหน่าย"),
    DIMENSION_NAMES[2]: ("ปรับปรุงฐานการเรียนรู้และป้ายศูนย์", "ขุดลอกหนองน้ำและปรับปรุงคลองไส้ไก่",
                         "ปลูกไม้ ๕ ระดับ เพิ่มพื้นที่สีเขียว", "ทำระบบน้ำหยดในแปลงผัก"),
    DIMENSION_NAMES[3]: ("ประชุมเครือข่ายศูนย์เรียนรู้ระดับอำเภอ", "กิจกรรมเอามื้อสามัคคีร่วมกับภาคีเครือข่าย",
                         "ประสานภาคีขอรับการสนับสนุนพันธุ์พืชและพันธุ์ปลา", "ลงนามความร่วมมือกับโรงเรียนในพื้นที่"),
    DIMENSION_NAMES[4]: ("ประชาสัมพันธ์ผ่านเพจ Facebook ของศูนย์", "ออกร้านจำหน่ายผลผลิตในตลาดนัดสีเขียว",
                         "จัดทำคลิปวิดีโอแนะนำศูนย์เรียนรู้", "จัดทำป้ายและแผ่นพับประชาสัมพันธ์"),
}
PLAN_PERIODS = ("ม.ค. - มี.ค. 68", "ก.พ. 68", "มี.ค. - พ.ค. 68", "เม.ย. - มิ.ย. 68", "ไตรมาส 2/2568",
                "ไตรมาส 3/2568", "ก.ค. - ก.ย. 68", "ต.ค. 67 - ก.ย. 68")
PLAN_BUDGETS = (0, 1500, 2000, 3000, 3500, 5000, 6000, 8000, 10000, 12000, 15000, 20000, None)
MONTHLY_ACTIVITIES = ("ประชุมคณะทำงานขับเคลื่อนฯ ระดับอำเภอ", "ลงพื้นที่ติดตามและให้คำแนะนำศูนย์เรียนรู้ CLM",
                      "กิจกรรมเอามื้อสามัคคีปรับปรุงพื้นที่ครัวเรือนต้นแบบ HLM",
                      "อบรมการทำปุ๋ยหมักและน้ำหมักชีวภาพ", "จัดตลาดนัดสีเขียวจำหน่ายผลผลิตจากแปลง โคก หนอง นา",
                      "ประชุมเครือข่ายศูนย์เรียนรู้ระดับอำเภอ", "ศึกษาดูงานศูนย์เรียนรู้ต้นแบบ",
                      "ประชาสัมพันธ์กิจกรรมศูนย์ผ่านเพจ Facebook", "ปลูกไม้ผลและไม้ใช้สอยเพิ่มเติมในแปลง",
                      "ถอดบทเรียนการดำเนินงานศูนย์เรียนรู้")
MONTHLY_PROBLEMS = ("-", "ไม่มี", "น้ำในหนองไม่เพียงพอช่วงฤดูแล้ง", "ครัวเรือนติดภารกิจเก็บเกี่ยวผลผลิต",
                    "งบประมาณสนับสนุนล่าช้า", "ขาดแคลนพันธุ์พืช", None)

MONTH_ABBR = ("", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
              "พ.ย.", "ธ.ค.")
MONTH_FULL = ("", "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
              "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ZW = "\u200b"
SERIAL_EPOCH = date(1899, 12, 30)

DATE_STYLES = ("datetime", "datetime_th", "be_datetime", "dmy_be", "dmy_be2", "thai_abbrev",
               "thai_digits", "iso", "serial")
MIXED_DATE_STYLES = DATE_STYLES
MONTH_STYLES = ("abbrev_be", "full_be", "full_be2", "numeric", "iso", "date_cell", "date_cell_be",
                "thai_digits")
MIXED_MONTH_STYLES = ("abbrev_be", "full_be2", "numeric", "iso", "date_cell", "thai_digits")

FMT_DATE = "dd/mm/yyyy"
FMT_DATE_TH = "[$-107041E]d mmm yy"  # Thai month names, Buddhist-era year
FMT_MONTH = "[$-107041E]mmmm yyyy"
FMT_MONTH_BE = "mm/yyyy"
FMT_TEXT = "@"
FMT_BAHT = "#,##0"

TAB_COLOURS = {TAB_COMMITTEE: "C6E0B4", TAB_NETWORK: "BDD7EE", TAB_MOU: "F8CBAD", TAB_CENTERS: "FFE699",
               TAB_PLAN: "D9D2E9", TAB_MONTHLY: "B4C6E7", TAB_DOCS: "DBDBDB"}
FONT_NAME = "TH SarabunPSK"
DV_LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    (TAB_COMMITTEE, "ตำแหน่งในคณะทำงาน"): ROLES,
    (TAB_COMMITTEE, "ภาคี"): SECTOR_NAMES,
    (TAB_NETWORK, "ตำแหน่งในคณะทำงาน"): ROLES,
    (TAB_MOU, "ภาคี"): SECTOR_NAMES,
    (TAB_CENTERS, "ประเภท"): CENTER_TYPES,
    (TAB_CENTERS, "ผลการประเมิน"): LEVELS,
}
WRAP_HEADERS = frozenset({"กิจกรรม", "กิจกรรมที่ดำเนินการ", "ผลการดำเนินงาน", "ปัญหาอุปสรรค", "หน่วยงาน",
                          "หน่วยงานที่ลงนาม", "ชื่อศูนย์"})


# --- model ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class D:
    """A date an officer typed, rendered in the district's date style (or ``style``)."""

    value: date
    style: str | None = None


@dataclass(frozen=True)
class M:
    """A reported month, rendered in the district's month style (or ``style``)."""

    year: int
    month: int
    style: str | None = None


Row = dict[str, object]  # canonical header -> value; keys starting with "_" are not written


@dataclass
class Layout:
    index_column: bool = False  # "ลำดับ" as the first column of every tab
    notes_column: bool = False  # "หมายเหตุ" as the last column of every tab
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tab -> header order
    header_style: str = ""  # "", "spaces", "zero_width", "both"
    blank_rows: dict[str, tuple[int, ...]] = field(default_factory=dict)  # tab -> blank before data row i
    tab_order: tuple[str, ...] = TABS
    missing_tabs: frozenset[str] = frozenset()
    missing_columns: dict[str, frozenset[str]] = field(default_factory=dict)
    extra_tab: bool = False  # a "คำชี้แจง" tab before the data tabs
    plan_total: str = "side"  # "side": SUM in an extra column; "row": a total row under the data


@dataclass(frozen=True)
class Profile:
    date_style: str
    month_style: str
    committee_size: int  # before scenario edits
    centres: int
    clm: int
    center_ref: str = "code"  # how network members name their centre: code | name | mixed
    dim_style: str = "canonical"  # canonical | p | english
    layout: Layout = field(default_factory=Layout)


@dataclass
class District:
    code: str
    name: str
    profile: Profile
    rng: random.Random
    rows: dict[str, list[Row]] = field(default_factory=dict)
    used_names: set[str] = field(default_factory=set)
    mix_counters: dict[str, int] = field(default_factory=dict)  # "dates"/"months" -> cells so far

    @property
    def layout(self) -> Layout:
        return self.profile.layout

    def fmt(self, template: str) -> str:
        rng = self.rng
        return template.format(a=self.name, t=rng.choice(TAMBONS[self.code]), v=rng.choice(VILLAGES),
                               m=rng.randint(1, 15))


# --- generators --------------------------------------------------------------------------------------
def _person(d: District, gender: str | None = None) -> tuple[str, str]:
    """A new (full Thai name with title, romanised first name) unique in the district."""
    rng = d.rng
    while True:
        g = gender or rng.choice("MF")
        first, roman = rng.choice(MALE_FIRST if g == "M" else FEMALE_FIRST)
        title = "นาย" if g == "M" else rng.choice(("นาง", "นางสาว"))
        full = f"{title}{first} {rng.choice(SURNAMES)}"
        if full not in d.used_names:
            d.used_names.add(full)
            return full, roman


def _monk(d: District) -> str:
    for name in d.rng.sample(MONKS, len(MONKS)):
        if name not in d.used_names:
            d.used_names.add(name)
            return name
    raise RuntimeError("ran out of monk names")


def _mobile(rng: random.Random) -> str:
    return f"0{rng.choice('689')}{rng.randint(0, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def _office_phone(rng: random.Random) -> str:
    return f"053-{rng.randint(600, 799)}-{rng.randint(100, 999)}"


def _member(d: District, role: str, position: str, sector: str, gender: str | None = None) -> Row:
    rng = d.rng
    if sector == "ภาคศาสนา":
        name, email = _monk(d), None
        phone: str | None = _mobile(rng) if rng.random() < 0.5 else None
    else:
        name, roman = _person(d, gender)
        phone = _office_phone(rng) if sector == "ภาครัฐ" and rng.random() < 0.4 else _mobile(rng)
        email = f"{roman}{rng.randint(10, 99)}@gmail.com" if rng.random() < 0.45 else None
    return {"ชื่อ-สกุล": name, "ตำแหน่งในคณะทำงาน": role, "หน่วยงาน": position, "ภาคี": sector,
            "โทรศัพท์": phone, "อีเมล": email, "_sector": sector}


def _committee(d: District) -> list[Row]:
    rng, a = d.rng, d.name
    head = [
        _member(d, "ประธาน", f"นายอำเภอ{a}", "ภาครัฐ"),
        _member(d, "รองประธาน", f"ปลัดอำเภอ (หัวหน้าฝ่ายบริหารงานปกครอง) อำเภอ{a}", "ภาครัฐ"),
        _member(d, "รองประธาน", f"ประธานเครือข่ายศูนย์เรียนรู้ โคก หนอง นา อำเภอ{a}", "ภาคประชาชน"),
    ]
    middle_n = d.profile.committee_size - 5
    sectors = list(SECTOR_NAMES)
    extra_pool = ("ภาครัฐ", "ภาครัฐ", "ภาคประชาชน", "ภาคประชาชน", "ภาคเอกชน", "ภาควิชาการ", "ภาคประชาสังคม")
    sectors += [rng.choice(extra_pool) for _ in range(middle_n - len(sectors))]
    sectors.sort(key=SECTOR_NAMES.index)
    used_positions: set[str] = set()
    middle = []
    for sector in sectors:
        for _ in range(20):
            position = d.fmt(rng.choice(MEMBER_POSITIONS[sector]))
            if position not in used_positions:
                break
        used_positions.add(position)
        middle.append(_member(d, "คณะทำงาน", position, sector))
    tail = [
        _member(d, "คณะทำงานและเลขานุการ", f"พัฒนาการอำเภอ{a}", "ภาครัฐ"),
        _member(d, "คณะทำงานและผู้ช่วยเลขานุการ", f"นักวิชาการพัฒนาชุมชน สำนักงานพัฒนาชุมชนอำเภอ{a}",
                "ภาครัฐ"),
    ]
    return head + middle + tail


def _centres(d: District) -> list[Row]:
    rng, p = d.rng, d.profile
    tambons = rng.sample(TAMBONS[d.code], min(len(TAMBONS[d.code]), p.centres))
    rows = []
    for i in range(p.centres):
        kind = "CLM" if i < p.clm else "HLM"
        owner, _ = _person(d)
        tambon = tambons[i] if i < len(tambons) else rng.choice(TAMBONS[d.code])
        if kind == "CLM":
            name = rng.choice((f"ศูนย์เรียนรู้ CLM ตำบล{tambon}",
                               f"ศูนย์เรียนรู้การพัฒนาคุณภาพชีวิต โคก หนอง นา ตำบล{tambon}"))
        else:
            name = f"ครัวเรือนต้นแบบ HLM บ้าน{rng.choice(VILLAGES)} ({owner})"
        assessed = date(2024, 11, rng.randint(5, 29)) if rng.random() < 0.4 else date(2024, 12, rng.randint(2, 16))
        level = rng.choices(LEVELS, weights=(2, 4, 3, 1))[0]
        rows.append({"รหัสศูนย์": f"{kind}-{d.code}-{i + 1:02d}", "ชื่อศูนย์": name, "ประเภท": kind,
                     "ตำบล": tambon, "วันที่ประเมิน": D(assessed), "ผลการประเมิน": level, "_owner": owner,
                     NOTES_HEADER: "ผ่านการประเมินรอบที่ 1" if i == 0 else None})
    return rows


def _center_ref(d: District, centre: Row, i: int) -> str:
    style = d.profile.center_ref
    if style == "mixed":
        style = "code" if i % 2 == 0 else "name"
    return str(centre["รหัสศูนย์"] if style == "code" else centre["ชื่อศูนย์"])


def _network(d: District, centres: list[Row]) -> list[Row]:
    rng = d.rng
    rows: list[Row] = []
    for i, c in enumerate(centres):
        rows.append({"ชื่อ-สกุล": c["_owner"], "ศูนย์เรียนรู้": _center_ref(d, c, i), "_center": c["รหัสศูนย์"],
                     "โทรศัพท์": _mobile(rng)})
    total = rng.randint(max(5, len(centres)), 12)
    while len(rows) < total:
        i = rng.randrange(len(centres))
        c = centres[i]
        rows.append({"ชื่อ-สกุล": _person(d)[0], "ศูนย์เรียนรู้": _center_ref(d, c, i),
                     "_center": c["รหัสศูนย์"], "โทรศัพท์": _mobile(rng) if rng.random() < 0.8 else None})
    _network_roles(rows)
    return rows


def _network_roles(rows: list[Row]) -> None:
    for i, r in enumerate(rows):
        r["ตำแหน่งในคณะทำงาน"] = ("ประธาน" if i == 0 else "รองประธาน" if i == 1
                                  else "คณะทำงานและเลขานุการ" if i == len(rows) - 1 else "คณะทำงาน")


def _mou(d: District, committee: list[Row]) -> list[Row]:
    rng = d.rng
    signed = D(date(2024, 12, rng.randint(3, 16)))
    rows: list[Row] = []
    for sector in SECTOR_NAMES:
        if sector == "ภาครัฐ":
            rows.append({"ภาคี": sector, "หน่วยงานที่ลงนาม": f"ที่ว่าการอำเภอ{d.name}",
                         "ผู้ลงนาม": committee[0]["ชื่อ-สกุล"], "วันที่ลงนาม": signed, "_sector": sector})
            if rng.random() < 0.5:
                rows.append({"ภาคี": sector, "หน่วยงานที่ลงนาม": d.fmt(rng.choice(MOU_ORGS[sector])),
                             "ผู้ลงนาม": _person(d)[0], "วันที่ลงนาม": signed, "_sector": sector})
            continue
        members = [m for m in committee if m["_sector"] == sector and m["ตำแหน่งในคณะทำงาน"] == "คณะทำงาน"]
        if members:
            signer = str(members[0]["ชื่อ-สกุล"])
        else:
            signer = _monk(d) if sector == "ภาคศาสนา" else _person(d)[0]
        rows.append({"ภาคี": sector, "หน่วยงานที่ลงนาม": d.fmt(rng.choice(MOU_ORGS[sector])),
                     "ผู้ลงนาม": signer, "วันที่ลงนาม": signed, "_sector": sector})
    return rows


def _dimension_label(d: District, k: int) -> str:
    name = DIMENSION_NAMES[k]
    if d.profile.dim_style == "p":
        return f"P{k + 1}"
    if d.profile.dim_style == "english":
        return DIMENSIONS[name][1]
    return name


def _plan(d: District, centres: list[Row]) -> list[Row]:
    rng = d.rng
    rows: list[Row] = []
    for c in centres:
        for k, dim in enumerate(DIMENSION_NAMES):
            n = 2 if rng.random() < 0.15 else 1
            for activity in rng.sample(PLAN_ACTIVITIES[dim], n):
                rows.append({"รหัสศูนย์": c["รหัสศูนย์"], "มิติ 5P": _dimension_label(d, k), "กิจกรรม": activity,
                             "ช่วงเวลา": rng.choice(PLAN_PERIODS), "งบประมาณ": rng.choice(PLAN_BUDGETS),
                             "_dim": dim})
    return rows


def _report(d: District, month: M, sent: object, *, blank: bool = False) -> Row:
    rng = d.rng
    if blank:
        return {"เดือนที่รายงาน": month, "วันที่ส่ง": sent, "กิจกรรมที่ดำเนินการ": None,
                "ผลการดำเนินงาน": None, "ปัญหาอุปสรรค": None}
    acts = rng.sample(MONTHLY_ACTIVITIES, rng.randint(1, 3))
    text = acts[0] if len(acts) == 1 else "\n".join(f"{i + 1}. {a}" for i, a in enumerate(acts))
    result = f"ดำเนินการแล้ว {rng.randint(1, d.profile.centres)} ศูนย์ ผู้เข้าร่วม {rng.randint(12, 80)} คน"
    return {"เดือนที่รายงาน": month, "วันที่ส่ง": sent, "กิจกรรมที่ดำเนินการ": text,
            "ผลการดำเนินงาน": result, "ปัญหาอุปสรรค": rng.choice(MONTHLY_PROBLEMS)}


def _monthly(d: District) -> list[Row]:
    rng = d.rng
    return [_report(d, M(2024, 12), D(date(2024, 12, rng.randint(12, 20)))),
            _report(d, M(2025, 1), D(date(2025, 1, rng.randint(13, 20))))]


def _drive_link(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "https://drive.google.com/file/d/1" + "".join(rng.choice(alphabet) for _ in range(32)) + "/view"


def _docs(d: District) -> list[Row]:
    rng = d.rng
    prefix = f"ชร 0419.{int(d.code) - 5700}"
    number = rng.randint(300, 2900)
    if rng.random() < 0.5:  # all five copies under one covering letter
        days, numbers = [rng.randint(20, 30)] * 5, [number] * 5
    else:
        days = sorted(rng.randint(16, 30) for _ in range(5))
        numbers = [number + 7 * i + rng.randint(0, 6) for i in range(5)]
    return [{"ข้อ": item, "วันที่ส่ง": D(date(2024, 12, day)), "เลขที่หนังสือ": f"{prefix}/{num}",
             "ลิงก์เอกสาร": _drive_link(rng) if rng.random() < 0.7 else None}
            for item, day, num in zip(range(1, 6), days, numbers, strict=True)]


# --- scenario edits -----------------------------------------------------------------------------------
def _set_sector(rows: list[Row], sector: str, values: list[str]) -> None:
    """Type the ภาคี of every row of ``sector`` as values[0], values[1], ... (cycling)."""
    matching = [r for r in rows if r["_sector"] == sector]
    for i, r in enumerate(matching):
        r["ภาคี"] = values[i % len(values)]


def _wrong_layout(word: str) -> str:
    try:
        from pythainlp.util import thai_to_eng
    except ImportError:  # pragma: no cover - pythainlp is a project dependency
        return WRONG_LAYOUT_FALLBACK[word]
    return thai_to_eng(word)


def _row_index(rows: list[Row], key: str, value: object) -> int:
    return next(i for i, r in enumerate(rows) if r.get(key) == value)


def _s5701(d: District) -> None:
    rows = d.rows
    rows[TAB_MONTHLY][0]["วันที่ส่ง"] = D(date(2024, 12, 20))
    rows[TAB_MONTHLY][1]["วันที่ส่ง"] = D(date(2025, 1, 20))
    for r in rows[TAB_DOCS]:
        r["วันที่ส่ง"] = D(DOCS_DUE)


def _s5702(d: District) -> None:
    rows = d.rows
    rows[TAB_COMMITTEE] = [r for r in rows[TAB_COMMITTEE] if r["_sector"] not in ("ภาคศาสนา", "ภาคสื่อมวลชน")]
    dec = rows[TAB_MONTHLY][0]
    dec["วันที่ส่ง"] = D(date(2024, 12, 23))
    dec["_comments"] = {"วันที่ส่ง": "ส่งช้า รอนายอำเภอลงนามหนังสือนำส่ง"}
    del rows[TAB_MONTHLY][1]
    rows[TAB_DOCS] = [r for r in rows[TAB_DOCS] if r["ข้อ"] != 3]


def _s5703(d: District) -> None:
    rows = d.rows
    net = rows[TAB_NETWORK]
    net.insert(len(net) - 1, {"ชื่อ-สกุล": _person(d)[0], "ตำแหน่งในคณะทำงาน": "คณะทำงาน",
                              "ศูนย์เรียนรู้": "CLM-5703-09", "_center": None, "โทรศัพท์": _mobile(d.rng)})
    dec = rows[TAB_MONTHLY][0]
    dec["วันที่ส่ง"] = D(date(2024, 12, 18))
    again = _report(d, M(2024, 12), D(date(2024, 12, 26)))
    again["กิจกรรมที่ดำเนินการ"] = "(ฉบับแก้ไข) " + str(dec["กิจกรรมที่ดำเนินการ"])
    rows[TAB_MONTHLY].insert(1, again)
    drop = {DIMENSION_NAMES[2], DIMENSION_NAMES[4]}
    rows[TAB_PLAN] = [r for r in rows[TAB_PLAN] if not (r["รหัสศูนย์"] == "HLM-5703-03" and r["_dim"] in drop)]


def _s5704(d: District) -> None:
    com = d.rows[TAB_COMMITTEE]
    _set_sector(com, "ภาครัฐ", [" ภาครัฐ", "ภาครัฐ", "ภาครัฐ "])
    _set_sector(com, "ภาคศาสนา", [f"ภาค{ZW}ศาสนา"])
    _set_sector(com, "ภาคประชาชน", [f"ภาคประชาชน{ZW}", "ภาค ประชาชน"])
    _set_sector(com, "ภาควิชาการ", ["\u00a0ภาควิชาการ"])
    _set_sector(com, "ภาคเอกชน", ["ภาคเอกชน  "])
    _set_sector(d.rows[TAB_MOU], "ภาคสื่อมวลชน", [" ภาคสื่อมวลชน"])
    c = d.rows[TAB_CENTERS][3]
    c["วันที่ประเมิน"] = c["ผลการประเมิน"] = None
    for r in d.rows[TAB_DOCS]:
        if r["ข้อ"] in (4, 5):
            r["วันที่ส่ง"] = D(date(2025, 1, 5))


def _s5705(d: District) -> None:
    d.rows[TAB_COMMITTEE][0][NOTES_HEADER] = f"คำสั่งอำเภอ{d.name} ที่ 512/2567"
    d.rows[TAB_DOCS][0][NOTES_HEADER] = "ส่งทางระบบสารบรรณอิเล็กทรอนิกส์"


def _s5706(d: District) -> None:
    _set_sector(d.rows[TAB_COMMITTEE], "ภาครัฐ", ["ภ.รัฐ"])
    _set_sector(d.rows[TAB_COMMITTEE], "ภาคประชาชน", ["ภ.ประชาชน"])
    d.rows[TAB_CENTERS][1]["วันที่ประเมิน"] = None
    jan = d.rows[TAB_MONTHLY][1]
    d.rows[TAB_MONTHLY][1] = _report(d, jan["เดือนที่รายงาน"], jan["วันที่ส่ง"], blank=True)


def _s5707(d: District) -> None:
    d.rows[TAB_COMMITTEE] = [r for r in d.rows[TAB_COMMITTEE] if r["ตำแหน่งในคณะทำงาน"] != "ประธาน"]
    d.rows[TAB_MOU] = [r for r in d.rows[TAB_MOU] if r["_sector"] not in ("ภาควิชาการ", "ภาคสื่อมวลชน")]
    d.rows[TAB_MONTHLY].insert(0, _report(d, M(2024, 11), D(date(2024, 11, 20))))


def _s5708(d: District) -> None:
    com = d.rows[TAB_COMMITTEE]
    com.insert(len(com) - 2, dict(com[6]))
    net = [r for r in d.rows[TAB_NETWORK] if r["_center"] != "HLM-5708-05"]
    others = [c for c in d.rows[TAB_CENTERS] if c["รหัสศูนย์"] != "HLM-5708-05"]
    while len(net) < 5:
        c = others[len(net) % len(others)]
        net.append({"ชื่อ-สกุล": _person(d)[0], "ศูนย์เรียนรู้": c["รหัสศูนย์"], "_center": c["รหัสศูนย์"],
                    "โทรศัพท์": _mobile(d.rng)})
    _network_roles(net)
    d.rows[TAB_NETWORK] = net
    d.rows[TAB_MONTHLY][0]["วันที่ส่ง"] = D(date(2024, 12, 25))
    d.rows[TAB_MONTHLY][0][NOTES_HEADER] = "ส่งล่าช้า"


def _s5709(d: District) -> None:
    com = d.rows[TAB_COMMITTEE]
    _set_sector(com, "ภาคเอกชน", [TYPO_SECTOR])
    blank = next(r for r in com if r["_sector"] == "ภาคประชาชน" and r["ตำแหน่งในคณะทำงาน"] == "คณะทำงาน")
    blank["ตำแหน่งในคณะทำงาน"] = None
    mou = d.rows[TAB_MOU]
    mou[_row_index(mou, "_sector", "ภาคศาสนา")]["วันที่ลงนาม"] = None
    d.rows[TAB_MONTHLY][1]["วันที่ส่ง"] = BAD_DATE


def _s5710(d: District) -> None:
    synonyms = {"ภาครัฐ": (["หน่วยงานราชการ", "ราชการ", "อปท."], ["หน่วยงานราชการ"]),
                "ภาคเอกชน": (["บริษัท"], ["ห้างร้าน"]),
                "ภาคประชาสังคม": (["มูลนิธิ"], ["NGO"]),
                "ภาควิชาการ": (["มหาวิทยาลัย"], ["สถาบันการศึกษา"]),
                "ภาคศาสนา": (["วัด"], ["พระสงฆ์"]),
                "ภาคสื่อมวลชน": (["สื่อ"], ["สื่อสารมวลชน"]),
                "ภาคประชาชน": (["ชุมชน", "ปราชญ์ชาวบ้าน"], ["ประชาชน"])}
    for sector, (committee_values, mou_values) in synonyms.items():
        _set_sector(d.rows[TAB_COMMITTEE], sector, committee_values)
        _set_sector(d.rows[TAB_MOU], sector, mou_values)


def _s5711(d: District) -> None:
    com = d.rows[TAB_COMMITTEE]
    vice = next(r for r in com if r["ตำแหน่งในคณะทำงาน"] == "รองประธาน" and r["_sector"] == "ภาคประชาชน")
    vice["ตำแหน่งในคณะทำงาน"] = "ประธาน"
    d.rows[TAB_CENTERS][2]["ผลการประเมิน"] = UNKNOWN_LEVEL
    d.rows[TAB_MONTHLY][1]["วันที่ส่ง"] = D(date(2025, 1, 21))
    labels = {1: "ข้อ 1", 2: "ข้อ 2", 3: "ข้อ 3", 4: "ข้อ ๔", 5: "ข้อ ๕"}
    for r in d.rows[TAB_DOCS]:
        r["ข้อ"] = labels[r["ข้อ"]]


def _s5712(d: District) -> None:
    _set_sector(d.rows[TAB_COMMITTEE], "ภาคเอกชน", [_wrong_layout("ภาคเอกชน")])
    plan = d.rows[TAB_PLAN]
    first = plan[0]["รหัสศูนย์"]
    at = max(i for i, r in enumerate(plan) if r["รหัสศูนย์"] == first) + 1
    plan.insert(at, {"รหัสศูนย์": first, "มิติ 5P": UNKNOWN_DIMENSION, "_dim": None,
                     "กิจกรรม": "ติดตั้งระบบสูบน้ำพลังงานแสงอาทิตย์", "ช่วงเวลา": "มี.ค. 68", "งบประมาณ": 25000})
    number = d.rng.randint(300, 2900)
    for r in d.rows[TAB_DOCS]:
        r["วันที่ส่ง"] = D(date(2025, 1, 8))
        r["เลขที่หนังสือ"] = f"ชร 0419.12/{number}"


def _s5713(d: District) -> None:
    d.rows[TAB_COMMITTEE] = [r for r in d.rows[TAB_COMMITTEE] if r["_sector"] != "ภาคสื่อมวลชน"]
    d.rows[TAB_NETWORK] = []
    d.rows[TAB_MOU] = [r for r in d.rows[TAB_MOU] if r["_sector"] != "ภาคสื่อมวลชน"]
    del d.rows[TAB_MONTHLY][1]


def _s5714(d: District) -> None:
    com = d.rows[TAB_COMMITTEE]
    d.rows[TAB_COMMITTEE] = [r for r in com if r["ตำแหน่งในคณะทำงาน"] != "คณะทำงานและผู้ช่วยเลขานุการ"]
    for r in d.rows[TAB_COMMITTEE]:
        if r["ตำแหน่งในคณะทำงาน"] == "คณะทำงานและเลขานุการ":
            r["ตำแหน่งในคณะทำงาน"] = "คณะทำงาน"
    d.rows[TAB_PLAN].append({"รหัสศูนย์": "CLM-5714-09", "มิติ 5P": DIMENSION_NAMES[0], "_dim": DIMENSION_NAMES[0],
                             "กิจกรรม": "อบรมครัวเรือนเป้าหมายรายใหม่", "ช่วงเวลา": "เม.ย. - มิ.ย. 68",
                             "งบประมาณ": 7000})
    d.rows[TAB_MONTHLY].append(_report(d, M(2025, 2), D(date(2025, 1, 20))))


def _s5716(d: District) -> None:
    for r in d.rows[TAB_DOCS]:
        r["ข้อ"] = str(r["ข้อ"]).translate(THAI_DIGITS)


def _s5717(d: District) -> None:
    com = d.rows[TAB_COMMITTEE]
    extra = _member(d, "คณะทำงาน", f"ประธานชมรมฟุตบอลอำเภอ{d.name}", "ภาคประชาชน")
    extra["ภาคี"], extra["_sector"] = UNKNOWN_SECTOR, None
    com.insert(len(com) - 2, extra)
    centres = d.rows[TAB_CENTERS]
    old, new = centres[3]["รหัสศูนย์"], centres[2]["รหัสศูนย์"]
    centres[3]["รหัสศูนย์"] = new
    for r in d.rows[TAB_PLAN]:
        if r["รหัสศูนย์"] == old:
            r["รหัสศูนย์"] = new
    for r in d.rows[TAB_NETWORK]:
        if r["_center"] == old:
            r["_center"] = new
    d.rows[TAB_DOCS] = []


def _s5718(d: District) -> None:
    del d.rows[TAB_MONTHLY][1]
    d.rows[TAB_DOCS] = [r for r in d.rows[TAB_DOCS] if r["ข้อ"] in (1, 2, 3)]


_REORDERED = {
    TAB_COMMITTEE: ("ภาคี", "ชื่อ-สกุล", "หน่วยงาน", "ตำแหน่งในคณะทำงาน", "อีเมล", "โทรศัพท์"),
    TAB_NETWORK: ("ศูนย์เรียนรู้", "ชื่อ-สกุล", "โทรศัพท์", "ตำแหน่งในคณะทำงาน"),
    TAB_MOU: ("หน่วยงานที่ลงนาม", "ผู้ลงนาม", "ภาคี", "วันที่ลงนาม"),
    TAB_CENTERS: ("ชื่อศูนย์", "รหัสศูนย์", "ตำบล", "ประเภท", "ผลการประเมิน", "วันที่ประเมิน"),
    TAB_PLAN: ("มิติ 5P", "รหัสศูนย์", "ช่วงเวลา", "กิจกรรม", "งบประมาณ"),
    TAB_MONTHLY: ("วันที่ส่ง", "เดือนที่รายงาน", "ผลการดำเนินงาน", "กิจกรรมที่ดำเนินการ", "ปัญหาอุปสรรค"),
    TAB_DOCS: ("วันที่ส่ง", "ข้อ", "ลิงก์เอกสาร", "เลขที่หนังสือ"),
}

PROFILES: dict[str, Profile] = {
    "5701": Profile("datetime", "abbrev_be", 20, 8, 3),
    "5702": Profile("dmy_be2", "full_be2", 15, 5, 2, center_ref="name", layout=Layout(plan_total="row")),
    "5703": Profile("thai_abbrev", "iso", 16, 6, 2, layout=Layout(header_style="spaces")),
    "5704": Profile("iso", "numeric", 17, 5, 2,
                    layout=Layout(blank_rows={TAB_COMMITTEE: (6,), TAB_CENTERS: (3,)})),
    "5705": Profile("be_datetime", "date_cell", 18, 7, 3, center_ref="mixed",
                    layout=Layout(index_column=True, notes_column=True, extra_tab=True)),
    "5706": Profile("dmy_be", "abbrev_be", 14, 4, 1,
                    layout=Layout(missing_columns={TAB_DOCS: frozenset({"วันที่ส่ง"})},
                                  blank_rows={TAB_MONTHLY: (1,)})),
    "5707": Profile("thai_digits", "full_be", 16, 5, 2, center_ref="name"),
    "5708": Profile("datetime_th", "abbrev_be", 17, 6, 2, layout=Layout(notes_column=True)),
    "5709": Profile("mixed", "mixed", 15, 4, 2, center_ref="mixed",
                    layout=Layout(extra_tab=True, tab_order=(TAB_CENTERS, TAB_COMMITTEE, TAB_NETWORK, TAB_PLAN,
                                                             TAB_MOU, TAB_DOCS, TAB_MONTHLY))),
    "5710": Profile("dmy_be", "full_be2", 19, 6, 2, center_ref="name", dim_style="p"),
    "5711": Profile("thai_abbrev", "iso", 18, 5, 2,
                    layout=Layout(order={t: _REORDERED[t] for t in (TAB_COMMITTEE, TAB_CENTERS, TAB_MONTHLY)})),
    "5712": Profile("dmy_be2", "numeric", 14, 4, 1, layout=Layout(index_column=True, plan_total="row")),
    "5713": Profile("iso", "abbrev_be", 13, 3, 1),
    "5714": Profile("be_datetime", "date_cell_be", 15, 3, 1, layout=Layout(header_style="zero_width")),
    "5716": Profile("thai_digits", "thai_digits", 16, 5, 2, center_ref="mixed", dim_style="english",
                    layout=Layout(order=dict(_REORDERED), header_style="both",
                                  tab_order=(TAB_CENTERS, TAB_PLAN, TAB_COMMITTEE, TAB_NETWORK, TAB_MOU,
                                             TAB_MONTHLY, TAB_DOCS))),
    "5717": Profile("mixed", "mixed", 17, 5, 2, center_ref="name",
                    layout=Layout(plan_total="row", blank_rows={TAB_NETWORK: (2,), TAB_PLAN: (5, 12)})),
    "5718": Profile("datetime", "iso", 12, 3, 1,
                    layout=Layout(missing_tabs=frozenset({TAB_PLAN}), blank_rows={TAB_COMMITTEE: (4,)})),
}
SCENARIO_EDITS = {"5701": _s5701, "5702": _s5702, "5703": _s5703, "5704": _s5704, "5705": _s5705,
                  "5706": _s5706, "5707": _s5707, "5708": _s5708, "5709": _s5709, "5710": _s5710,
                  "5711": _s5711, "5712": _s5712, "5713": _s5713, "5714": _s5714, "5716": _s5716,
                  "5717": _s5717, "5718": _s5718}


def make_district(code: str, seed: int = DEFAULT_SEED) -> District:
    """The rows of one district's workbook (before rendering), scenario edits applied."""
    d = District(code, DISTRICTS[code], PROFILES[code], random.Random(seed * 10_000 + int(code)))
    centres = _centres(d)
    committee = _committee(d)
    d.rows = {TAB_COMMITTEE: committee, TAB_NETWORK: _network(d, centres), TAB_MOU: _mou(d, committee),
              TAB_CENTERS: centres, TAB_PLAN: _plan(d, centres), TAB_MONTHLY: _monthly(d), TAB_DOCS: _docs(d)}
    SCENARIO_EDITS[code](d)
    return d


# --- rendering --------------------------------------------------------------------------------------
def _next_mixed(d: District, kind: str, styles: tuple[str, ...]) -> str:
    """Cycle through ``styles`` cell by cell, so a "mixed" workbook shows every form."""
    n = d.mix_counters.get(kind, 0)
    d.mix_counters[kind] = n + 1
    return styles[(n + int(d.code)) % len(styles)]


def _render_date(d: District, v: D) -> tuple[object, str | None]:
    style = v.style or d.profile.date_style
    if style == "mixed":
        style = _next_mixed(d, "dates", MIXED_DATE_STYLES)
    x = v.value
    be = x.year + 543
    if style == "datetime":
        return datetime(x.year, x.month, x.day), FMT_DATE
    if style == "datetime_th":
        return datetime(x.year, x.month, x.day), FMT_DATE_TH
    if style == "be_datetime":
        return datetime(be, x.month, x.day), FMT_DATE
    if style == "serial":
        return (x - SERIAL_EPOCH).days, "General"
    if style == "dmy_be":
        pad = d.rng.random() < 0.6
        return (f"{x.day:02d}/{x.month:02d}/{be}" if pad else f"{x.day}/{x.month}/{be}"), FMT_TEXT
    if style == "dmy_be2":
        return f"{x.day}/{x.month}/{be % 100:02d}", FMT_TEXT
    if style == "thai_abbrev":
        return f"{x.day} {MONTH_ABBR[x.month]} {be % 100:02d}", FMT_TEXT
    if style == "thai_digits":
        return f"{x.day} {MONTH_FULL[x.month]} {be}".translate(THAI_DIGITS), FMT_TEXT
    if style == "iso":
        return x.isoformat(), FMT_TEXT
    raise ValueError(f"unknown date style {style!r}")


def _render_month(d: District, v: M) -> tuple[object, str | None]:
    style = v.style or d.profile.month_style
    if style == "mixed":
        style = _next_mixed(d, "months", MIXED_MONTH_STYLES)
    be = v.year + 543
    if style == "abbrev_be":
        return f"{MONTH_ABBR[v.month]} {be}", FMT_TEXT
    if style == "full_be":
        return f"{MONTH_FULL[v.month]} {be}", FMT_TEXT
    if style == "full_be2":
        return f"{MONTH_FULL[v.month]} {be % 100:02d}", FMT_TEXT
    if style == "numeric":
        return f"{v.month:02d}/{be}", FMT_TEXT
    if style == "iso":
        return f"{v.year}-{v.month:02d}", FMT_TEXT
    if style == "date_cell":
        return datetime(v.year, v.month, 1), FMT_MONTH
    if style == "date_cell_be":
        return datetime(be, v.month, 1), FMT_MONTH_BE
    if style == "thai_digits":
        return f"{MONTH_ABBR[v.month]} {be}".translate(THAI_DIGITS), FMT_TEXT
    raise ValueError(f"unknown month style {style!r}")


def _render(d: District, value: object) -> tuple[object, str | None]:
    if isinstance(value, D):
        return _render_date(d, value)
    if isinstance(value, M):
        return _render_month(d, value)
    return value, None


def _header_text(header: str, j: int, style: str) -> str:
    out = header
    if style in ("spaces", "both") and j % 2 == 0:
        out = f" {out.replace(' ', '  ')}  "
    if style in ("zero_width", "both") and j % 3 == 1:
        out = out[:2] + ZW + out[2:]
    return out


def _columns(d: District, tab: str) -> list[str]:
    layout = d.layout
    missing = layout.missing_columns.get(tab, frozenset())
    cols = [h for h in layout.order.get(tab, HEADERS[tab]) if h not in missing]
    if layout.index_column:
        cols.insert(0, INDEX_HEADER)
    if layout.notes_column:
        cols.append(NOTES_HEADER)
    if tab == TAB_PLAN and layout.plan_total == "side":
        cols.append(PLAN_TOTAL_HEADER)
    return cols


_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
BODY, BODY_WRAP = "ข้อมูล", "ข้อมูล (ตัดบรรทัด)"


def _add_named_styles(wb: Workbook) -> None:
    for name, wrap in ((BODY, False), (BODY_WRAP, True)):
        wb.add_named_style(NamedStyle(name=name, font=Font(name=FONT_NAME, size=14), border=_BORDER,
                                      alignment=Alignment(vertical="top", wrap_text=wrap)))


def _text_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 11
    # Thai above/below-line marks take no width of their own
    return max(sum(1 for ch in line if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"))
               for line in str(value).split("\n"))


def _write_tab(ws: Worksheet, d: District, tab: str) -> None:
    layout = d.layout
    cols = _columns(d, tab)
    letter = {h: get_column_letter(j + 1) for j, h in enumerate(cols)}
    header_font = Font(name=FONT_NAME, size=16, bold=True)
    header_fill = PatternFill("solid", fgColor=TAB_COLOURS[tab])
    widths = {h: _text_width(h) + 2 for h in cols}
    for j, h in enumerate(cols):
        cell = ws.cell(row=1, column=j + 1, value=_header_text(h, j, layout.header_style))
        cell.font, cell.fill, cell.border = header_font, header_fill, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 27

    rows = d.rows[tab]
    blanks = set(layout.blank_rows.get(tab, ()))
    r, n = 2, 0
    for i, row in enumerate(rows):
        if i in blanks:
            r += 1
        n += 1
        for j, h in enumerate(cols):
            if h == INDEX_HEADER:
                value, fmt = n, None
            elif h == PLAN_TOTAL_HEADER:
                value, fmt = None, None
            else:
                value, fmt = _render(d, row.get(h))
            cell = ws.cell(row=r, column=j + 1, value=value)
            cell.style = BODY_WRAP if h in WRAP_HEADERS else BODY
            if fmt:
                cell.number_format = fmt
            elif h == "งบประมาณ":
                cell.number_format = FMT_BAHT
            elif h == "โทรศัพท์":
                cell.number_format = FMT_TEXT
            widths[h] = max(widths[h], _text_width(value))
        for h, text in dict(row.get("_comments") or {}).items():
            if h in letter:
                ws[f"{letter[h]}{r}"].comment = _comment(d, text)
        r += 1
    last = r - 1

    if tab == TAB_PLAN and "งบประมาณ" in letter:
        budget = letter["งบประมาณ"]
        total = f"=SUM({budget}2:{budget}{max(last, 2)})"
        if layout.plan_total == "side":
            cell = ws[f"{letter[PLAN_TOTAL_HEADER]}2"]
            cell.value, cell.number_format = total, FMT_BAHT
            cell.font = Font(name=FONT_NAME, size=14, bold=True)
        elif layout.plan_total == "row":
            bold = Font(name=FONT_NAME, size=14, bold=True)
            ws[f"{letter['กิจกรรม']}{r}"] = PLAN_TOTAL_LABEL
            ws[f"{budget}{r}"] = total
            ws[f"{budget}{r}"].number_format = FMT_BAHT
            for h in ("กิจกรรม", "งบประมาณ"):
                ws[f"{letter[h]}{r}"].font = bold
                ws[f"{letter[h]}{r}"].border = _BORDER

    for (dv_tab, h), values in DV_LISTS.items():
        if dv_tab == tab and h in letter:
            dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                showErrorMessage=True, errorStyle="warning", errorTitle="ค่าไม่อยู่ในรายการ",
                                error="กรุณาเลือกจากรายการ")
            dv.add(f"{letter[h]}2:{letter[h]}300")
            ws.add_data_validation(dv)
    if tab == TAB_COMMITTEE and "ภาคี" in letter:
        ws[f"{letter['ภาคี']}1"].comment = _comment(
            d, "ระบุภาคีการพัฒนา ๑ ใน ๗ ภาคี ตามหนังสือจังหวัด ที่ ขร ๐๐๑๙.๒/ว ๓๐๓๒๒")
    if tab == TAB_CENTERS and "ผลการประเมิน" in letter:
        ws[f"{letter['ผลการประเมิน']}1"].comment = _comment(d, "ระดับผลการประเมิน: " + " / ".join(LEVELS))

    for h, col in letter.items():
        ws.column_dimensions[col].width = max(8, min(60, round(widths[h] * 1.15) + 2))
    first_data_col = "B" if layout.index_column else "A"
    ws.freeze_panes = f"{first_data_col}2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(last, 1)}"
    ws.sheet_properties.tabColor = TAB_COLOURS[tab]


def _comment(d: District, text: str) -> Comment:
    c = Comment(text, f"สพอ.{d.name}")
    c.width, c.height = 260, 90
    return c


def _write_instructions(ws: Worksheet, d: District) -> None:
    lines = (f"แบบบันทึกข้อมูลการขับเคลื่อนศูนย์เรียนรู้ฯ โคก หนอง นา ปีงบประมาณ พ.ศ. ๒๕๖๘ อำเภอ{d.name}",
             "ตามหนังสือจังหวัดเชียงราย ที่ ขร ๐๐๑๙.๒/ว ๓๐๓๒๒ ลงวันที่ ๒ ธันวาคม ๒๕๖๗",
             "๑. กรอกข้อมูลในแต่ละแผ่นงาน โดยไม่เปลี่ยนชื่อหัวตาราง (แถวที่ ๑)",
             "๒. รายงานผลการดำเนินงานทุกวันที่ ๒๐ ของเดือน ในแผ่นงาน รายงานรายเดือน",
             "๓. ส่งสำเนาเอกสารตามข้อ ๑ - ๕ ให้จังหวัด ภายในเดือนธันวาคม ๒๕๖๗")
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line).font = Font(name=FONT_NAME, size=16, bold=i == 1)
    ws.column_dimensions["A"].width = 90


def file_name(code: str) -> str:
    return f"{code}.xlsx" if code in SHORT_FILE_NAMES else f"{code} {DISTRICTS[code]}.xlsx"


def build_workbook(d: District) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _add_named_styles(wb)
    if d.layout.extra_tab:
        _write_instructions(wb.create_sheet(INSTRUCTIONS_TAB), d)
    for tab in d.layout.tab_order:
        if tab not in d.layout.missing_tabs:
            _write_tab(wb.create_sheet(tab), d, tab)
    props = wb.properties
    props.creator = props.lastModifiedBy = f"สำนักงานพัฒนาชุมชนอำเภอ{d.name}"
    props.title = f"ข้อมูลการขับเคลื่อนศูนย์เรียนรู้ โคก หนอง นา ปี 2568 อำเภอ{d.name}"
    props.created = props.modified = FIXED_TIMESTAMP
    return wb


def _save_deterministic(wb: Workbook, path: Path) -> None:
    """Save ``wb`` with fixed timestamps (openpyxl stamps "now" into core.xml and the zip)."""
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())


def build_demo(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the 17 district workbooks into ``out_dir``; return their paths in district order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for code in DISTRICTS:
        path = out_dir / file_name(code)
        for other in (f"{code}.xlsx", f"{code} {DISTRICTS[code]}.xlsx"):  # a stale copy under the other name
            if other != path.name and (out_dir / other).exists():
                (out_dir / other).unlink()
        _save_deterministic(build_workbook(make_district(code, seed)), path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the 17 Chiang Rai demo district workbooks.")
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    paths = build_demo(args.out, args.seed)
    print(f"demo: wrote {len(paths)} district workbooks to {args.out} (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
