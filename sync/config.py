"""Validated configuration: YAML files (with `include:`) loaded into pydantic models."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sync.logs import MASK, is_secret_name
from sync.yamlfile import YamlRefused, read_yaml


class ConfigError(Exception):
    """A configuration problem; the message names the file, the key path and the bad value."""


class _Model(BaseModel):
    # Every number has a range (below); .inf and .nan are never a setting.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The fiscal year in CE: 1 Oct of the year before to 30 Sep (fiscal year 2568 BE: 2024-10-01 – 2025-09-30)."""
        end = self.fiscal_year - 543
        return dt.date(end - 1, 10, 1), dt.date(end, 9, 30)

    def covers(self, day: dt.date) -> bool:
        """Whether `day` lies in the programme's fiscal year."""
        start, end = self.period
        return start <= day <= end

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


# A LINE group id (C…) as the webhook prints it; a multi-person chat (R…) or a user (U…) works too.
LINE_ID = r"^[CRU][0-9a-f]{32}$"


class District(_Model):
    # Chiang Rai's are 4 digits (5701); elsewhere a code may have letters. It starts the workbook's file
    # name and names memo files, so only ASCII letters and digits.
    code: str = Field(pattern=r"^[A-Za-z0-9]{1,16}$")
    name: str = Field(min_length=1)
    spreadsheet: str | None = None
    emails: list[EmailAddress] = []
    cc: list[EmailAddress] = []  # copied on this district's reminders
    line_group: str = Field("", pattern=LINE_ID + "|^$")  # the district's LINE group (config `line`)


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
    rate_limit_per_minute: int = Field(60, ge=1, le=1_000_000)
    project_rate_limit_per_minute: int = Field(300, ge=1, le=1_000_000)
    drive_rate_limit_per_minute: int = Field(600, ge=1, le=1_000_000)
    timeout_seconds: float = Field(30, gt=0, le=600)
    max_retries: int = Field(5, ge=0, le=10)
    cache_max_age_hours: float = Field(24, ge=0, le=24 * 366)  # re-read an unchanged spreadsheet at least this often


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
    timeout_seconds: float = Field(30, gt=0, le=600)

    @property
    def effective_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


class Retry(_Model):
    """What happens after a memo was not delivered (sync/delivery/attempts.py)."""

    # connection lost after the whole message was handed over: it may have arrived; send it again at
    # most this many times (0: never), then hold it for the operator (`sync --resend` sends it)
    ambiguous_retries: int = Field(1, ge=0, le=3)
    refused_backoff_minutes: float = Field(60, ge=0, le=10080)  # wait after a temporary refusal (4xx); doubles
    refused_max_attempts: int = Field(5, ge=1, le=20)  # temporary refusals before the memo is given up


class Email(_Model):
    sender: EmailAddress
    sender_name: Annotated[str, AfterValidator(_header_text)] = ""
    smtp: Smtp = Smtp()
    reminder_cc: list[EmailAddress] = []  # copied on every district reminder (e.g. provincial staff)
    summary_cc: list[EmailAddress] = []  # copied on the provincial summary (To: province.staff_emails)
    attach_pdf: bool = True  # attach the memo as an A4 PDF
    attach_docx: bool = True  # attach the memo as an editable Word file (.docx) too
    pdf_workers: int = Field(2, ge=1, le=8)  # processes that render memo PDFs (the run itself renders none)
    retry: Retry = Retry()


class Reminders(_Model):
    """When memos go out (sync/delivery/policy.py). A day count of 0 switches that memo off."""

    due_soon_days: int = Field(5, ge=0, le=60)  # a 'due soon' reminder this many days before each due date
    overdue_after_days: int = Field(1, ge=0, le=60)  # an 'overdue' reminder this many days after it (1: the day after)
    summary_day: int = Field(21, ge=0, le=28)  # the provincial summary memo on this day of each month
    catch_up_days: int = Field(3, ge=0, le=14)  # a memo day missed (service not run) is made up this many days later


class Line(_Model):
    """Messages to LINE groups through the LINE Messaging API (sync/delivery/line). Off unless enabled."""

    enabled: bool = False
    token_env: str = "KHOKNONGNA_LINE_TOKEN"  # the channel access token is read from this environment variable only
    channel_secret_env: str = "KHOKNONGNA_LINE_CHANNEL_SECRET"  # for `line webhook` (signature check)
    province_group: str = Field("", pattern=LINE_ID + "|^$")  # the provincial group: the monthly summary
    monthly_budget: int = Field(200, ge=0)  # never let this month's consumption (as LINE counts it) pass this
    endpoint: str | None = None  # a LINE-API-compatible server instead of https://api.line.me (tests, demo)
    summary_link: str = ""  # a web link for the province message's button when the backend has none (xlsx)
    timeout_seconds: float = Field(20, gt=0)
    max_retries: int = Field(3, ge=0, le=10)  # after a timeout, a 5xx or a rate-limit 429, with the same retry key
    backoff_seconds: float = Field(2, ge=0)  # first wait before a retry; doubled each time


class MemoForm(_Model):
    """How the memo is filed (บันทึกข้อความ)."""

    # "register": ที่ numbers from the register (sync/delivery/register.py); "draft": no number, marked ร่าง
    numbering: Literal["register", "draft"] = "register"
    garuda: Path | None = None  # a ตราครุฑ image (PNG or JPEG) for the top left of the form; none is shipped

    @field_validator("garuda")
    @classmethod
    def _image(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_file():
            raise ValueError(f"no image file at {path}")
        return path


class RuleSettings(_Model):
    enabled: bool = True
    params: dict[str, Any] = {}


MAX_AGE_MINUTES = 31 * 24 * 60  # `status` judges runs at most a month old

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
    sync_interval_seconds: int = Field(3600, ge=1, le=86_400)  # at least one sync a day
    window: tuple[str, str] | None = ("07:00:00", "19:00:00")  # interval syncs only inside it; null: all day
    working_days_only: bool = True  # no scheduled sync or reminder on weekends and Thai public holidays
    reminder_time: str | None = "08:00:00"  # the daily reminder pass; null: none
    summary_time: str = "08:30:00"  # the summary job on reminders.summary_day
    catch_up: bool = True  # at start, run once if scheduled runs were missed while the service was down
    lock_wait_seconds: float = Field(60, ge=0, le=3600)
    status_max_age_minutes: int | None = Field(None, ge=1, le=MAX_AGE_MINUTES)  # null: judged against the schedule
    status_grace_minutes: int = Field(30, ge=0, le=1440)

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
    memo: MemoForm = MemoForm()
    rules: dict[str, RuleSettings] = {}
    schedule: Schedule = Schedule()
    line: Line = Line()

    # Where it was loaded from: the file given, and each file with its data (includes first).
    _source: Path | None = PrivateAttr(None)
    _layers: list[tuple[Path, dict]] = PrivateAttr(default_factory=list)

    @property
    def source(self) -> Path | None:
        """The configuration file this was loaded from (None when built in code)."""
        return self._source

    def origin(self, key: str) -> Path | None:
        """The file that sets a key path like `backend.workbooks` (the last one, as it wins), else
        the file given."""
        return _origin(self._layers, tuple(key.split("."))) or self._source

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


MAX_FILES = 50  # a configuration and everything it includes


def _read_yaml(path: Path) -> dict:
    try:
        data = read_yaml(path)
    except YamlRefused as exc:
        raise ConfigError(str(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping (key: value) at the top level, got {_shown(data)}")
    return data


def _load_tree(path: Path, seen: tuple[Path, ...] = (), loaded: list | None = None) -> list[tuple[Path, dict]]:
    """The file and everything it includes, includes first (later files win)."""
    loaded = [] if loaded is None else loaded
    path = path.resolve()
    if path in seen:
        raise ConfigError(f"{seen[-1]}: include: {path} includes itself (through {' → '.join(map(str, seen))})")
    loaded.append(path)
    if len(loaded) > MAX_FILES:
        raise ConfigError(f"{seen[-1]}: include: more than {MAX_FILES} files in all; a configuration needs a few")
    data = _read_yaml(path)
    includes = data.pop("include", [])
    if not isinstance(includes, list) or not all(isinstance(n, str) and n.strip() for n in includes):
        raise ConfigError(f"{path}: include: expected a list of file names, got {_shown(includes)}")
    layers = []
    for name in includes:
        included = path.parent / name
        if included.is_dir():
            raise ConfigError(f"{path}: include: {name!r} is a folder ({included.resolve()}), not a YAML file")
        layers += _load_tree(included, seen + (path,), loaded)
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


def _origin(layers: list[tuple[Path, dict]], loc: tuple) -> Path | None:
    """The file that sets the longest prefix of `loc` (of equals, the last: later files win)."""
    best, depth = None, 0
    for path, data in layers:
        n = next((n for n in range(len(loc), 0, -1) if _lookup(data, loc[:n])[0]), 0)
        if n and n >= depth:
            best, depth = path, n
    return best


_SHOWN = 200  # characters of a bad value quoted in an error


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _explain(exc: ValidationError, layers: list[tuple[Path, dict]], merged: dict) -> str:
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        origin = _origin(layers, loc) or layers[-1][0]
        found, value = _lookup(merged, loc)
        key = ".".join(str(part) for part in loc) or "(top level)"
        shown = f" = {_shown(value)}" if found else ""
        message = error["msg"] if len(error["msg"]) <= 2 * _SHOWN else error["msg"][: 2 * _SHOWN - 1] + "…"
        lines.append(f"{origin}: {key}{shown}: {message}")
    return "\n".join(lines)


def _resolve_paths(data: dict, base: Path) -> dict:
    google = data.get("backend", {}).get("google") if isinstance(data.get("backend"), dict) else None
    keys = [(google, "backend.google.credentials", "credentials")] if isinstance(google, dict) else []
    if isinstance(google, dict) and isinstance(google.get("credentials"), list):  # several service accounts
        accounts = google["credentials"]
        keys = [(accounts, f"backend.google.credentials[{i}]", i) for i in range(len(accounts))]
    sections = (("backend", ("workbooks",)), ("outputs", ("summary", "outbox", "state")), ("memo", ("garuda",)))
    for section, names in sections:
        if isinstance(data.get(section), dict):
            keys += [(data[section], f"{section}.{name}", name) for name in names]
    for holder, key, name in keys:
        value = holder[name] if isinstance(holder, list) else holder.get(name)
        if isinstance(value, str):
            try:
                holder[name] = str((base / value).resolve())
            except (ValueError, OSError) as exc:
                raise ConfigError(f"{key} = {_shown(value)}: not a usable path ({exc})") from None
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
        if not isinstance(merged.get("backend"), dict):
            merged["backend"] = {}
        merged["backend"]["workbooks"] = str(Path(workbooks).resolve())
    try:
        config = Config.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, layers, merged)) from None
    config._source, config._layers = path.resolve(), layers
    return config


def effective(config: Config) -> dict:
    """The configuration as plain data, with every value under a secret-looking key masked (the
    same names the logs mask, sync.logs.is_secret_name)."""

    def mask(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: mask(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        if value and is_secret_name(key) and not key.lower().endswith("_env"):  # `password_env` names a variable
            return MASK
        return value

    return mask(config.model_dump(mode="json"))
