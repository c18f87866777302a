"""Sheets API v4 handlers of spreadsheets.create, .get and .batchUpdate (the batch requests are in
the ``batch`` package; spreadsheets.values.* in values_api.py).

Every handler runs under ``store.lock`` (taken by the HTTP layer) and returns ``(status, json)``."""

from __future__ import annotations

from typing import Any

from .batch import BATCH_REQUESTS
from .context import Ctx
from .errors import ApiError, bad_request, invalid_value
from .fields import MaskError, apply_mask, parse_mask, selects
from .grid import trim_row_data
from .render import spreadsheet_json
from .store import require_spreadsheet


def spreadsheets_create(ctx: Ctx) -> tuple[int, dict]:
    body = ctx.json_body()
    props = body.get("properties", {}) or {}
    sheets = body.get("sheets") or None
    titles = [((s.get("properties") or {}).get("title") or "") for s in (sheets or [])]
    if len({t.casefold() for t in titles if t}) != len([t for t in titles if t]):
        raise bad_request("Invalid spreadsheet: duplicate sheet titles")
    ss = ctx.store.create(props.get("title") or "Untitled spreadsheet", ctx.email or "", sheets=sheets)
    for key in ("locale", "timeZone", "autoRecalc"):
        if key in props:
            ss.props[key] = props[key]
    return 200, spreadsheet_json(ss, ctx.email)


def spreadsheets_get(ctx: Ctx) -> tuple[int, dict]:
    """Grid data comes with ``includeGridData=true`` or, when there is a ``fields`` mask (Google then
    ignores includeGridData), when the mask selects ``sheets.data``. Under a mask, cells, rows
    and rowData left empty at the end are dropped, as Google does."""
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email)
    fields = ctx.q("fields")
    mask = None
    if fields:
        try:
            mask = parse_mask(fields)
        except MaskError:
            raise ApiError(400, f"Invalid field selection {fields}") from None
    include = selects(mask, "sheets", "data") if fields else ctx.qbool("includeGridData")
    body = spreadsheet_json(ss, ctx.email, include, ctx.qlist("ranges") or None)
    if mask is None:
        return 200, body
    body = apply_mask(body, mask)
    for sheet in body.get("sheets", []):
        for data in sheet.get("data", []):
            trim_row_data(data)
    return 200, body


def spreadsheets_batch_update(ctx: Ctx) -> tuple[int, dict]:
    ss = require_spreadsheet(ctx.store, ctx.params["id"], ctx.email, write=True)
    body = ctx.json_body()
    requests = body.get("requests") or []
    if not isinstance(requests, list):
        raise invalid_value("requests", "Request", requests)
    snap = ss.snapshot()
    replies = []
    try:
        for i, req in enumerate(requests):
            if not isinstance(req, dict) or len(req) != 1:
                raise bad_request(f"Invalid requests[{i}]: exactly one request kind must be set.")
            kind, payload = next(iter(req.items()))
            handler = BATCH_REQUESTS.get(kind)
            if handler is None:
                raise bad_request(f"Invalid requests[{i}]: the request kind '{kind}' is not supported by the "
                                  "local Sheets emulator.")
            replies.append(handler(ss, payload or {}, f"Invalid requests[{i}].{kind}: ", ctx.email))
    except Exception:
        ss.restore(snap)
        raise
    ctx.store.touch(ss, ctx.email)
    out: dict[str, Any] = {"spreadsheetId": ss.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = spreadsheet_json(ss, ctx.email, bool(body.get("responseIncludeGridData")),
                                                     body.get("responseRanges") or None)
    return 200, out
