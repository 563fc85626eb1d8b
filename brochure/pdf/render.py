"""HTML to PDF with WeasyPrint, through the sandbox, with the brand's fonts enforced."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from ..compat import source_date
from ..errors import LayoutOverflow, MissingCharacters, RenderError
from ..models.brand import Theme
from .fetcher import SandboxedFetcher
from .finish import PageLayout, finish_pdf, needs_finishing
from .layout import overflows

_LOG = logging.getLogger("weasyprint")
logging.getLogger("fontTools").setLevel(logging.ERROR)  # font-file date quibbles are noise


class FontConfigs:
    """The font configurations one process renders with, owned by whoever renders.

    A configuration is reused across renders, since a new one per render lets memory
    grow; but there is one per set of font contents, since two clinics may give one
    family name to different files, and fontconfig would then pick either. Clinics
    with the same fonts in different folders share one. Each configuration keeps its
    fonts in a temporary folder of its own process: never hand one to another process.
    """

    KEPT = 4
    """Configurations kept: enough for the font sets a worker alternates between."""

    def __init__(self) -> None:
        self._configs: OrderedDict[Hashable, FontConfiguration] = OrderedDict()

    def for_theme(self, root: Path, theme: Theme) -> FontConfiguration:
        """The configuration for ``theme``'s font files (paths relative to ``root``)."""
        key = tuple((face.family, face.weight, face.style, _contents(root / face.path))
                    for face in theme.fonts)
        config = self._configs.pop(key, None) or FontConfiguration()
        self._configs[key] = config
        while len(self._configs) > self.KEPT:
            self._configs.popitem(last=False)
        return config

    def close(self) -> None:
        """Free the configurations while Pango is still loaded to free them."""
        self._configs.clear()


def _contents(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # a missing file fails the render with WeasyPrint's own message
        return ""


def render_pdf(html: str, root: Path, theme: Theme, released: date, fonts: FontConfigs,
               folders: Sequence[Path] = ()) -> tuple[bytes, int]:
    """Render ``html`` (asset URLs relative to ``root``) into PDF bytes and a page count.

    Files come from ``folders`` only (default: the whole project); see
    :class:`~brochure.pdf.fetcher.SandboxedFetcher`.

    ``released`` stands in for "now" wherever a tool would write the clock into
    the output (the font subsetter stamps each font), so the bytes depend on
    the content alone. Raises :class:`RenderError` when a resource is refused
    or when any text is set in a font that is not one of ``theme``'s.
    """
    fetcher = SandboxedFetcher(root, folders)
    warnings = _Collector()
    _LOG.addHandler(warnings)
    try:
        with source_date(released):
            document = HTML(string=html, base_url=root.resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(font_config=fonts.for_theme(root, theme),
                                                        pdf_forms=True)
            pdf = document.write_pdf(pdf_tags=True, custom_metadata=True)
            pages = [PageLayout(page.height, page.anchors) for page in document.pages]
            outside = overflows(document.pages)
            if outside:
                raise LayoutOverflow([(item.page, item.text, item.where) for item in outside])
            _check_first_page(pages)
            if needs_finishing(pages):
                pdf = finish_pdf(pdf, pages)
    except RenderError:  # a refused resource, or a cover that runs over
        raise
    except Exception as error:  # a renderer bug must fail this document, not the build
        raise RenderError(f"the PDF renderer failed: {type(error).__name__}: {error}") from None
    finally:
        _LOG.removeHandler(warnings)
    if fetcher.refusals:
        refused = dict.fromkeys(refusal.message for refusal in fetcher.refusals)
        raise RenderError("; ".join(refused))
    if warnings.messages:
        raise RenderError("; ".join(warnings.messages))
    _check_fonts(document.fonts.values(), theme.font_names, html)
    return pdf, len(pages)


FIRST_PAGE_END = "first-page-end"
"""The id of an element that must lie on the first page: a cover must not run over."""


def _check_first_page(pages: list[PageLayout]) -> None:
    if any(FIRST_PAGE_END in page.anchors for page in pages[1:]):
        raise RenderError("the cover runs over onto a second page: shorten the facts it "
                          "shows (the evidence summary, the risks' introduction, the technique)"
                          " or the clinic's tagline")


def _check_fonts(fonts: Iterable[Any], allowed: set[str], html: str) -> None:
    """Every text is set in the brand's fonts; a fallback font names the missing characters."""
    foreign = [font for font in fonts if str(getattr(font, "family", "?")) not in allowed]
    if not foreign:
        return
    families = sorted({str(getattr(font, "family", "?")) for font in foreign})
    named = [family for family in families if family in html]
    characters = [] if named else sorted({character for font in foreign
                         for text in getattr(font, "to_unicode", {}).values()
                         for character in str(text) if not character.isspace()})
    if characters:
        shown = ", ".join(_character(character) for character in characters[:8])
        raise MissingCharacters(
            f"the brand fonts have no letter for {shown}, so it was printed in "
            f"{', '.join(families)}: use another character, or a brand font that has it",
            characters)
    raise RenderError(f"text was set in {', '.join(families)}, which is not a brand or theme "
                      f"font ({', '.join(sorted(allowed))}): a template names a font it does "
                      "not ship")


def _character(character: str) -> str:
    """``"☃" (U+2603 SNOWMAN)``: a character as a reader and a font tool can find it."""
    name = unicodedata.name(character, "")
    return f'"{character}" (U+{ord(character):04X}{" " + name if name else ""})'


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings that mean a resource was left out of the output."""

    SERIOUS = ("Failed to load", "Failed to handle", "Failed to render", "Font-face")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(self.SERIOUS):
            self.messages.append(message.splitlines()[0])
