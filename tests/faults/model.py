"""A fault of the catalogue, and what became of it when it was run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.faults.lab import Lab

Step = Callable[["Lab"], None]
Check = Callable[["Lab"], "str | None"]  # a problem in words, or None when what must hold holds


@dataclass(frozen=True)
class Fault:
    """One way the world can go wrong, and what the service must still do.

    `setup` builds the hostile situation in a fresh lab, `run` runs the real programs in it (every
    `cli.py` is a separate process), each of `checks` names a problem or returns None. Every fault is
    also checked for officer parts changed and memos duplicated or lost (see runner.py). `slow`
    faults run only under `make faults`; `needs` says what the machine must offer (see lab.NEEDS).
    """

    id: str
    description: str
    setup: Step
    run: Step
    checks: Sequence[Check] = ()
    slow: bool = False
    needs: tuple[str, ...] = ()


@dataclass
class Result:
    id: str
    description: str
    problems: list[str] = field(default_factory=list)
    skipped: str = ""  # why the fault could not be tried on this machine
    officer_parts_changed: list[str] = field(default_factory=list)
    memos_checked: bool = False  # an SMTP server took part: duplicates and losses were counted
    duplicated: int = 0
    lost: int = 0
    allowed_duplicates: int = 0  # one per kill and per send cut off after the server took it
    seconds: float = 0.0

    @property
    def tried(self) -> bool:
        return not self.skipped

    @property
    def survived(self) -> bool:
        return self.tried and not self.problems

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "description": self.description,
            "result": "skipped" if self.skipped else "survived" if self.survived else "FAILED",
            "problems": self.problems,
            "skipped": self.skipped,
            "officer_parts_changed": self.officer_parts_changed,
            "memos_checked": self.memos_checked,
            "memos_duplicated": self.duplicated,
            "memos_lost": self.lost,
            "allowed_duplicates": self.allowed_duplicates,
            "seconds": round(self.seconds, 2),
        }
