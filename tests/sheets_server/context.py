"""What a handler gets: the store, the caller and the parsed request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import field_violation, invalid_value
from .store import Store


@dataclass
class Ctx:
    store: Store
    email: str | None
    query: dict[str, list[str]]
    body: Any = None
    params: dict[str, str] = field(default_factory=dict)

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def qlist(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def qbool(self, name: str, default: bool = False) -> bool:
        value = self.q(name)
        if value is None:
            return default
        return value.lower() in ("true", "1")

    def qenum(self, name: str, allowed: tuple[str, ...], default: str | None, proto: str) -> str | None:
        """An enum query parameter, refused in Google's words when it is not one of ``allowed``."""
        value = self.q(name, default)
        if value is not None and value not in allowed:
            snake = "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)
            raise invalid_value(snake, proto, value)
        return value

    def json_body(self) -> dict:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise field_violation('Invalid JSON payload received. Unknown name "": Root element must be a message.')
        return self.body
