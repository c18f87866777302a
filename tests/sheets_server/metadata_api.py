"""Sheets API v4 handlers of spreadsheets.developerMetadata.get and .search."""

from __future__ import annotations

from .batch.metadata import metadata_json, selected, visible
from .context import Ctx
from .errors import ApiError
from .store import require_spreadsheet


def developer_metadata_get(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    wanted = ctx.params["metadataId"]
    for md in visible(ss, ctx.email):
        if str(md["metadataId"]) == wanted:
            return 200, metadata_json(md)
    raise ApiError(404, f"No developer metadata with id {wanted}.")


def developer_metadata_search(ctx: Ctx) -> tuple[int, dict]:
    """Each metadata any filter selects, once, with the filters that selected it."""
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    filters = ctx.json_body().get("dataFilters") or []
    found: list[tuple[dict, list[dict]]] = []
    for i, data_filter in enumerate(filters):
        for md in selected(ss, data_filter, ctx.email, f"data_filters[{i}]", ""):
            entry = next((e for e in found if e[0] is md), None)
            if entry is None:
                found.append((md, [data_filter]))
            else:
                entry[1].append(data_filter)
    if not found:
        return 200, {}
    return 200, {"matchedDeveloperMetadata": [{"developerMetadata": metadata_json(md), "dataFilters": matched}
                                              for md, matched in found]}
