"""Validated configuration: YAML files (with `include:`) loaded into pydantic models."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class ConfigError(Exception):
    """A configuration problem; the message names the file, the key path and the bad value."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Model):
    """A canonical label (sector, dimension, centre type) and what officers type for it."""

    name: str = Field(min_length=1)
    synonyms: list[str] = []


class Deadlines(_Model):
    documents_due: dt.date
    monthly_due_day: int = Field(ge=1, le=28)
    reporting_from: str
    reporting_to: str
    due_soon_days: int = Field(ge=0, le=60)
    shift_to_next_working_day: bool = False

    @field_validator("reporting_from", "reporting_to")
    @classmethod
    def _month(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise ValueError(f"expected a month as YYYY-MM (CE), got {value!r}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Deadlines:
        if self.reporting_from > self.reporting_to:
            raise ValueError("reporting_from is after reporting_to")
        return self

    def reporting_months(self) -> list[tuple[int, int]]:
        """Every (year, month) of the reporting period, in order."""
        year, month = map(int, self.reporting_from.split("-"))
        end = tuple(map(int, self.reporting_to.split("-")))
        months = []
        while (year, month) <= end:
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


class Programme(_Model):
    fiscal_year: int = Field(ge=2500, le=2700, description="Buddhist Era year")
    total_row_words: list[str] = []
    sectors: list[Label] = Field(min_length=1)
    roles: list[str] = Field(min_length=1)
    chair_role: str
    secretary_marker: str
    dimensions: list[Label] = Field(min_length=1)
    assessment_levels: list[str] = Field(min_length=1)
    center_types: list[Label] = Field(min_length=1)
    deadlines: Deadlines

    @field_validator("sectors", "dimensions", "center_types")
    @classmethod
    def _unique(cls, labels: list[Label]) -> list[Label]:
        names = [label.name for label in labels]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate names: {', '.join(duplicates)}")
        return labels


class Letter(_Model):
    number: str
    date: dt.date
    subject: str


class Signer(_Model):
    name: str
    position: str


class Province(_Model):
    name: str
    code: str
    office: str
    group: str = ""
    phone: str = ""
    memo_prefix: str
    addressee: str
    district_addressee: str
    signer: Signer
    summary_signer: Signer
    staff_emails: list[str] = []
    letter: Letter


class District(_Model):
    code: str = Field(pattern=r"^\d{4}$")
    name: str = Field(min_length=1)
    spreadsheet: str | None = None
    emails: list[str] = []


class Backend(_Model):
    kind: Literal["xlsx"] = "xlsx"
    workbooks: Path


class Outputs(_Model):
    summary: Path
    outbox: Path
    state: Path


class Email(_Model):
    sender: str
    sender_name: str = ""


class RuleSettings(_Model):
    enabled: bool = True
    params: dict[str, Any] = {}


class Config(_Model):
    province: Province
    programme: Programme
    districts: list[District] = Field(min_length=1)
    backend: Backend
    outputs: Outputs
    email: Email
    rules: dict[str, RuleSettings] = {}

    @field_validator("districts")
    @classmethod
    def _unique_codes(cls, districts: list[District]) -> list[District]:
        codes = [d.code for d in districts]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"duplicate district codes: {', '.join(duplicates)}")
        return districts

    def district(self, code: str) -> District:
        for district in self.districts:
            if district.code == code:
                return district
        raise KeyError(code)


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def _load_tree(path: Path, seen: tuple[Path, ...] = ()) -> list[tuple[Path, dict]]:
    """The file and everything it includes, includes first (later files win)."""
    path = path.resolve()
    if path in seen:
        raise ConfigError(f"{path}: include loop")
    data = _read_yaml(path)
    includes = data.pop("include", [])
    if not isinstance(includes, list):
        raise ConfigError(f"{path}: include: expected a list of file names, got {includes!r}")
    layers = []
    for name in includes:
        layers += _load_tree(path.parent / str(name), seen + (path,))
    return layers + [(path, data)]


def _lookup(data: Any, loc: tuple) -> tuple[bool, Any]:
    for key in loc:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return False, None
    return True, data


def _explain(exc: ValidationError, layers: list[tuple[Path, dict]], merged: dict) -> str:
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        origin = next((p for p, d in reversed(layers) if _lookup(d, loc[:1])[0]), layers[-1][0])
        found, value = _lookup(merged, loc)
        key = ".".join(str(part) for part in loc) or "(top level)"
        shown = f" = {value!r}" if found else ""
        lines.append(f"{origin}: {key}{shown}: {error['msg']}")
    return "\n".join(lines)


def _resolve_paths(data: dict, base: Path) -> dict:
    for section, keys in (("backend", ("workbooks",)), ("outputs", ("summary", "outbox", "state"))):
        for key in keys:
            value = data.get(section, {}).get(key) if isinstance(data.get(section), dict) else None
            if isinstance(value, str):
                data[section][key] = str((base / value).resolve())
    return data


def load_config(path: str | Path, workbooks: str | Path | None = None) -> Config:
    """Load and validate a configuration file; `workbooks` overrides backend.workbooks."""
    path = Path(path)
    layers = _load_tree(path)
    merged: dict = {}
    for _, data in layers:
        merged = _merge(merged, data)
    merged = _resolve_paths(merged, path.resolve().parent)
    if workbooks is not None:
        merged.setdefault("backend", {})["workbooks"] = str(Path(workbooks).resolve())
    try:
        return Config.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, layers, merged)) from None


SECRET_WORDS = ("password", "secret", "token", "private_key")


def effective(config: Config) -> dict:
    """The configuration as plain data, with every secret-looking value masked."""

    def mask(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: mask(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        if value and any(word in key.lower() for word in SECRET_WORDS):
            return "********"
        return value

    return mask(config.model_dump(mode="json"))
