"""The LINE platform's side of a webhook: event bodies as LINE sends them, and their signature.

The signature (header `x-line-signature`) is the base64 of the HMAC-SHA256 of the request body with
the channel secret as key (Messaging API reference, "Verify webhook signature")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid


def sign(body: bytes, channel_secret: str) -> str:
    return base64.b64encode(hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def _common(group_id: str) -> dict:
    return {
        "timestamp": int(time.time() * 1000),
        "source": {"type": "group", "groupId": group_id},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
        "mode": "active",
    }


def join_event(group_id: str) -> dict:
    """The bot was added to a group."""
    return {"type": "join", "replyToken": uuid.uuid4().hex, **_common(group_id)}


def message_event(group_id: str, text: str, user_id: str = "U" + "1" * 32) -> dict:
    """Someone wrote in a group the bot is in."""
    event = {"type": "message", "replyToken": uuid.uuid4().hex, **_common(group_id)}
    event["source"]["userId"] = user_id
    event["message"] = {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text,
                        "quoteToken": uuid.uuid4().hex}
    return event


def webhook_body(*events: dict, destination: str = "U" + "f" * 32) -> bytes:
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode("utf-8")
