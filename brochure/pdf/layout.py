"""Text that does not fit: read from WeasyPrint's laid-out boxes after rendering.

A word longer than its column, or a header that grows above the page, is drawn
outside its box: clipped, over a neighbour, or off the paper. Every such line is
found here, with its page, so that the document fails instead of printing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure import boxes

TOLERANCE = 2.0
"""CSS pixels a line may stand out of its box (rounding, italic overhangs)."""


@dataclass(frozen=True)
class Overflow:
    """A piece of text set outside its box or the page."""

    page: int
    text: str
    where: str
    """``its column`` or ``the page``."""


def overflows(pages: list[Any]) -> list[Overflow]:
    """Every text that runs out of its box or off the page, in page order (one per text)."""
    found: dict[tuple[int, str], Overflow] = {}
    for number, page in enumerate(pages, start=1):
        page_box = page._page_box  # WeasyPrint keeps the laid-out tree there
        for text, where in _outside(page_box, page_box.margin_width(), page.width,
                                    page.height):
            found.setdefault((number, text), Overflow(number, text, where))
    return list(found.values())


def _outside(box: Any, right: float, width: float, height: float
             ) -> Iterator[tuple[str, str]]:
    if isinstance(box, boxes.TextBox):
        end = box.position_x + box.width
        if (box.position_x < -TOLERANCE or box.position_y < -TOLERANCE
                or end > width + TOLERANCE or box.position_y + box.height > height + TOLERANCE):
            yield box.text, "the page"
        elif end > right + TOLERANCE:
            yield box.text, "its column"
        return
    if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.LineBox) \
            and box.width is not None:
        right = box.border_box_x() + box.border_width()
    for child in getattr(box, "children", ()):
        yield from _outside(child, right, width, height)
