"""The Jinja environment: template folders in order, autoescape, and the safe-markup filters.

A clinic's ``templates/`` folder is searched before the theme's, so a clinic
overrides one template (or one stylesheet under ``css/``) by shipping a file of
the same name. Stylesheets are included as templates, without HTML escaping:
they only ever receive brand values, which are validated as colours, lengths
and family names. Templates run in
Jinja's sandbox; content strings are data and are only ever escaped or passed
through the restricted Markdown below, never evaluated as templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from babel.dates import format_date
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .errors import relative_name

_BLOCK = MarkdownIt("zero", {"html": False, "typographer": True}).enable(
    ["emphasis", "link", "list", "paragraph", "escape", "newline", "replacements",
     "smartquotes"])


_NUMBER_SPACE = re.compile(r"(?<=[\d)]) (?=[\d(])")
"""A space inside a phone number (``+1 (207) 555-0199``): a line must not break there."""


def nobreak(text: str) -> Markup:
    """``text`` (escaped unless it is markup) with phone numbers kept on one line."""
    return Markup(_NUMBER_SPACE.sub("\u00a0", str(escape(text))))


def markdown(text: str, suffix: str = "") -> Markup:
    """Render a content string as block HTML: paragraphs, lists, emphasis, links.

    ``suffix`` (markup, such as a citation) goes inside the last paragraph.
    """
    html = nobreak(Markup(_BLOCK.render(text).strip()))
    if not suffix:
        return html
    if html.endswith("</p>"):
        return Markup(html.removesuffix("</p>")) + escape(suffix) + Markup("</p>")
    return html + escape(suffix)


def markdown_inline(text: str) -> Markup:
    """Render a content string as inline HTML: emphasis and links only."""
    return nobreak(Markup(_BLOCK.renderInline(text)))


def long_date(value: date, language: str = "en") -> str:
    """A date written out for readers: ``1 November 2026`` or ``November 1, 2026``."""
    return format_date(value, format="long", locale=language)


def short_date(value: date, language: str = "en") -> str:
    """A date for tight places such as footers: ``1 Nov 2026`` or ``Nov 1, 2026``."""
    return format_date(value, format="medium", locale=language)


class ProjectLoader(FileSystemLoader):
    """A template loader that refuses files whose real path leaves its folders (a link to
    another clinic's templates, or out of the project)."""

    def __init__(self, folders: list[Path], root: Path) -> None:
        existing = [folder for folder in folders if folder.is_dir()]
        super().__init__([str(folder) for folder in existing])
        self.root = root.resolve()
        self.folders = [folder.resolve() for folder in existing]

    def get_source(self, environment: Environment, template: str,
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(folder) for folder in self.folders):
            raise TemplateNotFound(f"{template} (it links to {relative_name(real, self.root)}, "
                                   "outside this clinic's templates and the theme)")
        return source, filename, uptodate


def make_environment(folders: list[Path], root: Path) -> SandboxedEnvironment:
    """A Jinja environment over the existing ``folders``, first one first."""
    environment = SandboxedEnvironment(
        loader=ProjectLoader(folders, root),
        autoescape=select_autoescape(disabled_extensions=("css",), default_for_string=True,
                                     default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown
    environment.filters["inline"] = markdown_inline
    environment.filters["nobreak"] = nobreak
    environment.filters["long_date"] = long_date
    environment.filters["short_date"] = short_date
    return environment
