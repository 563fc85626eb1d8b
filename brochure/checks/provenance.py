"""Where a printed sentence was written: the YAML value or template line it came from.

Printed text has been through Markdown, Jinja and the clinic's overrides, so it
is found again by its words: every input file is cut into lower-case words with
their line and column, and a sentence is placed where the longest run of its
opening words appears. Values that a template fills in (a clinic's name, a
number of sessions) end a run, so a sentence that opens with template text is
placed in the template, and one that opens with content in the content file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..errors import Location

WORD = re.compile(r"[^\W_]+")
ENOUGH = 25
"""Opening words that place a sentence beyond doubt; matching stops there."""


@dataclass(frozen=True)
class _Word:
    file: int
    index: int


class SourceIndex:
    """The words of every input file, for finding where printed text came from."""

    def __init__(self, files: list[tuple[str, str]]) -> None:
        """``files`` holds (name, text) pairs, most specific first: ties go to the earlier."""
        self._names = [name for name, _ in files]
        self._words: list[list[str]] = []
        self._places: list[list[tuple[int, int]]] = []
        self._starts: dict[str, list[_Word]] = defaultdict(list)
        for number, (_, text) in enumerate(files):
            words, places = _cut(text)
            self._words.append(words)
            self._places.append(places)
            for index, word in enumerate(words):
                self._starts[word].append(_Word(number, index))

    def locate(self, text: str, fallback: Location) -> Location:
        """The place ``text`` was most likely written, or ``fallback`` when no words match."""
        words = [word.lower() for word in WORD.findall(text)]
        best: tuple[int, _Word] | None = None
        for skip in range(min(3, len(words))):  # a sentence may open with a filled-in value
            wanted = words[skip:skip + ENOUGH]
            for start in self._starts.get(wanted[0], ()):
                length = self._run(start, wanted)
                if best is None or length > best[0]:
                    best = (length, start)
                    if length == len(wanted):
                        break
            if best is not None and best[0] >= min(3, len(wanted)):
                break
            best = None
        if best is None:
            return fallback
        line, column = self._places[best[1].file][best[1].index]
        return Location(self._names[best[1].file], line, column)

    def _run(self, start: _Word, wanted: list[str]) -> int:
        words = self._words[start.file]
        length = 0
        while (length < len(wanted) and start.index + length < len(words)
               and words[start.index + length] == wanted[length]):
            length += 1
        return length


def _cut(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The lower-case words of ``text`` and the (line, column) of each, counted from 1."""
    words: list[str] = []
    places: list[tuple[int, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in WORD.finditer(line):
            words.append(match.group().lower())
            places.append((number, match.start() + 1))
    return words, places
