"""Render a document's template to the HTML that WeasyPrint receives."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import RenderError, relative_name
from ..request import DocumentRequest
from ..theme import make_environment
from .context import document_context


class HtmlRenderer:
    """Renders documents to HTML with one Jinja environment per set of template folders, so
    that a run compiles each template once (Jinja compiles a template again if its file
    changes). Owned by whoever renders: a check, a printer, a worker."""

    def __init__(self) -> None:
        self._environments: dict[tuple[Path, ...], SandboxedEnvironment] = {}

    def render(self, request: DocumentRequest, compact: bool = False) -> str:
        """The HTML of the requested document; template mistakes raise :class:`RenderError`.

        ``compact`` sets the page tighter (less space between lines and rows, never smaller
        type), for a document that must fit its pages and does not at the brand's spacing.
        """
        project, site, document = request.project, request.site, request.document
        context = document_context(request, compact)
        try:
            with _time_limit(RENDER_SECONDS):
                return self._environment(request).get_template(f"{document}.html").render(context)
        except _TooSlow:
            raise RenderError(f"{document}.html took more than {RENDER_SECONDS} s to fill in: a "
                              "loop in a clinic's template runs too long; shorten it") from None
        except RecursionError:
            raise RenderError(f"{document}.html includes or calls itself without end: a "
                              "template may not include itself") from None
        except OverflowError:
            raise RenderError(f"{_template_line(project.root)}a loop in the template is too "
                              "long: at most 100,000 rounds") from None
        except SecurityError:
            raise RenderError(f"{_template_line(project.root)}the template reaches into the "
                              "program's own objects, which templates may not do") from None
        except TemplateNotFound as error:
            raise RenderError(f"template not found: {error.name} (looked in "
                              f"{relative_name(site.templates, project.root)}/ and templates/)"
                              ) from None
        except TemplateSyntaxError as error:
            where = f"{relative_name(Path(error.filename), project.root)}:{error.lineno}" \
                if error.filename else f"{document}.html"
            raise RenderError(f"{where}: template error: {error.message}") from None
        except TemplateError as error:
            raise RenderError(f"{_template_line(project.root)}template error: {error}"
                              ) from None

    def _environment(self, request: DocumentRequest) -> SandboxedEnvironment:
        folders = tuple(request.template_folders)
        environment = self._environments.get(folders)
        if environment is None:
            environment = make_environment(list(folders), request.project.root)
            self._environments[folders] = environment
        return environment


RENDER_SECONDS = 60
"""Filling in a template takes well under a second: a minute means a loop that never ends."""


class _TooSlow(Exception):
    """Raised by the timer when filling in a template takes too long."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the block after ``seconds`` (in the main thread, where the system has a timer)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return

    def expire(number: int, frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_html(request: DocumentRequest, compact: bool = False) -> str:
    """The HTML of one document, from a renderer of its own (see :class:`HtmlRenderer`)."""
    return HtmlRenderer().render(request, compact)


def _template_line(root: Path) -> str:
    """``file:line: `` of the innermost template frame of the exception being handled."""
    traceback = sys.exc_info()[2]
    where = ""
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            where = f"{relative_name(Path(filename), root)}:{traceback.tb_lineno}: "
        traceback = traceback.tb_next
    return where
