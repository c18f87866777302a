"""The checks LINE makes on a push body, with LINE's error bodies (Messaging API reference)."""

from __future__ import annotations

import json
import re
from typing import Any

BUBBLE_MAX_BYTES = 30_000
TEXT_MESSAGE_MAX = 5000
URI_MAX = 1000
LABEL_MAX = 40
MAX_MESSAGES = 5
_URI_SCHEMES = re.compile(r"(https?|line|tel)://|tel:")


class Invalid(Exception):
    """A 400 with LINE's body: {"message": ..., "details": [{"message": ..., "property": ...}]}."""

    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.body = {"message": message, **({"details": details} if details else {})}


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _detail(index: int, prop: str, message: str) -> Invalid:
    return Invalid(
        f"A message (messages[{index}]) in the request body is invalid",
        [{"message": message, "property": f"/{prop}"}],
    )


def _walk(node: Any, path: str, index: int) -> None:
    """Flex components: texts not empty, URI actions with a scheme LINE opens, within the limits."""
    if isinstance(node, dict):
        if node.get("type") == "text" and not node.get("text") and not node.get("contents"):
            raise _detail(index, f"{path}/text", "must be specified")
        if node.get("type") == "uri":
            uri, label = node.get("uri", ""), node.get("label", "")
            if not _URI_SCHEMES.match(uri) or _length(uri) > URI_MAX:
                raise _detail(index, f"{path}/uri", "invalid uri")
            if _length(label) > LABEL_MAX:
                raise _detail(index, f"{path}/label", f"Length must be between 0 and {LABEL_MAX}")
        for key, value in node.items():
            _walk(value, f"{path}/{key}", index)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, f"{path}/{i}", index)


def check_push(body: Any, alt_text_max: int) -> tuple[str, list[dict]]:
    """(to, messages) of a valid push body, else Invalid."""
    if not isinstance(body, dict) or not isinstance(body.get("to"), str):
        raise Invalid("The request body has 1 error(s)", [{"message": "must be specified", "property": "to"}])
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        raise Invalid("Size must be between 1 and 5", [{"message": "Size must be between 1 and 5",
                                                          "property": "messages"}])
    for index, message in enumerate(messages):
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "text":
            text = message.get("text")
            if not isinstance(text, str) or not 1 <= _length(text) <= TEXT_MESSAGE_MAX:
                raise _detail(index, "text", f"Length must be between 1 and {TEXT_MESSAGE_MAX}")
        elif kind == "flex":
            alt = message.get("altText")
            if not isinstance(alt, str) or not 1 <= _length(alt) <= alt_text_max:
                raise _detail(index, "altText", f"Length must be between 1 and {alt_text_max}")
            contents = message.get("contents")
            if not isinstance(contents, dict) or contents.get("type") not in ("bubble", "carousel"):
                raise _detail(index, "contents", "invalid container")
            if len(json.dumps(contents, ensure_ascii=False).encode("utf-8")) > BUBBLE_MAX_BYTES:
                raise _detail(index, "contents", "size of the bubble exceeds 30KB")
            _walk(contents, "contents", index)
        else:
            raise _detail(index, "type", "invalid message type")
    return body["to"], messages
