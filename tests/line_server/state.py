"""What the local LINE platform knows: groups, accepted retry keys, the month's usage, deliveries, faults."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field


@dataclass
class Group:
    id: str
    name: str
    members: int  # the bot not counted: what one push to the group costs


@dataclass
class Delivery:
    """A push the platform accepted: what the group received."""

    group: str
    messages: list[dict]
    retry_key: str | None
    request_id: str
    at: float = field(default_factory=time.time)

    @property
    def alt_texts(self) -> list[str]:
        return [m.get("altText") or m.get("text", "") for m in self.messages]


@dataclass
class Fault:
    """A failure injected into the next `count` requests whose path starts with `path` (and, for a
    push, whose `to` is `to` when given).

    Without `accept` the request is not processed: after `delay` seconds (and `hold`, if given) the
    server answers `status` with LINE's error body, or drops the connection (`drop`), or, with
    neither, answers normally (a slow server). With `accept` a push is accepted and recorded first,
    then the server waits `delay` (and `hold`) and drops the connection or answers as it would:
    the client may have given up by then ("accepted, but the answer never arrived")."""

    path: str = "/v2/bot/message/push"
    to: str | None = None  # only pushes to this group
    status: int | None = None
    message: str = ""
    delay: float = 0.0
    drop: bool = False
    accept: bool = False
    hold: threading.Event | None = None
    count: int = 1


class Platform:
    """The platform's state; every method is safe to call from the server's threads and from tests."""

    def __init__(self, token: str, quota: int | None, used: int):
        self.token = token
        self.quota = quota  # the channel's monthly limit; None: unlimited
        self.used = used  # messages counted this month
        self.groups: dict[str, Group] = {}
        self.accepted: dict[str, tuple[str, list[dict]]] = {}  # retry key -> (request id, sentMessages)
        self.deliveries: list[Delivery] = []
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status) of every request answered
        self.lock = threading.RLock()

    def add_group(self, group_id: str, name: str, members: int) -> Group:
        with self.lock:
            self.groups[group_id] = Group(group_id, name, members)
            return self.groups[group_id]

    def fault_for(self, path: str, to: str | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path) and fault.to in (None, to):
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def received(self, group_id: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.group == group_id]

    def accept(self, group_id: str, messages: list[dict], retry_key: str | None) -> tuple[str, list[dict]]:
        """Record a push: the group receives it, the month's usage grows by the group's members."""
        with self.lock:
            request_id = str(uuid.uuid4())
            sent = [{"id": str(10**17 + len(self.deliveries) * 10 + i), "quoteToken": uuid.uuid4().hex}
                    for i, _ in enumerate(messages)]
            self.deliveries.append(Delivery(group_id, messages, retry_key, request_id))
            self.used += self.groups[group_id].members
            if retry_key:
                self.accepted[retry_key] = (request_id, sent)
            return request_id, sent

    def log(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.requests.append((method, path, status))

    def pushes(self) -> list[tuple[str, str, int]]:
        with self.lock:
            return [r for r in self.requests if r[1] == "/v2/bot/message/push"]
