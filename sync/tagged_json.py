"""JSON for the data of a run (workbooks as read, parsed tables, findings), read back as the same
types: the values JSON would give back as another type (dates, tuples, enums, dataclasses, dicts
with other keys) are tagged with "$". Only the classes named here are made from a text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from enum import Enum
from typing import Any

from sync.model import DistrictData, Finding, RawWorkbook, Record, Status, Table

_CLASSES = {cls.__name__: cls for cls in (RawWorkbook, DistrictData, Table, Record, Finding)}
_ENUMS = {cls.__name__: cls for cls in (Status,)}


def encode(value: Any) -> str:
    """`value` as text; TypeError for a type it cannot give back."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Any:
    return json.loads(text, object_hook=_typed)


def encode_workbook(raw: RawWorkbook) -> str:
    """A workbook as read, without its parse, as text. Its tabs are taken as python-calamine gives
    them (dicts of lists of rows of scalars and dates) and go through the C encoder as they are:
    a workbook has thousands of cells and encoding each in Python took longer than reading it."""
    fields = _fields(raw, skip=("tabs", "parsed"))
    fields["tabs"] = raw.tabs
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=_cell)


def decode_workbook(text: str) -> RawWorkbook:
    return RawWorkbook(**json.loads(text, object_hook=_typed))


def _cell(value: Any) -> dict:
    """A cell value JSON has no type for, tagged (the C encoder asks only for these)."""
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return _plain(value)
    raise TypeError(f"cannot keep a {type(value).__name__} cell")


def _plain(value: Any) -> Any:
    """`value` as JSON data: every value JSON would give back as another type is tagged with "$"."""
    if isinstance(value, Enum):
        return {"$": type(value).__name__, "v": value.value}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [_plain(v) for v in value]}
    if isinstance(value, dict):
        if "$" not in value and all(isinstance(k, str) for k in value):
            return {k: _plain(v) for k, v in value.items()}
        return {"$": "dict", "v": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, Table):
        return _table(value)
    if dataclasses.is_dataclass(value) and type(value).__name__ in _CLASSES:
        return {"$": type(value).__name__, **_fields(value)}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return {"$": type(value).__name__, "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _fields(value: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields of a dataclass that make its value (but `skip`). Those that take no part in its
    equality (a memo, a link to another object) are left out, and must hold their default: a copy
    could not stand for the object they link to."""
    fields = {}
    for f in dataclasses.fields(value):
        if f.name in skip:
            continue
        current = getattr(value, f.name)
        if f.compare:
            fields[f.name] = _plain(current)
        elif current != (f.default if f.default_factory is dataclasses.MISSING else f.default_factory()):
            raise TypeError(f"{type(value).__name__}.{f.name} is set; it cannot be kept")
    return fields


_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})  # JSON gives these back as the same type


def _column(values: list[Any]) -> list[Any]:
    """A column's values as JSON data: most columns hold only text and numbers, which need no
    tagging (their types are looked at in C, not value by value in Python)."""
    return values if set(map(type, values)) <= _AS_THEY_ARE else [_plain(v) for v in values]


_RECORD_MORE = any(f.name not in ("row", "values") for f in dataclasses.fields(Record))


def _table(table: Table) -> dict:
    """A table with its records column by column: thousands of records, a few columns."""
    records, headers = table.records, list(table.columns)
    data = {"$": "Table", **_fields(table, skip=("records",))}
    data["rows"] = [r.row for r in records]
    if all(r.values.keys() == table.columns.keys() for r in records):
        data["cells"] = {h: _column([r.values[h] for r in records]) for h in headers}
    else:  # not one value per column: record by record
        data["values"] = [_plain(r.values) for r in records]
    if _RECORD_MORE:
        data["more"] = [_fields(r, skip=("row", "values")) for r in records]
    return data


def _from_table(data: dict) -> Table:
    rows = data.pop("rows")
    cells = data.pop("cells", None)
    if cells is not None:
        values = [dict(zip(cells, column, strict=True)) for column in zip(*cells.values(), strict=True)]
        values = values or [{} for _ in rows]  # no columns
    else:
        values = data.pop("values")
    more = data.pop("more", None)
    if more is not None:
        records = [Record(row, v, **m) for row, v, m in zip(rows, values, more, strict=True)]
    else:
        records = list(map(Record, rows, values))
    del data["$"]
    return Table(**data, records=records)


_TAGGED: dict[str, Callable[[Any], Any]] = {
    "tuple": tuple,
    "dict": lambda pairs: {k: v for k, v in pairs},
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "timedelta": lambda parts: dt.timedelta(*parts),
}


def _typed(obj: dict) -> Any:
    tag = obj.get("$")
    if tag is None:
        return obj
    if tag == "Table":
        return _from_table(obj)
    if tag in _CLASSES:
        return _CLASSES[tag](**{k: v for k, v in obj.items() if k != "$"})
    if tag in _ENUMS:
        return _ENUMS[tag](obj["v"])
    return _TAGGED[tag](obj["v"])
