"""HTML to PDF with WeasyPrint, through the sandbox, with the brand's fonts enforced."""

from __future__ import annotations

import calendar
import contextlib
import functools
import logging
import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from ..errors import RenderError
from .fetcher import SandboxedFetcher, SandboxViolation
from .finish import PageLayout, finish_pdf, needs_finishing

_LOG = logging.getLogger("weasyprint")
logging.getLogger("fontTools").setLevel(logging.ERROR)  # font-file date quibbles are noise


@functools.cache
def _font_config() -> FontConfiguration:
    """One font configuration per process: a new one per render lets memory grow."""
    return FontConfiguration()


def render_pdf(html: str, root: Path, allowed_families: Iterable[str],
               released: date) -> tuple[bytes, int]:
    """Render ``html`` (asset URLs relative to ``root``) into PDF bytes and a page count.

    ``released`` stands in for "now" wherever a tool would write the clock into
    the output (the font subsetter stamps each font), so the bytes depend on
    the content alone. Raises :class:`RenderError` when a resource is refused
    or when any text is set in a font that is not one of ``allowed_families``.
    """
    fetcher = SandboxedFetcher(root)
    warnings = _Collector()
    _LOG.addHandler(warnings)
    try:
        with _source_date(released):
            document = HTML(string=html, base_url=root.resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(font_config=_font_config(),
                                                        pdf_forms=True)
            pdf = document.write_pdf(pdf_tags=True)
            pages = [PageLayout(page.height, page.anchors) for page in document.pages]
            if needs_finishing(pages):
                pdf = finish_pdf(pdf, pages)
    except SandboxViolation as error:
        raise RenderError(str(error)) from None
    except Exception as error:  # a renderer bug must fail this document, not the build
        raise RenderError(f"the PDF renderer failed: {type(error).__name__}: {error}") from None
    finally:
        _LOG.removeHandler(warnings)
    if fetcher.refusals:
        raise RenderError("; ".join(dict.fromkeys(str(refusal) for refusal in fetcher.refusals)))
    if warnings.messages:
        raise RenderError("; ".join(warnings.messages))
    _check_fonts(document.fonts.values(), set(allowed_families))
    return pdf, len(pages)


@contextlib.contextmanager
def _source_date(released: date) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH (read by fontTools) for the duration of one render."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(released.timetuple()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _check_fonts(fonts: Iterable[object], allowed: set[str]) -> None:
    foreign = sorted({str(getattr(font, "family", "?")) for font in fonts} - allowed)
    if foreign:
        raise RenderError(f"text was set in {', '.join(foreign)}, which is not a brand or "
                          f"theme font ({', '.join(sorted(allowed))}): a character is missing "
                          "from the brand fonts, or a template names a font it does not ship")


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
