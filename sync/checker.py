"""Run the enabled rules over parsed districts and assemble the report of DOMAIN.md §6."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules import Context, Rule, registry
from sync.config import Config, ConfigError, District
from sync.model import Cause, Finding, RawWorkbook, Status, causes, worst
from sync.normalise import Parser
from sync.texts import message

UNREADABLE = "source.unreadable"


@dataclass
class DistrictResult:
    code: str
    name: str
    findings: list[Finding]
    raw: RawWorkbook | None = None

    @property
    def status(self) -> Status:
        return worst(f.status for f in self.findings)

    @property
    def readable(self) -> bool:
        return self.raw is not None

    @property
    def open_findings(self) -> list[Finding]:
        """Findings an officer reads as open: needing action, or late."""
        return [f for f in self.findings if f.status.is_open]

    @property
    def needs_action(self) -> list[Cause]:
        """What the district must act on, one entry per cause (DOMAIN.md §6 "Needs action"): its count is
        ต้องดำเนินการ, and only these may trigger a reminder. `late` alone needs none."""
        return [c for c in causes(self.open_findings) if c.needs_action]

    @property
    def late(self) -> list[Finding]:
        """Things done, but after their due date (ส่งล่าช้า): shown and counted, no action needed."""
        return [f for f in self.findings if f.status is Status.LATE]

    def item_status(self, item: int) -> Status | None:
        """The worst status of the item's findings; None when no rule looks at the item."""
        statuses = [f.status for f in self.findings if f.item == item or f.rule == UNREADABLE]
        return worst(statuses) if statuses else None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "status": str(self.status),
            "findings": [f.as_json() for f in self.findings],
        }


@dataclass
class Report:
    as_of: dt.date
    fiscal_year: int
    districts: list[DistrictResult] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "fiscal_year": self.fiscal_year,
            "districts": [d.as_json() for d in self.districts],
        }


def all_rules(config: Config) -> dict[str, tuple[Rule, bool, dict[str, Any]]]:
    """Every rule by id with whether `config` switches it on and its effective parameters."""
    rules = registry()
    for rule_id, settings in config.rules.items():
        if rule_id not in rules:
            known = ", ".join(rules)
            raise ConfigError(f"rules.{rule_id}: no such rule (known: {known})")
        defaults = rules[rule_id].params
        for name, value in settings.params.items():
            if name not in defaults:
                raise ConfigError(f"rules.{rule_id}.params.{name}: unknown parameter (known: {', '.join(defaults)})")
            if type(value) is not type(defaults[name]):
                expected = type(defaults[name]).__name__
                raise ConfigError(f"rules.{rule_id}.params.{name} = {value!r}: expected a {expected}")
    effective = {}
    for rule_id, rule in rules.items():
        settings = config.rules.get(rule_id)
        enabled = settings is None or settings.enabled
        effective[rule_id] = (rule, enabled, {**rule.params, **(settings.params if settings else {})})
    return effective


def enabled_rules(config: Config) -> list[tuple[Rule, dict[str, Any]]]:
    """The rules switched on in `config`, each with its effective parameters."""
    return [(rule, params) for rule, enabled, params in all_rules(config).values() if enabled]


class Checker:
    """Checks districts against the letter for one configuration and one as-of date."""

    def __init__(self, config: Config, as_of: dt.date):
        self.config = config
        self.as_of = as_of
        self.parser = Parser(config.programme)
        self.rules = enabled_rules(config)

    def check(self, district: District, raw: RawWorkbook | None, error: str = "") -> DistrictResult:
        """Findings of one district; `raw` None means it could not be read (`error` says why)."""
        if raw is None:
            findings = [Finding(UNREADABLE, None, Status.ERROR, {"reason": error})]
        else:
            data = raw.parsed if raw.parsed is not None else self.parser.parse(raw, district.code, district.name)
            raw.parsed = None  # the result keeps the workbook, not its tables
            findings = []
            for rule, params in self.rules:
                findings += rule.check(data, Context(self.as_of, self.config.programme, params))
            findings += data.findings
        for finding in findings:
            finding.message = message(finding)
        return DistrictResult(district.code, district.name, findings, raw)
