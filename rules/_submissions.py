"""Shared by the deadline rules: the first submission of something, as of a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sync.model import Record, Table
from sync.schema import SENT_ON


def first_submission(table: Table, counts: Callable[[Record], bool], as_of: dt.date) -> Record | None:
    """The earliest row that `counts` and was sent on or before `as_of`."""
    sent = [r for r in table.records if r.values.get(SENT_ON) and r.values[SENT_ON] <= as_of and counts(r)]
    return min(sent, key=lambda r: r.values[SENT_ON], default=None)
