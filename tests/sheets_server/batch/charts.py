"""Charts: addChart, updateChartSpec, updateEmbeddedObjectPosition and deleteEmbeddedObject, stored
and read back by spreadsheets.get under the sheet they sit on (``sheets[].charts``).

What is checked, as Google checks it: a spec with exactly one chart type; a position with exactly one
of ``sheetId``, ``overlayPosition`` and ``newSheet``, on a sheet and cell that exist, with whole pixel
numbers; every source range of the spec on an existing sheet and inside its grid; chart ids unique.
``newSheet`` adds a chart sheet (``sheetType`` OBJECT) holding the chart. A chart goes with its sheet.
What is not done: drawing, and the defaults Google adds to a spec it stores.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

from .. import protojson, schema
from ..access import grid_box
from ..errors import bad_request
from ..fields import update_masked
from ..store import Sheet, Spreadsheet
from .common import field_path, mask_of, sheet_of

CHART_TYPES = ("basicChart", "pieChart", "bubbleChart", "candlestickChart", "orgChart", "histogramChart",
               "waterfallChart", "treemapChart", "scorecardChart")


def sheet_id_of(chart: dict) -> int:
    position = chart["position"]
    if "overlayPosition" in position:
        return int(position["overlayPosition"]["anchorCell"].get("sheetId", 0))
    return int(position["sheetId"])


def chart_json(chart: dict) -> dict:
    out = copy.deepcopy(chart)
    anchor = out["position"].get("overlayPosition", {}).get("anchorCell")
    if anchor is not None and anchor.get("sheetId") == 0:
        del anchor["sheetId"]  # a plain int32: 0 is left out
    return out


def charts_on(ss: Spreadsheet, sheet: Sheet) -> list[dict]:
    return [chart_json(c) for c in ss.charts if sheet_id_of(c) == sheet.sheet_id]


def _sources(spec: Any) -> Iterator[dict]:
    """Every GridRange a spec reads from (``sources`` of its ChartSourceRanges, at any depth)."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "sources" and isinstance(value, list):
                yield from (gr for gr in value if isinstance(gr, dict))
            else:
                yield from _sources(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _sources(item)


def _spec(ss: Spreadsheet, spec: Any, where: str) -> dict:
    if not isinstance(spec, dict):
        raise bad_request(f"{where}A chart needs a spec.")
    kinds = [k for k in CHART_TYPES if spec.get(k) is not None]
    if len(kinds) != 1:
        raise bad_request(f"{where}A chart spec must set exactly one chart type, not {len(kinds)}.")
    for gr in _sources(spec):
        _, box = grid_box(ss, gr, where)
        if box is None:
            raise bad_request(f"{where}A chart source range must hold at least one cell.")
    return protojson.with_colors(spec)


def _position(ss: Spreadsheet, position: Any, where: str, path: str) -> dict:
    schema.check(position, schema.CHART_POSITION, path)
    given = {k: v for k, v in (position or {}).items() if v not in (None, False)}
    if len(given) != 1:
        raise bad_request(f"{where}A chart position must set exactly one of sheetId, overlayPosition and newSheet.")
    if "sheetId" in given:
        return {"sheetId": sheet_of(ss, given["sheetId"], where).sheet_id}
    if "newSheet" in given:
        return {"newSheet": True}
    overlay = {k: int(v) for k, v in given["overlayPosition"].items() if k != "anchorCell"}
    anchor = {k: int(v) for k, v in (given["overlayPosition"].get("anchorCell") or {}).items()}
    sheet = sheet_of(ss, anchor.get("sheetId"), where)
    row, col = anchor.get("rowIndex", 0), anchor.get("columnIndex", 0)
    if not (0 <= row < sheet.rows and 0 <= col < sheet.cols):
        raise bad_request(f"{where}The anchor cell ({row}, {col}) is outside the grid of sheet {sheet.sheet_id}: "
                          f"{sheet.rows} rows, {sheet.cols} columns.")
    if any(v < 0 for v in overlay.values()):
        raise bad_request(f"{where}Offsets and sizes of a chart must not be negative.")
    return {"overlayPosition": {"anchorCell": {"sheetId": sheet.sheet_id, "rowIndex": row, "columnIndex": col},
                                **overlay}}


def _chart_sheet(ss: Spreadsheet, title: str, where: str) -> int:
    """A new chart sheet (what ``newSheet`` makes) at the end; returns its id."""
    from .sheets import req_add_sheet

    n = 1
    while any(s.title.casefold() == f"{title} {n}".casefold() for s in ss.sheets):
        n += 1
    reply = req_add_sheet(ss, {"properties": {"title": f"{title} {n}"}}, where, None)
    sheet = ss.sheet_by_id(reply["addSheet"]["properties"]["sheetId"])
    assert sheet is not None
    sheet.props["sheetType"] = "OBJECT"
    sheet.props.pop("gridProperties", None)
    return sheet.sheet_id


def _find(ss: Spreadsheet, chart_id: Any, where: str) -> dict:
    chart = next((c for c in ss.charts if c["chartId"] == chart_id), None)
    if chart is None:
        raise bad_request(f"{where}No chart with id: {chart_id}")
    return chart


def req_add_chart(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    given = p.get("chart") or {}
    spec = _spec(ss, given.get("spec"), where)
    position = _position(ss, given.get("position"), where, field_path(where, "chart.position"))
    used = {c["chartId"] for c in ss.charts}
    chart_id = given.get("chartId")
    if chart_id is not None and chart_id in used:
        raise bad_request(f"{where}An object with the id {chart_id} already exists.")
    while chart_id is None or chart_id in used:
        chart_id = random.randint(1, 2**31 - 1)
    if position.get("newSheet"):
        position = {"sheetId": _chart_sheet(ss, "Chart", where)}
    chart = {"chartId": int(chart_id), "spec": spec, "position": position}
    if given.get("border") is not None:
        chart["border"] = protojson.with_colors(given["border"])
    ss.charts.append(chart)
    return {"addChart": {"chart": chart_json(chart)}}


def req_update_chart_spec(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    chart = _find(ss, p.get("chartId"), where)
    chart["spec"] = _spec(ss, p.get("spec"), where)
    return {}


def req_update_embedded_object_position(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """``fields`` masks the OverlayPosition (its root implied), as in Google's request."""
    chart = _find(ss, p.get("objectId"), where)
    requested = p.get("newPosition") or {}
    if requested.get("overlayPosition") is not None:
        overlay = copy.deepcopy(chart["position"].get("overlayPosition", {}))
        update_masked(overlay, requested["overlayPosition"], mask_of(p.get("fields"), where))
        requested = {"overlayPosition": overlay}
    position = _position(ss, requested, where, field_path(where, "new_position"))
    if position.get("newSheet"):
        position = {"sheetId": _chart_sheet(ss, "Chart", where)}
    chart["position"] = position
    return {"updateEmbeddedObjectPosition": {"position": chart_json(chart)["position"]}}


def req_delete_embedded_object(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    chart = _find(ss, p.get("objectId"), where)
    ss.charts.remove(chart)
    return {}


def forget_sheet(ss: Spreadsheet, sheet_id: int) -> None:
    ss.charts = [c for c in ss.charts if sheet_id_of(c) != sheet_id]
