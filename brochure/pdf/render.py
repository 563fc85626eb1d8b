"""HTML to PDF with WeasyPrint, through the sandbox, with the brand's fonts enforced."""

from __future__ import annotations

import atexit
import calendar
import contextlib
import logging
import os
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator
from datetime import date
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from ..digests import file_digest
from ..errors import RenderError
from ..models.brand import Theme
from .fetcher import SandboxedFetcher, SandboxViolation
from .finish import PageLayout, finish_pdf, needs_finishing

_LOG = logging.getLogger("weasyprint")
logging.getLogger("fontTools").setLevel(logging.ERROR)  # font-file date quibbles are noise

FONT_CONFIGS_KEPT = 4
"""Font configurations a process keeps: enough for the font sets a worker alternates between."""

_font_configs: OrderedDict[Hashable, FontConfiguration] = OrderedDict()
_inherited_font_configs: list[OrderedDict[Hashable, FontConfiguration]] = []


def _font_config(root: Path, theme: Theme) -> FontConfiguration:
    """The font configuration of this process for ``theme``'s font files.

    Reused across renders, since a new configuration per render lets memory
    grow; but one per set of font contents, since two clinics may give one
    family name to different files, and fontconfig would then pick either.
    Clinics with the same fonts in different folders share one.
    """
    key = tuple((face.family, face.weight, face.style, _contents(root / face.path))
                for face in theme.fonts)
    config = _font_configs.pop(key, None) or FontConfiguration()
    _font_configs[key] = config
    while len(_font_configs) > FONT_CONFIGS_KEPT:
        _font_configs.popitem(last=False)
    return config


def _contents(path: Path) -> str:
    try:
        return file_digest(path)
    except OSError:  # a missing file fails the render with WeasyPrint's own message
        return ""


def _forget_inherited_font_configs() -> None:
    """In a forked worker, start without the parent's configurations.

    They keep their fonts in the parent's temporary folder, so two workers
    using one would write the same files at once, and dropping one would
    delete the folder under the parent: they are kept alive and never used.
    """
    global _font_configs
    _inherited_font_configs.append(_font_configs)
    _font_configs = OrderedDict()


def _drop_font_configs() -> None:
    """Free this process's configurations at exit, while Pango is still loaded to free them."""
    _font_configs.clear()


os.register_at_fork(after_in_child=_forget_inherited_font_configs)
atexit.register(_drop_font_configs)


def render_pdf(html: str, root: Path, theme: Theme, released: date) -> tuple[bytes, int]:
    """Render ``html`` (asset URLs relative to ``root``) into PDF bytes and a page count.

    ``released`` stands in for "now" wherever a tool would write the clock into
    the output (the font subsetter stamps each font), so the bytes depend on
    the content alone. Raises :class:`RenderError` when a resource is refused
    or when any text is set in a font that is not one of ``theme``'s.
    """
    fetcher = SandboxedFetcher(root)
    warnings = _Collector()
    _LOG.addHandler(warnings)
    try:
        with _source_date(released):
            document = HTML(string=html, base_url=root.resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(font_config=_font_config(root, theme),
                                                        pdf_forms=True)
            pdf = document.write_pdf(pdf_tags=True, custom_metadata=True)
            pages = [PageLayout(page.height, page.anchors) for page in document.pages]
            _check_first_page(pages)
            if needs_finishing(pages):
                pdf = finish_pdf(pdf, pages)
    except SandboxViolation as error:
        raise RenderError(str(error)) from None
    except RenderError:
        raise
    except Exception as error:  # a renderer bug must fail this document, not the build
        raise RenderError(f"the PDF renderer failed: {type(error).__name__}: {error}") from None
    finally:
        _LOG.removeHandler(warnings)
    if fetcher.refusals:
        raise RenderError("; ".join(dict.fromkeys(str(refusal) for refusal in fetcher.refusals)))
    if warnings.messages:
        raise RenderError("; ".join(warnings.messages))
    _check_fonts(document.fonts.values(), theme.font_names)
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


FIRST_PAGE_END = "first-page-end"
"""The id of an element that must lie on the first page: a cover must not run over."""


def _check_first_page(pages: list[PageLayout]) -> None:
    if any(FIRST_PAGE_END in page.anchors for page in pages[1:]):
        raise RenderError("the cover runs over onto a second page: shorten the facts it "
                          "shows (the evidence summary, the risks' introduction, the technique)"
                          " or the clinic's tagline")


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
