"""Developer metadata: createDeveloperMetadata, updateDeveloperMetadata and deleteDeveloperMetadata in
a batch, and the DataFilters that select it (developerMetadata.search, .get, spreadsheets.get).

A location is the spreadsheet (``{"spreadsheet": true}``), a sheet (``{"sheetId": N}``) or rows or
columns (``{"dimensionRange": ...}``); it reads back with its ``locationType``. Metadata on rows or
columns moves with inserted and deleted rows and columns and goes with them, as all of a sheet's goes
with the sheet. ``PROJECT`` metadata is seen only by users of the project that made it (the project of
the caller's address, as for quotas); ``DOCUMENT`` metadata by anyone who may read the file. A key and
a visibility are required; ids are positive and unique; the metadata of the spreadsheet, and of each
sheet, holds at most 30,000 characters of keys and values.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from .. import protojson, schema
from ..errors import bad_request
from ..fields import update_masked
from ..quotas import project_of
from ..store import Spreadsheet
from .common import field_path, mask_of, sheet_of

MAX_CHARACTERS = 30_000


# --- locations ----------------------------------------------------------------------------------------
def location_type(location: dict) -> str:
    if "dimensionRange" in location:
        return "ROW" if location["dimensionRange"].get("dimension") == "ROWS" else "COLUMN"
    return "SPREADSHEET" if location.get("spreadsheet") else "SHEET"


def location_json(location: dict) -> dict:
    out: dict[str, Any] = {"locationType": location_type(location)}
    if "dimensionRange" in location:
        out["dimensionRange"] = protojson.grid_range(location["dimensionRange"])
    elif location.get("spreadsheet"):
        out["spreadsheet"] = True
    else:
        out["sheetId"] = location["sheetId"]  # in a oneof: printed even when 0
    return out


def sheet_id_of(location: dict) -> int | None:
    if "dimensionRange" in location:
        return int(location["dimensionRange"].get("sheetId", 0))
    return None if location.get("spreadsheet") else int(location["sheetId"])


def stored_location(ss: Spreadsheet, location: Any, where: str) -> dict:
    """A requested DeveloperMetadataLocation, checked: exactly one of spreadsheet, sheetId and
    dimensionRange, naming what exists."""
    given = {k: v for k, v in (location or {}).items() if k != "locationType" and v not in (None, False)}
    if len(given) != 1:
        raise bad_request(f"{where}A developer metadata location must set exactly one of spreadsheet, sheetId "
                          "and dimensionRange.")
    if "dimensionRange" in given:
        dr = dict(given["dimensionRange"])
        sheet = sheet_of(ss, dr.get("sheetId"), where)
        size = sheet.rows if dr.get("dimension") == "ROWS" else sheet.cols
        start, end = int(dr.get("startIndex", 0)), int(dr.get("endIndex", size))
        if dr.get("dimension") not in ("ROWS", "COLUMNS") or not 0 <= start < end <= size:
            raise bad_request(f"{where}Invalid dimensionRange for developer metadata: [{start}, {end}) of "
                              f"{dr.get('dimension')} in a grid of {size}.")
        return {"dimensionRange": {"sheetId": sheet.sheet_id, "dimension": dr["dimension"], "startIndex": start,
                                   "endIndex": end}}
    if "sheetId" in given:
        return {"sheetId": sheet_of(ss, given["sheetId"], where).sheet_id}
    return {"spreadsheet": True}


def intersects(a: dict, b: dict) -> bool:
    """Whether two stored locations overlap: the spreadsheet overlaps everything, a sheet everything on
    it, rows and columns of one sheet cross, rows overlap rows where their spans do."""
    if a.get("spreadsheet") or b.get("spreadsheet"):
        return True
    if sheet_id_of(a) != sheet_id_of(b):
        return False
    if "dimensionRange" not in a or "dimensionRange" not in b:
        return True
    ra, rb = a["dimensionRange"], b["dimensionRange"]
    if ra["dimension"] != rb["dimension"]:
        return True
    return ra["startIndex"] < rb["endIndex"] and rb["startIndex"] < ra["endIndex"]


# --- reading --------------------------------------------------------------------------------------------
def visible(ss: Spreadsheet, email: str | None) -> list[dict]:
    """The metadata the caller may see."""
    project = project_of(email or "")
    return [md for md in ss.metadata if md["visibility"] == "DOCUMENT" or md["_project"] == project]


def metadata_json(md: dict) -> dict:
    out = {k: copy.deepcopy(v) for k, v in md.items() if not k.startswith("_") and k != "location"}
    out["location"] = location_json(md["location"])
    return out


def matches(ss: Spreadsheet, md: dict, data_filter: dict, where: str = "") -> bool:
    """Whether a DataFilter selects this metadata: a developerMetadataLookup (every criterion given
    must hold), or an a1Range/gridRange whose rows and columns meet the metadata's location."""
    lookup = data_filter.get("developerMetadataLookup")
    if lookup is not None:
        for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
            if lookup.get(key) is not None and md.get(key) != lookup[key]:
                return False
        if lookup.get("locationType") and location_type(md["location"]) != lookup["locationType"]:
            return False
        if lookup.get("metadataLocation"):
            wanted = stored_location(ss, lookup["metadataLocation"], where)
            if lookup.get("locationMatchingStrategy") == "INTERSECTING_LOCATION":
                return intersects(md["location"], wanted)
            return md["location"] == wanted
        return True
    region = _region(ss, data_filter, where)
    if region is None or md["location"].get("spreadsheet"):
        return False
    return any(intersects(md["location"], part) for part in region)


def _region(ss: Spreadsheet, data_filter: dict, where: str) -> list[dict] | None:
    """An a1Range or gridRange as the row span and the column span it covers (stored locations)."""
    if data_filter.get("a1Range"):
        sheet, rng = ss.resolve(str(data_filter["a1Range"]))
        r1, c1, r2, c2 = rng.clipped(sheet.rows, sheet.cols)
    elif data_filter.get("gridRange") is not None:
        gr = data_filter["gridRange"]
        sheet = sheet_of(ss, gr.get("sheetId"), where)
        r1, r2 = int(gr.get("startRowIndex", 0)) + 1, int(gr.get("endRowIndex", sheet.rows))
        c1, c2 = int(gr.get("startColumnIndex", 0)) + 1, int(gr.get("endColumnIndex", sheet.cols))
    else:
        return None
    return [{"dimensionRange": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": r1 - 1, "endIndex": r2}},
            {"dimensionRange": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS", "startIndex": c1 - 1,
                                "endIndex": c2}}]


def selected(ss: Spreadsheet, data_filter: Any, email: str | None, path: str, where: str) -> list[dict]:
    schema.check(data_filter, schema.DATA_FILTER, path)
    if not isinstance(data_filter, dict) or not data_filter:
        raise bad_request(f"{where}A data filter must set developerMetadataLookup, a1Range or gridRange.")
    return [md for md in visible(ss, email) if matches(ss, md, data_filter, where)]


# --- batch requests ---------------------------------------------------------------------------------------
def _check_size(ss: Spreadsheet, where: str) -> None:
    totals: dict[int | None, int] = {}
    for md in ss.metadata:
        scope = sheet_id_of(md["location"])
        totals[scope] = totals.get(scope, 0) + len(md["metadataKey"]) + len(md.get("metadataValue", ""))
    for scope, total in totals.items():
        if total > MAX_CHARACTERS:
            what = "the spreadsheet" if scope is None else f"sheet {scope}"
            raise bad_request(f"{where}The developer metadata of {what} would hold {total} characters, more than "
                              f"the limit of {MAX_CHARACTERS}.")


def _valid(ss: Spreadsheet, md: dict, where: str, exclude: dict | None = None) -> None:
    if not md.get("metadataKey"):
        raise bad_request(f"{where}Developer metadata must have a metadataKey.")
    if md.get("visibility") in (None, "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED"):
        raise bad_request(f"{where}Developer metadata must have a visibility.")
    metadata_id = md["metadataId"]
    if metadata_id <= 0:
        raise bad_request(f"{where}Developer metadata ids must be positive: {metadata_id}.")
    if any(other["metadataId"] == metadata_id for other in ss.metadata if other is not exclude):
        raise bad_request(f"{where}Developer metadata with id {metadata_id} already exists.")


def req_create_developer_metadata(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    given = p.get("developerMetadata")
    schema.check(given, schema.DEVELOPER_METADATA, field_path(where, "developer_metadata"))
    given = {k: v for k, v in (given or {}).items() if v is not None}
    used = {md["metadataId"] for md in ss.metadata}
    metadata_id = given.get("metadataId")
    while metadata_id is None or (metadata_id in used and "metadataId" not in given):
        metadata_id = random.randint(1, 2**31 - 1)
    md = {**given, "metadataId": int(metadata_id), "location": stored_location(ss, given.get("location"), where),
          "_project": project_of(email or "")}
    _valid(ss, md, where)
    ss.metadata.append(md)
    _check_size(ss, where)
    return {"createDeveloperMetadata": {"developerMetadata": metadata_json(md)}}


def req_update_developer_metadata(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    """Every metadata any filter selects takes the masked fields of ``developerMetadata``."""
    new = p.get("developerMetadata") or {}
    schema.check(new, schema.DEVELOPER_METADATA, field_path(where, "developer_metadata"))
    mask = mask_of(p.get("fields"), where)
    filters = p.get("dataFilters") or []
    chosen: list[dict] = []
    for i, data_filter in enumerate(filters):
        for md in selected(ss, data_filter, email, field_path(where, f"data_filters[{i}]"), where):
            if not any(md is c for c in chosen):
                chosen.append(md)
    updated = []
    for md in chosen:
        public = {k: v for k, v in md.items() if not k.startswith("_")}
        update_masked(public, new, mask)
        if public.get("metadataId") != md["metadataId"]:
            raise bad_request(f"{where}The metadataId of developer metadata cannot be changed.")
        if public.get("location") != md["location"]:
            public["location"] = stored_location(ss, public.get("location"), where)
        _valid(ss, public, where, exclude=md)
        project = md["_project"]
        md.clear()
        md.update(public, _project=project)
        updated.append(metadata_json(md))
    _check_size(ss, where)
    return {"updateDeveloperMetadata": {"developerMetadata": updated} if updated else {}}


def req_delete_developer_metadata(ss: Spreadsheet, p: dict, where: str, email: str | None) -> dict:
    chosen = selected(ss, p.get("dataFilter"), email, field_path(where, "data_filter"), where)
    ss.metadata = [md for md in ss.metadata if not any(md is c for c in chosen)]
    deleted = [metadata_json(md) for md in chosen]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": deleted} if deleted else {}}


# --- the grid changing shape --------------------------------------------------------------------------------
def forget_sheet(ss: Spreadsheet, sheet_id: int) -> None:
    ss.metadata = [md for md in ss.metadata if sheet_id_of(md["location"]) != sheet_id]


def shift(ss: Spreadsheet, sheet_id: int, dimension: str, start: int, count: int) -> None:
    """Rows or columns inserted (``count`` > 0) or deleted at 0-based ``start``: metadata on them moves
    along, and goes when all its rows or columns go."""
    kept = []
    for md in ss.metadata:
        dr = md["location"].get("dimensionRange")
        if dr is None or dr.get("sheetId", 0) != sheet_id or dr["dimension"] != dimension:
            kept.append(md)
            continue
        a, b = dr["startIndex"], dr["endIndex"]
        if count > 0:
            a, b = (a + count if a >= start else a), (b + count if b > start else b)
        else:
            gone_to = start - count

            def moved(i: int, gone_to: int = gone_to) -> int:
                return i if i <= start else max(start, i + count) if i >= gone_to else start
            a, b = moved(a), moved(b)
        if a < b:
            dr["startIndex"], dr["endIndex"] = a, b
            kept.append(md)
    ss.metadata = kept

