"""The checks of the letter: one module per rule, named after its id (`committee.sectors` →
`rules/committee_sectors.py`). Each module defines `RULE`; the registry finds them all."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync.config import Programme
from sync.model import DistrictData, Finding


@dataclass(frozen=True)
class Context:
    """What a rule may look at besides the district's data."""

    as_of: dt.date
    programme: Programme
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    item: int
    summary: str
    check: Callable[[DistrictData, Context], list[Finding]]
    params: dict[str, Any] = field(default_factory=dict)


def registry() -> dict[str, Rule]:
    """Every rule of this package, by id, in the order of the letter's items."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            if rule.id.replace(".", "_") != info.name:
                raise RuntimeError(f"rules/{info.name}.py defines rule {rule.id!r}: name them alike")
            found.append(rule)
    return {rule.id: rule for rule in sorted(found, key=lambda r: (r.item, r.id))}
