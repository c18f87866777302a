"""Decoding checks on the parts of requests the service builds (cell formats, row and column
properties, developer metadata, chart positions), with Google's errors: an unknown field or a value of
the wrong type is a 400 with a BadRequest field violation, like

    Invalid JSON payload received. Unknown name "fontSiz" at
        'requests[0].repeat_cell.cell.user_entered_format.text_format': Cannot find field.
    Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.text_format.font_size'
        (TYPE_INT32), 14.5
    Invalid value at '....horizontal_alignment'
        (type.googleapis.com/google.apps.sheets.v4.HorizontalAlign), "MIDDLE"

(each on one line).

A number with a zero fraction (``14.0``) is a valid int32, as in Google's JSON decoding. The schemas
are the Sheets v4 messages, reduced to the fields listed here (the rest of a request is not checked).
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ApiError, field_violation

INT, FLOAT, DOUBLE, BOOL, STRING = "TYPE_INT32", "TYPE_FLOAT", "TYPE_DOUBLE", "TYPE_BOOL", "TYPE_STRING"
ANY = "ANY"  # not checked here


def enum(name: str, *values: str) -> tuple[str, tuple[str, ...]]:
    return (name, values)


class Msg(dict):
    """A message's fields (name -> a scalar type, an enum, a Msg or ``[element]``), with the message's
    name for errors."""

    def __init__(self, name: str, fields: dict[str, Any]):
        super().__init__(fields)
        self.name = name


COLOR = Msg("Color", {"red": FLOAT, "green": FLOAT, "blue": FLOAT, "alpha": FLOAT})
COLOR_STYLE = Msg("ColorStyle", {
    "rgbColor": COLOR,
    "themeColor": enum("ThemeColorType", "THEME_COLOR_TYPE_UNSPECIFIED", "TEXT", "BACKGROUND", "ACCENT1", "ACCENT2",
                       "ACCENT3", "ACCENT4", "ACCENT5", "ACCENT6", "LINK"),
})
BORDER = Msg("Border", {
    "style": enum("Border.Style", "STYLE_UNSPECIFIED", "DOTTED", "DASHED", "SOLID", "SOLID_MEDIUM", "SOLID_THICK",
                  "NONE", "DOUBLE"),
    "width": INT, "color": COLOR, "colorStyle": COLOR_STYLE,
})
TEXT_FORMAT = Msg("TextFormat", {
    "foregroundColor": COLOR, "foregroundColorStyle": COLOR_STYLE, "fontFamily": STRING, "fontSize": INT,
    "bold": BOOL, "italic": BOOL, "strikethrough": BOOL, "underline": BOOL, "link": Msg("Link", {"uri": STRING}),
})
CELL_FORMAT = Msg("CellFormat", {
    "numberFormat": Msg("NumberFormat", {
        "type": enum("NumberFormatType", "NUMBER_FORMAT_TYPE_UNSPECIFIED", "TEXT", "NUMBER", "PERCENT", "CURRENCY",
                     "DATE", "TIME", "DATE_TIME", "SCIENTIFIC"),
        "pattern": STRING,
    }),
    "backgroundColor": COLOR, "backgroundColorStyle": COLOR_STYLE,
    "borders": Msg("Borders", {side: BORDER for side in ("top", "bottom", "left", "right")}),
    "padding": Msg("Padding", {side: INT for side in ("top", "right", "bottom", "left")}),
    "horizontalAlignment": enum("HorizontalAlign", "HORIZONTAL_ALIGN_UNSPECIFIED", "LEFT", "CENTER", "RIGHT"),
    "verticalAlignment": enum("VerticalAlign", "VERTICAL_ALIGN_UNSPECIFIED", "TOP", "MIDDLE", "BOTTOM"),
    "wrapStrategy": enum("WrapStrategy", "WRAP_STRATEGY_UNSPECIFIED", "OVERFLOW_CELL", "LEGACY_WRAP", "CLIP", "WRAP"),
    "textDirection": enum("TextDirection", "TEXT_DIRECTION_UNSPECIFIED", "LEFT_TO_RIGHT", "RIGHT_TO_LEFT"),
    "textFormat": TEXT_FORMAT,
    "hyperlinkDisplayType": enum("HyperlinkDisplayType", "HYPERLINK_DISPLAY_TYPE_UNSPECIFIED", "LINKED", "PLAIN_TEXT"),
    "textRotation": Msg("TextRotation", {"angle": INT, "vertical": BOOL}),
})
EXTENDED_VALUE = Msg("ExtendedValue", {"numberValue": DOUBLE, "stringValue": STRING, "boolValue": BOOL,
                                       "formulaValue": STRING, "errorValue": ANY})
CELL_DATA = Msg("CellData", {
    "userEnteredValue": EXTENDED_VALUE, "effectiveValue": ANY, "formattedValue": STRING,
    "userEnteredFormat": CELL_FORMAT, "effectiveFormat": ANY, "hyperlink": STRING, "note": STRING,
    "textFormatRuns": ANY, "dataValidation": ANY, "pivotTable": ANY, "dataSourceTable": ANY,
    "dataSourceFormula": ANY,
})
DIMENSION = enum("Dimension", "DIMENSION_UNSPECIFIED", "ROWS", "COLUMNS")
DIMENSION_RANGE = Msg("DimensionRange", {"sheetId": INT, "dimension": DIMENSION, "startIndex": INT, "endIndex": INT})
GRID_RANGE = Msg("GridRange", {"sheetId": INT, "startRowIndex": INT, "endRowIndex": INT, "startColumnIndex": INT,
                               "endColumnIndex": INT})
LOCATION_TYPE = enum("DeveloperMetadata.DeveloperMetadataLocationType", "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED",
                     "ROW", "COLUMN", "SHEET", "SPREADSHEET")
METADATA_LOCATION = Msg("DeveloperMetadataLocation", {
    "locationType": LOCATION_TYPE, "spreadsheet": BOOL, "sheetId": INT, "dimensionRange": DIMENSION_RANGE,
})
VISIBILITY = enum("DeveloperMetadata.DeveloperMetadataVisibility", "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED",
                  "DOCUMENT", "PROJECT")
DEVELOPER_METADATA = Msg("DeveloperMetadata", {
    "metadataId": INT, "metadataKey": STRING, "metadataValue": STRING, "location": METADATA_LOCATION,
    "visibility": VISIBILITY,
})
METADATA_LOOKUP = Msg("DeveloperMetadataLookup", {
    "locationType": LOCATION_TYPE, "metadataLocation": METADATA_LOCATION,
    "locationMatchingStrategy": enum("DeveloperMetadataLookup.DeveloperMetadataLocationMatchingStrategy",
                                     "DEVELOPER_METADATA_LOCATION_MATCHING_STRATEGY_UNSPECIFIED", "EXACT_LOCATION",
                                     "INTERSECTING_LOCATION"),
    "metadataId": INT, "metadataKey": STRING, "metadataValue": STRING, "visibility": VISIBILITY,
})
DATA_FILTER = Msg("DataFilter", {"developerMetadataLookup": METADATA_LOOKUP, "a1Range": STRING,
                                 "gridRange": GRID_RANGE})
DIMENSION_PROPERTIES = Msg("DimensionProperties", {"hiddenByUser": BOOL, "pixelSize": INT,
                                                   "developerMetadata": [DEVELOPER_METADATA]})
OVERLAY_POSITION = Msg("OverlayPosition", {
    "anchorCell": Msg("GridCoordinate", {"sheetId": INT, "rowIndex": INT, "columnIndex": INT}),
    "offsetXPixels": INT, "offsetYPixels": INT, "widthPixels": INT, "heightPixels": INT,
})
CHART_POSITION = Msg("EmbeddedObjectPosition", {"sheetId": INT, "overlayPosition": OVERLAY_POSITION,
                                                "newSheet": BOOL})
INT32 = 2**31


def snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)


def _bad(path: str, type_name: str, value: Any) -> ApiError:
    shown = json.dumps(value, ensure_ascii=False)
    kind = type_name if type_name.startswith("TYPE_") else f"type.googleapis.com/google.apps.sheets.v4.{type_name}"
    return field_violation(f"Invalid value at '{path}' ({kind}), {shown}", path)


def check(value: Any, schema: Any, path: str) -> None:
    """Raise Google's decoding error for the first unknown field or ill-typed value under ``path``
    (the snake_case path Google names, e.g. ``requests[0].repeat_cell.cell.user_entered_format``).
    ``schema``: a scalar type, an enum, a :class:`Msg` or ``[element]``."""
    if value is None or schema == ANY:
        return
    if isinstance(schema, Msg):
        if not isinstance(value, dict):
            raise _bad(path, schema.name, value)
        for key, item in value.items():
            if key not in schema:
                text = f"Invalid JSON payload received. Unknown name \"{key}\" at '{path}': Cannot find field."
                raise field_violation(text, path)
            check(item, schema[key], f"{path}.{snake(key)}")
        return
    if isinstance(schema, list):
        if not isinstance(value, list):
            raise _bad(path, schema[0].name if isinstance(schema[0], Msg) else "ListValue", value)
        for i, item in enumerate(value):
            check(item, schema[0], f"{path}[{i}]")
        return
    if isinstance(schema, tuple):
        name, values = schema
        if not isinstance(value, str) or value not in values:
            raise _bad(path, name, value)
        return
    if schema == INT:
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not (whole or (isinstance(value, float) and value.is_integer())) or not -INT32 <= value < INT32:
            raise _bad(path, INT, value)
    elif schema in (FLOAT, DOUBLE):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _bad(path, schema, value)
    elif schema == BOOL:
        if not isinstance(value, bool):
            raise _bad(path, BOOL, value)
    elif schema == STRING and not isinstance(value, str):
        raise _bad(path, STRING, value)
