"""YAML loading that remembers where every key and item came from.

Only plain data is accepted (the safe YAML subset). Documents are limited in
size and in the number of nodes they expand to, so that a file with nested
aliases (a "billion laughs") cannot exhaust memory.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Location, Problem, relative_name, shorten

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where installed (several times faster), else PyYAML's own."""

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50

PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
"""Dates are kept as the text written, quoted or not: the models read them (and say in
plain words what is wrong with 2026-13-01), not PyYAML's constructor, which crashes."""

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
    or a block of keys by what it holds. Invisible characters are shown by their code."""
    if data is None:
        return ""
    if isinstance(data, dict):
        return visible(f"a block of {len(data)} key(s): {', '.join(map(str, data))}")[:limit]
    if isinstance(data, list):
        return f"a list of {len(data)} item(s)"
    if isinstance(data, bool):
        return "true" if data else "false"
    return shorten(visible(str(data)), limit)


# --- characters no text may hold -------------------------------------------------------------

_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION",
                  0x0C: "FORM FEED", 0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE"}
_BACKWARDS = {0x202E}
_DIRECTION = {0x202A, 0x202B, 0x202C, 0x202D, 0x2066, 0x2067, 0x2068, 0x2069}
"""Embeddings, overrides and isolates: invisible, they reorder the words around them.
The marks U+200E, U+200F and U+061C are allowed: they only place punctuation in
right-to-left text and cannot turn words around."""
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e"
                        r"\u2066-\u2069\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""Control characters (tab and line breaks allowed), direction overrides, embeddings and
isolates, the invisible line and paragraph separators, non-characters, and bytes that are
not UTF-8 (read as lone surrogates)."""


def visible(text: str) -> str:
    """``text`` with every forbidden character written as its code: ``Harbor<U+202E>Hair``."""
    return _FORBIDDEN.sub(lambda match: f"<{_code(match.group(0))}>", text)


def _code(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"byte 0x{code - 0xDC00:02X}"
    return f"U+{code:04X}"


def character_problem(char: str) -> str:
    """What is wrong with a forbidden character, and what to do, in plain words."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return (f"the byte 0x{code - 0xDC00:02X} is not UTF-8 text; save the file as UTF-8 "
                "(in the editor: Save As, encoding UTF-8) and check the letters around it")
    name = f"U+{code:04X} {unicodedata.name(char, '') or _CONTROL_NAMES.get(code, '')}".strip()
    if code in _BACKWARDS:
        return f"{name}, invisible, it prints words backwards; delete it"
    if code in _DIRECTION:
        return f"{name}, invisible, it changes the direction words are printed in; delete it"
    if code in (0x2028, 0x2029):
        return (f"{name}, an invisible line break that editors may not show; delete it or "
                "use an ordinary new line")
    if code in (0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
        return f"{name}, not a character; delete it"
    return (f"{name}, an invisible control character (often pasted from another program); "
            "delete it")


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
    """Turns a composed YAML node tree into Python data and a position table.

    Text is checked as it is built: a forbidden character is a problem located at the
    character (``marks`` maps the stand-ins :func:`parse_yaml` put in its place to where it
    was); combining characters are composed (NFC).
    """

    def __init__(self, name: str, loader: yaml.SafeLoader,  # or CSafeLoader
                 marks: dict[str, tuple[str, int, int]] | None = None) -> None:
        self.name = name
        self.loader = loader
        self.marks = marks or {}
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.problems: list[Problem] = []
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
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        if node.tag == TIMESTAMP_TAG:
            value: Any = str(node.value)
        else:
            try:
                value = self.loader.construct_object(node, deep=True)
            except (ValueError, TypeError, OverflowError) as error:  # e.g. !!float abc
                raise self._error(node, path, f"'{visible(str(node.value))}' cannot be read "
                                              f"as the YAML tag {node.tag} asks; remove the "
                                              "tag") from error
        if isinstance(value, str):
            return self._text(value, node, path)
        return value

    def _text(self, text: str, node: yaml.Node, path: KeyPath) -> str:
        """``text`` with its stand-ins put back and composed; its first forbidden
        character (if any) reported where it is."""
        if self.marks:
            text = "".join(self.marks[char][0] if char in self.marks else char
                           for char in text)
            first = next((char for char in str(node.value) if char in self.marks), None)
        else:
            first = None
        found = _FORBIDDEN.findall(text)
        if found:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            if first is not None:
                _, line, column = self.marks[first]
            more = f" (and {len(found) - 1} more in this text)" if len(found) > 1 else ""
            shown = describe_value(text)
            self.problems.append(Problem(
                Location(self.name, line, column), format_key(path),
                f"{character_problem(found[0])}{more}: '{shown}'", value=shown))
        return unicodedata.normalize("NFC", text)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Hashable, Any]:
        self.loader.flatten_mapping(node)
        result: dict[Hashable, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._error(key_node, path, "keys must be plain text")
            key = self._scalar(key_node, path)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise self._error(key_node, path, "keys must be plain text")
            key = str(key)
            child = (*path, visible(key))
            if key in result:
                raise self._error(key_node, child, f"duplicate key '{visible(key)}'")
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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError([Problem(Location(name, 1, 1), "", "this file is saved as UTF-16; "
                                  "save it as UTF-8 (in the editor: Save As, encoding UTF-8)",
                                  value="UTF-16")])
    # A byte that is not UTF-8 becomes a lone surrogate: reported at its line and column,
    # under the key it is in, like any character that text may not hold.
    return parse_yaml(raw.decode("utf-8", errors="surrogateescape"), name)


MAX_MARKED = 100
"""Forbidden characters reported one by one; a file with more is not text."""


def _stand_ins(text: str, name: str) -> tuple[str, dict[str, tuple[str, int, int]]]:
    """``text`` with each forbidden character replaced by a private-use stand-in that YAML
    reads as an ordinary letter, and where each one was (character, line, column)."""
    found = list(_FORBIDDEN.finditer(text))
    if not found:
        return text, {}
    if len(found) > MAX_MARKED:
        line, column = _line_column(text, found[0].start())
        raise InputError([Problem(
            Location(name, line, column), "",
            f"{len(found)} characters that text may not hold, the first "
            f"{character_problem(found[0].group(0))}; is this a text file saved as UTF-8?",
            value=visible(text.splitlines()[line - 1])[:60])])
    present = set(text)
    spare = (chr(code) for code in range(0xF0000, 0xFFFFE) if chr(code) not in present)
    marks: dict[str, tuple[str, int, int]] = {}
    pieces = []
    end = 0
    for match in found:
        stand_in = next(spare)
        marks[stand_in] = (match.group(0), *_line_column(text, match.start()))
        pieces += [text[end:match.start()], stand_in]
        end = match.end()
    pieces.append(text[end:])
    return "".join(pieces), marks


def _line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``, lines ended by \\n."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def parse_yaml(text: str, name: str) -> SourceFile:
    """Parse YAML text; ``name`` is used in error messages."""
    original = text
    text, marks = _stand_ins(text, name)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return SourceFile(name, None)
        builder = _Builder(name, loader, marks)
        data = builder.build(node, ())
        if builder.problems:
            raise InputError(builder.problems)
        return SourceFile(name, data, builder.positions)
    except yaml.MarkedYAMLError as error:
        problems = [Problem(Location(name, line, column), "", f"{character_problem(char)}",
                            value=visible(char))
                    for char, line, column in marks.values()]
        raise InputError(problems or [syntax_problem(error, original, name)]) from None
    except yaml.YAMLError as error:
        raise InputError([Problem(Location(name), "", "this file cannot be read as YAML "
                                  f"({visible(str(error))[:80]})")]) from None
    except RecursionError:
        raise InputError([Problem(Location(name), "", f"values are nested more than "
                                                      f"{MAX_DEPTH} deep")]) from None
    finally:
        loader.dispose()


# --- YAML syntax errors in plain words -------------------------------------------------------

_KEY_LINE = re.compile(r"^(?P<indent>[ ]*(?:-[ ]+)*)(?P<key>[^\s#:'\"\[\]{}&*!|>%@`-][^:#]*?"
                       r"|'[^']*'|\"[^\"]*\")[ ]*:(?:\s|$)")


def _key_near(lines: list[str], index: int) -> str:
    """The key path of line ``index`` (or of the key above it), read from the indentation
    alone: a file that cannot be parsed has no other."""
    parts: list[str] = []
    limit: int | None = None
    for number in range(min(index, len(lines) - 1), -1, -1):
        match = _KEY_LINE.match(lines[number].expandtabs(2))  # a tab: one level, as meant
        if not match:
            continue
        indent = len(match["indent"])
        if limit is None or indent < limit:
            parts.append(match["key"].strip("'\""))
            limit = indent
            if indent == 0:
                break
    return visible(".".join(reversed(parts)))


def syntax_problem(error: yaml.MarkedYAMLError, text: str, name: str) -> Problem:
    """A YAML syntax error in plain words, at the place a reader must change.

    The common mistakes (a tab used to indent, a quote or bracket never closed, a colon
    missing, a value with ': ' in it, an item out of line) are named as such; PyYAML's own
    words are kept only for the rare others.
    """
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    context = error.context or ""
    problem = error.problem or ""
    row = lines[line] if line < len(lines) else ""
    char = row[column] if column < len(row) else ""
    opened = error.context_mark

    def at(line: int, column: int, message: str, value: str) -> Problem:
        value = visible(value.strip())[:60]
        return Problem(Location(name, line + 1, column + 1), _key_near(lines, line), message,
                       value=value)

    if char == "\t" or ("tab" in problem and "\t" in row[: column + 1]):
        tab = row.find("\t") if "\t" in row else column
        return at(line, tab, f"a tab; indent with spaces, not tabs: '{row.strip()}'", row)
    if "end of stream" in problem and "quoted" in context and opened is not None:
        quote_row = lines[opened.line]
        quote = quote_row[opened.column] if opened.column < len(quote_row) else "'"
        return at(opened.line, opened.column,
                  f"the quote {quote} that starts here is never closed: add the closing "
                  f"{quote} at the end of the value '{quote_row.strip()}'", quote_row)
    if "flow sequence" in context or "flow mapping" in context:
        where = opened or mark
        assert where is not None
        bracket, close = ("[", "]") if "sequence" in context else ("{", "}")
        start_row = lines[where.line]
        return at(where.line, where.column,
                  f"the {bracket} that starts here is never closed, or an item is missing a "
                  f"comma: end the list with {close} and separate its items with commas: "
                  f"'{start_row.strip()}'", start_row)
    if "expected ':'" in problem:
        where = opened or mark
        assert where is not None
        key_row = lines[where.line]
        return at(where.line, where.column,
                  f"a colon is missing: write 'key: value', such as 'name: Harbor Hair "
                  f"Clinic' (this line reads '{key_row.strip()}')", key_row)
    if "mapping values are not allowed" in problem:
        before = row[:column]
        if re.search(r":\s", before) or before.rstrip().startswith("- "):
            return at(line, column, "this value has ': ' in it; put the whole value in quotes, "
                                    f"such as title: \"Note: ...\" (the line reads "
                                    f"'{row.strip()}')", row)
        return at(line, column, "this line is indented further than the key above it, which "
                                "already has a value; line it up with the key above it, or "
                                f"move it under a key of its own: '{row.strip()}'", row)
    quote = row[:column].rstrip()[-1:]
    if quote in ("'", '"') and row[:column].count(quote) % 2 == 1:
        # the quote closed here was opened on an earlier line and never closed there
        for number in range(line - 1, -1, -1):
            if lines[number].split(" #")[0].count(quote) % 2 == 1:
                opening = lines[number]
                return at(number, opening.index(quote),
                          f"the quote {quote} that starts here is not closed on its line: add "
                          f"the closing {quote} at the end of the value '{opening.strip()}'",
                          opening)
    if ("expected key" in problem and column > len(row) - len(row.lstrip())
            and quote in ("'", '"')):
        return at(line, column, "there is more after the closing quote; put the whole value "
                                f"inside the quotes: '{row.strip()}'", row)
    if ("expected key" in problem or "expected <block end>" in problem
            or "'-' indicator" in problem):
        return at(line, column, "this line is not lined up with the lines above it: check the "
                                "spaces at its start (keys of one block start in the same "
                                "column, and list items all start with '- ' in one column): "
                                f"'{row.strip()}'", row)
    if "another document" in problem or "single document" in problem:
        return at(line, column, "'---' starts a second document, but a file holds one; delete "
                                f"the '---' line: '{row.strip()}'", row)
    if "undefined alias" in problem:
        return at(line, column, f"'{row[column:].split()[0] if row[column:] else '*'}' refers to "
                                "an anchor (&name) that is not defined above it; write the "
                                "value itself", row)
    if "cannot start any token" in problem and char:
        return at(line, column, f"a value cannot start with '{char}'; put the whole value in "
                                f"quotes: '{row.strip()}'", row)
    if "escape" in problem:
        return at(line, column, f"'{row[column:column + 2]}' is not an escape that double "
                                "quotes know; put the value in single quotes instead, or write "
                                f"two backslashes for one: '{row.strip()}'", row)
    return at(line, column, f"this line cannot be read as YAML ({problem or context}); check "
                            f"its quotes, colons and the spaces at its start: '{row.strip()}'",
              row)
