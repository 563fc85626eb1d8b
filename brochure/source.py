"""YAML loading that remembers where every key and item came from.

Only plain data is accepted (the safe YAML subset). Documents are limited in
size and in the number of nodes they expand to, so that a file with nested
aliases (a "billion laughs") cannot exhaust memory.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Location, Problem, relative_name

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where installed (several times faster), else PyYAML's own."""

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50

PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")

KeyPath = tuple[str | int, ...]


@dataclass
class SourceFile:
    """A parsed YAML file: its data and the position of each key path."""

    name: str
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: KeyPath) -> Location:
        """Return the location of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            position = self.positions.get(tuple(path[:end]))
            if position is not None:
                return Location(self.name, *position)
        return Location(self.name)

    def problem(self, path: KeyPath, message: str, rule: str = "", *, value: str | None = None,
                allowed: tuple[str, ...] = ()) -> Problem:
        """A problem located at ``path``, with what is allowed and the value given (by
        default, the value the file has at ``path``)."""
        given = self.value_at(path) if value is None else value
        return Problem(self.locate(path), format_key(path), message, rule, given, allowed)

    def value_at(self, path: KeyPath) -> str:
        """The value at ``path`` as a reader would name it; ``""`` when there is none."""
        data = self.data
        for part in path:
            try:
                data = data[part]
            except (KeyError, IndexError, TypeError):
                return ""
        return describe_value(data)


def describe_value(data: Any, limit: int = 60) -> str:
    """A value as short text: text as written, a number or date as YAML writes it, a list
    or a block of keys by what it holds."""
    if data is None:
        return ""
    if isinstance(data, dict):
        return f"a block of {len(data)} key(s): {', '.join(map(str, data))}"[:limit]
    if isinstance(data, list):
        return f"a list of {len(data)} item(s)"
    if isinstance(data, bool):
        return "true" if data else "false"
    text = str(data)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_key(path: KeyPath) -> str:
    """Render a key path the way a reader finds it in YAML: ``risks.items[2].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Builder:
    """Turns a composed YAML node tree into Python data and a position table."""

    def __init__(self, name: str, loader: yaml.SafeLoader) -> None:  # or CSafeLoader
        self.name = name
        self.loader = loader
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.nodes = 0

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error(node, path, f"the file expands to more than {MAX_NODES} values")
        if len(path) > MAX_DEPTH:
            raise self._error(node, path, f"values are nested more than {MAX_DEPTH} deep")
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in PLAIN_TAGS:
            raise self._error(node, path, f"YAML tags such as '{node.tag}' are not allowed: "
                                          "only plain data")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Hashable, Any]:
        self.loader.flatten_mapping(node)
        result: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise self._error(key_node, path, "keys must be plain text")
            key = str(key)
            child = (*path, key)
            if key in result:
                raise self._error(key_node, child, f"duplicate key '{key}'")
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        return result

    def _error(self, node: yaml.Node, path: KeyPath, message: str) -> InputError:
        mark = node.start_mark
        return InputError([Problem(Location(self.name, mark.line + 1, mark.column + 1),
                                   format_key(path), message)])


def load_yaml(path: Path, root: Path) -> SourceFile:
    """Load one YAML file; raise :class:`InputError` naming the file and line on failure."""
    name = relative_name(path, root)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(Location(name), "", "file not found")]) from None
    except OSError as error:
        raise InputError([Problem(Location(name), "", f"cannot read: {error.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(Location(name), "",
                                  f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError([Problem(Location(name), "",
                                  f"not UTF-8 text (byte {error.start})")]) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> SourceFile:
    """Parse YAML text; ``name`` is used in error messages."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return SourceFile(name, None)
        builder = _Builder(name, loader)
        data = builder.build(node, ())
        return SourceFile(name, data, builder.positions)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = error.problem or error.context or "invalid YAML"
        raise InputError([Problem(Location(name, line, column), "",
                                  f"invalid YAML: {message}")]) from None
    except yaml.YAMLError as error:
        raise InputError([Problem(Location(name), "", f"invalid YAML: {error}")]) from None
    except RecursionError:
        raise InputError([Problem(Location(name), "", f"values are nested more than "
                                                      f"{MAX_DEPTH} deep")]) from None
    finally:
        loader.dispose()
