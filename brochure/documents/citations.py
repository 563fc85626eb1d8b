"""Numbered citations: sources are numbered in the order a document first cites them."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from ..models.base import EN_DASH
from ..models.content import Source


class Citations:
    """Hands out source numbers while a template renders, then lists what was cited."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self._sources = sources
        self._numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> Markup:
        """A superscript reference such as ``[2, 5]`` or ``[7-14]`` (en dash), linked to sources."""
        numbers = sorted({self._number(source_id) for source_id in ids})
        if not numbers:
            return Markup("")
        links = Markup(", ").join(self._link(first, last) for first, last in _runs(numbers))
        return Markup('<sup class="cite">[{}]</sup>').format(links)

    @staticmethod
    def _link(first: int, last: int) -> Markup:
        """One number, or a run of three or more as ``first-last`` (each end a link)."""
        link = Markup('<a href="#source-{0}">{0}</a>')
        if first == last:
            return link.format(first)
        if last == first + 1:
            return link.format(first) + Markup(", ") + link.format(last)
        return link.format(first) + Markup(EN_DASH) + link.format(last)

    def used(self) -> list[tuple[int, str, Source]]:
        """(number, id, source) for every source cited so far, in number order."""
        return [(number, source_id, self._sources[source_id])
                for source_id, number in self._numbers.items()]

    def _number(self, source_id: str) -> int:
        return self._numbers.setdefault(source_id, len(self._numbers) + 1)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted numbers as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
