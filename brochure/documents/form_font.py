"""A small font for form fields.

A PDF viewer draws what a patient types into a field with the field's font, so
WeasyPrint embeds that font whole, not subset: a large brand font made the
consent form several times larger. Fields get the brand's regular face cut
down to the Latin letters, digits and punctuation that names, dates and
initials need, passed as a data: URL so it never touches the disk.
"""

from __future__ import annotations

import base64
import functools
import logging
from io import BytesIO
from pathlib import Path

FORM_UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2027), 0x20AC]
"""Basic Latin, Latin-1 and Latin Extended-A, dashes and quotes, and the euro sign."""


def form_font_data_uri(path: Path) -> str:
    """The font at ``path`` cut down to :data:`FORM_UNICODES`, as a ``data:`` URL."""
    kind = "otf" if path.suffix.lower() == ".otf" else "ttf"
    return f"data:font/{kind};base64,{_subset(path.read_bytes())}"


@functools.lru_cache(maxsize=8)  # a pure function of the bytes; bounded for long runs
def _subset(font: bytes) -> str:
    """The font file ``font`` cut down to :data:`FORM_UNICODES`, in base64."""
    from fontTools import subset  # slow to import: only when a form is rendered
    from fontTools.ttLib import TTFont

    # Some shipped fonts carry a zero creation date; fontTools warns on reading it, but the
    # date is kept as it is (recalcTimestamp=False), so the warning says nothing useful.
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    options = subset.Options()
    # A viewer draws typed text from the glyphs and their advance widths alone: it applies
    # no OpenType layout. Without those tables the subset is smaller and three times faster.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    with TTFont(BytesIO(font), recalcTimestamp=False) as parsed:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=FORM_UNICODES)
        subsetter.subset(parsed)
        output = BytesIO()
        parsed.save(output)
    return base64.b64encode(output.getvalue()).decode("ascii")
