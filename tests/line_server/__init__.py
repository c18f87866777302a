"""A local LINE-Messaging-API-compatible server (push with retry keys, quota, consumption, groups,
injected faults, what each group received) and the LINE platform's side of webhooks (signed events).

Used by tests/test_line*.py and `make demo-line`; nothing goes to LINE."""

from .platform import join_event, message_event, sign, webhook_body
from .server import DEFAULT_TOKEN, LineServer
from .state import Delivery, Fault, Group

__all__ = [
    "DEFAULT_TOKEN",
    "Delivery",
    "Fault",
    "Group",
    "LineServer",
    "join_event",
    "message_event",
    "sign",
    "webhook_body",
]
