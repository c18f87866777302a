"""The district spreadsheet contract (DOMAIN.md §4): tabs, headers and what each column holds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a column's cells are parsed."""

    TEXT = "text"
    ROLE = "role"
    SECTOR = "sector"
    CENTER_REF = "center_ref"
    CENTER_TYPE = "center_type"
    DIMENSION = "dimension"
    LEVEL = "level"
    DATE = "date"
    MONTH = "month"
    DOC_ITEM = "doc_item"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    required: bool = True
    for_item: int | None = None  # required only for this item's check ("for item 4" in DOMAIN.md §4)

    @property
    def needed(self) -> bool:
        """A missing column of this header is a data finding."""
        return self.required or self.for_item is not None


@dataclass(frozen=True)
class Tab:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns whose values identify a row: repeats are data.duplicate_row

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)


ITEMS = range(1, 9)  # the eight items of the letter
DOCUMENT_ITEMS = (1, 2, 3, 4, 5)  # item 7: copies of the documents of these items go to the province

COMMITTEE = "คณะทำงานขับเคลื่อน"
NETWORK = "คณะทำงานเครือข่าย"
MOU = "บันทึกข้อตกลง"
CENTERS = "ศูนย์เรียนรู้"
PLAN = "แผนพัฒนา 5P"
MONTHLY = "รายงานรายเดือน"
DOCUMENTS = "ส่งเอกสารจังหวัด"
STATUS = "สถานะ (อัตโนมัติ)"

NAME = "ชื่อ-สกุล"
ROLE = "ตำแหน่งในคณะทำงาน"
SECTOR = "ภาคี"
CENTER = "ศูนย์เรียนรู้"
CENTER_CODE = "รหัสศูนย์"
CENTER_NAME = "ชื่อศูนย์"
CENTER_TYPE = "ประเภท"
ASSESSED_ON = "วันที่ประเมิน"
ASSESSMENT = "ผลการประเมิน"
DIMENSION = "มิติ 5P"
ACTIVITY = "กิจกรรม"
SIGNING_ORG = "หน่วยงานที่ลงนาม"
SIGNER = "ผู้ลงนาม"
SIGNED_ON = "วันที่ลงนาม"
REPORT_MONTH = "เดือนที่รายงาน"
SENT_ON = "วันที่ส่ง"
ACTIVITIES_DONE = "กิจกรรมที่ดำเนินการ"
DOC_ITEM = "ข้อ"

TABS: dict[str, Tab] = {
    tab.name: tab
    for tab in (
        Tab(
            COMMITTEE,
            (
                Column(NAME),
                Column(ROLE, Kind.ROLE),
                Column("หน่วยงาน", required=False),
                Column(SECTOR, Kind.SECTOR),
                Column("โทรศัพท์", required=False),
                Column("อีเมล", required=False),
            ),
            key=(NAME,),
        ),
        Tab(
            NETWORK,
            (
                Column(NAME),
                Column(ROLE, Kind.ROLE),
                Column(CENTER, Kind.CENTER_REF),
                Column("โทรศัพท์", required=False),
            ),
            key=(NAME,),
        ),
        Tab(
            MOU,
            (
                Column(SECTOR, Kind.SECTOR),
                Column(SIGNING_ORG),
                Column(SIGNER),
                Column(SIGNED_ON, Kind.DATE),
            ),
        ),
        Tab(
            CENTERS,
            (
                Column(CENTER_CODE),
                Column(CENTER_NAME),
                Column(CENTER_TYPE, Kind.CENTER_TYPE),
                Column("ตำบล", required=False),
                Column(ASSESSED_ON, Kind.DATE, required=False, for_item=4),
                Column(ASSESSMENT, Kind.LEVEL, required=False, for_item=4),
            ),
            key=(CENTER_CODE,),
        ),
        Tab(
            PLAN,
            (
                Column(CENTER_CODE, Kind.CENTER_REF),
                Column(DIMENSION, Kind.DIMENSION),
                Column(ACTIVITY),
                Column("ช่วงเวลา", required=False),
                Column("งบประมาณ", Kind.NUMBER, required=False),
            ),
        ),
        Tab(
            MONTHLY,
            (
                Column(REPORT_MONTH, Kind.MONTH),
                Column(SENT_ON, Kind.DATE),
                Column(ACTIVITIES_DONE),
                Column("ผลการดำเนินงาน", required=False),
                Column("ปัญหาอุปสรรค", required=False),
            ),
        ),
        Tab(
            DOCUMENTS,
            (
                Column(DOC_ITEM, Kind.DOC_ITEM),
                Column(SENT_ON, Kind.DATE),
                Column("เลขที่หนังสือ", required=False),
                Column("ลิงก์เอกสาร", required=False),
            ),
        ),
    )
}
