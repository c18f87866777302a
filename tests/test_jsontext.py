"""The JSON the CLI prints (check, config show, history --format json) is the standard library's
indented JSON, byte for byte, however it is made."""

import json

import pytest

from sync.jsontext import pretty


@pytest.mark.parametrize(
    "value",
    [
        {"district": "5702", "name": "เวียงชัย", "findings": [{"cells": ["คณะทำงานขับเคลื่อน!D6"], "details": {}}]},
        {"empty": [], "nothing": {}, "none": None, "yes": True, "quote": 'a "b" \\ \u2028 \x1f\t'},
        [0.1, 1.5, 1e16, -0.0, 12345678901234567, 3],
        {"huge": 2**70},  # past 64 bits: the standard encoder takes it
    ],
)
def test_pretty_is_what_json_dumps_indent_2_prints(value):
    assert pretty(value) == json.dumps(value, ensure_ascii=False, indent=2)
