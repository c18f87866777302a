"""Logging to stderr: human-readable lines (default) or JSON lines, never with a secret in them.

Every record passes through `MaskSecrets` before it is formatted: the values of environment
variables whose names say secret (by whole words: …PASSWORD, …TOKEN, …SECRET, …API_KEY,
…CREDENTIALS, never SECRETARY), of the environment variables the configuration names (keys ending
in ``_env``), secret-looking configuration values, and anything written like ``password=…``,
``token: …`` or ``Bearer …`` are replaced by ``********``, in the message and in the traceback."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from sync import clock

MASK = "********"

# Whole words of a name that make it secret: `smtp_password`, `API_KEY`, `accessToken`, `client-secret`,
# GOOGLE_APPLICATION_CREDENTIALS; never `secretary_marker`, `author` or `tokenizer`.
_SECRET_WORDS = {
    "password", "passwd", "passphrase", "secret", "secrets", "token", "tokens",
    "credential", "credentials", "auth", "apikey", "privatekey",
}  # fmt: skip
_SECRET_PAIRS = {("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key")}
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def name_words(name: str) -> list[str]:
    """The words of an identifier, lower case: `smtpPassword_env` → smtp, password, env."""
    return [w.lower() for w in _WORD.findall(name)]


def is_secret_name(name: str) -> bool:
    """Whether a key or variable name says its value is secret, by whole words (see _SECRET_WORDS)."""
    words = name_words(name)
    pairs = zip(words, words[1:], strict=False)
    return any(w in _SECRET_WORDS for w in words) or any(p in _SECRET_PAIRS for p in pairs)


_PATTERNS = [
    # password=..., "token": "...", client_secret: ..., X-Api-Key: ... (a secret name, then = or :)
    re.compile(
        r"""(?P<key>(?P<quote>["']?)(?P<name>\b[A-Za-z][A-Za-z0-9_.-]*)(?P=quote)\s*[=:]\s*)"""
        r"""(?P<value>"[^"]*"|'[^']*'|[^\s,;&"'}\]]+)"""
    ),
    re.compile(r"(?P<key>\b(?:Bearer|Basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]{6,})", re.I),
    re.compile(r"(?P<key>\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)(?P<value>[^@/\s]+)(?=@)", re.I),  # scheme://user:pw@
]
_MIN_SECRET = 4  # shorter values would mask ordinary words and digits


class Masker:
    """Replaces known secret values and secret-looking assignments in text."""

    def __init__(self, secrets: Iterable[str] = ()):
        self.secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        self.secrets.update(s for s in secrets if isinstance(s, str) and len(s.strip()) >= _MIN_SECRET)
        self._ordered = sorted(self.secrets, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._ordered:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(_masked, text)
        return text


def _masked(match: re.Match) -> str:
    if "name" in match.groupdict() and not is_secret_name(match["name"]):
        return match[0]
    return match["key"] + (match["value"] if match["value"].strip("\"'") == MASK else MASK)


def secrets_from_environ(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of environment variables whose names look secret (SMTP_PASSWORD, GOOGLE_TOKEN, ...)."""
    environ = os.environ if environ is None else environ
    return [value for name, value in environ.items() if is_secret_name(name)]


def secrets_from_config(data: Any, environ: Mapping[str, str] | None = None) -> list[str]:
    """From configuration data (a Config or plain data): values of the environment variables it names
    (keys ending in ``_env``) and values under secret-looking keys."""
    environ = os.environ if environ is None else environ
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and value:
            if key.lower().endswith("_env") or key.lower() == "env":
                found.append(environ.get(value, ""))
            elif is_secret_name(key):
                found.append(value)

    walk(data)
    return [s for s in found if s]


class MaskSecrets(logging.Filter):
    """Renders the message and traceback of a record, masked, before any handler formats it."""

    def __init__(self, masker: Masker):
        super().__init__()
        self.masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.masker(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.masker(record.exc_text)
        if record.stack_info:
            record.stack_info = self.masker(record.stack_info)
        return True


def _bangkok(record: logging.LogRecord) -> str:
    return dt.datetime.fromtimestamp(record.created, clock.BANGKOK).isoformat(timespec="milliseconds")


class HumanFormatter(logging.Formatter):
    """``2025-01-21 09:00:00 +0700 INFO    khoknongna.service: message`` (and the traceback)."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return dt.datetime.fromtimestamp(record.created, clock.BANGKOK).strftime("%Y-%m-%d %H:%M:%S %z")

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, traceback, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _bangkok(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


FORMATS = ("human", "json")
_HANDLER = "khoknongna-stderr"
_masker = Masker()


def setup(fmt: str = "human", level: int = logging.WARNING, stream=None) -> logging.Handler:
    """Send all logging to stderr in `fmt`, masking secrets; replaces a handler installed earlier by setup()."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    _masker.add(secrets_from_environ())
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else HumanFormatter())
    handler.addFilter(MaskSecrets(_masker))
    handler.set_name(_HANDLER)
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def add_secrets(secrets: Iterable[str]) -> None:
    """Mask these values too (e.g. `secrets_from_config(config)` once the configuration is loaded)."""
    _masker.add(secrets)


def mask(text: str) -> str:
    """Text as it would appear in the log."""
    return _masker(text)
