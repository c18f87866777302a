"""Validated configuration: YAML files (with `include:`) loaded into pydantic models."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sync.logs import MASK, SECRET_NAME


class ConfigError(Exception):
    """A configuration problem; the message names the file, the key path and the bad value."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A plain ASCII address (no display name, no line break): it goes into email headers as it is.
ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")


def _email_address(value: str) -> str:
    if not ADDRESS.fullmatch(value):
        raise ValueError(f"not a plain email address (name@domain, no spaces or line breaks): {value!r}")
    return value


def _header_text(value: str) -> str:
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError(f"line breaks and control characters are not allowed in a header: {value!r}")
    return value


EmailAddress = Annotated[str, AfterValidator(_email_address)]


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
    staff_emails: list[EmailAddress] = []
    letter: Letter


class District(_Model):
    # Chiang Rai's are 4 digits (5701); elsewhere a code may have letters. It starts the workbook's file
    # name and names memo files, so only ASCII letters and digits.
    code: str = Field(pattern=r"^[A-Za-z0-9]{1,16}$")
    name: str = Field(min_length=1)
    spreadsheet: str | None = None
    emails: list[EmailAddress] = []
    cc: list[EmailAddress] = []  # copied on this district's reminders


class Google(_Model):
    """Google Sheets backend settings."""

    # service-account JSON, or a list of several of one project (requests are spread over them);
    # default $GOOGLE_APPLICATION_CREDENTIALS
    credentials: Path | list[Path] | None = None
    endpoint: str | None = None  # a Sheets/Drive/OAuth-compatible server instead of Google's
    summary_spreadsheet: str  # id or exact title of the provincial summary spreadsheet
    folder: str | None = None  # Drive folder id (e.g. in a shared drive) where `init` creates spreadsheets
    # Sheets read requests, and separately write requests, per service account: Google's quota is 60 of
    # each per minute per user, and 300 of each per project
    rate_limit_per_minute: int = Field(60, ge=1)
    project_rate_limit_per_minute: int = Field(300, ge=1)
    drive_rate_limit_per_minute: int = Field(600, ge=1)
    timeout_seconds: float = Field(30, gt=0)
    max_retries: int = Field(5, ge=0, le=10)
    cache_max_age_hours: float = Field(24, ge=0)  # re-read an unchanged spreadsheet at least this often


class Backend(_Model):
    kind: Literal["xlsx", "google"] = "xlsx"
    workbooks: Path | None = None
    google: Google | None = None

    @model_validator(mode="after")
    def _settings_for_kind(self) -> Backend:
        if self.kind == "xlsx" and self.workbooks is None:
            raise ValueError("backend.workbooks is required for the xlsx backend")
        if self.kind == "google" and self.google is None:
            raise ValueError("backend.google is required for the google backend")
        return self


class OutputFont(_Model):
    """The typeface of what the service writes into spreadsheets (status tab, summary); never officers' cells."""

    name: str = Field("TH Sarabun New", min_length=1, max_length=100)
    size: float = Field(14, ge=6, le=72)


class Outputs(_Model):
    summary: Path | None = None  # the provincial summary workbook (xlsx backend; Google: backend.google)
    outbox: Path
    state: Path
    font: OutputFont = OutputFont()


class Smtp(_Model):
    """The SMTP server memos go through. No host: outbox-only (memos are written as .eml files)."""

    host: str = ""
    port: int | None = Field(None, ge=1, le=65535)  # default: 465 for ssl, 587 for starttls, 25 for none
    security: Literal["none", "ssl", "starttls"] = "starttls"
    user: str = ""  # empty: no login
    password_env: str = "KHOKNONGNA_SMTP_PASSWORD"  # the password is read from this environment variable only
    timeout_seconds: float = Field(30, gt=0)

    @property
    def effective_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


class Email(_Model):
    sender: EmailAddress
    sender_name: Annotated[str, AfterValidator(_header_text)] = ""
    smtp: Smtp = Smtp()
    reminder_cc: list[EmailAddress] = []  # copied on every district reminder (e.g. provincial staff)
    summary_cc: list[EmailAddress] = []  # copied on the provincial summary (To: province.staff_emails)
    attach_pdf: bool = True  # attach the memo as an A4 PDF


class Reminders(_Model):
    """When memos go out (sync/delivery/policy.py). A day count of 0 switches that memo off."""

    due_soon_days: int = Field(5, ge=0, le=60)  # a 'due soon' reminder this many days before each due date
    overdue_after_days: int = Field(1, ge=0, le=60)  # an 'overdue' reminder this many days after it (1: the day after)
    summary_day: int = Field(21, ge=0, le=28)  # the provincial summary memo on this day of each month
    catch_up_days: int = Field(3, ge=0, le=14)  # a memo day missed (service not run) is made up this many days later


class RuleSettings(_Model):
    enabled: bool = True
    params: dict[str, Any] = {}


_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")


def _time_of_day(value: Any) -> str:
    if not isinstance(value, str):  # YAML reads an unquoted 12:00 as the number 720
        raise ValueError(f'expected a time of day in quotes, like "12:00", got {value!r}')
    match = _TIME.fullmatch(value.strip())
    if not match:
        raise ValueError(f"expected a time of day as HH:MM or HH:MM:SS (24 h, Bangkok), got {value!r}")
    hour, minute, second = match.groups()
    return f"{int(hour):02d}:{minute}:{second or '00'}"


class Schedule(_Model):
    """When `cli.py serve` runs, in Asia/Bangkok time."""

    sync_times: list[str] = []  # fixed times of day; when given, the interval is not used
    sync_interval_seconds: int = Field(3600, ge=1)
    window: tuple[str, str] | None = ("07:00:00", "19:00:00")  # interval syncs only inside it; null: all day
    working_days_only: bool = True  # no scheduled sync or reminder on weekends and Thai public holidays
    reminder_time: str | None = "08:00:00"  # the daily reminder pass; null: none
    summary_time: str = "08:30:00"  # the summary job on reminders.summary_day
    catch_up: bool = True  # at start, run once if scheduled runs were missed while the service was down
    lock_wait_seconds: float = Field(60, ge=0)
    status_max_age_minutes: int | None = Field(None, ge=1)  # null: judged against the schedule
    status_grace_minutes: int = Field(30, ge=0)

    @field_validator("sync_times", mode="before")
    @classmethod
    def _times(cls, values: Any) -> list[str]:
        if not isinstance(values, list):
            raise ValueError(f"expected a list of times of day, got {values!r}")
        return sorted({_time_of_day(v) for v in values})

    @field_validator("reminder_time", "summary_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> str | None:
        return None if value is None else _time_of_day(value)

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: Any) -> tuple[str, str] | None:
        if value is None:
            return None
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValueError(f'expected [start, end], like ["07:00", "19:00"], got {value!r}')
        start, end = (_time_of_day(v) for v in value)
        if start > end:
            raise ValueError(f"window starts after it ends: {start} > {end}")
        return start, end

    @model_validator(mode="after")
    def _slots(self) -> Schedule:
        if self.window is not None and not self.sync_times and self.sync_interval_seconds < 60:
            raise ValueError("with a window, sync_interval_seconds must be at least 60 (or set window: null)")
        return self


class Config(_Model):
    province: Province
    programme: Programme
    districts: list[District] = Field(min_length=1)
    backend: Backend
    outputs: Outputs
    email: Email
    reminders: Reminders = Reminders()
    rules: dict[str, RuleSettings] = {}
    schedule: Schedule = Schedule()

    @model_validator(mode="after")
    def _summary_for_xlsx(self) -> Config:
        if self.backend.kind == "xlsx" and self.outputs.summary is None:
            raise ValueError("outputs.summary (the provincial summary workbook) is required for the xlsx backend")
        return self

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
    google = data.get("backend", {}).get("google") if isinstance(data.get("backend"), dict) else None
    if isinstance(google, dict) and isinstance(google.get("credentials"), str):
        google["credentials"] = str((base / google["credentials"]).resolve())
    elif isinstance(google, dict) and isinstance(google.get("credentials"), list):
        google["credentials"] = [str((base / c).resolve()) if isinstance(c, str) else c for c in google["credentials"]]
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


def effective(config: Config) -> dict:
    """The configuration as plain data, with every value under a secret-looking key masked (the
    same names the logs mask, sync.logs.SECRET_NAME)."""

    def mask(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: mask(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        secret = SECRET_NAME.search(key) and not key.endswith("_env")
        if value and secret:  # `password_env` names a variable; it is not the password
            return MASK
        return value

    return mask(config.model_dump(mode="json"))
