"""Numbered citations: sources are numbered in the order a document first cites them."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from ..models.content import Source


class Citations:
    """Hands out source numbers while a template renders, then lists what was cited."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self._sources = sources
        self._numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> Markup:
        """A superscript reference such as ``[2, 5]`` linking to the source list."""
        numbers = sorted({self._number(source_id) for source_id in ids})
        if not numbers:
            return Markup("")
        links = Markup(", ").join(Markup('<a href="#source-{0}">{0}</a>').format(number)
                                  for number in numbers)
        return Markup('<sup class="cite">[{}]</sup>').format(links)

    def used(self) -> list[tuple[int, str, Source]]:
        """(number, id, source) for every source cited so far, in number order."""
        return [(number, source_id, self._sources[source_id])
                for source_id, number in self._numbers.items()]

    def _number(self, source_id: str) -> int:
        return self._numbers.setdefault(source_id, len(self._numbers) + 1)
