"""Google field masks: the ``fields`` system parameter (partial responses) and the ``fields`` of update
requests. Syntax: ``a,b(c,d),e/f,g.h,*``."""

from __future__ import annotations

import copy
from typing import Any

Mask = dict[str, "Mask | None"]  # None below a key: the whole value


class MaskError(ValueError):
    pass


def parse_mask(text: str) -> Mask | None:
    """None means "everything" (an empty mask or ``*``)."""
    text = (text or "").replace(" ", "")
    if text in ("", "*"):
        return None
    pos = 0

    def parse_list() -> Mask:
        nonlocal pos
        mask: Mask = {}
        while True:
            path = []
            start = pos
            while pos < len(text) and text[pos] not in ",()":
                pos += 1
            path = [p for p in text[start:pos].replace(".", "/").split("/")]
            if not path or any(p == "" for p in path):
                raise MaskError(text)
            sub: Mask | None = None
            if pos < len(text) and text[pos] == "(":
                pos += 1
                sub = parse_list()
                if pos >= len(text) or text[pos] != ")":
                    raise MaskError(text)
                pos += 1
            _insert(mask, path, sub)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return mask

    result = parse_list()
    if pos != len(text):
        raise MaskError(text)
    return result


def _insert(mask: Mask, path: list[str], sub: Mask | None) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        if head in mask and mask[head] is not None and sub is not None:
            _merge(mask[head], sub)  # type: ignore[arg-type]
        elif head in mask and (mask[head] is None or sub is None):
            mask[head] = None
        else:
            mask[head] = sub
        return
    node = mask.get(head, {})
    if node is None:
        return  # already selecting everything below
    mask[head] = node
    _insert(node, rest, sub)


def _merge(into: Mask, other: Mask) -> None:
    for k, v in other.items():
        _insert(into, [k], v)


def apply_mask(obj: Any, mask: Mask | None) -> Any:
    """Keep only the masked parts of a response (lists are masked element by element)."""
    if mask is None:
        return obj
    if isinstance(obj, list):
        return [apply_mask(x, mask) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if "*" in mask:
        return obj
    return {k: apply_mask(v, mask[k]) for k, v in obj.items() if k in mask}


def selects(mask: Mask | None, *path: str) -> bool:
    """Whether the mask takes the field at ``path`` (itself, a part of it, or a parent whole)."""
    node = mask
    for key in path:
        if node is None or "*" in node:
            return True
        if key not in node:
            return False
        node = node[key]
    return True


def update_masked(target: dict, source: dict, mask: Mask | None) -> None:
    """Copy the masked fields of ``source`` into ``target``; a masked field absent from ``source`` is
    cleared (Google's update semantics)."""
    if mask is None or "*" in mask:
        for k, v in source.items():
            target[k] = copy.deepcopy(v)
        return
    for key, sub in mask.items():
        if sub is None:
            if key in source:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
        else:
            src = source.get(key)
            if not isinstance(src, dict):
                src = {}
            node = target.get(key)
            if not isinstance(node, dict):
                node = {}
            update_masked(node, src, sub)
            if node:
                target[key] = node
            else:
                target.pop(key, None)
