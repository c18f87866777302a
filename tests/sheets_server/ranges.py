"""Per-cell attributes stored by ranges: cell formats, validation rules and notes.

A format or a drop-down is usually set on whole columns (``repeatCell``/``setDataValidation`` from row 2
to the end of the grid), so storing it cell by cell costs a dict entry per cell: 1.4 GB for a province
of 878 spreadsheets. :class:`RangeMap` keeps, for each column, sorted runs of rows that share one value
(``[first_row, last_row, value]``, 1-based and inclusive); neighbouring runs with equal values are
joined. A single cell is a run of one row, so sparse data costs what it did before.

Values are never changed in place once stored (updates build new ones), so runs and copies may share
them.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterator
from typing import Any

Update = Callable[[Any], Any]  # old value (None: unset) -> new value (None: unset)
_SHARED: dict[str, Any] = {}
_SHARED_MAX = 10_000


def shared(value: Any) -> Any:
    """One object for equal JSON values: formats and rules repeat across cells and spreadsheets, and a
    stored value is never changed in place, so they can be the same object."""
    if value is None:
        return None
    key = json.dumps(value, sort_keys=True, ensure_ascii=False)
    found = _SHARED.get(key)
    if found is not None:
        return found
    if len(_SHARED) < _SHARED_MAX:
        _SHARED[key] = value
    return value


class RangeMap:
    """A sparse grid of values, stored as runs of rows per column."""

    __slots__ = ("_cols",)

    def __init__(self) -> None:
        self._cols: dict[int, list[list[Any]]] = {}

    def __deepcopy__(self, memo: dict) -> RangeMap:
        """A copy of the runs; the values are shared (they are never changed in place)."""
        copied = RangeMap()
        copied._cols = {col: [list(run) for run in runs] for col, runs in self._cols.items()}
        return copied

    def __bool__(self) -> bool:
        return bool(self._cols)

    def __len__(self) -> int:
        """The number of runs (what the map costs), not of cells."""
        return sum(len(runs) for runs in self._cols.values())

    # --- reading --------------------------------------------------------------------------------------
    def get(self, row: int, col: int) -> Any:
        runs = self._cols.get(col)
        if not runs:
            return None
        i = bisect.bisect_right(runs, row, key=_start) - 1
        if i >= 0 and runs[i][1] >= row:
            return runs[i][2]
        return None

    def runs(self, r1: int, c1: int, r2: int, c2: int) -> Iterator[tuple[int, int, int, Any]]:
        """``(col, first_row, last_row, value)`` of every run within the box, clipped to it."""
        for col in sorted(c for c in self._cols if c1 <= c <= c2):
            runs = self._cols[col]
            i = max(bisect.bisect_right(runs, r1, key=_start) - 1, 0)
            for start, end, value in runs[i:]:
                if start > r2:
                    break
                if end >= r1:
                    yield col, max(start, r1), min(end, r2), value

    def cells(self, r1: int, c1: int, r2: int, c2: int) -> Iterator[tuple[int, int]]:
        """Every set cell of the box, as ``(row, col)``."""
        for col, start, end, _ in self.runs(r1, c1, r2, c2):
            for row in range(start, end + 1):
                yield row, col

    # --- writing --------------------------------------------------------------------------------------
    def set(self, row: int, col: int, value: Any) -> None:
        self.update(row, col, row, col, lambda _old: value)

    def update(self, r1: int, c1: int, r2: int, c2: int, change: Update) -> None:
        """Replace the value of every cell of the box by ``change(old)``. ``change`` is called once per
        distinct old value (runs, and the unset gaps between them), not once per cell, so it may build
        a new object: cells that shared a value go on sharing the new one."""
        memo: dict[int, tuple[Any, Any]] = {}

        def changed(old: Any) -> Any:
            known = memo.get(id(old))
            if known is None or known[0] is not old:
                known = memo[id(old)] = (old, change(old))
            return known[1]

        for col in range(c1, c2 + 1):
            self._update_col(col, r1, r2, changed)

    def _update_col(self, col: int, r1: int, r2: int, change: Update) -> None:
        runs = self._cols.get(col, [])
        lo = max(bisect.bisect_right(runs, r1, key=_start) - 1, 0)
        while lo < len(runs) and runs[lo][1] < r1:
            lo += 1
        hi = lo
        while hi < len(runs) and runs[hi][0] <= r2:
            hi += 1
        new: list[list[Any]] = []
        if lo < hi and runs[lo][0] < r1:  # the part of the first run before the box keeps its value
            new.append([runs[lo][0], r1 - 1, runs[lo][2]])
        row = r1
        for start, end, value in runs[lo:hi]:
            if start > row:
                new.append([row, start - 1, change(None)])
            new.append([max(start, r1), min(end, r2), change(value)])
            row = min(end, r2) + 1
        if row <= r2:
            new.append([row, r2, change(None)])
        if lo < hi and runs[hi - 1][1] > r2:  # and the part of the last run after it
            new.append([r2 + 1, runs[hi - 1][1], runs[hi - 1][2]])
        # join with the neighbours outside the box too, then drop unset runs
        if lo > 0:
            lo -= 1
            new.insert(0, runs[lo])
        if hi < len(runs):
            new.append(runs[hi])
            hi += 1
        runs[lo:hi] = _joined(new)
        if runs:
            self._cols[col] = runs
        else:
            self._cols.pop(col, None)

    def clear(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self.update(r1, c1, r2, c2, lambda _old: None)

    # --- the grid changing shape ------------------------------------------------------------------------
    def truncate(self, rows: int, cols: int) -> None:
        """Forget everything past ``rows`` x ``cols`` (the grid was made smaller)."""
        for col in [c for c in self._cols if c > cols]:
            del self._cols[col]
        for col in list(self._cols):
            self._update_col(col, rows + 1, 2**62, lambda _old: None)

    def shift(self, dimension: str, start: int, count: int) -> None:
        """Insert (``count`` > 0) or delete (``count`` < 0) rows or columns at 1-based ``start``, like
        the cells move. Inserted rows and columns are unset."""
        if dimension == "COLUMNS":
            moved: dict[int, list[list[Any]]] = {}
            for col, runs in self._cols.items():
                if col < start:
                    moved[col] = runs
                elif count > 0:
                    moved[col + count] = runs
                elif col >= start - count:
                    moved[col + count] = runs
            self._cols = moved
            return
        for col in list(self._cols):
            if count < 0:
                self._update_col(col, start, start - count - 1, lambda _old: None)
            shifted = []
            for run_start, end, value in self._cols.get(col, []):
                if end < start:
                    shifted.append([run_start, end, value])
                elif run_start >= start:
                    shifted.append([run_start + count, end + count, value])
                else:  # a run across the insertion point is cut in two around the new rows
                    shifted += [[run_start, start - 1, value], [start + count, end + count, value]]
            runs = _joined(shifted)
            if runs:
                self._cols[col] = runs
            else:
                self._cols.pop(col, None)


def _start(run: list[Any]) -> int:
    return run[0]


def _joined(runs: list[list[Any]]) -> list[list[Any]]:
    """Drop unset runs and join touching runs with equal values."""
    out: list[list[Any]] = []
    for run in runs:
        if run[2] is None or run[0] > run[1]:
            continue
        if out and out[-1][1] + 1 == run[0] and (out[-1][2] is run[2] or out[-1][2] == run[2]):
            out[-1] = [out[-1][0], run[1], out[-1][2]]
        else:
            out.append(run)
    return out


__all__ = ["RangeMap", "shared"]
