"""Reading one YAML configuration file without trusting it.

A configuration file is small. Before anything is built from it, this refuses what would crash or
stall whatever reads it next: a file that is a folder or not UTF-8, a huge file, nesting deeper than
any configuration needs (20,000 ``[`` would exhaust the stack), and aliases that expand past a node
budget (a "billion laughs": nine lines that become 10⁹ values once validated, printed or dumped).
Every refusal names the file, and the key path and line where it can.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 2_000_000  # the whole shipped configuration is under 20 kB
MAX_DEPTH = 40  # the deepest key of a configuration is 5 levels down
MAX_NODES = 200_000  # values after expanding aliases; 878 districts need about 10,000
_CLoader = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it


class YamlRefused(Exception):
    """The file cannot be used; the message names it, and the key path and line where known."""


def _where(path: Path, keys: list[str], node: Node | None) -> str:
    where = f"{path}: "
    if keys:
        where += ".".join(keys) + ": "
    if node is not None:
        where += f"line {node.start_mark.line + 1}: "
    return where


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than MAX_DEPTH while it composes."""

    def __init__(self, stream: str, path: Path):
        super().__init__(stream)
        self.source = path
        self.keys: list[str] = []

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if parent is not None:
            key = index.value if isinstance(index, ScalarNode) else "?" if index is None else index
            self.keys.append(str(key))
        try:
            if len(self.keys) > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    f"{self.source}: line {mark.line + 1}: nested more than {MAX_DEPTH} levels deep "
                    f"(at {'.'.join(self.keys[:3])}…); a configuration never is"
                )
            return super().compose_node(parent, index)
        finally:
            if parent is not None:
                self.keys.pop()


def _count(root: Node, path: Path) -> int:
    """The number of values the document holds once every alias is expanded, refusing it as soon as
    it passes MAX_NODES or an alias contains itself. Shared nodes are counted once per use, but
    measured once (so the count itself stays cheap)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Node, keys: list[str]) -> int:
        key = id(node)
        if key in sizes:
            counted = sizes[key]
        else:
            if key in open_nodes:
                raise YamlRefused(f"{_where(path, keys, node)}an alias that contains itself")
            open_nodes.add(key)
            counted = 1
            if isinstance(node, SequenceNode):
                counted += sum(size(child, [*keys, str(i)]) for i, child in enumerate(node.value))
            elif isinstance(node, MappingNode):
                counted += sum(size(k, keys) + size(v, [*keys, str(k.value)]) for k, v in node.value)
            open_nodes.discard(key)
            sizes[key] = counted
        if counted > MAX_NODES:
            raise YamlRefused(
                f"{_where(path, keys, node)}aliases (*name) expand to more than {MAX_NODES:,} values; "
                "write the values out, or use fewer aliases"
            )
        return counted

    return size(root, [])


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise YamlRefused(f"{path}: configuration file not found") from None
    except IsADirectoryError:
        raise YamlRefused(f"{path}: is a folder, not a configuration file") from None
    except OSError as exc:
        raise YamlRefused(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise YamlRefused(f"{path}: {len(data):,} bytes; a configuration file is at most {MAX_BYTES:,}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlRefused(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None


def _plainly_safe(text: str) -> bool:
    """Whether libyaml's parser sees a well-formed document with no alias, no nesting past
    MAX_DEPTH and at most MAX_NODES values: such a file needs none of the checks above and is
    loaded by libyaml, about ten times faster (a national districts.yaml). Anything else goes the
    checked way, which says what is wrong."""
    if _CLoader is None:
        return False
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=_CLoader):
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    return False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                return False
    except yaml.YAMLError:
        return False
    return True


def read_yaml(path: Path) -> Any:
    """The data of one YAML file (None when it is empty), or YamlRefused saying why not."""
    text = _text(path)
    if _plainly_safe(text):
        return yaml.load(text, Loader=_CLoader)  # noqa: S506 (the safe loader of libyaml)
    loader = _BoundedLoader(text, path)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _count(root, path)
        return loader.construct_document(root)
    except yaml.YAMLError as exc:
        raise YamlRefused(f"{path}: not valid YAML: {exc}") from None
    except RecursionError:
        raise YamlRefused(f"{path}: nested too deeply (through aliases); a configuration never is") from None
    finally:
        loader.dispose()
