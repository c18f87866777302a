"""Cell formats the service's tab needs, appended to a workbook's `xl/styles.xml`.

Officer cells point at styles by index, so nothing already in the style sheet moves or changes:
a format the service needs is looked up among what is there (the ones appended by an earlier run
included) and appended only when missing. A workbook written twice keeps one copy of each.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from sync.outputs.sheet import Font

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# The smallest style sheet Excel accepts, for a package that has none.
MINIMAL = (
    f'<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()

# The order of a styleSheet's children (ECMA-376 Part 1, CT_Stylesheet).
ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles")
DATE, DATE_TIME = 14, 22  # built-in number formats: d/m/yyyy and d/m/yyyy h:mm


def q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


@dataclass(frozen=True)
class CellFormat:
    """How one cell looks: the sheet's font with these changes, a solid fill, wrapping, a number format."""

    bold: bool = False
    size_step: float = 0  # points above the sheet's font size
    colour: str | None = None  # RGB hex
    underline: bool = False
    fill: str | None = None  # RGB hex
    wrap: bool = True
    number_format: int = 0  # a built-in number format id


def _key(element: etree._Element) -> tuple:
    """An element's content, whatever prefixes and attribute order the file uses."""
    attributes = tuple(sorted((k.rpartition("}")[2], v) for k, v in element.attrib.items()))
    children = tuple(_key(c) for c in element if isinstance(c.tag, str))
    return element.tag.rpartition("}")[2], attributes, children


_KNOWN_KEYS: dict[bytes, tuple] = {}  # an element's key by its XML: workbooks made alike share their styles
_KNOWN_KEYS_MAX = 20_000


def _cached_key(element: etree._Element) -> tuple:
    """`_key(element)`, remembered by the element's XML (serialised in C) for the rest of the run."""
    xml = etree.tostring(element, with_tail=False)
    key = _KNOWN_KEYS.get(xml)
    if key is None:
        key = _key(element)
        if len(_KNOWN_KEYS) < _KNOWN_KEYS_MAX:
            _KNOWN_KEYS[xml] = key
    return key


class Styles:
    """A workbook's style sheet, with the formats of the service's tab added on demand."""

    def __init__(self, xml: bytes | None, font: Font | None):
        self.root = etree.fromstring(xml or MINIMAL)
        if etree.QName(self.root).namespace != MAIN:
            raise ValueError("xl/styles.xml is not a SpreadsheetML (transitional) style sheet")
        self.created = xml is None
        self.changed = self.created
        self.font = font
        self._known: dict[str, dict[tuple, int]] = {}  # members of a collection by content: their index
        self._counts: dict[str, int] = {}  # members of a collection
        self._by_format: dict[CellFormat, int] = {}

    def index(self, cell: CellFormat) -> int:
        """The cellXfs index of `cell`, appended to the style sheet when no identical one is there."""
        if cell not in self._by_format:
            xf = etree.Element(q("xf"))
            xf.attrib.update(
                {
                    "numFmtId": str(cell.number_format),
                    "fontId": str(self._find_or_add("fonts", self._font(cell))),
                    "fillId": str(self._find_or_add("fills", self._fill(cell.fill)) if cell.fill else 0),
                    "borderId": "0",
                    "xfId": "0",
                }
            )
            if cell.number_format:
                xf.set("applyNumberFormat", "1")
            xf.set("applyFont", "1")
            if cell.fill:
                xf.set("applyFill", "1")
            xf.set("applyAlignment", "1")
            alignment = etree.SubElement(xf, q("alignment"), vertical="top")
            if cell.wrap:
                alignment.set("wrapText", "1")
            self._by_format[cell] = self._find_or_add("cellXfs", xf)
        return self._by_format[cell]

    def to_bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # --- building blocks ---------------------------------------------------------------------------
    def _font(self, cell: CellFormat) -> etree._Element:
        if self.font is not None:
            font = etree.Element(q("font"))
            size, name = self.font.size, self.font.name
        else:  # the workbook's own default font
            fonts = self._collection("fonts")
            base = fonts[0] if len(fonts) else etree.fromstring(MINIMAL).find(f"{q('fonts')}/{q('font')}")
            font = etree.Element(q("font"))
            size_el, name_el = base.find(q("sz")), base.find(q("name"))
            size = float(size_el.get("val")) if size_el is not None else 11
            name = name_el.get("val") if name_el is not None else "Calibri"
        if cell.bold:
            etree.SubElement(font, q("b"))
        if cell.underline:
            etree.SubElement(font, q("u"))
        etree.SubElement(font, q("sz"), val=_number(size + cell.size_step))
        if cell.colour:
            etree.SubElement(font, q("color"), rgb=f"FF{cell.colour}")
        etree.SubElement(font, q("name"), val=name)
        return font

    @staticmethod
    def _fill(rgb: str) -> etree._Element:
        fill = etree.Element(q("fill"))
        pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
        etree.SubElement(pattern, q("fgColor"), rgb=f"FF{rgb}")
        etree.SubElement(pattern, q("bgColor"), indexed="64")
        return fill

    def _collection(self, name: str) -> etree._Element:
        found = self.root.find(q(name))
        if found is not None:
            return found
        element = etree.Element(q(name))
        later = ORDER[ORDER.index(name) + 1 :]
        successor = next((c for c in self.root if etree.QName(c).localname in later), None)
        if successor is None:
            self.root.append(element)
        else:
            successor.addprevious(element)
        return element

    def _find_or_add(self, collection: str, element: etree._Element) -> int:
        parent = self._collection(collection)
        known = self._known.get(collection)
        if known is None:
            members = [c for c in parent if isinstance(c.tag, str)]
            known = self._known[collection] = {}
            for i, member in enumerate(members):
                known.setdefault(_cached_key(member), i)
            self._counts[collection] = len(members)
        key = _cached_key(element)
        if key not in known:
            parent.append(element)  # made for this lookup: nothing else holds it
            count = self._counts[collection] = self._counts[collection] + 1
            parent.set("count", str(count))
            known[key] = count - 1
            self.changed = True
        return known[key]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
