"""Conformance of the local Sheets emulator with recorded gspread <-> Google traffic.

The cassettes live outside the repository, in ``../shared/sheets-contract/`` next to the checkout (or
wherever ``SHEETS_CONTRACT_DIR`` points); see that folder's README.md. Each cassette is replayed in
order against a fresh emulator and every answer is compared with Google's:

* the status code must be the same;
* an empty recorded body (204) must be empty here too;
* JSON bodies must have the same keys at every level and lists of the same length;
* values must be equal (``2`` and ``2.0`` are equal, ``True`` and ``1`` are not), except:
  - ids (``spreadsheetId``, ``id``, ``sheetId``, ``protectedRangeId``) are new here: the first time a
    recorded id is seen it is mapped to ours, and afterwards it must always map to the same value
    (so a later response that names the recorded id must name our id);
  - ``createdTime``/``modifiedTime`` must be RFC 3339 UTC timestamps with milliseconds;
  - ``spreadsheetUrl`` must be a string;
  - ``properties.defaultFormat`` and ``properties.spreadsheetTheme`` only have to be present.

Requests are sent with the recorded ids replaced by ours: spreadsheet ids anywhere in the URL and
the body, and sheet ids in ``sheetId`` fields of the body (the README names only spreadsheet ids;
sheet ids of added sheets are just as random, so they are substituted the same way). Every request
carries a bearer token issued by the emulator.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.sheets_server import SheetsServer

CONTRACT_DIR = Path(
    os.environ.get("SHEETS_CONTRACT_DIR")
    or Path(__file__).resolve().parents[2] / "shared" / "sheets-contract"
)
CASSETTES = sorted(CONTRACT_DIR.glob("*.json")) if CONTRACT_DIR.is_dir() else []
GOOGLE_HOST = re.compile(r"\Ahttps://[a-z0-9.-]+\.googleapis\.com")
ID_KEYS = {"spreadsheetId", "id", "sheetId", "protectedRangeId"}
TIMESTAMP_KEYS = {"createdTime", "modifiedTime"}
PRESENCE_ONLY = {"defaultFormat", "spreadsheetTheme"}  # below "properties"
RFC3339_MS = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")


def _params() -> list:
    if not CASSETTES:
        reason = (f"no recorded Sheets traffic at {CONTRACT_DIR} (set SHEETS_CONTRACT_DIR or put "
                  "shared/sheets-contract/ next to the repository)")
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-cassettes")]
    return [pytest.param(path, id=path.stem) for path in CASSETTES]


class Replay:
    def __init__(self, server: SheetsServer, name: str):
        self.server = server
        self.name = name
        self.ids: dict[Any, Any] = {}
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.token_for()}"

    # --- requests -------------------------------------------------------------------------------------
    def _substitute(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self._substitute(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._substitute(v, key) for v in value]
        if key in ID_KEYS and not isinstance(value, bool) and value in self.ids:
            return self.ids[value]
        if isinstance(value, str):
            return self._replace_ids(value)
        return value

    def _replace_ids(self, text: str) -> str:
        for recorded, ours in self.ids.items():
            if isinstance(recorded, str) and len(recorded) > 20:
                text = text.replace(recorded, ours)
        return text

    def send(self, request: dict) -> requests.Response:
        url = GOOGLE_HOST.sub(self.server.url, self._replace_ids(request["uri"]))
        headers = {k: v[0] for k, v in request.get("headers", {}).items()
                   if k.lower() in ("content-type", "accept")}
        body = request.get("body")
        data = None
        if body:
            try:
                data = json.dumps(self._substitute(json.loads(body))).encode("utf-8")
            except json.JSONDecodeError:
                data = self._replace_ids(body).encode("utf-8")
        return self.session.request(request["method"], url, data=data, headers=headers, timeout=10)

    # --- responses ------------------------------------------------------------------------------------
    def compare(self, recorded: Any, actual: Any, path: list[str], where: str) -> None:
        at = f"{where} at {'/'.join(path) or '<root>'}"
        if isinstance(recorded, dict):
            assert isinstance(actual, dict), f"{at}: expected an object, got {actual!r}"
            assert set(recorded) == set(actual), (
                f"{at}: keys differ: missing {sorted(set(recorded) - set(actual))}, "
                f"unexpected {sorted(set(actual) - set(recorded))}")
            for key in recorded:
                if key in PRESENCE_ONLY and path[-1:] == ["properties"]:
                    continue
                self.compare(recorded[key], actual[key], [*path, key], where)
            return
        if isinstance(recorded, list):
            assert isinstance(actual, list), f"{at}: expected a list, got {actual!r}"
            assert len(recorded) == len(actual), f"{at}: {len(actual)} items, Google had {len(recorded)}: {actual!r}"
            for i, (r, a) in enumerate(zip(recorded, actual, strict=True)):
                self.compare(r, a, [*path, str(i)], where)
            return
        key = next((p for p in reversed(path) if not p.isdigit()), "")
        if key in ID_KEYS:
            assert type(actual) is type(recorded), f"{at}: id {actual!r} has another type than {recorded!r}"
            if recorded in self.ids:
                assert actual == self.ids[recorded], f"{at}: id {actual!r}, expected {self.ids[recorded]!r}"
            else:
                self.ids[recorded] = actual
            return
        if key in TIMESTAMP_KEYS:
            assert isinstance(actual, str) and RFC3339_MS.match(actual), f"{at}: bad timestamp {actual!r}"
            return
        if key == "spreadsheetUrl":
            assert isinstance(actual, str), f"{at}: {actual!r}"
            return
        assert isinstance(actual, bool) == isinstance(recorded, bool), f"{at}: {actual!r} != {recorded!r}"
        assert isinstance(actual, str) == isinstance(recorded, str), f"{at}: {actual!r} != {recorded!r}"
        assert actual == recorded, f"{at}: {actual!r} != Google's {recorded!r}"


@pytest.mark.parametrize("cassette", _params())
def test_cassette_replays_like_google(cassette: Path) -> None:
    interactions = json.loads(cassette.read_text(encoding="utf-8"))["interactions"]
    assert interactions, f"{cassette.name} has no interactions"
    with SheetsServer() as server:
        replay = Replay(server, cassette.stem)
        for i, interaction in enumerate(interactions):
            request, recorded = interaction["request"], interaction["response"]
            where = f"{cassette.stem}[{i}] {request['method']} {request['uri']}"
            response = replay.send(request)
            assert response.status_code == recorded["status"]["code"], (
                f"{where}: status {response.status_code}, Google answered {recorded['status']['code']}: "
                f"{response.text[:500]}")
            recorded_body = (recorded.get("body") or {}).get("string") or ""
            if not recorded_body.strip():
                assert response.content == b"", f"{where}: expected an empty body, got {response.text[:200]}"
                continue
            replay.compare(json.loads(recorded_body), response.json(), [], where)
