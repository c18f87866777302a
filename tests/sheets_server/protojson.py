"""What Google's proto3 JSON does to what it stores, as recorded from Google:

* a zero int or a false bool without presence is left out: ``sheetId`` 0 in a GridRange,
  ``frozenRowCount`` 0, ``hideGridlines`` false, ``hidden`` false;
* colours are 8 bits a channel, written as float32: ``0.5`` reads back as ``0.49803922`` (127/255),
  and a zero component is left out (``{"red": 1, "green": 0}`` -> ``{"red": 1}``);
* a colour given as a Color also reads back as its ColorStyle and the other way round
  (``backgroundColor`` <-> ``backgroundColorStyle.rgbColor``, ``textFormat.foregroundColor``,
  ``tabColor``, borders' ``color``); a ColorStyle cleared with ``{"rgbColor": null}`` is gone.
"""

from __future__ import annotations

import copy
import math
import struct
from typing import Any

from .cells import json_number

COLOR_PAIRS = (("backgroundColor", "backgroundColorStyle"), ("foregroundColor", "foregroundColorStyle"),
               ("tabColor", "tabColorStyle"), ("color", "colorStyle"))
FALSE_OMITTED = {"hidden", "rightToLeft", "hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter"}
ZERO_OMITTED = {"frozenRowCount", "frozenColumnCount"}


def float32(value: Any) -> Any:
    """The shortest decimal that reads back as the same float32 (how Google writes a float field)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    single = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        shorter = float(f"{single:.{digits}g}")
        if struct.unpack("f", struct.pack("f", shorter))[0] == single:
            return json_number(shorter)
    return json_number(single)


def channel(value: Any) -> Any:
    """A colour channel as Google keeps it: the nearest of 256 levels, halves rounded down."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    level = min(max(math.ceil(value * 255 - 0.5), 0), 255)
    return float32(level / 255)


def color(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key == "alpha":  # a wrapper: kept even at 0
            if v is not None:
                out[key] = float32(v)
        elif (level := channel(v)) not in (0, None):
            out[key] = level
    return out


def color_style(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = {}
    if isinstance(value.get("rgbColor"), dict):
        out["rgbColor"] = color(value["rgbColor"])
    if value.get("themeColor"):
        out["themeColor"] = value["themeColor"]
    return out


def with_colors(obj: Any) -> Any:
    """A copy with every colour (at any depth) in Google's stored form, paired with its style."""
    if isinstance(obj, list):
        return [with_colors(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: with_colors(v) for k, v in obj.items() if v is not None}
    for plain, style in COLOR_PAIRS:
        if plain in out and isinstance(out[plain], dict):
            out[plain] = color(out[plain])
        if style in out and isinstance(out[style], dict):
            out[style] = color_style(out[style])
            if not out[style]:
                del out[style]
                out.pop(plain, None)  # clearing the style clears the colour
                continue
        if plain in out and style not in out:
            out[style] = {"rgbColor": out[plain]}
        elif style in out and plain not in out and "rgbColor" in out[style]:
            out[plain] = out[style]["rgbColor"]
    return out


def forget_pairs(target: dict, mask: dict | None) -> None:
    """Before a masked update of ``target``: a masked colour takes its stored twin away with it, so
    that the twin is made again from the new value."""
    if not mask or "*" in mask:
        return
    twins = {a: b for a, b in COLOR_PAIRS} | {b: a for a, b in COLOR_PAIRS}
    for key, sub in mask.items():
        if key in twins:
            target.pop(twins[key], None)
        elif sub and isinstance(target.get(key), dict):
            forget_pairs(target[key], sub)


def cell_format(fmt: dict | None) -> dict | None:
    """A CellFormat as Google stores it (None when nothing is left)."""
    if not fmt:
        return None
    return with_colors(fmt) or None


def sheet_properties(props: dict) -> dict:
    """SheetProperties as Google stores them: colours paired, false and zero defaults left out."""
    out = with_colors(props)
    for key in FALSE_OMITTED & set(out):
        if out[key] is False:
            del out[key]
    grid = out.get("gridProperties")
    if isinstance(grid, dict):
        for key in list(grid):
            if (key in ZERO_OMITTED and grid[key] == 0) or (key in FALSE_OMITTED and grid[key] is False):
                del grid[key]
    return out


def grid_range(gr: dict) -> dict:
    """A GridRange as Google writes it: ``sheetId`` 0 is left out."""
    return {k: copy.deepcopy(v) for k, v in gr.items() if not (k == "sheetId" and v == 0) and v is not None}
